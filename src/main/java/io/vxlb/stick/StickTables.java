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
    public static final StickTables EMPTY = new StickTables(Map.of(), new AtomicLong());

    private final Map<String, StickTable> tables;
    /** Versions of tag writes (hybrid clock as in {@code SharedState}: ms &lt;&lt; 12, never back). */
    private final AtomicLong clock;

    private StickTables(Map<String, StickTable> tables, AtomicLong clock) {
        this.tables = tables;
        this.clock = clock;
    }

    /** The tables of {@code config}, reusing those of {@code previous} (null for a first start) that kept their layout. */
    public static StickTables of(Config config, StickTables previous) {
        Set<String> persistence = new HashSet<>();
        for (Proxy p : config.proxies()) {
            for (StickRule r : p.stick().rules()) persistence.add(r.table() != null ? r.table() : p.name());
        }
        AtomicLong clock = previous != null ? previous.clock : new AtomicLong();
        Map<String, StickTable> out = new LinkedHashMap<>();
        StickTables next = new StickTables(out, clock);
        for (Proxy p : config.proxies()) {
            StickTableSpec spec = p.stick().table();
            if (spec == null) continue;
            if (persistence.contains(p.name())) spec = spec.withServerId();
            StickTable old = previous == null ? null : previous.tables.get(p.name());
            if (old != null && old.spec.sameLayout(spec) && old.spec.size() == spec.size()
                    && old.spec.expireMs() == spec.expireMs() && old.spec.nopurge() == spec.nopurge()) {
                out.put(p.name(), old);
            } else {
                StickTable t = new StickTable(spec, next);
                if (old != null) t.syncing = old.syncing;
                out.put(p.name(), t);
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
