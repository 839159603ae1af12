package io.vxlb.action;

import io.vxlb.config.ActionLine;
import io.vxlb.rules.CompiledSample;
import io.vxlb.rules.SampleExpr;
import io.vxlb.stick.StickActions;

/**
 * The stick counter actions of {@code http-request} / {@code http-response} (HAProxy 2.6
 * section 4.2): {@code track-sc<N> KEY [table T]}, {@code sc-inc-gpc0(<N>)} / {@code
 * sc-inc-gpc1(<N>)}, {@code sc-set-gpt0(<N>) INT|EXPR}. {@code key} is the tracked key (TRACK)
 * or the gpt0 expression (SET_GPT0; null when {@code value} is the constant); {@code table} is
 * the rule's own proxy when the line names none. Run by {@link StickActions} (io.vxlb.stick).
 */
public record StickCounterAction(Op op, int slot, SampleExpr key, String table, int gpc, long value) implements HttpAction {
    public enum Op { TRACK, INC_GPC, SET_GPT0 }

    static void register(HttpActions.Registrar r) {
        for (String side : new String[] {"http-request", "http-response"}) {
            for (int slot = 0; slot < 3; slot++) {
                int sc = slot;
                r.add(side + " track-sc" + slot, "KEY [table T]: track the key in stick counter " + slot + " (counters summed across the cluster)",
                        a -> track(a, sc));
            }
            for (int gpc = 0; gpc < 2; gpc++) {
                int g = gpc;
                r.add(side + " sc-inc-gpc" + gpc, "sc-inc-gpc" + gpc + "(SC): increment gpc" + gpc + " of a tracked counter", a -> {
                    int slot = scArg(a, "sc-inc-gpc" + g);
                    a.end(2);
                    return new StickCounterAction(Op.INC_GPC, slot, null, null, g, 0);
                });
            }
            r.add(side + " sc-set-gpt0", "sc-set-gpt0(SC) INT|EXPR: set gpt0 of a tracked counter", StickCounterAction::setGpt0);
        }
    }

    private static StickCounterAction track(ActionLine a, int slot) {
        a.need(2, "a key to track (e.g. 'track-sc" + slot + " src')");
        SampleExpr key = a.sample(2);
        int i = 3;
        String table = null;
        if (a.word(i).equals("table")) {
            table = a.string(i + 1, "a table name");
            i += 2;
        }
        a.end(i);
        // without 'table', the table of the proxy whose rule this is (resolved here, once)
        return new StickCounterAction(Op.TRACK, slot, key, table != null ? table : a.proxyName(), 0, 0);
    }

    /** {@code sc-inc-gpc0(N)}; HAProxy 2.6 also takes the bare keyword as counter 0. */
    private static int scArg(ActionLine a, String action) {
        String w = a.word(1);
        if (w.equals(action)) return 0;
        if (!w.startsWith(action + "(") || !w.endsWith(")")) throw a.error(1, "expected " + action + "(<sc-id>)", "e.g. " + action + "(0)");
        String n = w.substring(action.length() + 1, w.length() - 1);
        if (!n.matches("[0-2]")) throw a.error(1, "invalid stick counter '" + n + "' in " + w, "0, 1 or 2");
        return n.charAt(0) - '0';
    }

    private static StickCounterAction setGpt0(ActionLine a) {
        int slot = scArg(a, "sc-set-gpt0");
        a.need(2, "an integer or a sample expression");
        String v = a.word(2);
        a.end(3);
        if (v.matches("-?[0-9]+")) {
            try {
                return new StickCounterAction(Op.SET_GPT0, slot, null, null, 0, Long.parseLong(v));
            } catch (NumberFormatException e) {
                throw a.error(2, "integer '" + v + "' is too large", null);
            }
        }
        return new StickCounterAction(Op.SET_GPT0, slot, a.sample(2), null, 0, 0);
    }

    @Override
    public String keyword() {
        return switch (op) {
            case TRACK -> "track-sc" + slot;
            case INC_GPC -> "sc-inc-gpc" + gpc;
            case SET_GPT0 -> "sc-set-gpt0";
        };
    }

    @Override
    public CompiledAction compile(ActionCompiler c) {
        CompiledSample sample = key == null ? null : c.sample(key);
        return switch (op) {
            case TRACK -> txn -> {
                // HAProxy 2.6.12 counts the request on http-response tracking too (measured: http_req_cnt)
                StickActions.track(txn, txn.stickTables(), txn.trackingCounters(), slot, table, sample, true);
                return CompiledAction.Verdict.CONTINUE;
            };
            case INC_GPC -> txn -> {
                StickActions.incGpc(txn.streamCounters(), slot, gpc);
                return CompiledAction.Verdict.CONTINUE;
            };
            case SET_GPT0 -> txn -> {
                StickActions.setGpt0(txn, txn.streamCounters(), slot, sample, value);
                return CompiledAction.Verdict.CONTINUE;
            };
        };
    }
}
