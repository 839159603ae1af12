package io.vxlb.runtime;

import io.vxlb.config.Proxy;
import io.vxlb.lb.Balancer;
import io.vxlb.proxy.PersistenceCookie;

import java.util.List;

/**
 * The backend half of a {@code backend} or {@code listen} section, compiled for the request path.
 * {@code cookie} is the compiled {@code cookie} persistence, null without one.
 */
public record CompiledBackend(Proxy proxy, List<CompiledRule> requestRules, List<CompiledRule> responseRules,
                              List<CompiledRedirect> redirects, List<CompiledSwitch> useServerRules,
                              List<ServerRuntime> servers, Balancer balancer, PersistenceCookie cookie) {
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

    public ServerRuntime server(String name) {
        for (ServerRuntime s : servers) if (s.server.name().equals(name)) return s;
        return null;
    }
}
