package io.vxlb.action;

import io.vxlb.config.ActionLine;

import java.util.List;

/**
 * {@code deny [deny_status N | status N]}: answer with the proxy's error page for N (403 for
 * a request, 502 for a response). HAProxy 2.6.12 keeps the client connection (measured).
 */
public record DenyAction(int status) implements HttpAction, CompiledAction {
    static void register(HttpActions.Registrar r) {
        r.add("http-request deny", "[deny_status N | status N]: answer N (403)", a -> new DenyAction(status(a, a.first(), 403)));
        r.add("http-response deny", "[deny_status N | status N]: replace the response with N (502)", a -> new DenyAction(status(a, a.first(), 502)));
    }

    /**
     * {@code [deny_status N]} or HAProxy 2.2's {@code [status N]}; the reply options that may
     * follow {@code status} (a body, headers, error files) are refused until the proxy sends them.
     */
    static int status(ActionLine a, int i, int dflt) {
        int status = dflt;
        String w = a.word(i);
        if (w.equals("deny_status") || w.equals("status")) {
            status = a.integer(i + 1, "status code");
            if (status < 200 || status > 599) throw a.error(i + 1, "invalid " + w + " " + status, "use a status between 200 and 599");
            i += 2;
        }
        String next = a.word(i);
        if (List.of("content-type", "string", "lf-string", "file", "lf-file", "errorfile", "errorfiles", "hdr").contains(next)) {
            throw a.error(i, "'" + next + "' in a deny/tarpit reply is not supported yet (only its status is)",
                    "answer with a body through 'http-request return status N content-type T string S'");
        }
        if (next.equals("default-errorfiles")) i++;
        a.end(i);
        return status;
    }

    @Override public String keyword() { return "deny"; }

    @Override public CompiledAction compile(ActionCompiler c) { return this; }

    @Override
    public Verdict execute(ActionContext txn) {
        txn.deny(status);
        return Verdict.ANSWERED;
    }
}
