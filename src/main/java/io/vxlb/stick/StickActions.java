package io.vxlb.stick;

import io.vxlb.config.StickCounterAction;
import io.vxlb.config.StickDataType;
import io.vxlb.rules.CompiledSample;
import io.vxlb.rules.Txn;

/**
 * Runs the stick counter actions of http-request / http-response rules (HAProxy 2.6
 * http_req_get_intercept_rule / http_res_get_intercept_rule, ACT_ACTION_TRK_SC*, sc-inc-gpc*,
 * sc-set-gpt0). The proxy calls {@link #run} for a rule with a {@link
 * io.vxlb.config.HttpAction.StickCounter} action and keeps the returned counters for the stream.
 */
public final class StickActions {
    private StickActions() {
    }

    /**
     * @param sample    the compiled key (track-sc) or gpt0 expression (sc-set-gpt0 EXPR), else null
     * @param counters  the stream's counters so far (null when it tracks nothing yet)
     * @param request   true for http-request (tracking counts the request), false for http-response
     * @return the stream's counters (new when this action started the first tracking)
     */
    public static StreamCounters run(StickCounterAction a, CompiledSample sample, Txn txn, StickTables tables,
                                     StreamCounters counters, boolean request) {
        switch (a.op()) {
            case TRACK -> {
                if (counters != null && counters.tracked(a.slot())) return counters;
                StickTable t = tables.get(a.table());
                if (t == null) return counters;
                Object key = StickKeys.of(t, sample.eval(txn));
                if (key == null) return counters;
                StreamCounters c = counters != null ? counters : new StreamCounters();
                c.track(a.slot(), t, key, request);
                return c;
            }
            case INC_GPC -> {
                if (counters == null || !counters.tracked(a.slot())) return counters;
                StickTable t = counters.table(a.slot());
                StickEntry e = counters.entry(a.slot());
                StickDataType cnt = a.gpc() == 0 ? StickDataType.GPC0 : StickDataType.GPC1;
                StickDataType rate = a.gpc() == 0 ? StickDataType.GPC0_RATE : StickDataType.GPC1_RATE;
                t.add(e, rate, 1);
                t.add(e, cnt, 1);
                return counters;
            }
            case SET_GPT0 -> {
                if (counters == null || !counters.tracked(a.slot())) return counters;
                long v = a.value();
                if (sample != null) {
                    Object o = sample.eval(txn);
                    if (!(o instanceof Long l)) {
                        if (o instanceof Boolean b) v = b ? 1 : 0;
                        else return counters;  // HAProxy: a sample that does not cast to an integer sets nothing
                    } else {
                        v = l;
                    }
                }
                StickTable t = counters.table(a.slot());
                StickEntry e = counters.entry(a.slot());
                t.setTag(e, StickDataType.GPT0, v & 0xFFFFFFFFL);
                t.touch(e);
                return counters;
            }
        }
        return counters;
    }
}
