package io.vxlb;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vxlb.admin.AdminOptions;
import io.vxlb.admin.AdminVerticle;
import io.vxlb.cluster.Members;
import io.vxlb.cluster.SharedState;
import io.vxlb.cluster.StateReplica;
import io.vxlb.config.Config;
import io.vxlb.config.LogTarget;
import io.vxlb.config.Proxy;
import io.vxlb.health.HealthEvent;
import io.vxlb.health.HealthVerticle;
import io.vxlb.log.LogSink;
import io.vxlb.maps.FileMapSource;
import io.vxlb.proxy.ProxyVerticle;
import io.vxlb.proxy.TcpProxyVerticle;
import io.vxlb.runtime.ServerState;
import io.vxlb.runtime.Snapshot;
import io.vxlb.runtime.SnapshotHolder;
import io.vxlb.runtime.TrafficCounters;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * One running vxlb: a Vert.x instance (clustered or not: a standalone node is a cluster of one),
 * this node's {@link StateReplica} of the shared state, one HTTP and one TCP proxy verticle per
 * event loop, the health verticle (checking the servers this node owns) and, when asked for,
 * the admin verticle. Start-up order: follow changes, load the shared state, build the first
 * snapshot, and only then accept traffic.
 */
public final class Node {
    private static final Logger LOG = Logger.getLogger(Node.class.getName());

    /**
     * What distinguishes nodes: the operator's name for it, its admin API, and the environment
     * {@code "${VAR}"} reads when a configuration reloaded through the API is parsed here (so one
     * shared text can bind per-node addresses; default: the process environment).
     */
    public record Options(String name, AdminOptions admin, java.util.function.Function<String, String> env) {
        public static final Options DEFAULT = new Options(null, null, null);

        public Options(String name, AdminOptions admin) {
            this(name, admin, null);
        }

        public Options {
            if (env == null) env = System::getenv;
        }
    }

    private final Vertx vertx;
    private final boolean ownsVertx;
    private final String name;
    private final TrafficCounters counters = new TrafficCounters();
    private final SharedState shared;
    private final Members members;
    private volatile StateReplica replica;
    private java.util.function.Function<String, String> env = System::getenv;
    private final FileMapSource maps = new FileMapSource();
    private final List<MessageConsumer<?>> consumers = new ArrayList<>();
    private final String localHealthAddress = HealthVerticle.ADDRESS + ".local." + java.util.UUID.randomUUID();
    private String deploymentId, tcpDeploymentId, healthDeploymentId, adminDeploymentId, updateDeploymentId;
    private HealthVerticle health;
    private AdminVerticle admin;
    private List<String> bindSignature;

    private Node(Vertx vertx, boolean ownsVertx, String name) {
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
        this.shared = new SharedState(vertx);
        this.members = new Members(vertx);
        this.name = name != null ? name : defaultName(members.selfId());
    }

