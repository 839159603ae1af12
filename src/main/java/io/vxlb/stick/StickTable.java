package io.vxlb.stick;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vxlb.config.StickDataType;
import io.vxlb.config.StickTableSpec;
import io.vxlb.maps.IpLiteral;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Predicate;

/**
 * One stick table of a node: entries by key (ip/ipv6 as canonical text, integer as Long, string
 * as String, binary as {@link BinaryKey}), bounded by {@code size}. When full, a new key first
 * makes room by purging expired entries, then the least recently touched unused ones (a batch of
 * size/16, so the scan is amortised); with {@code nopurge} a new key is refused instead, as in
 * HAProxy. Entries in use by a stream ("use" &gt; 0) are never purged. The request path only
 * reads and updates atomics here; nothing waits on the cluster.
 */
public final class StickTable {
    final StickTableSpec spec;
    final StickLayout layout;
    private final ConcurrentHashMap<Object, StickEntry> entries;
    private final AtomicInteger used = new AtomicInteger();
    private final AtomicBoolean evicting = new AtomicBoolean();
    /** Entries with local changes the cluster sync has not sent yet. */
    final ConcurrentLinkedQueue<StickEntry> dirty = new ConcurrentLinkedQueue<>();
    private final StickTables owner;

    StickTable(StickTableSpec spec, StickTables owner) {
        this.spec = spec;
        this.layout = new StickLayout(spec);
        this.owner = owner;
        this.entries = new ConcurrentHashMap<>(Math.min(spec.size(), 1 << 16));
    }

    public String name() {
        return spec.name();
    }

    public StickTableSpec spec() {
        return spec;
    }

    /** Entries in the table ("used" of show table, table_cnt). */
    public int used() {
        return used.get();
    }

    /** Free entries (table_avl). */
    public int available() {
        return Math.max(0, spec.size() - used.get());
    }

    public boolean stores(StickDataType t) {
        return layout.offset[t.ordinal()] >= 0;
    }

    // ---------------------------------------------------------------- entries

    private boolean expired(StickEntry e, long now) {
        return spec.expireMs() > 0 && now - e.touched >= spec.expireMs();
    }

    /** The live entry of a key, or null (an expired one is dropped here, as HAProxy's lookups do). */
    public StickEntry lookup(Object key) {
        if (key == null) return null;
        StickEntry e = entries.get(key);
        if (e == null) return null;
        if (expired(e, StickClock.now()) && e.refs() == 0) {
            remove(e);
            return null;
        }
        return e;
    }

    /** The entry of a key, created when missing; null when the table is full and may not purge. */
    public StickEntry getOrCreate(Object key) {
        if (key == null) return null;
        long now = StickClock.now();
        StickEntry e = entries.get(key);
        if (e != null) {
            if (!expired(e, now) || e.refs() > 0) return e;
            remove(e);
        }
        if (used.get() >= spec.size() && !makeRoom(now)) return null;
        StickEntry fresh = new StickEntry(key, layout.slots, now);
        StickEntry prev = entries.putIfAbsent(key, fresh);
        if (prev != null) return prev;
        used.incrementAndGet();
        return fresh;
    }

    void remove(StickEntry e) {
        if (entries.remove(e.key, e)) {
            e.live = false;
            used.decrementAndGet();
        }
    }

    /** Extends the entry's life by the table's expire (stktable_touch). */
    public void touch(StickEntry e) {
        e.touched = StickClock.now();
    }

    /** Drops expired, unused entries; returns how many. Run by the node's sync timer. */
    public int purgeExpired() {
        if (spec.expireMs() <= 0) return 0;
        long now = StickClock.now();
        int n = 0;
        for (StickEntry e : entries.values()) {
            if (e.refs() == 0 && expired(e, now)) {
                remove(e);
                n++;
            }
        }
        return n;
    }

