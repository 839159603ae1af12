package io.vxlb.runtime;

import java.util.concurrent.atomic.AtomicReference;

/** The current snapshot, read once per request without locks and swapped whole on every change. */
public final class SnapshotHolder {
    private final AtomicReference<Snapshot> current;

    public SnapshotHolder(Snapshot initial) {
        current = new AtomicReference<>(initial);
    }

    public Snapshot get() {
        return current.get();
    }

    public void set(Snapshot next) {
        current.set(next);
    }
}
