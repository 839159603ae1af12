package io.vxlb.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;

/**
 * The cluster's versioned state: map contents, administrative server states and the reloaded
 * configuration, one sealed JSON value per {@link StateKey} in a shared {@code AsyncMap}
 * (Hazelcast when clustered, local otherwise — a standalone node is a cluster of one). A write
 * takes the cluster lock, gives the value the next version, stores it sealed with the cluster
 * secret, and publishes it on {@link #CHANGES} so every node applies it; a node that joins later
 * reads the map before taking traffic. Entries and messages that do not open with the secret are
 * dropped and logged. Health verdicts live in a second map, written by each server's owner
 * without the lock. Admin and start-up paths only: the request path never calls this class.
 *
 * <p>A version is a hybrid logical clock: {@code max(wall-clock ms << 12, every version this node
 * has seen + 1)}, with the writer's node id carried beside it. Versions never go back after a
 * network split heals (Hazelcast's merge may keep the other side's counter, but not our clocks),
 * and (version, writer) never repeats, so "newest wins" picks one history on every node.
 *
 * <p>With a configured cluster size, a write needs a majority of it live ({@link #update} fails
 * with 503 otherwise): during a split only the majority side accepts writes.
 */
public final class SharedState {
    private static final Logger LOG = Logger.getLogger(SharedState.class.getName());
    public static final String STATE_MAP = "vxlb.state";
    public static final String HEALTH_MAP = "vxlb.health";
    public static final String CHANGES = "vxlb.state.changed";
    public static final String HEALTH_EVENTS = "vxlb.health.state";
    /** MAC purposes: a message sealed for one is refused as another. */
    public static final String STATE = "vxlb-state-v1", HEALTH = "vxlb-health-v1", NODE_CALL = "vxlb-node-call-v1", NODE_REPLY = "vxlb-node-reply-v1";
    static final String LOCK = "vxlb.state.lock";
    static final long LOCK_TIMEOUT_MS = 10_000;
    /** Versions are milliseconds shifted by this many bits (4096 writes per ms before the clock is ahead). */
    public static final int CLOCK_SHIFT = 12;
    /** A version further ahead of this node's clock than this is refused (a forged or broken writer). */
    public static final long MAX_AHEAD_MS = 3_600_000;

    /** A write refused by its change function: nothing is stored, the message is for the caller. */
    public static final class Rejected extends RuntimeException {
        public final int status;

        public Rejected(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private final Vertx vertx;
    private final ClusterSecret secret;
    private final String selfId;
    private final IntSupplier liveMembers;
    private final int clusterSize;
    private final AtomicLong clock = new AtomicLong();

    public SharedState(Vertx vertx, ClusterSecret secret, String selfId, IntSupplier liveMembers, int clusterSize) {
        this.vertx = vertx;
        this.secret = secret;
        this.selfId = selfId;
        this.liveMembers = liveMembers;
        this.clusterSize = clusterSize;
    }

    public ClusterSecret secret() {
        return secret;
    }

    /** The configured number of members (0: not configured, no majority needed). */
    public int clusterSize() {
        return clusterSize;
    }

    /** The live members a write needs (a majority of the configured size, else 1). */
    public int quorum() {
        return clusterSize > 0 ? clusterSize / 2 + 1 : 1;
    }

    /** Remembers a version seen (applied or stored), so the next one written here is above it. */
    public void observe(long version) {
        clock.accumulateAndGet(version, Math::max);
    }

    /** The next version: above the clock, above everything seen here, above the stored one. */
    long nextVersion(long stored) {
        long now = System.currentTimeMillis() << CLOCK_SHIFT;
        return clock.accumulateAndGet(Math.max(now, stored + 1), (last, cand) -> Math.max(last + 1, cand));
    }

    /** False when {@code version} is too far ahead of this node's clock to be honest. */
    public static boolean plausible(long version) {
        return version > 0 && version <= (System.currentTimeMillis() + MAX_AHEAD_MS) << CLOCK_SHIFT;
    }

    /** A stored entry that opened with the secret: its payload, and the sealed message as stored. */
    public record Entry(JsonObject payload, JsonObject sealed) {}

    /** Every stored state value that opens with the secret ({@code {"key","version","writer","value"}}), by key id. */
    public Future<Map<String, Entry>> loadState() {
        return load(STATE_MAP, STATE, p -> StateKey.fromJson(p.getValue("key")).id());
    }

    /** Every stored health verdict that opens with the secret, by "backend/server". */
    public Future<Map<String, Entry>> loadHealth() {
        return load(HEALTH_MAP, HEALTH, p -> p.getString("backend") + "/" + p.getString("server"));
    }

    private Future<Map<String, Entry>> load(String name, String purpose, java.util.function.Function<JsonObject, String> keyOf) {
        return vertx.sharedData().<String, String>getAsyncMap(name)
                .compose(AsyncMap::entries)
                .map(entries -> {
                    Map<String, Entry> out = new LinkedHashMap<>();
                    entries.forEach((k, v) -> {
                        JsonObject p = openStored(name, purpose, k, v, keyOf);
                        if (p != null) out.put(k, new Entry(p, new JsonObject(v)));
                    });
                    return out;
                });
    }

    private JsonObject openStored(String map, String purpose, String k, String v, java.util.function.Function<JsonObject, String> keyOf) {
        ClusterSecret.Opened o = secret.open(purpose, v);
        if (o.payload() == null) {
            LOG.warning("dropping cluster entry " + map + "[" + printable(k) + "]: " + o.refusal());
            return null;
        }
        try {
            if (!k.equals(keyOf.apply(o.payload()))) throw new IllegalArgumentException("stored under another key");
        } catch (RuntimeException e) {
            LOG.warning("dropping cluster entry " + map + "[" + printable(k) + "]: " + e.getMessage());
            return null;
        }
        return o.payload();
    }

    /** A name from the wire, safe to log (control characters escaped, length bounded). */
    public static String printable(String s) {
        if (s == null) return "null";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && i < 200; i++) {
            char c = s.charAt(i);
            if (c < ' ' || c == 0x7f) sb.append(String.format("\\x%02x", (int) c));
            else sb.append(c);
        }
        if (s.length() > 200) sb.append("...");
        return sb.toString();
    }