    /**
     * Room for one more entry: expired entries go first, then (unless nopurge) the least recently
     * touched unused ones, size/16 at a time. Another event loop already evicting lets this one
     * insert (the table may then exceed size by one entry per event loop, never more).
     */
    private boolean makeRoom(long now) {
        if (!evicting.compareAndSet(false, true)) return !spec.nopurge();
        try {
            purgeExpired();
            if (used.get() < spec.size()) return true;
            if (spec.nopurge()) return false;
            int batch = Math.max(1, spec.size() / 16);
            long[] times = new long[used.get() + 64];
            int n = 0;
            for (StickEntry e : entries.values()) {
                if (e.refs() == 0 && n < times.length) times[n++] = e.touched;
            }
            if (n == 0) return false;
            Arrays.sort(times, 0, n);
            long threshold = times[Math.min(batch, n) - 1];
            int removed = 0;
            for (StickEntry e : entries.values()) {
                if (removed >= batch) break;
                if (e.refs() == 0 && e.touched <= threshold) {
                    remove(e);
                    removed++;
                }
            }
            return removed > 0;
        } finally {
            evicting.set(false);
        }
    }

    /** clear table [data...]: removes unused entries matching {@code which}; returns how many. */
    public int clear(Predicate<StickEntry> which) {
        int n = 0;
        for (StickEntry e : entries.values()) {
            if (e.refs() == 0 && which.test(e)) {
                remove(e);
                n++;
            }
        }
        return n;
    }

    // ---------------------------------------------------------------- counters

    /** Adds {@code n} local events to a counter or rate the table stores (nothing when it does not). */
    public void add(StickEntry e, StickDataType t, long n) {
        int off = layout.offset[t.ordinal()];
        if (off < 0) return;
        AtomicLongArray d = e.data;
        if (t.kind == StickDataType.Kind.RATE) FreqCounter.update(d, off, layout.period[t.ordinal()], n, StickClock.now());
        else d.addAndGet(off, n);
        if (owner.syncing()) {
            d.addAndGet(StickLayout.unsent(t, off), n);
            if (e.markDirty()) dirty.add(e);
        }
    }

    /** Decrements conn_cur when above zero (HAProxy never lets it go negative). */
    void decrementCurrent(StickEntry e) {
        int off = layout.offset[StickDataType.CONN_CUR.ordinal()];
        if (off < 0) return;
        if (e.data.get(off) > 0) add(e, StickDataType.CONN_CUR, -1);
    }

    /** The value of a stored data type (a rate per its period); -1 when the table does not store it. */
    public long read(StickEntry e, StickDataType t) {
        int off = layout.offset[t.ordinal()];
        if (off < 0) return -1;
        if (t.kind == StickDataType.Kind.RATE) return FreqCounter.read(e.data, off, layout.period[t.ordinal()], StickClock.now());
        return e.data.get(off);
    }

    /** Sets a tag (gpt0, server_id) with a new version of this node; false when not stored. */
    public boolean setTag(StickEntry e, StickDataType t, long value) {
        int off = layout.offset[t.ordinal()];
        if (off < 0) return false;
        long version = owner.nextVersion();
        e.data.set(off, value);
        e.data.set(off + 1, version);
        if (owner.syncing() && e.markDirty()) dirty.add(e);
        return true;
    }

    /** Whether a tag was ever set (server_id 0 is "none"). */
    public boolean tagSet(StickEntry e, StickDataType t) {
        int off = layout.offset[t.ordinal()];
        return off >= 0 && e.data.get(off + 1) != 0;
    }

    /** Remaining life in ms (exp= of show table); 0 without expire. */
    public long expiresIn(StickEntry e) {
        if (spec.expireMs() <= 0) return 0;
        return Math.max(0, e.touched + spec.expireMs() - StickClock.now());
    }

    /** Time since the entry was last touched, in ms (table_idle). */
    public long idle(StickEntry e) {
        return Math.max(0, StickClock.now() - e.touched);
    }

    // ---------------------------------------------------------------- keys

    /** The key as "show table" writes it. */
    public String keyText(Object key) {
        if (key instanceof BinaryKey b) return b.hex();
        return String.valueOf(key);
    }

