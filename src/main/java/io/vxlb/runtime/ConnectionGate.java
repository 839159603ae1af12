package io.vxlb.runtime;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A frontend's (or the process's) {@code maxconn}: at most {@code limit} client connections are
 * served at once; the others wait, oldest first, without being read from, as HAProxy leaves them
 * in the listen backlog until a connection closes. A frontend gate has the global gate as parent:
 * a connection is served once it holds a place in both.
 *
 * <p>Shared by every event loop: an atomic count and a lock-free FIFO. No place is left unused
 * while someone waits for the same reason as in {@link ServerRuntime#drain}: both events that can
 * create "a place is free and someone waits" (a leave, a wait) are followed by a drain by the
 * thread that caused them, which re-checks both conditions.
 */
public final class ConnectionGate {
    private final ConnectionGate parent;
    private volatile int limit;
    private final AtomicInteger used = new AtomicInteger();
    private final ConcurrentLinkedQueue<Runnable> waiting = new ConcurrentLinkedQueue<>();

    public ConnectionGate(int limit, ConnectionGate parent) {
        this.limit = limit;
        this.parent = parent;
    }

    /** A reload may change the limit; the places taken stay taken. */
    public void limit(int limit) {
        if (this.limit != limit) {
            this.limit = limit;
            drain();
        }
    }

    public int used() {
        return used.get();
    }

    /**
     * Asks for a place here and in the parent gates. True when the caller got them at once;
     * otherwise {@code onAdmitted} runs later on {@code executor}, when it holds them all.
     */
    public boolean enter(Executor executor, Runnable onAdmitted) {
        if (waiting.isEmpty() && tryEnter()) return parent == null || parent.enter(executor, onAdmitted);
        waiting.add(() -> {
            if (parent == null || parent.enter(executor, onAdmitted)) executor.execute(onAdmitted);
        });
        drain();  // re-check after the wait was registered
        return false;
    }

    /** Gives back the places of an admitted connection (here and in the parents). */
    public void leave() {
        used.decrementAndGet();
        drain();
        if (parent != null) parent.leave();
    }

    private boolean tryEnter() {
        for (int c = used.get(); c < limit; c = used.get()) {
            if (used.compareAndSet(c, c + 1)) return true;
        }
        return false;
    }

    private void drain() {
        while (waiting.peek() != null && tryEnter()) {
            Runnable next = waiting.poll();
            if (next == null) used.decrementAndGet();  // another drainer took it: give the place back, re-check
            else next.run();
        }
    }
}