    private static String defaultName(String id) {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "vxlb";
        }
        return host + "-" + ProcessHandle.current().pid() + (id.equals("local") ? "" : "-" + id.substring(0, Math.min(8, id.length())));
    }

    /** Starts a standalone node on its own Vert.x instance sized by {@code nbthread}. */
    public static Future<Node> start(Config config) {
        return start(config, Options.DEFAULT);
    }

    public static Future<Node> start(Config config, Options options) {
        Vertx vertx = Vertx.vertx(vertxOptions(config));
        return start(vertx, true, config, options);
    }

    /** Vert.x options for a node: native transport, {@code nbthread} event loops. */
    public static VertxOptions vertxOptions(Config config) {
        int threads = config.global().nbthread();
        VertxOptions options = new VertxOptions().setPreferNativeTransport(true);
        if (threads > 0) options.setEventLoopPoolSize(threads);
        return options;
    }

    /** Starts a node on an existing Vert.x instance (tests, embedding, clustered Vert.x). */
    public static Future<Node> start(Vertx vertx, Config config) {
        return start(vertx, false, config, Options.DEFAULT);
    }

    public static Future<Node> start(Vertx vertx, Config config, Options options) {
        return start(vertx, false, config, options);
    }

    /** A node on a Vert.x instance the node owns (closed with it), e.g. a clustered one. */
    public static Future<Node> startOwning(Vertx vertx, Config config, Options options) {
        return start(vertx, true, config, options);
    }

    private static Future<Node> start(Vertx vertx, boolean owns, Config config, Options options) {
        Node node = new Node(vertx, owns, options.name());
        return node.boot(config, options)
                .map(v -> node)
                .recover(t -> {
                    Future<Void> closing = owns ? vertx.close() : node.close();
                    return closing.transform(x -> Future.failedFuture(t));
                });
    }

    private Future<Void> boot(Config fileConfig, Options options) {
        env = options.env();
        // 1. follow changes first (buffered), so nothing published while we load is missed
        // (the consumers may run on another thread than the hand-over below: both lock "early")
        List<JsonObject> early = new ArrayList<>();
        MessageConsumer<JsonObject> changes = vertx.eventBus().consumer(SharedState.CHANGES, m -> {
            synchronized (early) {
                if (replica == null) {
                    early.add(m.body());
                    return;
                }
            }
            replica.apply(m.body());
        });
        consumers.add(changes);
        List<HealthEvent> earlyHealth = new ArrayList<>();
        MessageConsumer<JsonObject> healthEvents = vertx.eventBus().consumer(SharedState.HEALTH_EVENTS, m -> {
            HealthEvent e = HealthEvent.fromJson(m.body());
            synchronized (early) {
                if (replica == null) {
                    earlyHealth.add(e);
                    return;
                }
            }
            replica.applyHealth(e);
            if (health != null && !members.selfId().equals(m.body().getString("node"))) {
                HealthVerticle h = health;
                h.context().runOnContext(x -> h.observe(e));
            }
        });
        consumers.add(healthEvents);
        // 2. load the shared state, 3. build the first snapshot from it (blocking: map files)
        return Future.all(changes.completion(), healthEvents.completion())
                .compose(v -> Future.all(shared.loadState(), shared.loadHealth()))
                .compose(loaded -> vertx.executeBlocking(() -> new StateReplica(vertx, fileConfig, maps, options.env(),
                        loaded.resultAt(0), loaded.resultAt(1), this::configChanged)))
                .compose(r -> {
                    synchronized (early) {  // nothing published meanwhile is lost or applied out of turn
                        replica = r;
                        for (JsonObject c : early) r.apply(c);
                        for (HealthEvent e : earlyHealth) r.applyHealth(e);
                    }
                    bindSignature = bindSignature(r.config());
                    return deployProxies();
                })
                .compose(v -> startNodeServices())
                .compose(v -> members.start(name, options.admin() == null ? null : options.admin().address(), live -> reownHealth()))
                .compose(v -> startHealth())
                .compose(v -> startUpdates())
                .compose(v -> options.admin() == null ? Future.succeededFuture()
                        : vertx.deployVerticle(admin = new AdminVerticle(this, options.admin())).map(id -> {
                            adminDeploymentId = id;
                            return null;
                        }));
    }

    private Future<Void> deployProxies() {
        int instances = eventLoops(vertx);
        SnapshotHolder holder = replica.holder();
        return vertx.deployVerticle(() -> new ProxyVerticle(holder, counters), new DeploymentOptions().setInstances(instances))
                .compose(id -> {
                    deploymentId = id;
                    return vertx.deployVerticle(() -> new TcpProxyVerticle(holder, counters), new DeploymentOptions().setInstances(instances));
                })
                .map(id -> {
                    tcpDeploymentId = id;
                    return null;
                });
    }

    /** Per-node event-bus services other nodes' admin APIs call. */
    private Future<Void> startNodeServices() {
        MessageConsumer<JsonObject> await = vertx.eventBus().consumer(nodeAddress(members.selfId(), "await"), m -> {
            JsonObject b = m.body();
            long timeout = b.getLong("timeout", 5000L);
            long timer = vertx.setTimer(timeout, t -> m.fail(504, "version " + b.getLong("version") + " of " + b.getString("key") + " not applied"));
            replica.await(b.getString("key"), b.getLong("version")).onSuccess(v -> {
                vertx.cancelTimer(timer);
                m.reply(new JsonObject().put("node", name).put("version", replica.version()));
            });
        });
        MessageConsumer<JsonObject> status = vertx.eventBus().consumer(nodeAddress(members.selfId(), "status"), m -> m.reply(status()));
        consumers.add(await);
        consumers.add(status);
        return Future.all(await.completion(), status.completion()).mapEmpty();
    }

    public static String nodeAddress(String nodeId, String op) {
        return "vxlb.node." + nodeId + "." + op;
    }

    /** What this node reports about itself: name, versions applied, server states, counters. */
    public JsonObject status() {
        Snapshot s = replica.holder().get();
        JsonObject servers = new JsonObject();
        for (var e : s.states().entrySet()) {
            ServerState st = e.getValue();
            servers.put(e.getKey(), new JsonObject().put("up", st.up()).put("admin", st.admin().name().toLowerCase()).put("weight", st.weight()));
        }
        return new JsonObject().put("id", members.selfId()).put("name", name).put("version", replica.version())
                .put("versions", new JsonObject(new HashMap<>(replica.versions()))).put("servers", servers)
                .put("checks", new io.vertx.core.json.JsonArray(checkedHere(s)))
                .put("stats", io.vxlb.admin.Stats.of(s, counters));
    }

    /** The checked servers this node owns (rendezvous over the live members). */
    private List<String> checkedHere(Snapshot s) {
        List<String> out = new ArrayList<>();
        for (Proxy p : s.config().backends()) {
            for (var srv : p.servers()) {
                String key = p.name() + "/" + srv.name();
                if (srv.check() && !srv.tracks() && members.selfId().equals(Members.owner(key, members.live()))) out.add(key);
            }
        }
        return out;
    }

    /**
     * Health results of the servers this node owns: logged by the verticle, then shared (event bus
     * to every node, and the health map for late joiners).
     */
    private Future<Void> startHealth() {
        Config config = replica.config();
        List<LogSink> sinks = new ArrayList<>();
        for (LogTarget t : config.global().logs()) sinks.add(new LogSink(vertx, t, config.global().logTag()));
        if (sinks.isEmpty()) sinks.add(new LogSink(vertx, new LogTarget(null, false, "stderr", 1024, "raw", "daemon", null, null), "vxlb"));
        if (consumers.stream().noneMatch(c -> c.address().equals(localHealthAddress))) {
            MessageConsumer<JsonObject> local = vertx.eventBus().<JsonObject>localConsumer(localHealthAddress, m -> {
                JsonObject ev = m.body().copy().put("node", members.selfId());
                HealthEvent e = HealthEvent.fromJson(ev);
                shared.putHealth(e.key(), ev);
                vertx.eventBus().publish(SharedState.HEALTH_EVENTS, ev);
            });
            consumers.add(local);
        }
        health = new HealthVerticle(() -> config, localHealthAddress,
                line -> sinks.forEach(s -> s.send(line.contains(" is DOWN") || line.contains("no server available") ? "alert" : "notice", line)),
                key -> members.selfId().equals(Members.owner(key, members.live())),
                () -> replica.holder().get().states());
        return vertx.deployVerticle(health).map(id -> {
            healthDeploymentId = id;
            return null;
        });
    }

    /** {@code dynamic-update} downloads, made by the owner of each line only. */
    private Future<Void> startUpdates() {
        Config config = replica.config();
        if (config.mapUpdates().isEmpty()) return Future.succeededFuture();
        return vertx.deployVerticle(new io.vxlb.cluster.DynamicUpdateVerticle(config.mapUpdates(),
                key -> members.selfId().equals(Members.owner(key, members.live())), maps, shared, name)).map(id -> {
            updateDeploymentId = id;
            return null;
        });
    }

    private void reownHealth() {
        HealthVerticle h = health;
        if (h != null && h.context() != null) h.context().runOnContext(x -> h.reown());
    }

    /** A reload through the admin API: new health checks; new listeners when the binds changed. */
    private void configChanged(Config old, Config next) {
        vertx.runOnContext(x -> {
            Future<Void> restartHealth = (healthDeploymentId == null ? Future.<Void>succeededFuture() : vertx.undeploy(healthDeploymentId))
                    .compose(v -> startHealth())
                    .compose(v -> updateDeploymentId == null ? Future.<Void>succeededFuture() : vertx.undeploy(updateDeploymentId))
                    .compose(v -> {
                        updateDeploymentId = null;
                        return startUpdates();
                    });
            List<String> sig = bindSignature(next);
            if (sig.equals(bindSignature)) return;
            bindSignature = sig;
            // new listeners first: Vert.x shares a host:port among the verticles of one instance, so
            // binds kept by the reload never close (no refused connection, no "address in use"); the
            // old verticles leave after, closing only the binds the new configuration dropped
            String oldHttp = deploymentId, oldTcp = tcpDeploymentId;
            restartHealth.compose(v -> deployProxies())
                    .compose(v -> vertx.undeploy(oldTcp)).compose(v -> vertx.undeploy(oldHttp))
                    .onFailure(t -> LOG.severe("reload: cannot listen on the new binds: " + t.getMessage()));
        });
    }

    private static List<String> bindSignature(Config c) {
        List<String> out = new ArrayList<>();
        for (Proxy p : c.proxies()) {
            if (!p.kind().hasFrontend()) continue;
            for (var b : p.binds()) out.add(p.name() + " " + p.mode() + " " + b.withLocation(null));
        }
        return out;
    }

    /** One proxy verticle per event loop, so every loop accepts and keeps its backend connections. */
    private static int eventLoops(Vertx vertx) {
        int n = 0;
        for (var ignored : ((io.vertx.core.internal.VertxInternal) vertx).nettyEventLoopGroup()) n++;
        return Math.max(1, n);
    }

    public Vertx vertx() {
        return vertx;
    }

    public String name() {
        return name;
    }

    public Members members() {
        return members;
    }

    public SharedState shared() {
        return shared;
    }

    /** The map files this node serves (contents as last applied). */
    public FileMapSource maps() {
        return maps;
    }

    /** The environment configuration texts are parsed with on this node. */
    public java.util.function.Function<String, String> env() {
        return env;
    }

    public StateReplica replica() {
        return replica;
    }

    /** The live connection counters (stats, admin API, tests). */
    public TrafficCounters counters() {
        return counters;
    }

    public Snapshot snapshot() {
        return replica.holder().get();
    }

    /** The admin API's bound port (0 when not running). */
    public int adminPort() {
        return admin == null ? 0 : admin.port();
    }

    public Future<Void> close() {
        members.stop();
        if (ownsVertx) return vertx.close();
        List<Future<?>> steps = new ArrayList<>();
        for (MessageConsumer<?> c : consumers) steps.add(c.unregister());
        Future<Void> f = Future.join(steps).mapEmpty();
        for (String id : new String[] {adminDeploymentId, updateDeploymentId, healthDeploymentId, tcpDeploymentId, deploymentId}) {
            if (id != null) f = f.transform(x -> vertx.undeploy(id));
        }
        return f;
    }

    @Override
    public String toString() {
        return "Node[" + Objects.toString(name) + "]";
    }
}
