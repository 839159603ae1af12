package io.vxlb.runtime;

import io.vxlb.config.Proxy;
import io.vxlb.lb.Balancer;
import io.vxlb.proxy.PersistenceCookie;

import java.util.List;

/**
 * The backend half of a {@code backend} or {@code listen} section, compiled for the request path.
 * {@code cookie} is the compiled {@code cookie} persistence, null without one; {@code stick} the
 * compiled {@code stick} rules (vxlb-stick), null without any.
 */
public record CompiledBackend(Proxy proxy, List<CompiledRule> requestRules, List<CompiledRule> responseRules,
                              List<CompiledRedirect> redirects, List<CompiledSwitch> useServerRules,
                              List<ServerRuntime> servers, Balancer balancer, PersistenceCookie cookie, ErrorReplies errorReplies,
                              CompiledTcpRules tcpRules, List<CompiledRule> afterResponseRules,
                              io.vxlb.stick.StickPersistence stick) {
    public CompiledBackend(Proxy proxy, List<CompiledRule> requestRules, List<CompiledRule> responseRules,
                           List<CompiledRedirect> redirects, List<CompiledSwitch> useServerRules,
                           List<ServerRuntime> servers, Balancer balancer, PersistenceCookie cookie) {
        this(proxy, requestRules, responseRules, redirects, useServerRules, servers, balancer, cookie, ErrorReplies.NONE, CompiledTcpRules.NONE, List.of(), null);
    }

    public String name() {
        return proxy.name();
    }

    /**
     * Whether a freed slot of {@code s} may go to the backend queue (process_srv_queue's px_ok):
     * only when requests wait there and the balancer could choose {@code s} (usable; a backup
     * only while no active server is).
     */
    public boolean servesBackendQueue(Snapshot snapshot, ServerRuntime s) {
        RequestQueue bq = s.backendQueue;
        if (bq == null || bq.length() == 0) return false;
        return io.vxlb.lb.Balancer.eligible(snapshot, servers, proxy.options().allbackups()).contains(s);
    }

    /**
     * A server's id (HAProxy's puid): its {@code id}, else the next number from 1 that no server
     * of the backend took explicitly, in declaration order (srv_id, show stat's sid).
     */
    public int serverId(ServerRuntime s) {
        if (s.server.id() > 0) return s.server.id();
        java.util.Set<Integer> taken = new java.util.HashSet<>();
        for (ServerRuntime r : servers) if (r.server.id() > 0) taken.add(r.server.id());
        int next = 0;
        for (ServerRuntime r : servers) {
            if (r.server.id() > 0) continue;
            do next++; while (taken.contains(next));
            if (r == s) return next;
        }
        return 0;
    }

    public ServerRuntime server(String name) {
        for (ServerRuntime s : servers) if (s.server.name().equals(name)) return s;
        return null;
    }

    /**
     * Queues a request for a slot of {@code s} (its server queue) or of any server (the backend
     * queue, {@code s} null); {@code onGranted} runs on the caller's event loop. A slot released
     * between the caller's failed attempt and the add goes to a waiter at once: the queues are
     * drained again after the add, so no slot is lost to that race.
     */
    public RequestQueue.PendingRequest enqueue(Snapshot snapshot, RequestQueue q, ServerRuntime s, java.util.function.Consumer<ServerRuntime> onGranted) {
        // the grant runs on the event loop of the waiting transaction (called from a Netty handler
        // there may be no Vert.x context, but there is always the event loop)
        io.vertx.core.Context ctx = io.vertx.core.Vertx.currentContext();
        java.util.concurrent.Executor loop = ctx != null ? task -> ctx.runOnContext(v -> task.run())
                : io.netty.util.internal.ThreadExecutorMap.currentExecutor();
        RequestQueue.PendingRequest pending = q.add(loop::execute, onGranted);
        if (s != null) {
            s.drain(servesBackendQueue(snapshot, s));
        } else {
            for (ServerRuntime x : servers) if (x.queue != null && servesBackendQueue(snapshot, x)) x.drain(true);
        }
        return pending;
    }
}