    /** The stored payload of one key (opened), or null. */
    public Future<JsonObject> get(StateKey key) {
        return vertx.sharedData().<String, String>getAsyncMap(STATE_MAP).compose(m -> m.get(key.id()))
                .map(v -> v == null ? null : openStored(STATE_MAP, STATE, key.id(), v, p -> StateKey.fromJson(p.getValue("key")).id()));
    }

    /**
     * Changes one key under the cluster lock: {@code change} gets the stored value (null when
     * absent) and returns the new one, or throws {@link Rejected}. The change is stored and
     * published sealed as {@code {"key":{...},"version":V,"writer":NODE,"value":{...}}}; that
     * payload is returned.
     */
    public Future<JsonObject> update(StateKey key, UnaryOperator<JsonObject> change) {
        int live = liveMembers.getAsInt();
        if (live < quorum()) {
            return Future.failedFuture(new Rejected(503, "no majority: " + live + " of " + clusterSize
                    + " configured members are reachable, a write needs " + quorum() + " (is the cluster split?)"));
        }
        return vertx.sharedData().getLockWithTimeout(LOCK, LOCK_TIMEOUT_MS).compose(lock ->
                locked(key, change).andThen(ar -> lock.release()));
    }

    private Future<JsonObject> locked(StateKey key, UnaryOperator<JsonObject> change) {
        return vertx.sharedData().<String, String>getAsyncMap(STATE_MAP).compose(map -> map.get(key.id()).compose(old -> {
            JsonObject stored = old == null ? null : openStored(STATE_MAP, STATE, key.id(), old, p -> StateKey.fromJson(p.getValue("key")).id());
            JsonObject next;
            try {
                JsonObject oldValue = stored == null ? null : stored.getJsonObject("value");
                next = change.apply(oldValue == null ? null : oldValue.copy());
            } catch (RuntimeException e) {
                return Future.failedFuture(e);
            }
            long version = nextVersion(stored == null ? 0 : stored.getLong("version", 0L));
            next.put("version", version);
            JsonObject msg = new JsonObject().put("key", key.toJson()).put("version", version).put("writer", selfId).put("value", next);
            JsonObject sealed = secret.seal(STATE, msg);
            return map.put(key.id(), sealed.encode()).map(v -> {
                vertx.eventBus().publish(CHANGES, sealed);
                return msg;
            });
        }));
    }

    /**
     * Puts a payload this node holds back into the cluster map when it is newer than the stored one
     * (after a split heals), and publishes it; {@code sealed} is the original sealed message.
     * Completes with true when it was newer and written.
     */
    public Future<Boolean> restore(StateKey key, JsonObject payload, JsonObject sealed) {
        return vertx.sharedData().getLockWithTimeout(LOCK, LOCK_TIMEOUT_MS).compose(lock ->
                vertx.sharedData().<String, String>getAsyncMap(STATE_MAP).compose(map -> map.get(key.id()).compose(old -> {
                    JsonObject stored = old == null ? null : openStored(STATE_MAP, STATE, key.id(), old, p -> StateKey.fromJson(p.getValue("key")).id());
                    if (stored != null && !Stamp.of(payload).newerThan(Stamp.of(stored))) return Future.succeededFuture(false);
                    return map.put(key.id(), sealed.encode()).map(v -> {
                        vertx.eventBus().publish(CHANGES, sealed);
                        return true;
                    });
                })).andThen(ar -> lock.release()));
    }

    /** Records a health verdict published by the server's owner (late joiners read it), sealed. */
    public Future<Void> putHealth(String serverKey, JsonObject sealed) {
        return vertx.sharedData().<String, String>getAsyncMap(HEALTH_MAP).compose(m -> m.put(serverKey, sealed.encode()));
    }

    /** A version and its writer: newer by version, then by writer id (so one of two equal versions wins everywhere). */
    public record Stamp(long version, String writer) {
        public static final Stamp NONE = new Stamp(0, "");

        public static Stamp of(JsonObject payload) {
            return new Stamp(payload.getLong("version", 0L), payload.getString("writer", ""));
        }

        public boolean newerThan(Stamp o) {
            return version != o.version ? version > o.version : writer.compareTo(o.writer) > 0;
        }
    }
}
