package io.vxlb.action;

import io.vxlb.rules.CompiledSample;
import io.vxlb.rules.SampleExpr;

/**
 * {@code http-request capture SAMPLE len N | id N} and {@code http-response capture SAMPLE id N}:
 * the sample as a string, cut to the slot's length, stored in the frontend's capture slot
 * (logged with %hr/%hs, read back with capture.req.hdr(N)/capture.res.hdr(N)). A sample that
 * does not exist leaves the slot as it was, as HAProxy.
 */
public record CaptureAction(SampleExpr expr, boolean request, int slot, int length) implements HttpAction {
    static void register(HttpActions.Registrar r) {
        for (String side : new String[] {"http-request", "http-response"}) {
            boolean request = side.equals("http-request");
            r.add(side + " capture", request ? "capture SAMPLE len N | id N" : "capture SAMPLE id N", a -> {
                SampleExpr e = a.sample(a.first());
                String kw = a.word(a.first() + 1);
                int n = a.integer(a.first() + 2, kw.equals("len") ? "length" : "capture id");
                a.end(a.first() + 3);
                if (kw.equals("len") && request) {
                    if (n < 1) throw a.error(a.first() + 2, "capture length must be at least 1", null);
                    return new CaptureAction(e, true, a.newCaptureSlot(a.first() + 1, true, n), n);
                }
                if (!kw.equals("id")) {
                    throw a.error(a.first() + 1, "expected " + (request ? "'len N' or 'id N'" : "'id N'") + " after the sample",
                            request ? "e.g. 'http-request capture req.hdr(host) len 64'" : "declare the slot with 'declare capture response len N' and use 'id N'");
                }
                if (n < 0 || n >= a.captureSlots(request)) {
                    throw a.error(a.first() + 2, "capture id " + n + " is not declared (this proxy has " + a.captureSlots(request) + " " + (request ? "request" : "response") + " capture slots)",
                            "declare it first: 'declare capture " + (request ? "request" : "response") + " len N'");
                }
                return new CaptureAction(e, request, n, -1);
            });
        }
    }

    @Override public String keyword() { return "capture"; }

    @Override
    public CompiledAction compile(ActionCompiler c) {
        CompiledSample s = c.sample(expr);
        return txn -> {
            String v = s.evalString(txn);
            if (v != null) txn.capture(request, slot, v);
            return CompiledAction.Verdict.CONTINUE;
        };
    }
}
