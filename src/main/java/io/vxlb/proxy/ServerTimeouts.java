package io.vxlb.proxy;

import io.vertx.core.Vertx;

/**
 * {@code timeout server} for the exchanges of one proxy verticle (one event loop), without a timer
 * per request: exchanges waiting on a server are kept in an array, each with the time its server
 * last sent something, and one periodic tick (every {@link #TICK_MS} ms, only while some exchange
 * waits) expires those idle for longer than their timeout. A Vert.x request idle timeout cost two
 * timer operations per request (a concurrent map and a scheduled-task heap); here a request costs
 * an array store and a field write. Precision is the tick, as HAProxy's is its own timer wheel's.
 * Event-loop confined: no locks.
 */
final class ServerTimeouts {
    static final long TICK_MS = 10;

    /** What an exchange gives the sweeper. */
    interface Watched {
        long serverIdleSince();

        long serverTimeoutNanos();

        /** Index in the array, -1 when not watched (kept by the exchange for O(1) removal). */
        int watchIndex();

        void watchIndex(int i);

        void serverTimedOut();
    }

    private final Vertx vertx;
    private Watched[] items = new Watched[64];
    private int size;
    private long timer = -1;
    /** Ticks in a row that found nothing to watch: the timer stops after {@link #IDLE_TICKS}. */
    private int idleTicks;
    /**
     * Under load the watch list empties and fills between ticks all the time; a timer made and
     * cancelled each time is an entry in Vert.x's process-wide timer map (shared by every event
     * loop), so the tick keeps running for a second of idleness before it stops.
     */
    static final int IDLE_TICKS = 100;

    ServerTimeouts(Vertx vertx) {
        this.vertx = vertx;
    }

    void watch(Watched w) {
        if (w.watchIndex() >= 0) return;
        if (size == items.length) items = java.util.Arrays.copyOf(items, size * 2);
        w.watchIndex(size);
        items[size++] = w;
        if (timer < 0) timer = vertx.setPeriodic(TICK_MS, id -> tick());
    }

    void unwatch(Watched w) {
        int i = w.watchIndex();
        if (i < 0) return;
        w.watchIndex(-1);
        Watched last = items[--size];
        items[size] = null;
        if (i < size) {
            items[i] = last;
            last.watchIndex(i);
        }
    }

    int size() {
        return size;
    }

    private void tick() {
        long now = System.nanoTime();
        for (int i = size - 1; i >= 0; i--) {
            if (i >= size) continue;  // an expiry below removed more than one
            Watched w = items[i];
            if (now - w.serverIdleSince() >= w.serverTimeoutNanos()) {
                unwatch(w);
                w.serverTimedOut();
            }
        }
        if (size > 0) {
            idleTicks = 0;
        } else if (++idleTicks >= IDLE_TICKS && timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
            idleTicks = 0;
        }
    }

    void close() {
        if (timer >= 0) vertx.cancelTimer(timer);
        timer = -1;
    }
}
