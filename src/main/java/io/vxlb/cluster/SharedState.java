package io.vxlb.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The cluster's versioned state: map contents, administrative server states and the reloaded
 * configuration, one JSON value per key in a shared {@code AsyncMap} (Hazelcast when clustered,
 * local otherwise — a standalone node is a cluster of one). A write takes the cluster lock, gives
 * the value the next cluster-wide version, stores it, and publishes it on {@link #CHANGES} so
 * every node applies it; a node that joins later reads the map before taking traffic.
 * Health verdicts live in a second map, written by each server's owner without the lock.
 * Admin and start-up paths only: the request path never calls this class.
 *
 * <p>Keys: {@code map:PATH}, {@code server:BACKEND/SERVER}, {@code config}.
 */
public final class SharedState {
    public static final String STATE_MAP = "vxlb.state";
    public static final String HEALTH_MAP = "vxlb.health";
    public static final String CHANGES = "vxlb.state.changed";
    public static final String HEALTH_EVENTS = "vxlb.health.state";
    static final String LOCK = "vxlb.state.lock";
    static final String COUNTER = "vxlb.state.version";
    static final long LOCK_TIMEOUT_MS = 10_000;

    /** A write refused by its change function: nothing is stored, the message is for the caller. */
    public static final class Rejected extends RuntimeException {
        public final int status;

        public Rejected(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private final Vertx vertx;

    public SharedState(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Every stored state value, by key (start-up catch-up). */
    public Future<Map<String, JsonObject>> loadState() {
        return load(STATE_MAP);
    }

    /** Every stored health verdict, by "backend/server". */
    public Future<Map<String, JsonObject>> loadHealth() {
        return load(HEALTH_MAP);
    }

    private Future<Map<String, JsonObject>> load(String name) {
        return vertx.sharedData().<String, String>getAsyncMap(name)
                .compose(AsyncMap::entries)
                .map(entries -> {
                    Map<String, JsonObject> out = new LinkedHashMap<>();
                    entries.forEach((k, v) -> out.put(k, new JsonObject(v)));
                    return out;
                });
    }

    /**
     * Changes one key under the cluster lock: {@code change} gets the stored value (null when
     * absent) and returns the new one, or throws {@link Rejected}. The stored value gets
     * {@code "version"}; the change is published as {@code {"key":K,"version":V,"value":{...}}}.
     * Returns that message.
     */
    public Future<JsonObject> update(String key, UnaryOperator<JsonObject> change) {
        return vertx.sharedData().getLockWithTimeout(LOCK, LOCK_TIMEOUT_MS).compose(lock ->
                locked(key, change).andThen(ar -> lock.release()));
    }

    private Future<JsonObject> locked(String key, UnaryOperator<JsonObject> change) {
        return vertx.sharedData().<String, String>getAsyncMap(STATE_MAP).compose(map -> map.get(key).compose(old -> {
            JsonObject next;
            try {
                next = change.apply(old == null ? null : new JsonObject(old));
            } catch (RuntimeException e) {
                return Future.failedFuture(e);
            }
            return vertx.sharedData().getCounter(COUNTER).compose(c -> c.incrementAndGet()).compose(version -> {
                next.put("version", version);
                return map.put(key, next.encode()).map(v -> {
                    JsonObject msg = new JsonObject().put("key", key).put("version", version).put("value", next);
                    vertx.eventBus().publish(CHANGES, msg);
                    return msg;
                });
            });
        }));
    }

    /** Records a health verdict published by the server's owner (late joiners read it). */
    public Future<Void> putHealth(String serverKey, JsonObject event) {
        return vertx.sharedData().<String, String>getAsyncMap(HEALTH_MAP).compose(m -> m.put(serverKey, event.encode()));
    }

    /** The highest version written so far (0 when nothing was). */
    public Future<Long> version() {
        return vertx.sharedData().getCounter(COUNTER).compose(c -> c.get());
    }
}