    /**
     * The key of a text (admin API, cluster messages), parsed strictly for the table's type; null
     * when it is not a valid key (an IPv4 table takes only IPv4 addresses...).
     */
    public Object parseKey(String s) {
        if (s == null) return null;
        return switch (spec.type()) {
            case IP -> {
                long v = IpLiteral.v4Strict(s);
                yield v < 0 ? null : IpLiteral.formatV4(v);
            }
            case IPV6 -> {
                long[] out = new long[2];
                if (IpLiteral.v6(s, out)) yield IpLiteral.formatV6(out[0], out[1]);
                long v = IpLiteral.v4Strict(s);
                yield v < 0 ? null : ipv6OfV4(IpLiteral.formatV4(v));
            }
            case INTEGER -> {
                try {
                    yield Long.parseLong(s);
                } catch (NumberFormatException e) {
                    yield null;
                }
            }
            case STRING -> s.length() <= spec.keyLength() ? s : null;
            case BINARY -> BinaryKey.ofHex(s, spec.keyLength());
        };
    }

    /** An IPv4 address in ::ffff:0:0/96, formatted as every IPv6 key is (one text per address, on every node). */
    static String ipv6OfV4(String v4) {
        return IpLiteral.formatV6(0, 0xFFFF00000000L | IpLiteral.v4Strict(v4));
    }

    // ---------------------------------------------------------------- show table

    /** HAProxy's "show table NAME" header line. */
    public String dumpHeader() {
        return "# table: " + spec.name() + ", type: " + spec.type().word + ", size:" + spec.size() + ", used:" + used.get() + "\n";
    }

    /** One entry as "show table" writes it: {@code 0x...: key=K use=U exp=E gpc0=0 http_req_rate(10000)=3}. */
    public String dumpEntry(StickEntry e) {
        StringBuilder sb = new StringBuilder(96);
        sb.append("0x").append(Integer.toHexString(System.identityHashCode(e))).append(": key=").append(keyText(e.key))
                .append(" use=").append(e.refs()).append(" exp=").append(expiresIn(e));
        for (StickTableSpec.Store s : sortedStores()) {
            sb.append(' ').append(s.type().word);
            if (s.type().kind == StickDataType.Kind.RATE) sb.append('(').append(s.periodMs()).append(')');
            sb.append('=').append(read(e, s.type()));
        }
        return sb.append('\n').toString();
    }

    private List<StickTableSpec.Store> sortedStores() {
        List<StickTableSpec.Store> s = new ArrayList<>(spec.stores());
        s.sort((a, b) -> Integer.compare(a.type().ordinal(), b.type().ordinal()));
        return s;
    }

    /** "show table NAME [key K]": the header and the matching entries. */
    public String dump(Object onlyKey) {
        purgeExpired();  // what the header counts is what the lines show (HAProxy's expiry task has run by then)
        StringBuilder sb = new StringBuilder(dumpHeader());
        if (onlyKey != null) {
            StickEntry e = lookup(onlyKey);
            if (e != null) sb.append(dumpEntry(e));
            return sb.toString();
        }
        // in key order, as HAProxy walks its tree: the same dump on every node and run
        List<StickEntry> shown = new ArrayList<>();
        long now = StickClock.now();
        for (StickEntry e : entries.values()) {
            if (!expired(e, now) || e.refs() > 0) shown.add(e);
        }
        shown.sort((x, y) -> compareKeys(x.key, y.key));
        for (StickEntry e : shown) sb.append(dumpEntry(e));
        return sb.toString();
    }

