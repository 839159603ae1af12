package io.vxlb.runtime;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The cumulative counters HAProxy's stats show for one frontend, backend or server ({@code stot},
 * {@code smax}, {@code req_tot}, {@code hrsp_*}, {@code bin}/{@code bout}, {@code ereq},
 * {@code lastsess}). Written by every event loop: LongAdders (no lock, no contended CAS on the
 * hot path), read only when someone asks for stats. {@link #smax} is a max, kept by CAS only
 * when a new maximum is reached (rare after warm-up).
 */
public final class ProxyCounters {
    public final LongAdder sessions = new LongAdder();
    public final LongAdder requests = new LongAdder();
    public final LongAdder bytesIn = new LongAdder();
    public final LongAdder bytesOut = new LongAdder();
    public final LongAdder requestErrors = new LongAdder();
    public final LongAdder deniedRequests = new LongAdder();
    /** hrsp_1xx .. hrsp_5xx at 0..4, hrsp_other at 5. */
    private final LongAdder[] responses = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()};
    public final AtomicLong smax = new AtomicLong();
    /** System.currentTimeMillis() of the last session, 0: none yet. */
    public volatile long lastSession;

    /** A session started; {@code current} is the count of sessions now open (for smax). */
    public void opened(int current) {
        sessions.increment();
        // written at most once a millisecond: every event loop counts here, and a store on each
        // session would keep this object's cache line moving between the cores
        long now = System.currentTimeMillis();
        if (now != lastSession) lastSession = now;
        long m = smax.get();
        while (current > m && !smax.compareAndSet(m, current)) m = smax.get();
    }

    /** A request answered with {@code status} (HAProxy counts 1xx..5xx, anything else as other; -1: none sent). */
    public void response(int status) {
        requests.increment();
        if (status < 0) return;
        int c = status / 100;
        responses[c >= 1 && c <= 5 ? c - 1 : 5].increment();
    }

    /** {@code clear counters}: the maximum; with {@code all} the totals too (a reader may see a partial reset, as HAProxy's). */
    public void clear(boolean all) {
        smax.set(0);
        if (!all) return;
        sessions.reset();
        requests.reset();
        bytesIn.reset();
        bytesOut.reset();
        requestErrors.reset();
        deniedRequests.reset();
        for (LongAdder r : responses) r.reset();
        lastSession = 0;
    }

    /** hrsp_Nxx for N in 1..5; 6: hrsp_other. */
    public long responses(int klass) {
        return responses[klass - 1].sum();
    }
}
