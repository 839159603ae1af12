package io.vxlb.cluster;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vxlb.config.Config;
import io.vxlb.config.ConfigParser;
import io.vxlb.config.ParseResult;
import io.vxlb.health.HealthEvent;
import io.vxlb.maps.FileMapSource;
import io.vxlb.maps.MapFile;
import io.vxlb.runtime.CompiledBackend;
import io.vxlb.runtime.ServerRuntime;
import io.vxlb.runtime.ServerState;
import io.vxlb.runtime.Snapshot;
import io.vxlb.runtime.SnapshotCompiler;
import io.vxlb.runtime.SnapshotHolder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This node's copy of the shared state, and the snapshots built from it. Changes (admin writes
 * from any node, health verdicts from each server's owner) are applied one at a time, off the
 * event loops (ordered blocking tasks), and each ends with a new {@link Snapshot} swapped into
 * the {@link SnapshotHolder}: the request path only ever reads the holder.
 *
 * <p>A change is applied only when its version is newer than the one this node has for the key,
 * so replays at start-up and live messages can overlap safely. Map changes are also written back
 * to the node's map file (write + atomic rename), so a restarted node keeps them.
 */
public final class StateReplica {
    private static final Logger LOG = Logger.getLogger(StateReplica.class.getName());

    private final Vertx vertx;
    private final Context context;
    private final FileMapSource maps;
    private final java.util.function.Function<String, String> env;
    private final SnapshotHolder holder;
    private final BiConsumer<Config, Config> configChanged;

    // touched only by the ordered tasks
    private Config config;
    private final Map<String, JsonObject> admin = new HashMap<>();
    private final Map<String, HealthMark> health = new HashMap<>();
    /** The configuration a reload replaced, until the listener has been told (after the swap). */
    private Config replaced;

    /** Versions applied, by key ("map:PATH", "server:B/S", "config"); read by any thread. */
    private final Map<String, Long> versions = new ConcurrentHashMap<>();
    /**
     * Versions in force: copied from {@link #versions} once the snapshot built from them is swapped
     * in, so {@link #await} never completes while requests still see the previous snapshot.
     */
    private final Map<String, Long> inForce = new ConcurrentHashMap<>();
    private volatile long version;
    private final List<Waiter> waiters = new ArrayList<>();

    private record HealthMark(boolean up, long time) {}

    private record Waiter(String key, long version, Promise<Void> promise) {}

