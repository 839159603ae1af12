package io.vxlb;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vxlb.config.Config;
import io.vxlb.maps.FileMapSource;
import io.vxlb.proxy.ProxyVerticle;
import io.vxlb.proxy.TcpProxyVerticle;
import io.vxlb.runtime.Snapshot;
import io.vxlb.runtime.SnapshotCompiler;
import io.vxlb.runtime.SnapshotHolder;
import io.vxlb.runtime.TrafficCounters;

import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vxlb.config.LogTarget;
import io.vxlb.health.HealthEvent;
import io.vxlb.health.HealthStates;
import io.vxlb.health.HealthVerticle;
import io.vxlb.log.LogSink;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One running vxlb: a Vert.x instance, the current snapshot, and one HTTP and one TCP proxy
 * verticle per event loop. Standalone today; the cluster issue makes it a member of a Hazelcast cluster.
 */
public final class Node {
    private final Vertx vertx;
    private final boolean ownsVertx;
    private final SnapshotHolder holder;
    private final TrafficCounters counters = new TrafficCounters();
    private String deploymentId;
    private String tcpDeploymentId;
    private String healthDeploymentId;
    private MessageConsumer<JsonObject> healthConsumer;

    private Node(Vertx vertx, boolean ownsVertx, Snapshot snapshot) {
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
        this.holder = new SnapshotHolder(snapshot);
    }

    /** Starts a node on its own Vert.x instance sized by {@code nbthread} (default: Vert.x's event loop count). */
    public static Future<Node> start(Config config) {
        int threads = config.global().nbthread();
        VertxOptions options = new VertxOptions().setPreferNativeTransport(true);
        if (threads > 0) options.setEventLoopPoolSize(threads);
        Vertx vertx = Vertx.vertx(options);
        return start(vertx, true, config);
    }

    /** Starts a node on an existing Vert.x instance (tests, embedding). */
    public static Future<Node> start(Vertx vertx, Config config) {
        return start(vertx, false, config);
    }

    private static Future<Node> start(Vertx vertx, boolean owns, Config config) {
        Snapshot snapshot;
        try {
            snapshot = new SnapshotCompiler(new FileMapSource(), Map.of()).compile(1, config, SnapshotCompiler.initialStates(config));
        } catch (RuntimeException e) {
            if (owns) vertx.close();
            return Future.failedFuture(e);
        }
        Node node = new Node(vertx, owns, snapshot);
        int instances = eventLoops(vertx);
        return vertx.deployVerticle(() -> new ProxyVerticle(node.holder, node.counters), new DeploymentOptions().setInstances(instances))
                .compose(id -> {
                    node.deploymentId = id;
                    return vertx.deployVerticle(() -> new TcpProxyVerticle(node.holder, node.counters), new DeploymentOptions().setInstances(instances));
                })
                .compose(id -> {
                    node.tcpDeploymentId = id;
                    return node.startHealth(config);
                })
                .map(id -> {
                    node.healthDeploymentId = id;
                    return node;
                })
                .recover(t -> {
                    Future<Void> closing = owns ? vertx.close() : Future.succeededFuture();
                    return closing.transform(x -> Future.failedFuture(t));
                });
    }

    /**
     * Health results arrive as event-bus messages and become a new snapshot (never polled, never
     * locked on the request path). Each node's health verticle checks every server until the
     * cluster issue gives each server a single owner.
     */
    private Future<String> startHealth(Config config) {
        List<LogSink> sinks = new ArrayList<>();
        for (LogTarget t : config.global().logs()) sinks.add(new LogSink(vertx, t, config.global().logTag()));
        if (sinks.isEmpty()) sinks.add(new LogSink(vertx, new LogTarget(null, false, "stderr", 1024, "raw", "daemon", null, null), "vxlb"));
        String address = HealthVerticle.ADDRESS + "." + java.util.UUID.randomUUID();
        healthConsumer = vertx.eventBus().<JsonObject>consumer(address, m -> {
            HealthEvent e = HealthEvent.fromJson(m.body());
            Snapshot current = holder.get();
            holder.set(SnapshotCompiler.withStates(current, HealthStates.apply(current.states(), e)));
        });
        return healthConsumer.completion().compose(v -> vertx.deployVerticle(new HealthVerticle(() -> config, address,
                line -> sinks.forEach(s -> s.send(line.contains(" is DOWN") || line.contains("no server available") ? "alert" : "notice", line)))));
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

    /** The live connection counters (stats, admin API, tests). */
    public TrafficCounters counters() {
        return counters;
    }

    public Snapshot snapshot() {
        return holder.get();
    }

    public Future<Void> close() {
        if (ownsVertx) return vertx.close();
        Future<Void> health = healthDeploymentId == null ? Future.succeededFuture() : vertx.undeploy(healthDeploymentId);
        if (healthConsumer != null) healthConsumer.unregister();
        return health.compose(v -> tcpDeploymentId == null ? Future.succeededFuture() : vertx.undeploy(tcpDeploymentId))
                .compose(v -> deploymentId == null ? Future.succeededFuture() : vertx.undeploy(deploymentId));
    }
}
