package io.vxlb.action;

import io.vxlb.rules.CompiledSample;
import io.vxlb.rules.SampleExpr;

/**
 * The {@code http-request} actions on the client connection itself (HAProxy 2.6 section 4.3):
 * {@code set-src EXPR}, {@code set-dst EXPR} (an address; the port is kept), {@code
 * set-src-port EXPR}, {@code set-dst-port EXPR} — they change the connection's addresses for
 * what follows (fetches, logs, X-Forwarded-For, later requests of the connection), as HAProxy
 * changes its connection's — and {@code reject}: the connection closes at once, no answer.
 * A sample that is not an address (or a port 0-65535) changes nothing, as in HAProxy.
 */
public record ConnectionAction(Op op, SampleExpr expr) implements HttpAction {
    public enum Op { SET_SRC, SET_DST, SET_SRC_PORT, SET_DST_PORT, REJECT }

    static void register(HttpActions.Registrar r) {
        for (Op op : new Op[] {Op.SET_SRC, Op.SET_DST, Op.SET_SRC_PORT, Op.SET_DST_PORT}) {
            String kw = word(op);
            r.add("http-request " + kw, "EXPR: the connection's " + (op == Op.SET_SRC || op == Op.SET_DST ? "address" : "port")
                    + " becomes the sample's for what follows", a -> {
                a.need(a.first(), "a sample expression (e.g. '" + kw + " hdr(x-forwarded-for)')");
                return new ConnectionAction(op, a.sample(a.first()));
            });
        }
        r.add("http-request reject", "close the client connection at once, without an answer", a -> {
            a.end(a.first());
            return new ConnectionAction(Op.REJECT, null);
        });
    }

    private static String word(Op op) {
        return switch (op) {
            case SET_SRC -> "set-src";
            case SET_DST -> "set-dst";
            case SET_SRC_PORT -> "set-src-port";
            case SET_DST_PORT -> "set-dst-port";
            case REJECT -> "reject";
        };
    }

    @Override public String keyword() { return word(op); }

    @Override
    public CompiledAction compile(ActionCompiler c) {
        if (op == Op.REJECT) return txn -> {
            txn.reject();
            return CompiledAction.Verdict.ANSWERED;
        };
        CompiledSample s = c.sample(expr);
        boolean source = op == Op.SET_SRC || op == Op.SET_SRC_PORT;
        boolean address = op == Op.SET_SRC || op == Op.SET_DST;
        return txn -> {
            Object v = s.eval(txn);
            if (v != null) {
                if (address) {
                    String ip = io.vxlb.maps.IpLiteral.canonical(String.valueOf(v));
                    if (ip != null) txn.setAddress(source, ip);
                } else if (v instanceof Long port && port >= 0 && port <= 65535) {
                    txn.setPort(source, port.intValue());
                }
            }
            return CompiledAction.Verdict.CONTINUE;
        };
    }
}