    /**
     * Builds the first snapshot from {@code config} and the shared state loaded from the cluster
     * (blocking: map files are read; call it before the proxy verticles start).
     */
    public StateReplica(Vertx vertx, Config config, FileMapSource maps, java.util.function.Function<String, String> env, Map<String, JsonObject> state,
                        Map<String, JsonObject> healthState, BiConsumer<Config, Config> configChanged) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.maps = maps;
        this.env = env;
        this.config = config;
        this.configChanged = configChanged;
        JsonObject cfg = state.get("config");
        if (cfg != null) applyValue("config", cfg);
        for (Map.Entry<String, JsonObject> e : state.entrySet()) if (!e.getKey().equals("config")) applyValue(e.getKey(), e.getValue());
        for (Map.Entry<String, JsonObject> e : healthState.entrySet()) {
            HealthEvent ev = HealthEvent.fromJson(e.getValue());
            health.put(ev.key(), new HealthMark(ev.up(), ev.time()));
        }
        this.holder = new SnapshotHolder(build());
        inForce.putAll(versions);
        replaced = null;  // the verticles start on this configuration: nothing to tell
    }

    public SnapshotHolder holder() {
        return holder;
    }

    /** The configuration in force (from the files, or the last reload through the API). */
    public synchronized Config config() {
        return config;
    }

    /** The highest shared-state version this node has applied. */
    public long version() {
        return version;
    }

    public Map<String, Long> versions() {
        return Map.copyOf(versions);
    }

    /** Applies a published change {@code {"key":K,"version":V,"value":{...}}}. */
    public Future<Void> apply(JsonObject change) {
        return serial(() -> {
            String key = change.getString("key");
            // a server's admin state or weight changes states only: compiled rules and maps are kept
            if (applyValue(key, change.getJsonObject("value"))) rebuild(!key.startsWith("server:"));
            releaseWaiters();  // after the new snapshot is in place
            if (replaced != null) {
                Config old = replaced;
                replaced = null;
                if (configChanged != null) configChanged.accept(old, config);
            }
        });
    }

    /** Applies a health verdict from the server's owner (newest wins). */
    public Future<Void> applyHealth(HealthEvent e) {
        return serial(() -> {
            HealthMark old = health.get(e.key());
            if (old != null && old.time() > e.time()) return;
            health.put(e.key(), new HealthMark(e.up(), e.time()));
            if (old == null || old.up() != e.up()) rebuild(false);
        });
    }

    /** Completes once this node has applied {@code key} at {@code version} or later. */
    public Future<Void> await(String key, long version) {
        Promise<Void> p = Promise.promise();
        synchronized (waiters) {
            if (inForce.getOrDefault(key, 0L) >= version) return Future.succeededFuture();
            waiters.add(new Waiter(key, version, p));
        }
        return p.future();
    }

    private Future<Void> serial(Runnable task) {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> vertx.<Void>executeBlocking(() -> {
            synchronized (this) {
                task.run();
            }
            return null;
        }, true).onComplete(done));
        return done.future();
    }

    /** Folds one stored value in; returns true when the snapshot must be rebuilt. */
    private boolean applyValue(String key, JsonObject value) {
        long v = value.getLong("version", 0L);
        if (versions.getOrDefault(key, 0L) >= v) return false;
        try {
            if (key.equals("config")) {
                ParseResult r = new ConfigParser(env).parse(value.getString("name", "api.cfg"), value.getString("text"));
                if (!r.ok()) throw new IllegalStateException("configuration version " + v + " does not parse here: " + r.errors());
                if (replaced == null) replaced = config;
                config = r.config();
            } else if (key.startsWith("map:")) {
                String path = key.substring(4);
                MapFile file = MapFile.of(path, entries(value.getJsonArray("entries")), v);
                maps.put(file);
                writeMapFile(path, file);
            } else if (key.startsWith("server:")) {
                admin.put(key.substring(7), value);
            } else {
                LOG.warning("ignoring unknown shared state key " + key);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "cannot apply shared state " + key + " version " + v + ": " + e.getMessage(), e);
        }
        versions.put(key, v);
        if (v > version) version = v;
        return true;
    }

    private void releaseWaiters() {
        List<Promise<Void>> ready = new ArrayList<>();
        synchronized (waiters) {
            inForce.putAll(versions);
            waiters.removeIf(w -> {
                if (inForce.getOrDefault(w.key(), 0L) < w.version()) return false;
                ready.add(w.promise());
                return true;
            });
        }
        ready.forEach(Promise::tryComplete);
    }

    static List<MapFile.Entry> entries(JsonArray array) {
        List<MapFile.Entry> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonArray kv = array.getJsonArray(i);
            out.add(new MapFile.Entry(kv.getString(0), kv.getString(1), i + 1));
        }
        return out;
    }

    /** Map file text as HAProxy reads it: one "key value" per line. */
    public static String mapText(List<MapFile.Entry> entries) {
        StringBuilder sb = new StringBuilder();
        for (MapFile.Entry e : entries) {
            sb.append(e.key());
            if (!e.value().isEmpty()) sb.append(' ').append(e.value());
            sb.append('\n');
        }
        return sb.toString();
    }

    private void writeMapFile(String path, MapFile file) {
        Path target = maps.resolve(path);
        try {
            Path dir = target.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            Files.writeString(tmp, mapText(file.entries()), StandardCharsets.ISO_8859_1);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LOG.warning("map " + path + " version " + file.version() + " is applied but could not be written to " + target + ": " + e);
        }
    }

    /** A new snapshot: compiled anew ({@code compile}: config or maps changed), or only new server states. */
    private void rebuild(boolean compile) {
        try {
            holder.set(compile ? build() : SnapshotCompiler.withStates(holder.get(), states()));
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "cannot build a snapshot, the previous one stays in force: " + e.getMessage(), e);
        }
    }

    /** A new snapshot from the current config, maps, admin states and health verdicts. */
    private Snapshot build() {
        Map<String, ServerRuntime> previous = new HashMap<>();
        Snapshot old = holder != null ? holder.get() : null;
        if (old != null) for (CompiledBackend b : old.backends().values()) for (ServerRuntime s : b.servers()) previous.put(s.key, s);
        return new SnapshotCompiler(maps, previous, old).compile(old == null ? 1 : old.version() + 1, config, states());
    }

    /** Server states of the current config: configured, then the operator's admin state and weight, then health. */
    private Map<String, ServerState> states() {
        Map<String, ServerState> states = SnapshotCompiler.initialStates(config);
        for (Map.Entry<String, ServerState> e : states.entrySet()) {
            ServerState st = e.getValue();
            JsonObject a = admin.get(e.getKey());
            HealthMark h = health.get(e.getKey());
            ServerState.Admin adm = a != null ? ServerState.Admin.valueOf(a.getString("admin", st.admin().name()).toUpperCase()) : st.admin();
            int weight = a != null && a.getInteger("weight") != null ? a.getInteger("weight") : st.weight();
            e.setValue(new ServerState(h != null ? h.up() : st.up(), adm, weight));
        }
        return states;
    }
}
