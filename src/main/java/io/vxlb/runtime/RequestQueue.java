package io.vxlb.runtime;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * HAProxy's pendconn queue of one server (requests that must go to that server: persistence,
 * use-server, a hash that chose it) or of one backend (requests any of its servers may take).
 * Shared by every event loop: a lock-free FIFO plus atomic counters. A waiting request is
 * resumed on its own event loop through the executor it registered (its Vert.x context).
 *
 * <p>Slots are handed out by {@link ServerRuntime#drain}; see there why no free slot is ever
 * left unused while a request waits.
 */
public final class RequestQueue {
    private final ConcurrentLinkedQueue<PendingRequest> entries = new ConcurrentLinkedQueue<>();
    /** Waiting requests ({@code ConcurrentLinkedQueue.size()} is a walk). */
    private final AtomicInteger length = new AtomicInteger();
    /** Requests taken out of the queue so far (HAProxy's queue->idx), for the logged queue positions. */
    private final AtomicInteger index = new AtomicInteger();

    public int length() {
        return length.get();
    }

    /**
     * Queues a request; {@code onGranted} runs on {@code executor} with the server whose slot
     * it now holds. The caller must then call {@link ServerRuntime#drain} (re-check after enqueue).
     */
    public PendingRequest add(Executor executor, Consumer<ServerRuntime> onGranted) {
        PendingRequest p = new PendingRequest(this, executor, onGranted, index.get());
        length.incrementAndGet();
        entries.add(p);
        return p;
    }

    /** The oldest entry, maybe one being cancelled; null when empty. */
    PendingRequest peek() {
        return entries.peek();
    }

    /** Takes the oldest entry out; it is then the caller's to grant (or to drop when cancelled). */
    PendingRequest poll() {
        PendingRequest p = entries.poll();
        if (p != null) {
            length.decrementAndGet();
            // HAProxy logs "requests dequeued before this one + 1" (queue->idx - (idx at add - 1))
            p.position = index.getAndIncrement() - p.indexAtAdd + 1;
        }
        return p;
    }

    /** Removes a cancelled entry; false when a drainer polled it first. */
    boolean remove(PendingRequest p) {
        if (!entries.remove(p)) return false;
        length.decrementAndGet();
        p.position = index.get() - p.indexAtAdd + 1;
        return true;
    }

    /** One waiting request. */
    public static final class PendingRequest {
        private static final int WAITING = 0, GRANTED = 1, CANCELLED = 2;
        private final RequestQueue queue;
        private final Executor executor;
        private final Consumer<ServerRuntime> onGranted;
        private final int indexAtAdd;
        /** When it was queued (nanoTime): the oldest of a server's and its backend's queue heads goes first. */
        final long since = System.nanoTime();
        private final AtomicInteger state = new AtomicInteger(WAITING);
        /** %sq / %bq: written by whoever took the entry out, read by the owner after the hand-off. */
        private volatile int position;

        private PendingRequest(RequestQueue queue, Executor executor, Consumer<ServerRuntime> onGranted, int indexAtAdd) {
            this.queue = queue;
            this.executor = executor;
            this.onGranted = onGranted;
            this.indexAtAdd = indexAtAdd;
        }

        /** Gives the slot the caller holds on {@code s} to this request; false when it was cancelled meanwhile. */
        boolean grant(ServerRuntime s) {
            if (!state.compareAndSet(WAITING, GRANTED)) return false;
            executor.execute(() -> onGranted.accept(s));
            return true;
        }

        /**
         * Leaves the queue (timeout, client gone). False when a slot was already granted: the
         * grant callback is on its way and owns the outcome.
         */
        public boolean cancel() {
            if (!state.compareAndSet(WAITING, CANCELLED)) return false;
            queue.remove(this);  // false: a drainer polled it (and set the position); it drops it and frees the slot
            return true;
        }

        public int position() {
            return position;
        }

        public RequestQueue queue() {
            return queue;
        }
    }
}
