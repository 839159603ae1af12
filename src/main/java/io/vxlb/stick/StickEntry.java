package io.vxlb.stick;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One key of a stick table and what the table stores for it, in one array laid out by the
 * table's {@link StickLayout}. Counters and rates also keep the local events not yet sent to the
 * other nodes ("unsent"), which the cluster sync takes and zeroes. Shared by every event loop;
 * all updates are atomic, none locks.
 */
public final class StickEntry {
    private static final AtomicIntegerFieldUpdater<StickEntry> REFS = AtomicIntegerFieldUpdater.newUpdater(StickEntry.class, "refs");
    private static final AtomicIntegerFieldUpdater<StickEntry> DIRTY = AtomicIntegerFieldUpdater.newUpdater(StickEntry.class, "dirty");

    final Object key;
    final AtomicLongArray data;
    /** Last time the entry was touched (StickClock ms): its expiry is this plus the table's expire. */
    volatile long touched;
    /** Streams tracking the entry (HAProxy's ref_cnt, "use=" in show table): never purged while used. */
    private volatile int refs;
    /** 1 while the entry waits in its table's queue of entries with unsent changes. */
    private volatile int dirty;
    /** False once removed from its table: a tracker holding it still counts, nothing else sees it. */
    volatile boolean live = true;

    StickEntry(Object key, int slots, long now) {
        this.key = key;
        this.data = new AtomicLongArray(slots);
        this.touched = now;
    }

    public Object key() {
        return key;
    }

    public int refs() {
        return refs;
    }

    void ref() {
        REFS.incrementAndGet(this);
    }

    void unref() {
        REFS.decrementAndGet(this);
    }

    /** True for the caller that marks the entry dirty first (it queues the entry). */
    boolean markDirty() {
        return dirty == 0 && DIRTY.compareAndSet(this, 0, 1);
    }

    void clearDirty() {
        dirty = 0;
    }
}
