package io.vxlb.action;

import io.vxlb.config.ActionLine;
import io.vxlb.config.Units;

/**
 * {@code http-request wait-for-body time T [at-least N]}: the rules after it wait until the
 * whole body, N bytes of it or a buffer full arrived; after T the client gets a 408
 * (http_action_wait_for_body). The body read is replayed to the server and read by req.body.
 */
public record WaitForBodyAction(long timeMs, long atLeast) implements HttpAction, CompiledAction {
    static void register(HttpActions.Registrar r) {
        r.add("http-request wait-for-body", "time T [at-least N]: wait for the request body (or N bytes of it) up to T, then 408 (req.body, req.body_len)",
                WaitForBodyAction::parse);
    }

    private static WaitForBodyAction parse(ActionLine a) {
        int i = a.first();
        long time = -1, bytes = 0;
        int end = a.conditionStart(i);
        while (i < end) {
            String w = a.word(i);
            if (w.equals("time")) {
                a.need(i + 1, "a time");
                try {
                    time = Units.durationMillis(a.word(i + 1));
                } catch (IllegalArgumentException e) {
                    throw a.error(i + 1, "'wait-for-body time' : " + e.getMessage(), null);
                }
                i += 2;
            } else if (w.equals("at-least")) {
                a.need(i + 1, "a size");
                try {
                    bytes = Units.size(a.word(i + 1));
                } catch (IllegalArgumentException e) {
                    throw a.error(i + 1, "'wait-for-body at-least' : " + e.getMessage(), null);
                }
                i += 2;
            } else {
                throw a.error(i, "'wait-for-body' expects 'time' or 'at-least' (got '" + w + "')", "e.g. 'http-request wait-for-body time 1s at-least 1k'");
            }
        }
        if (time < 0) throw a.error(a.first(), "'wait-for-body' expects a time argument", "e.g. 'http-request wait-for-body time 1s'");
        a.end(i);
        return new WaitForBodyAction(time, bytes);
    }

    @Override public String keyword() { return "wait-for-body"; }

    @Override public CompiledAction compile(ActionCompiler c) { return this; }

    @Override
    public Verdict execute(ActionContext txn) {
        return txn.waitForBody(timeMs, atLeast) ? Verdict.CONTINUE : Verdict.YIELD;
    }
}
