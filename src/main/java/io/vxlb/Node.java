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
    public record Options(String name, AdminOptions admin, java.util.function.Function<String, String> env,
                          io.vxlb.cluster.ClusterSecret secret, List<java.nio.file.Path> mapsDirs, int clusterSize) {
        public static final Options DEFAULT = new Options(null, null, null);

        public Options(String name, AdminOptions admin) {
            this(name, admin, null);
        }

        public Options(String name, AdminOptions admin, java.util.function.Function<String, String> env) {
            this(name, admin, env, null, List.of(), 0);
        }

        public Options {
            if (env == null) env = System::getenv;
            mapsDirs = mapsDirs == null ? List.of() : List.copyOf(mapsDirs);
        }

        /** The same with the cluster secret every message is sealed with (required when clustered). */
        public Options withSecret(io.vxlb.cluster.ClusterSecret s) {
            return new Options(name, admin, env, s, mapsDirs, clusterSize);
        }

        /** The same with the directories a configuration pushed through the admin API may name files in. */
        public Options withMapsDirs(List<java.nio.file.Path> dirs) {
            return new Options(name, admin, env, secret, dirs, clusterSize);
        }

        /** The same with the configured number of members: writes need a majority of them (0: no majority needed). */
        public Options withClusterSize(int n) {
            return new Options(name, admin, env, secret, mapsDirs, n);
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
    private String stickDeploymentId;  // vxlb-stick
    private HealthVerticle health;
    private AdminVerticle admin;
    private List<String> bindSignature;

    private final io.vxlb.cluster.ClusterSecret secret;
    private final Options options;
    /** Refused messages since the last log line about them (logged at most once a second). */
    private final Map<String, long[]> dropped = new java.util.concurrent.ConcurrentHashMap<>();

    private Node(Vertx vertx, boolean ownsVertx, Options options) {
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
        this.options = options;
        this.secret = options.secret() != null ? options.secret() : io.vxlb.cluster.ClusterSecret.random();
        this.members = new Members(vertx, secret);
        this.shared = new SharedState(vertx, secret, members.selfId(), () -> members.live().size(), options.clusterSize());
        this.name = options.name() != null ? options.name() : defaultName(members.selfId());
    }

    /** Logs a refused cluster message (rate-limited: a flood of forgeries does not flood the log). */
    private void refused(String what, String why) {
        long[] d = dropped.computeIfAbsent(what, k -> new long[2]);  // {refused since the last line, time of the last line}
        long n;
        synchronized (d) {
            n = ++d[0];
            long now = System.currentTimeMillis();
            if (now - d[1] < 1000) return;
            d[1] = now;
            d[0] = 0;
        }
        LOG.warning("refused " + what + ": " + why + (n > 1 ? " (" + (n - 1) + " more refused since the last report)" : ""));
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
        if (((io.vertx.core.internal.VertxInternal) vertx).clusterManager() != null && options.secret() == null) {
            Future<Void> closing = owns ? vertx.close() : Future.succeededFuture();
            return closing.transform(x -> Future.failedFuture(new IllegalArgumentException(
                    "a clustered node needs the cluster secret (--cluster-secret FILE): without it any process that reaches Hazelcast could change every node")));
        }
        Node node = new Node(vertx, owns, options);
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
        List<JsonObject[]> early = new ArrayList<>();
        MessageConsumer<Object> changes = vertx.eventBus().consumer(SharedState.CHANGES, m -> {
            io.vxlb.cluster.ClusterSecret.Opened o = secret.open(SharedState.STATE, m.body());
            if (o.payload() == null) {
                refused("a state change", o.refusal());
                return;
            }
            JsonObject sealed = (JsonObject) m.body();
            synchronized (early) {
                if (replica == null) {
                    early.add(new JsonObject[] {o.payload(), sealed});
                    return;
                }
            }
            replica.apply(o.payload(), sealed);
        });
        consumers.add(changes);
        List<JsonObject> earlyHealth = new ArrayList<>();
        MessageConsumer<Object> healthEvents = vertx.eventBus().consumer(SharedState.HEALTH_EVENTS, m -> {
            io.vxlb.cluster.ClusterSecret.Opened o = secret.open(SharedState.HEALTH, m.body());
            if (o.payload() == null) {
                refused("a health verdict", o.refusal());
                return;
            }
            JsonObject payload = o.payload();
            HealthEvent e;
            try {
                e = HealthEvent.fromJson(payload);
            } catch (RuntimeException ex) {
                refused("a health verdict", "malformed");
                return;
            }
            synchronized (early) {
                if (replica == null) {
                    earlyHealth.add(payload);
                    return;
                }
            }
            replica.applyHealth(payload);
            if (health != null && !members.selfId().equals(payload.getString("node"))
                    && e.time() <= System.currentTimeMillis() + 60_000) {
                HealthVerticle h = health;
                h.context().runOnContext(x -> h.observe(e));
            }
        });
        consumers.add(healthEvents);
        // 2. load the shared state, 3. build the first snapshot from it (blocking: map files)
        return Future.all(changes.completion(), healthEvents.completion())
                .compose(v -> Future.all(shared.loadState(), shared.loadHealth()))
                .compose(loaded -> vertx.executeBlocking(() -> new StateReplica(vertx, fileConfig, maps, options.env(),
                        loaded.resultAt(0), loaded.resultAt(1), this::configChanged, shared, options.mapsDirs())))
                .compose(r -> {
                    synchronized (early) {  // nothing published meanwhile is lost or applied out of turn
                        replica = r;
                        for (JsonObject[] c : early) r.apply(c[0], c[1]);
                        for (JsonObject e : earlyHealth) r.applyHealth(e);
                    }
                    bindSignature = bindSignature(r.config());
                    operations = new io.vxlb.admin.cli.Operations(this);
                    operations.register();  // the stats page answers from the first request on
                    // vxlb-stick: the sync runs before the first request can be counted
                    return startStickSync().compose(x -> deployProxies());
                })
                .compose(v -> startNodeServices())
                .compose(v -> members.start(name, options.admin() == null ? null : options.admin().address(), live -> {
                    reownHealth();
                    int before = liveCount;
                    liveCount = live.size();
                    // a member joined, or a split healed: reconcile now, and again once Hazelcast's merge has settled
                    if (live.size() > before && before > 0) for (long delay : new long[] {1, 2000, 5000}) vertx.setTimer(delay, t -> reconcile("members " + live.size() + " (were " + before + ")"));
                }))
                .compose(v -> startHealth())
                .compose(v -> startUpdates())
                .compose(v -> startOperations())
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

    /** vxlb-stick: the cluster sync of stick counters (and their expiry), reading the current snapshot's tables. */
    private Future<Void> startStickSync() {
        StateReplica r = replica;
        return vertx.deployVerticle(new io.vxlb.stick.StickSync(secret, members.selfId(), () -> r.holder().get().stickTables(),
                io.vxlb.stick.StickSync.configuredInterval())).map(id -> {
            stickDeploymentId = id;
            return null;
        });
    }

    /**
     * Per-node event-bus services other nodes' admin APIs call ({@link #call}): {@code status} (this
     * node's report) and {@code await} (this node's acknowledgement of one change: applied, failed
     * with the error, or still pending at the deadline). Calls and replies are sealed with the
     * cluster secret and a reply echoes the call's nonce, so neither can be forged or replayed.
     */
    private Future<Void> startNodeServices() {
        MessageConsumer<Object> calls = vertx.eventBus().consumer(nodeAddress(members.selfId(), "call"), m -> {
            io.vxlb.cluster.ClusterSecret.Opened o = secret.open(SharedState.NODE_CALL, m.body());
            if (o.payload() == null || !members.selfId().equals(o.payload().getString("to"))) {
                refused("a node call", o.payload() == null ? o.refusal() : "addressed to another node");
                m.fail(403, "refused");
                return;
            }
            JsonObject call = o.payload();
            String nonce = call.getString("nonce");
            java.util.function.Consumer<JsonObject> reply = body -> m.reply(secret.seal(SharedState.NODE_REPLY,
                    new JsonObject().put("nonce", nonce).put("from", members.selfId()).put("name", name).put("body", body)));
            switch (String.valueOf(call.getString("op"))) {
                case "status" -> reply.accept(status());
                case "await" -> {
                    String key = call.getString("key");
                    long version = call.getLong("version", 0L);
                    long timeout = Math.min(60_000, Math.max(1, call.getLong("timeout", 5000L)));
                    java.util.concurrent.atomic.AtomicBoolean answered = new java.util.concurrent.atomic.AtomicBoolean();
                    long timer = vertx.setTimer(timeout, t -> {
                        if (answered.compareAndSet(false, true)) {
                            reply.accept(new JsonObject().put("applied", false).put("pending", true).put("version", replica.versions().getOrDefault(key, 0L)));
                        }
                    });
                    replica.await(key, version).onComplete(ar -> {
                        if (!answered.compareAndSet(false, true)) return;
                        vertx.cancelTimer(timer);
                        if (ar.succeeded()) reply.accept(new JsonObject().put("applied", true).put("version", replica.versions().getOrDefault(key, 0L)));
                        else reply.accept(new JsonObject().put("applied", false).put("error", String.valueOf(ar.cause().getMessage())));
                    });
                }
                default -> m.fail(400, "unknown call");
            }
        });
        consumers.add(calls);
        return calls.completion();
    }

    /** Calls another node's service {@code op} (sealed); its reply body, opened and checked. */
    public Future<JsonObject> call(String nodeId, String op, JsonObject args, long timeoutMs) {
        String nonce = java.util.UUID.randomUUID().toString();
        JsonObject call = args.copy().put("op", op).put("to", nodeId).put("nonce", nonce);
        return vertx.eventBus().request(nodeAddress(nodeId, "call"), secret.seal(SharedState.NODE_CALL, call),
                new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(timeoutMs)).compose(msg -> {
            io.vxlb.cluster.ClusterSecret.Opened o = secret.open(SharedState.NODE_REPLY, msg.body());
            if (o.payload() == null) return Future.failedFuture("the reply was refused: " + o.refusal());
            if (!nonce.equals(o.payload().getString("nonce")) || !nodeId.equals(o.payload().getString("from"))) {
                return Future.failedFuture("the reply was refused: it answers another call");
            }
            JsonObject body = o.payload().getJsonObject("body");
            return body == null ? Future.failedFuture("empty reply") : Future.succeededFuture(body);
        });
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
        JsonObject failed = new JsonObject();
        replica.failures().forEach((k, f) -> failed.put(k, new JsonObject().put("version", f.version()).put("error", f.error())));
        return new JsonObject().put("id", members.selfId()).put("name", name).put("version", replica.version())
                .put("versions", new JsonObject(new HashMap<>(replica.versions()))).put("failed", failed).put("servers", servers)
                .put("checks", new io.vertx.core.json.JsonArray(checkedHere(s)))
                .put("stats", io.vxlb.admin.Stats.of(s, counters))
                .put("statcsv", operations == null ? null : operations.table().csv());
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
                JsonObject sealed = secret.seal(SharedState.HEALTH, ev);
                shared.putHealth(e.key(), sealed);
                vertx.eventBus().publish(SharedState.HEALTH_EVENTS, sealed);
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

    /**
     * The runtime API on the configuration's {@code stats socket} lines and the stats page's
     * operations (io.vxlb.admin.cli). The sockets are those of the configuration the node started
     * with: a reload through the admin API does not move them.
     */
    private Future<Void> startOperations() {
        return operations.start().compose(v -> {
            var sockets = replica.config().global().statsSockets();
            if (sockets.isEmpty()) return Future.succeededFuture();
            return vertx.deployVerticle(new io.vxlb.admin.cli.CliVerticle(sockets, operations)).map(id -> {
                cliDeploymentId = id;
                return null;
            });
        });
    }

    /** The runtime API's and stats page's operations on this node (null before start). */
    public io.vxlb.admin.cli.Operations operations() {
        return operations;
    }

    private io.vxlb.admin.cli.Operations operations;
    private String cliDeploymentId;

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

    private int liveCount;

    /**
     * Reconciles this node with the cluster's stored state (after a member joined or a split
     * healed): entries newer than this node's are applied, this node's newer ones are put back
     * (newest wins by (version, writer), which never repeats), and the outcome is logged.
     */
    public Future<String> reconcile(String why) {
        if (replica == null) return Future.succeededFuture("not started");
        return shared.loadState().compose(replica::reconcile).onSuccess(result -> {
            if (!result.startsWith("0 newer entries taken from the cluster, 0 ")) LOG.info("reconciled with the cluster (" + why + "): " + result);
        }).onFailure(t -> LOG.warning("reconciliation with the cluster failed (" + why + "): " + t.getMessage()));
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

    /** The secret this node seals and opens cluster messages with. */
    public io.vxlb.cluster.ClusterSecret secret() {
        return secret;
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
        if (operations != null) operations.stop();
        if (ownsVertx) return vertx.close();
        List<Future<?>> steps = new ArrayList<>();
        for (MessageConsumer<?> c : consumers) steps.add(c.unregister());
        Future<Void> f = Future.join(steps).mapEmpty();
        for (String id : new String[] {cliDeploymentId, adminDeploymentId, stickDeploymentId, updateDeploymentId, healthDeploymentId, tcpDeploymentId, deploymentId}) {
            if (id != null) f = f.transform(x -> vertx.undeploy(id));
        }
        return f;
    }

    @Override
    public String toString() {
        return "Node[" + Objects.toString(name) + "]";
    }
}