    /** HAProxy's key order: addresses by their bytes, integers unsigned, strings and binaries bytewise. */
    int compareKeys(Object a, Object b) {
        return switch (spec.type()) {
            case IP -> Long.compare(IpLiteral.v4((String) a), IpLiteral.v4((String) b));
            case IPV6 -> {
                long[] x = new long[2], y = new long[2];
                IpLiteral.v6((String) a, x);
                IpLiteral.v6((String) b, y);
                int c = Long.compareUnsigned(x[0], y[0]);
                yield c != 0 ? c : Long.compareUnsigned(x[1], y[1]);
            }
            case INTEGER -> Integer.compareUnsigned((int) (long) (Long) a, (int) (long) (Long) b);
            case STRING -> Arrays.compareUnsigned(((String) a).getBytes(StandardCharsets.UTF_8), ((String) b).getBytes(StandardCharsets.UTF_8));
            case BINARY -> ((BinaryKey) a).compareTo((BinaryKey) b);
        };
    }

    /** The table as JSON for the admin API: settings, then entries (at most {@code limit}). */
    public JsonObject toJson(Object onlyKey, int limit) {
        JsonObject o = summary();
        JsonArray list = new JsonArray();
        if (onlyKey != null) {
            StickEntry e = lookup(onlyKey);
            if (e != null) list.add(entryJson(e));
        } else {
            long now = StickClock.now();
            for (StickEntry e : entries.values()) {
                if (list.size() >= limit) break;
                if (!expired(e, now) || e.refs() > 0) list.add(entryJson(e));
            }
        }
        return o.put("entries", list);
    }

    public JsonObject summary() {
        JsonArray stores = new JsonArray();
        for (StickTableSpec.Store s : sortedStores()) {
            stores.add(s.type().kind == StickDataType.Kind.RATE ? s.type().word + "(" + s.periodMs() + ")" : s.type().word);
        }
        return new JsonObject().put("name", spec.name()).put("type", spec.type().word).put("size", spec.size())
                .put("used", used.get()).put("expire", spec.expireMs()).put("nopurge", spec.nopurge()).put("store", stores);
    }

    private JsonObject entryJson(StickEntry e) {
        JsonObject o = new JsonObject().put("key", keyText(e.key)).put("use", e.refs()).put("exp", expiresIn(e));
        for (StickTableSpec.Store s : sortedStores()) o.put(s.type().word, read(e, s.type()));
        return o;
    }

    // ---------------------------------------------------------------- cluster deltas

    /** What {@link StickSync} sends: the table's identity, so a node with another layout ignores it. */
    String signature() {
        StringBuilder sb = new StringBuilder(spec.type().word).append('/').append(spec.keyLength());
        for (StickTableSpec.Store s : spec.stores()) sb.append(',').append(s.type().word).append(':').append(s.periodMs());
        return sb.toString();
    }

    /**
     * Takes up to {@code max} entries' unsent changes: {"k": key, "c": {type: delta}, "t": {type:
     * [value, version]}}. Counters' unsent events are zeroed as they are taken.
     */
    JsonArray takeDeltas(int max) {
        JsonArray out = new JsonArray();
        StickEntry e;
        while (out.size() < max && (e = dirty.poll()) != null) {
            e.clearDirty();
            if (entries.get(e.key) != e) continue;  // removed (cleared, purged) since: its events must not bring it back
            JsonObject c = null, t = null;
            for (StickTableSpec.Store s : spec.stores()) {
                int off = layout.offset[s.type().ordinal()];
                if (s.type().kind == StickDataType.Kind.TAG) {
                    long version = e.data.get(off + 1);
                    if (version != 0) {
                        if (t == null) t = new JsonObject();
                        t.put(s.type().word, new JsonArray().add(e.data.get(off)).add(version));
                    }
                } else {
                    long d = e.data.getAndSet(StickLayout.unsent(s.type(), off), 0);
                    if (d != 0) {
                        if (c == null) c = new JsonObject();
                        c.put(s.type().word, d);
                    }
                }
            }
            if (c == null && t == null) continue;
            JsonObject one = new JsonObject().put("k", keyText(e.key));
            if (c != null) one.put("c", c);
            if (t != null) one.put("t", t);
            out.add(one);
        }
        return out;
    }

