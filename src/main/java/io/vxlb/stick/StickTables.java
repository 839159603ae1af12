package io.vxlb.stick;

import io.vxlb.config.Config;
import io.vxlb.config.Proxy;
import io.vxlb.config.StickRule;
import io.vxlb.config.StickTableSpec;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The stick tables of one node's running configuration, by name (the declaring proxy's). A new
 * configuration gets a new registry that keeps every table whose key type and stores did not
 * change, with its entries (a reload does not reset rate limits); the others start empty.
 * Immutable map, read without locks; carried from snapshot to snapshot.
 */
public final class StickTables {
    public static final StickTables EMPTY = new StickTables(Map.of(), new AtomicLong(), new java.util.concurrent.atomic.AtomicBoolean());

    private final Map<String, StickTable> tables;
    /** Versions of tag writes (hybrid clock as in {@code SharedState}: ms &lt;&lt; 12, never back). */
    private final AtomicLong clock;
    /**
     * On once the node's cluster sync runs: from then on updates queue their entry for sending.
     * Shared by every generation of the registry, so a table a reload creates counts for the
     * cluster from its first event.
     */
    private final java.util.concurrent.atomic.AtomicBoolean sync;

    private StickTables(Map<String, StickTable> tables, AtomicLong clock, java.util.concurrent.atomic.AtomicBoolean sync) {
        this.tables = tables;
        this.clock = clock;
        this.sync = sync;
    }

    /** The cluster sync started: updates are kept for it (never turned off: a node stays clustered). */
    public void enableSync() {
        sync.set(true);
    }

    boolean syncing() {
        return sync.get();
    }

    /** The tables of {@code config}, reusing those of {@code previous} (null for a first start) that kept their layout. */
    public static StickTables of(Config config, StickTables previous) {
        Set<String> persistence = new HashSet<>();
        for (Proxy p : config.proxies()) {
            for (StickRule r : p.stick().rules()) persistence.add(r.table() != null ? r.table() : p.name());
        }
        AtomicLong clock = previous != null ? previous.clock : new AtomicLong();
        var sync = previous != null ? previous.sync : new java.util.concurrent.atomic.AtomicBoolean();
        Map<String, StickTable> out = new LinkedHashMap<>();
        StickTables next = new StickTables(out, clock, sync);
        for (Proxy p : config.proxies()) {
            StickTableSpec spec = p.stick().table();
            if (spec == null) continue;
            if (persistence.contains(p.name())) spec = spec.withServerId();
            StickTable old = previous == null ? null : previous.tables.get(p.name());
            if (old != null && old.spec.sameLayout(spec) && old.spec.size() == spec.size()
                    && old.spec.expireMs() == spec.expireMs() && old.spec.nopurge() == spec.nopurge()) {
                out.put(p.name(), old);
            } else {
                out.put(p.name(), new StickTable(spec, next));
            }
        }
        return next;
    }

    public StickTable get(String name) {
        return tables.get(name);
    }

    public Map<String, StickTable> all() {
        return tables;
    }

    long nextVersion() {
        long now = System.currentTimeMillis() << 12;
        return clock.accumulateAndGet(now, (last, cand) -> Math.max(last + 1, cand));
    }

    void observe(long version) {
        clock.accumulateAndGet(version, Math::max);
    }
}
