package io.vxlb.cluster;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vxlb.admin.MapEdits;
import io.vxlb.cluster.SharedState.Stamp;
import io.vxlb.config.Config;
import io.vxlb.config.ConfigParser;
import io.vxlb.config.FilePolicy;
import io.vxlb.config.MapUpdate;
import io.vxlb.config.ParseResult;
import io.vxlb.health.HealthEvent;
import io.vxlb.maps.FileMapSource;
import io.vxlb.maps.MapFile;
import io.vxlb.maps.MapSource;
import io.vxlb.runtime.CompiledBackend;
import io.vxlb.runtime.ServerRuntime;
import io.vxlb.runtime.ServerState;
import io.vxlb.runtime.Snapshot;
import io.vxlb.runtime.SnapshotCompiler;
import io.vxlb.runtime.SnapshotHolder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * <p>Every change arrives opened (its MAC checked by the caller) and is checked again here before
 * it touches anything: a map change must name a map the running configuration declares (its
 * rules or its dynamic-update lines), its entries must be map-file lines (no control characters),
 * a server change must carry a valid admin state and weight, a configuration must parse and
 * compile here and name only allowed files ({@link FilePolicy}). A change that fails is not
 * recorded as applied: its waiters fail with the error (the node's NACK) and a later, fixed
 * version still applies. A change is applied only when its (version, writer) is newer than the
 * one this node has for the key, so replays at start-up, reconciliation after a split and live
 * messages can overlap safely. Map changes are also written back to the node's map file
 * (write + atomic rename, in the map's own directory, never creating one).
 */
public final class StateReplica {
    private static final Logger LOG = Logger.getLogger(StateReplica.class.getName());
    /** A health verdict dated further ahead of this node's clock than this is refused. */
    static final long HEALTH_MAX_AHEAD_MS = 60_000;

    private final Vertx vertx;
    private final Context context;
    private final FileMapSource maps;
    private final java.util.function.Function<String, String> env;
    private final SnapshotHolder holder;
    private final BiConsumer<Config, Config> configChanged;
    private final SharedState shared;
    /** What a configuration pushed through the API may name: --maps-dir, and the files the node's own configuration names. */
    private final FilePolicy apiPolicy;

    // touched only by the ordered tasks
    private Config config;
    private boolean configFromApi;
    private final Map<String, JsonObject> admin = new HashMap<>();
    private final Map<String, HealthMark> health = new HashMap<>();
    /** The configuration a reload replaced, until the listener has been told (after the swap). */
    private Config replaced;
    /** A snapshot already compiled while a new configuration was checked. */
    private Snapshot compiled;

    /** Versions applied, by key id ("map:PATH", "server:B/S", "config"); read by any thread. */
    private final Map<String, Long> versions = new ConcurrentHashMap<>();
    private final Map<String, Stamp> stamps = new ConcurrentHashMap<>();
    /** The sealed message of what is applied, by key id (put back into the cluster when a split healed without it). */
    private final Map<String, JsonObject> sealedApplied = new ConcurrentHashMap<>();
    /** The last change of a key that could not be applied here, by key id. */
    private final Map<String, Failure> failures = new ConcurrentHashMap<>();
    /**
     * Versions in force: copied from {@link #versions} once the snapshot built from them is swapped
     * in, so {@link #await} never completes while requests still see the previous snapshot.
     */
    private final Map<String, Long> inForce = new ConcurrentHashMap<>();
    private volatile long version;
    private volatile Set<String> declaredMaps = Set.of();
    private final List<Waiter> waiters = new ArrayList<>();

    private record HealthMark(boolean up, long time) {}

    private record Waiter(String key, long version, Promise<Void> promise) {}

    /** A change this node could not apply: its version and why. */
    public record Failure(long version, String error) {}

    /** A change refused here: nothing of it is applied. */
    static final class ApplyFailed extends RuntimeException {
        ApplyFailed(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Builds the first snapshot from {@code config} and the shared state loaded from the cluster
     * (blocking: map files are read; call it before the proxy verticles start).
     */
    public StateReplica(Vertx vertx, Config config, FileMapSource maps, java.util.function.Function<String, String> env,
                        Map<String, SharedState.Entry> state, Map<String, SharedState.Entry> healthState,
                        BiConsumer<Config, Config> configChanged, SharedState shared, List<Path> mapsDirs) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.maps = maps;
        this.env = env;
        this.config = config;
        this.configChanged = configChanged;
        this.shared = shared;
        // the node's own configuration is trusted: what it names may be named again through the API
        Set<String> named = new LinkedHashSet<>();
        Snapshot first = build(config, FilePolicy.OPEN, named);
        List<Path> files = new ArrayList<>(FilePolicy.namedFiles(config));
        for (String f : named) files.add(Path.of(f));
        this.apiPolicy = FilePolicy.restricted(mapsDirs == null ? List.of() : mapsDirs, files, FilePolicy.namedCerts(config), FilePolicy.DEFAULT_MAX_BYTES);
        compiled = first;
        SharedState.Entry cfg = state.get(StateKey.CONFIG.id());
        if (cfg != null) applyLogged(cfg.payload(), cfg.sealed());
        for (Map.Entry<String, SharedState.Entry> e : state.entrySet()) {
            if (!e.getKey().equals(StateKey.CONFIG.id())) applyLogged(e.getValue().payload(), e.getValue().sealed());
        }
        for (SharedState.Entry e : healthState.values()) healthMark(e.payload());
        Snapshot s = compiled != null ? compiled : build(this.config, policy(), null);
        compiled = null;
        this.holder = new SnapshotHolder(s);
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

    /** What a configuration pushed through the admin API may name. */
    public FilePolicy apiPolicy() {
        return apiPolicy;
    }

    /** Maps the running configuration declares (paths as written): the only ones a change may name. */
    public Set<String> declaredMaps() {
        return declaredMaps;
    }

    /** The highest shared-state version this node has applied. */
    public long version() {
        return version;
    }

    public Map<String, Long> versions() {
        return Map.copyOf(versions);
    }

    /** Changes this node could not apply (key id to version and error). */
    public Map<String, Failure> failures() {
        return Map.copyOf(failures);
    }

    /** Applies an opened change {@code {"key":{...},"version":V,"writer":W,"value":{...}}}; {@code sealed} is the message as received. */
    public Future<Void> apply(JsonObject change, JsonObject sealed) {
        return serial(() -> {
            StateKey key = applyLogged(change, sealed);
            if (key != null) {
                // a server's admin state or weight changes states only: compiled rules and maps are kept
                rebuild(!(key instanceof StateKey.ServerKey));
            }
            releaseWaiters();  // after the new snapshot is in place
            if (replaced != null) {
                Config old = replaced;
                replaced = null;
                if (configChanged != null) configChanged.accept(old, config);
            }
        });
    }

    /** Applies an opened health verdict from the server's owner (newest wins). */
    public Future<Void> applyHealth(JsonObject payload) {
        return serial(() -> {
            HealthMark old = healthMarkOf(payload);
            if (old != NO_CHANGE) rebuild(false);
        });
    }

    private static final HealthMark NO_CHANGE = new HealthMark(false, -1);

    /** Folds a verdict in; returns the previous mark when up/down changed, else {@link #NO_CHANGE}. */
    private HealthMark healthMarkOf(JsonObject payload) {
        HealthEvent e;
        try {
            e = HealthEvent.fromJson(payload);
            if (e.backend() == null || e.server() == null) throw new IllegalArgumentException("no backend/server");
        } catch (RuntimeException ex) {
            LOG.warning("dropping a malformed health verdict: " + ex.getMessage());
            return NO_CHANGE;
        }
        if (e.time() > System.currentTimeMillis() + HEALTH_MAX_AHEAD_MS) {
            LOG.warning("dropping the health verdict of " + SharedState.printable(e.key()) + ": dated " + (e.time() - System.currentTimeMillis()) + " ms in the future");
            return NO_CHANGE;
        }
        HealthMark old = health.get(e.key());
        if (old != null && old.time() > e.time()) return NO_CHANGE;
        health.put(e.key(), new HealthMark(e.up(), e.time()));
        return old == null || old.up() != e.up() ? (old == null ? new HealthMark(!e.up(), 0) : old) : NO_CHANGE;
    }

    private void healthMark(JsonObject payload) {
        healthMarkOf(payload);
    }

    /**
     * Completes once this node has applied {@code key} at {@code version} or later; fails with the
     * error when this node could not apply that version.
     */
    public Future<Void> await(String key, long version) {
        Promise<Void> p = Promise.promise();
        synchronized (waiters) {
            if (inForce.getOrDefault(key, 0L) >= version) return Future.succeededFuture();
            Failure f = failures.get(key);
            if (f != null && f.version() >= version) return Future.failedFuture(f.error());
            waiters.add(new Waiter(key, version, p));
        }
        return p.future();
    }

    /** The stored state of the cluster, compared with this node's: what each side lacks (reconciliation). */
    public Future<String> reconcile(Map<String, SharedState.Entry> stored) {
        return vertx.<List<String>>executeBlocking(() -> {
            synchronized (this) {
                List<String> mine = new ArrayList<>();
                for (Map.Entry<String, Stamp> e : stamps.entrySet()) {
                    SharedState.Entry s = stored.get(e.getKey());
                    if (s == null || e.getValue().newerThan(Stamp.of(s.payload()))) mine.add(e.getKey());
                }
                return mine;
            }
        }, true).compose(mine -> {
            List<Future<?>> steps = new ArrayList<>();
            int theirs = 0;
            for (SharedState.Entry s : stored.values()) {
                String id;
                try {
                    id = StateKey.fromJson(s.payload().getValue("key")).id();
                } catch (RuntimeException e) {
                    continue;
                }
                Stamp have = stamps.getOrDefault(id, Stamp.NONE);
                if (Stamp.of(s.payload()).newerThan(have)) {
                    theirs++;
                    steps.add(apply(s.payload(), s.sealed()));
                }
            }
            for (String id : mine) {
                JsonObject sealed = sealedApplied.get(id);
                ClusterSecret.Opened o = shared.secret().open(SharedState.STATE, (Object) sealed);
                if (o.payload() == null) continue;
                steps.add(shared.restore(StateKey.fromJson(o.payload().getValue("key")), o.payload(), sealed));
            }
            int t = theirs;
            return Future.join(steps).transform(ar -> Future.succeededFuture(
                    t + " newer entr" + (t == 1 ? "y" : "ies") + " taken from the cluster, " + mine.size() + " of this node's put back"));
        });
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

    /** Applies one change; returns its key when it was applied (the snapshot must be rebuilt), null when not. */
    private StateKey applyLogged(JsonObject change, JsonObject sealed) {
        StateKey key;
        long v;
        try {
            key = StateKey.fromJson(change.getValue("key"));
            if (!(change.getValue("version") instanceof Number n) || n.longValue() != n.doubleValue()) throw new IllegalArgumentException("no integer version");
            v = n.longValue();
            if (!(change.getValue("value") instanceof JsonObject)) throw new IllegalArgumentException("no value object");
        } catch (RuntimeException e) {
            LOG.warning("dropping a malformed state change: " + SharedState.printable(e.getMessage()));
            return null;
        }
        String id = key.id();
        if (!SharedState.plausible(v)) {
            LOG.warning("dropping " + SharedState.printable(id) + " version " + v + ": the version is ahead of this node's clock by more than "
                    + SharedState.MAX_AHEAD_MS / 1000 + " s (forged, or a writer's clock is wrong)");
            return null;
        }
        Stamp stamp = Stamp.of(change);
        if (!stamp.newerThan(stamps.getOrDefault(id, Stamp.NONE))) return null;
        try {
            applyValue(key, change.getJsonObject("value"));
        } catch (RuntimeException e) {
            String msg = e instanceof ApplyFailed || e instanceof SharedState.Rejected || e instanceof FilePolicy.Refused
                    ? e.getMessage() : String.valueOf(e.getMessage());
            LOG.log(Level.SEVERE, "cannot apply shared state " + SharedState.printable(id) + " version " + v + ": " + msg);
            failures.put(id, new Failure(v, msg));
            failWaiters(id, v, msg);
            shared.observe(v);
            return null;
        }
        failures.remove(id);
        stamps.put(id, stamp);
        versions.put(id, v);
        if (sealed != null) sealedApplied.put(id, sealed);
        shared.observe(v);
        if (v > version) version = v;
        return key;
    }

    private FilePolicy policy() {
        return configFromApi ? apiPolicy : FilePolicy.OPEN;
    }

    /** Folds one checked value in, or throws (nothing changed). */
    private void applyValue(StateKey key, JsonObject value) {
        if (key instanceof StateKey.ConfigKey) {
            {
                if (!(value.getValue("text") instanceof String text)) throw new ApplyFailed("the configuration has no text");
                String name = value.getValue("name") instanceof String n ? n : "api.cfg";
                ParseResult r = new ConfigParser(env).parse(name, text);
                if (!r.ok()) {
                    // the details stay in this node's log: they may hold this node's environment values
                    r.errors().forEach(d -> LOG.severe("configuration from the cluster: " + d.format()));
                    var at = r.errors().get(0).location();
                    throw new ApplyFailed("the configuration does not parse here: " + r.errors().size() + " error(s)"
                            + (at != null ? ", first at line " + at.line() + " column " + at.column() : "") + " (details in this node's log)");
                }
                List<String> refused = apiPolicy.check(r.config());
                if (!refused.isEmpty()) throw new ApplyFailed("the configuration names files this node does not allow: " + refused);
                Snapshot s;
                try {
                    s = build(r.config(), apiPolicy, null);
                } catch (RuntimeException e) {
                    LOG.severe("configuration from the cluster does not compile: " + e.getMessage());
                    throw new ApplyFailed("the configuration does not compile here" + (e instanceof FilePolicy.Refused ? ": " + e.getMessage() : " (details in this node's log)"));
                }
                if (replaced == null) replaced = config;
                config = r.config();
                configFromApi = true;
                compiled = s;
            }
        } else if (key instanceof StateKey.MapKey m) {
            {
                String path = m.path();
                if (!declares(path)) throw new ApplyFailed("map '" + path + "' is not declared by the running configuration");
                List<MapFile.Entry> entries = entries(value.getJsonArray("entries"));
                MapFile file = MapFile.of(path, entries, stampVersion(value));
                maps.put(file);
                writeMapFile(path, file);
            }
        } else if (key instanceof StateKey.ServerKey s) {
            {
                Object a = value.getValue("admin");
                if (a != null && !(a instanceof String as && List.of("ready", "drain", "maint").contains(as))) throw new ApplyFailed("admin state must be ready, drain or maint");
                Object w = value.getValue("weight");
                if (w != null && !(w instanceof Number n && n.doubleValue() == n.intValue() && n.intValue() >= 0 && n.intValue() <= 256)) throw new ApplyFailed("weight must be 0 to 256");
                admin.put(s.serverKey(), value.copy());
            }
        }
    }

    private static long stampVersion(JsonObject value) {
        return value.getValue("version") instanceof Number n ? n.longValue() : 0L;
    }

    private boolean declares(String path) {
        if (declaredMaps.contains(path)) return true;
        for (MapUpdate u : config.mapUpdates()) if (u.map() && u.file().equals(path)) return true;
        return false;
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

    private void failWaiters(String key, long v, String error) {
        List<Promise<Void>> failed = new ArrayList<>();
        synchronized (waiters) {
            waiters.removeIf(w -> {
                if (!w.key().equals(key) || w.version() > v) return false;
                failed.add(w.promise());
                return true;
            });
        }
        failed.forEach(p -> p.tryFail(error));
    }

    /** Map entries from a change, each checked as a map-file line (ApplyFailed otherwise). */
    static List<MapFile.Entry> entries(JsonArray array) {
        if (array == null) throw new ApplyFailed("a map change needs \"entries\"");
        List<MapFile.Entry> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            if (!(array.getValue(i) instanceof JsonArray kv) || kv.size() != 2 || !(kv.getValue(0) instanceof String k) || !(kv.getValue(1) instanceof String v)) {
                throw new ApplyFailed("map entry " + i + " is not [key, value]");
            }
            try {
                MapEdits.checkKey(k);
                MapEdits.checkValue(v);
            } catch (SharedState.Rejected e) {
                throw new ApplyFailed("map entry " + i + ": " + e.getMessage());
            }
            out.add(new MapFile.Entry(k, v, i + 1));
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

    /** Writes the map file where the configuration's map lives: its directory must exist, an existing file must be a regular file. */
    private void writeMapFile(String path, MapFile file) {
        Path target = maps.resolve(path).toAbsolutePath();
        try {
            Path dir = target.getParent();
            if (dir == null || !Files.isDirectory(dir)) {
                LOG.warning("map " + path + " version " + file.version() + " is applied but not written: directory " + dir + " does not exist");
                return;
            }
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(target)) {
                LOG.warning("map " + path + " version " + file.version() + " is applied but not written: " + target + " is not a regular file");
                return;
            }
            Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            Files.writeString(tmp, mapText(file.entries()), StandardCharsets.ISO_8859_1);
            // the file keeps its permissions (a temporary file is made 0600)
            if (Files.exists(target)) {
                try {
                    Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(target));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: the platform's defaults apply
                }
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LOG.warning("map " + path + " version " + file.version() + " is applied but could not be written to " + target + ": " + e);
        }
    }

    /** A new snapshot: compiled anew ({@code compile}: config or maps changed), or only new server states. */
    private void rebuild(boolean compile) {
        try {
            Snapshot s = compiled;
            compiled = null;
            holder.set(s != null ? s : compile ? build(config, policy(), null) : SnapshotCompiler.withStates(holder.get(), states()));
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "cannot build a snapshot, the previous one stays in force: " + e.getMessage(), e);
        }
    }

    /**
     * A new snapshot from {@code cfg}, the maps, admin states and health verdicts; files read under
     * {@code policy}; the maps it uses become the declared ones. {@code named} collects every file read.
     */
    private Snapshot build(Config cfg, FilePolicy policy, Set<String> named) {
        Map<String, ServerRuntime> previous = new HashMap<>();
        Snapshot old = holder != null ? holder.get() : null;
        if (old != null) for (CompiledBackend b : old.backends().values()) for (ServerRuntime s : b.servers()) previous.put(s.key, s);
        Set<String> used = new LinkedHashSet<>();
        MapSource source = path -> {
            if (!policy.isOpen()) policy.readable(path, "map file");
            MapFile f;
            try {
                f = maps.get(path);
            } catch (RuntimeException e) {
                if (policy.isOpen()) throw e;
                throw new ApplyFailed("map file '" + path + "' does not load (its contents are not shown)");
            }
            used.add(path);
            return f;
        };
        java.util.function.Function<String, Path> files = path -> {
            Path p = policy.readable(path, "file");
            if (named != null) named.add(path);
            return p;
        };
        Config previousConfig = config;
        config = cfg;  // states() reads the configuration being compiled
        Snapshot s;
        try {
            s = new SnapshotCompiler(source, previous, old, files).compile(old == null ? 1 : old.version() + 1, cfg, states());
        } finally {
            config = previousConfig;
        }
        if (named != null) named.addAll(used);
        declaredMaps = Set.copyOf(used);
        return s;
    }

    /**
     * Compiles {@code cfg} as a node would apply it from the API (files under {@code policy}, map
     * files read afresh, contents never in an error), without keeping anything; {@code read}
     * collects every file path it read.
     */
    public static void trialCompile(Config cfg, FilePolicy policy, Set<String> read) {
        FileMapSource fresh = new FileMapSource();
        MapSource source = path -> {
            policy.readable(path, "map file");
            read.add(path);
            try {
                return fresh.get(path);
            } catch (RuntimeException e) {
                throw new ApplyFailed("map file '" + path + "' does not load (its contents are not shown)");
            }
        };
        java.util.function.Function<String, Path> files = path -> {
            Path p = policy.readable(path, "file");
            read.add(path);
            return p;
        };
        new SnapshotCompiler(source, Map.of(), null, files).compile(0, cfg, SnapshotCompiler.initialStates(cfg));
    }

    /** Server states of the current config: configured, then the operator's admin state and weight, then health. */
    private Map<String, ServerState> states() {
        Map<String, ServerState> states = SnapshotCompiler.initialStates(config);
        for (Map.Entry<String, ServerState> e : states.entrySet()) {
            ServerState st = e.getValue();
            JsonObject a = admin.get(e.getKey());
            HealthMark h = health.get(e.getKey());
            ServerState.Admin adm = st.admin();
            if (a != null && a.getValue("admin") instanceof String s) adm = ServerState.Admin.valueOf(s.toUpperCase());
            int weight = a != null && a.getValue("weight") instanceof Number n ? n.intValue() : st.weight();
            e.setValue(new ServerState(h != null ? h.up() : st.up(), adm, weight));
        }
        return states;
    }
}
