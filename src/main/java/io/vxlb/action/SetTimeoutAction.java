package io.vxlb.action;

import io.vxlb.config.ActionLine;
import io.vxlb.config.Units;
import io.vxlb.rules.CompiledSample;
import io.vxlb.rules.SampleExpr;

/**
 * {@code http-request set-timeout server|tunnel TIMEOUT|EXPR}: this stream's server or tunnel
 * timeout (HAProxy's action_timeout_set_stream_timeout); an expression gives milliseconds, and
 * no sample leaves the timeout as it was.
 */
public record SetTimeoutAction(boolean tunnel, long millis, SampleExpr expr) implements HttpAction {
    static void register(HttpActions.Registrar r) {
        r.add("http-request set-timeout", "server|tunnel TIMEOUT|EXPR: this stream's server or tunnel timeout (cur_server_timeout, cur_tunnel_timeout)", SetTimeoutAction::parse);
    }

    private static SetTimeoutAction parse(ActionLine a) {
        int i = a.first();
        if (!a.has(i) || !a.has(i + 1)) throw a.error(i, "'set-timeout' expects exactly 2 arguments", "e.g. 'http-request set-timeout server 5s'");
        if (!a.backendCapable()) throw a.error(0, "proxy '" + a.proxyName() + "' has no backend capability", "set the timeout in a backend or listen section");
        String name = a.word(i);
        if (!name.equals("server") && !name.equals("tunnel")) {
            throw a.error(i, "'set-timeout' rule supports 'server'/'tunnel' (got '" + name + "')", null);
        }
        String v = a.word(i + 1);
        long ms = -1;
        SampleExpr expr = null;
        if (!v.isEmpty() && Character.isDigit(v.charAt(0))) {
            try {
                ms = Units.durationMillis(v);
            } catch (IllegalArgumentException e) {
                throw a.error(i + 1, e.getMessage(), null);
            }
            if (ms == 0) throw a.error(i + 1, "null value is not valid for a 'set-timeout " + name + "' rule", "give a positive timeout");
        } else {
            expr = a.sample(i + 1);
        }
        a.end(i + 2);
        return new SetTimeoutAction(name.equals("tunnel"), ms, expr);
    }

    @Override public String keyword() { return "set-timeout"; }

    @Override
    public CompiledAction compile(ActionCompiler c) {
        CompiledSample s = expr == null ? null : c.sample(expr);
        return txn -> {
            long ms = millis;
            if (s != null) {
                Object v = s.eval(txn);
                Long n = v instanceof Long l ? l : v instanceof String str ? parseLong(str) : v instanceof Boolean b ? (b ? 1L : 0L) : null;
                if (n == null) return CompiledAction.Verdict.CONTINUE;
                ms = n;
            }
            txn.setStreamTimeout(tunnel, ms);
            return CompiledAction.Verdict.CONTINUE;
        };
    }

    private static Long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
