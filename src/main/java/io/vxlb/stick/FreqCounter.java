package io.vxlb.stick;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * HAProxy's freq_ctr over a period (src/freq_ctr.c, include/haproxy/freq_ctr.h, 2.6), kept in
 * three slots of an entry's array: the start of the current period (even; odd while a writer
 * rotates), the events of the current period and those of the previous one. The rate read at a
 * time is {@code prev * remaining-part-of-period + curr}, per period, so it slides smoothly
 * instead of dropping to zero when a period turns. Lock-free: adders race only on the add, one
 * writer at a time rotates (the odd tick is its lock), as in HAProxy.
 */
public final class FreqCounter {
    static final int TICK = 0, CURR = 1, PREV = 2;
    /** Slots a rate takes in an entry's array: tick, curr, prev. */
    static final int SLOTS = 3;

    private FreqCounter() {
    }

    /** update_freq_ctr_period(): adds {@code inc} events at {@code now} (ms); returns the current period's count. */
    static long update(AtomicLongArray a, int b, long period, long inc, long now) {
        long tick;
        while (true) {
            tick = a.get(b + TICK);
            if (now - tick < period) return a.addAndGet(b + CURR, inc);
            if ((tick & 1) == 0 && a.compareAndSet(b + TICK, tick, tick | 1)) break;
            Thread.onSpinWait();
        }
        // we hold the rotation: move the current period into the previous one
        a.set(b + PREV, a.getAndSet(b + CURR, inc));
        tick += period;
        if (now - tick >= period) {
            // at least two periods were missed: nothing of them counts any more
            a.set(b + PREV, 0);
            tick = now;
        }
        a.set(b + TICK, tick & ~1L);
        return inc;
    }

    /** read_freq_ctr_period(): events per period at {@code now}, with 2.6's flapping correction at very low rates. */
    static long read(AtomicLongArray a, int b, long period, long now) {
        long tick, curr, past;
        while (true) {
            tick = a.get(b + TICK);
            curr = a.get(b + CURR);
            past = a.get(b + PREV);
            if ((tick & 1) == 0 && a.get(b + TICK) == tick) break;
            Thread.onSpinWait();
        }
        long remain = tick + period - now;
        if (remain < 0) {
            // past the current period: part of it may still count as the previous one
            remain += period;
            past = remain >= 0 ? curr : 0;
            curr = 0;
        }
        if (curr == 0 && past <= 1) return past;
        return (past * remain + curr * period) / period;
    }
}
