package io.vxlb.admin.cli;

import io.vertx.core.Future;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vxlb.Node;
import io.vxlb.admin.MapEdits;
import io.vxlb.admin.ServerEdits;
import io.vxlb.cluster.Members;
import io.vxlb.cluster.SharedState;
import io.vxlb.cluster.StateKey;
import io.vxlb.config.Proxy;
import io.vxlb.config.Server;
import io.vxlb.health.HealthEvent;
import io.vxlb.maps.MapFile;
import io.vxlb.runtime.Snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * What the runtime API and the stats page do on a node: read this node's state (snapshot,
 * counters, last check results) and change the cluster's (maps, server states) through the same
 * shared-state writes as the admin REST API, waiting until this node applied the change so the
 * caller's next command sees it. Never called on the request path's hot part: the stats page
 * runs here only for requests to its URI.
 */
public final class Operations implements StatsTable.Checks {
    private static final Map<io.vxlb.runtime.SnapshotHolder, Operations> BY_HOLDER = new ConcurrentHashMap<>();

    private final Node node;
    private final long startMillis = System.currentTimeMillis();
    private final Map<String, HealthEvent> lastChecks = new ConcurrentHashMap<>();
    private final Map<String, Long> lastChanges = new ConcurrentHashMap<>();
    private MessageConsumer<Object> healthConsumer;

    public Operations(Node node) {
        this.node = node;
    }

    /** Makes these operations the stats page's for this node's proxies: before they accept traffic. */
    public void register() {
        BY_HOLDER.put(node.replica().holder(), this);
    }

    /** Follows health verdicts (check_status, lastchg). */
    public Future<Void> start() {
        healthConsumer = node.vertx().eventBus().consumer(SharedState.HEALTH_EVENTS, m -> {
            io.vxlb.cluster.ClusterSecret.Opened o = node.secret().open(SharedState.HEALTH, m.body());
            if (o.payload() == null) return;
            try {
                note(HealthEvent.fromJson(o.payload()));
            } catch (RuntimeException ignored) {
                // malformed verdicts are the replica's to report
            }
        });
        return healthConsumer.completion().compose(v -> node.shared().loadHealth()).map(stored -> {
            for (SharedState.Entry e : stored.values()) {
                try {
                    note(HealthEvent.fromJson(e.payload()));
                } catch (RuntimeException ignored) {
                    // as above
                }
            }
            return null;
        });
    }

    private void note(HealthEvent e) {
        if (e.backend() == null || e.server() == null) return;
        HealthEvent old = lastChecks.get(e.key());
        if (old != null && old.time() > e.time()) return;
        lastChecks.put(e.key(), e);
        lastChanges.put(e.key(), e.time());
    }

    public void stop() {
        BY_HOLDER.remove(node.replica().holder(), this);
        if (healthConsumer != null) healthConsumer.unregister();
    }

    /** The operations of the node whose proxies read {@code holder} (null before start). */
    public static Operations of(io.vxlb.runtime.SnapshotHolder holder) {
        return BY_HOLDER.get(holder);
    }

    @Override
    public HealthEvent last(String serverKey) {
        return lastChecks.get(serverKey);
    }

    @Override
    public long lastChange(String serverKey) {
        Long t = lastChanges.get(serverKey);
        return t == null ? 0 : t;
    }

    public Node node() {
        return node;
    }

    public long startMillis() {
        return startMillis;
    }

    /** This node's stats rows now. */
    public StatsTable table() {
        return StatsTable.of(node.snapshot(), node.counters(), this, startMillis);
    }

    /**
     * Every live node's table (name → table; this node's own without a call), asked over the
     * event bus as the admin API's reports; a node that does not answer in time is left out.
     */
    public Future<Map<String, StatsTable>> clusterTables() {
        Map<String, StatsTable> out = new java.util.LinkedHashMap<>();
        out.put(node.name(), table());
        List<Future<JsonObject>> asks = new ArrayList<>();
        List<Members.Member> others = new ArrayList<>();
        for (Members.Member m : node.members().members()) {
            if (m.id().equals(node.members().selfId())) continue;
            others.add(m);
            asks.add(node.call(m.id(), "status", new JsonObject(), 2000).otherwise(t -> null));
        }
        return Future.join(asks).transform(x -> {
            for (int i = 0; i < asks.size(); i++) {
                JsonObject j = asks.get(i).result();
                if (j != null && j.getValue("statcsv") instanceof String csv) out.put(others.get(i).name(), StatsTable.parseCsv(csv));
            }
            return Future.succeededFuture(out);
        });
    }

