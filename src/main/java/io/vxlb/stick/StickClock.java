package io.vxlb.stick;

/** The milliseconds stick tables count in: monotonic, node-local (rates never compare clocks of two nodes). */
public final class StickClock {
    private static final long ORIGIN = System.nanoTime();

    private StickClock() {
    }

    /** Milliseconds since the class loaded; never 0 (an untouched entry or counter reads 0). */
    public static long now() {
        return (System.nanoTime() - ORIGIN) / 1_000_000L + 1_000_000L;
    }
}
