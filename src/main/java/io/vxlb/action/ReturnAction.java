package io.vxlb.action;

import java.util.Set;

/**
 * {@code return [status N] [content-type T] [string S | lf-string FMT | file F | lf-file F |
 * errorfile F | errorfiles NAME | default-errorfiles] [hdr NAME FMT]*}: a local reply (HttpReply).
 */
public record ReturnAction(HttpReply reply) implements HttpAction {
    static void register(HttpActions.Registrar r) {
        r.add("http-request return", "[status N] [content-type T] [string S|lf-string FMT|file F|lf-file F|errorfile F|errorfiles NAME|default-errorfiles] [hdr NAME FMT]*", ReturnAction::parse);
        r.add("http-response return", "as http-request return", ReturnAction::parse);
    }

    private static ReturnAction parse(io.vxlb.config.ActionLine a) {
        return new ReturnAction(HttpReply.parse(a, a.first(), 200, Set.of("status"), HttpReply.Kind.NONE));
    }

    public int status() {
        return reply.status();
    }

    @Override public String keyword() { return "return"; }

    @Override
    public CompiledAction compile(ActionCompiler c) {
        return reply.compile(c, false);
    }
}