    /**
     * {@code clear counters}: the maxima (smax) of this node's frontends, backends and servers;
     * with {@code all} every cumulative counter too (HAProxy's "clear counters all").
     */
    public void clearCounters(boolean all) {
        Snapshot s = node.snapshot();
        List<io.vxlb.runtime.ProxyCounters> counters = new ArrayList<>();
        for (Proxy p : s.config().proxies()) {
            if (p.kind().hasFrontend()) counters.add(node.counters().frontendStats(p.name()));
            if (p.kind().hasBackend()) counters.add(node.counters().backendStats(p.name()));
        }
        for (var be : s.backends().values()) {
            for (var r : be.servers()) {
                counters.add(r.stats);
                if (all) {
                    r.totalRequests.reset();
                    r.failedConnections.set(0);
                }
            }
        }
        for (var c : counters) c.clear(all);
    }

    // ---- maps ------------------------------------------------------------------------------

    /** Map paths of the running configuration, in the order HAProxy numbers them (#0, #1...). */
    public List<String> maps() {
        List<String> out = new ArrayList<>(node.replica().declaredMaps());
        out.sort(null);
        return out;
    }

    /** A map named by its configured path or {@code #id}; null when there is none. */
    public String resolveMap(String name) {
        List<String> maps = maps();
        if (name.startsWith("#")) {
            try {
                int i = Integer.parseInt(name.substring(1));
                return i >= 0 && i < maps.size() ? maps.get(i) : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return maps.contains(name) ? name : null;
    }

    public List<MapFile.Entry> entries(String path) {
        return node.maps().get(path).entries();
    }

    /** Where the configuration uses a map first ("file 'F' line N"), best effort. */
    public String usedAt(String path) {
        for (Proxy p : node.replica().config().proxies()) {
            for (var r : p.httpRequestRules()) if (r.toString().contains(path)) return "file '" + r.location().file() + "' line " + r.location().line();
            for (var r : p.httpResponseRules()) if (r.toString().contains(path)) return "file '" + r.location().file() + "' line " + r.location().line();
            for (var r : p.backendSwitches()) if (r.toString().contains(path)) return "file '" + r.location().file() + "' line " + r.location().line();
            for (var r : p.acls()) if (r.toString().contains(path)) return "file '" + r.location().file() + "' line " + r.location().line();
        }
        return "file 'unknown' line 0";
    }

    /** Read-modify-write of a map's entries in the cluster; completes once this node applied it. */
    public Future<Void> editMap(String path, UnaryOperator<JsonArray> edit) {
        StateKey key = new StateKey.MapKey(path);
        return write(key, stored -> {
            JsonArray base = stored != null ? stored.getJsonArray("entries") : MapEdits.toJson(entries(path));
            return new JsonObject().put("entries", edit.apply(base));
        });
    }

    // ---- servers ---------------------------------------------------------------------------

    public Proxy backend(String name) {
        Proxy p = node.replica().config().proxy(name).orElse(null);
        return p != null && p.kind().hasBackend() ? p : null;
    }

    public Future<Void> setServer(Proxy backend, Server srv, String admin, Integer weight) {
        return write(new StateKey.ServerKey(backend.name(), srv.name()), ServerEdits.change(srv, admin, weight))
                .onSuccess(v -> lastChanges.put(backend.name() + "/" + srv.name(), System.currentTimeMillis()));
    }

    private Future<Void> write(StateKey key, UnaryOperator<JsonObject> change) {
        return node.shared().update(key, change).compose(msg -> node.replica().await(key.id(), msg.getLong("version")));
    }
}