    /**
     * A late joiner's copy of this table (StickSync's teach): every entry's totals in the deltas'
     * format (counters and rates as their values, tags with their versions), in chunks of at
     * most {@code max} entries. Applied with {@link #applyDeltas} to the joiner's empty table.
     */
    java.util.List<JsonArray> dump(int max) {
        java.util.List<JsonArray> out = new java.util.ArrayList<>();
        JsonArray chunk = new JsonArray();
        for (StickEntry e : entries.values()) {
            JsonObject c = null, t = null;
            for (StickTableSpec.Store s : spec.stores()) {
                int off = layout.offset[s.type().ordinal()];
                if (s.type().kind == StickDataType.Kind.TAG) {
                    long version = e.data.get(off + 1);
                    if (version != 0) {
                        if (t == null) t = new JsonObject();
                        t.put(s.type().word, new JsonArray().add(e.data.get(off)).add(version));
                    }
                } else {
                    long v = read(e, s.type());
                    if (v > 0) {
                        if (c == null) c = new JsonObject();
                        c.put(s.type().word, Math.min(v, MAX_DELTA));
                    }
                }
            }
            JsonObject one = new JsonObject().put("k", keyText(e.key));
            if (c != null) one.put("c", c);
            if (t != null) one.put("t", t);
            chunk.add(one);
            if (chunk.size() >= max) {
                out.add(chunk);
                chunk = new JsonArray();
            }
        }
        if (!chunk.isEmpty()) out.add(chunk);
        return out;
    }

    /** Largest delta one message may carry for one counter (a forged or broken sender is refused). */
    static final long MAX_DELTA = 1L << 40;

    /** Applies another node's deltas; returns a refusal reason, or null when all applied. */
    String applyDeltas(JsonArray list) {
        long now = StickClock.now();
        for (Object o : list) {
            if (!(o instanceof JsonObject one) || !(one.getValue("k") instanceof String ks)) return "malformed entry";
            Object key = parseKey(ks);
            if (key == null) return "invalid key for a " + spec.type().word + " table";
            Object c = one.getValue("c"), t = one.getValue("t");
            if ((c != null && !(c instanceof JsonObject)) || (t != null && !(t instanceof JsonObject))) return "malformed entry";
            StickEntry e = getOrCreate(key);
            if (e == null) continue;  // full with nopurge: as HAProxy, no new entry
            if (c != null) {
                for (Map.Entry<String, Object> d : (JsonObject) c) {
                    StickDataType dt = StickDataType.fromWord(d.getKey());
                    if (dt == null || dt.kind == StickDataType.Kind.TAG || !stores(dt)) return "unknown counter '" + d.getKey() + "'";
                    if (!(d.getValue() instanceof Number n) || n instanceof Double || n instanceof Float || Math.abs(n.longValue()) > MAX_DELTA) return "bad delta";
                    int off = layout.offset[dt.ordinal()];
                    if (dt.kind == StickDataType.Kind.RATE) FreqCounter.update(e.data, off, layout.period[dt.ordinal()], n.longValue(), now);
                    else e.data.addAndGet(off, n.longValue());
                }
            }
            if (t != null) {
                for (Map.Entry<String, Object> d : (JsonObject) t) {
                    StickDataType dt = StickDataType.fromWord(d.getKey());
                    if (dt == null || dt.kind != StickDataType.Kind.TAG || !stores(dt)) return "unknown tag '" + d.getKey() + "'";
                    if (!(d.getValue() instanceof JsonArray a) || a.size() != 2 || !(a.getValue(0) instanceof Number v) || !(a.getValue(1) instanceof Number ver)) return "bad tag";
                    owner.observe(ver.longValue());
                    int off = layout.offset[dt.ordinal()];
                    // newest wins (hybrid clock versions, equal ones keep what is there)
                    if (ver.longValue() > e.data.get(off + 1)) {
                        e.data.set(off, v.longValue());
                        e.data.set(off + 1, ver.longValue());
                    }
                }
            }
            e.touched = now;
        }
        return null;
    }

    Iterator<StickEntry> iterator() {
        return entries.values().iterator();
    }
}
