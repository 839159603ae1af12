package io.vxlb.stick;

import io.vxlb.config.StickDataType;
import io.vxlb.rules.CompiledSample;
import io.vxlb.rules.Txn;

/**
 * What the stick counter actions do (HAProxy 2.6 http_req_get_intercept_rule /
 * http_res_get_intercept_rule: ACT_ACTION_TRK_SC*, sc-inc-gpc*, sc-set-gpt0), called by
 * io.vxlb.action.StickCounterAction. Every call only touches this node's tables.
 */
public final class StickActions {
    private StickActions() {
    }

    /**
     * track-sc: the slot follows the key's entry unless it already follows one; an http-request
     * tracking also counts the request (HAProxy: "count a new HTTP request as it's the first time").
     */
    public static void track(Txn txn, StickTables tables, StreamCounters counters, int slot, String table, CompiledSample key, boolean request) {
        if (counters == null || counters.trackedHere(slot)) return;
        StickTable t = tables.get(table);
        if (t == null) return;
        counters.track(slot, t, StickKeys.of(t, key.eval(txn)), request);
    }

    /** sc-inc-gpc0/1: gpc and its rate, on a tracked slot. */
    public static void incGpc(StreamCounters counters, int slot, int gpc) {
        if (counters == null || !counters.tracked(slot)) return;
        StickTable t = counters.table(slot);
        StickEntry e = counters.entry(slot);
        t.add(e, gpc == 0 ? StickDataType.GPC0_RATE : StickDataType.GPC1_RATE, 1);
        t.add(e, gpc == 0 ? StickDataType.GPC0 : StickDataType.GPC1, 1);
    }

    /** sc-set-gpt0: the constant, or the expression when it gives an integer (or a boolean). */
    public static void setGpt0(Txn txn, StreamCounters counters, int slot, CompiledSample expr, long value) {
        if (counters == null || !counters.tracked(slot)) return;
        long v = value;
        if (expr != null) {
            Object o = expr.eval(txn);
            if (o instanceof Long l) v = l;
            else if (o instanceof Boolean b) v = b ? 1 : 0;
            else return;  // HAProxy: a sample that does not cast to an integer sets nothing
        }
        StickTable t = counters.table(slot);
        StickEntry e = counters.entry(slot);
        t.setTag(e, StickDataType.GPT0, v & 0xFFFFFFFFL);
        t.touch(e);
    }
}
