package io.vxlb.action;

import java.util.Set;

/**
 * {@code deny [deny_status N | status N] [reply options]}: answer with the proxy's error page
 * for N (403 for a request, 502 for a response), or with the reply the options give (HttpReply:
 * an error file, a body, headers). HAProxy 2.6.12 keeps the client connection (measured).
 */
public record DenyAction(HttpReply reply) implements HttpAction {
    static void register(HttpActions.Registrar r) {
        r.add("http-request deny", "[deny_status N | status N] [reply options, as return]: answer N (403)", a -> new DenyAction(reply(a, 403)));
        r.add("http-response deny", "[deny_status N | status N] [reply options, as return]: replace the response with N (502)", a -> new DenyAction(reply(a, 502)));
    }

    /** {@code deny_status N} or HAProxy 2.2's {@code status N}, then the reply; without a payload, the proxy's error page. */
    static HttpReply reply(io.vxlb.config.ActionLine a, int dflt) {
        return HttpReply.parse(a, a.first(), dflt, Set.of("deny_status", "status"), HttpReply.Kind.DEFAULT_ERRORFILES);
    }

    public int status() {
        return reply.status();
    }

    @Override public String keyword() { return "deny"; }

    @Override
    public CompiledAction compile(ActionCompiler c) {
        return reply.compile(c, true);
    }
}
