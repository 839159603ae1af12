package io.vxlb.stick;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLongArray;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** HAProxy 2.6's freq_ctr arithmetic (src/freq_ctr.c), at chosen times. */
class FreqCounterTest {
    private static final long P = 10_000;
    private final AtomicLongArray a = new AtomicLongArray(3);

    @Test
    void countsWithinTheFirstPeriod() {
        long t0 = 1_000_000;
        for (int i = 0; i < 7; i++) FreqCounter.update(a, 0, P, 1, t0 + i);
        assertEquals(7, FreqCounter.read(a, 0, P, t0 + 10));
        // the period started at the first event (an even tick)
        assertEquals(t0, a.get(0));
    }

    @Test
    void thePreviousPeriodFadesOutLinearly() {
        long t0 = 2_000_000;
        FreqCounter.update(a, 0, P, 100, t0);
        // a quarter into the next period: 3/4 of the previous one still counts, plus the current events
        FreqCounter.update(a, 0, P, 10, t0 + P + P / 4);
        assertEquals(100 * 3 / 4 + 10, FreqCounter.read(a, 0, P, t0 + P + P / 4));
        // at the end of the second period only the current one counts
        assertEquals(10, FreqCounter.read(a, 0, P, t0 + 2 * P - 1), 1);
    }

    @Test
    void readingLateWithoutUpdatesShiftsTheCurrentPeriodIntoThePast() {
        long t0 = 3_000_000;
        FreqCounter.update(a, 0, P, 40, t0);
        // no update since; half-way through the next period: past = curr (40), remain = P/2
        assertEquals(20, FreqCounter.read(a, 0, P, t0 + P + P / 2));
        // two periods later nothing remains
        assertEquals(0, FreqCounter.read(a, 0, P, t0 + 2 * P + 1));
    }

    @Test
    void missingTwoPeriodsStartsAfresh() {
        long t0 = 4_000_000;
        FreqCounter.update(a, 0, P, 50, t0);
        FreqCounter.update(a, 0, P, 1, t0 + 5 * P + 3);
        assertEquals(0, a.get(2));
        assertEquals(1, FreqCounter.read(a, 0, P, t0 + 5 * P + 4));
        assertEquals((t0 + 5 * P + 3) & ~1L, a.get(0));
    }

    @Test
    void lowRatesDoNotFlap() {
        long t0 = 5_000_000;
        FreqCounter.update(a, 0, P, 1, t0);
        // HAProxy: with no current event and at most one past event, the past one is reported whole
        assertEquals(1, FreqCounter.read(a, 0, P, t0 + P + P - 10));
    }
}
