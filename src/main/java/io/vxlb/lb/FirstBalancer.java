package io.vxlb.lb;

import io.vxlb.rules.Txn;
import io.vxlb.runtime.ServerRuntime;
import io.vxlb.runtime.ServerState;
import io.vxlb.runtime.Snapshot;

import java.util.List;
import java.util.Map;

/**
 * {@code balance first}: the first eligible server (configuration order, which is id order for
 * servers without "id") that still has a free connection slot under its {@code maxconn}; a
 * server without maxconn is never full, so it takes everything (lb_fas.c).
 */
public final class FirstBalancer implements Balancer {
    /** Fixed for this balancer's snapshot (states change by a new snapshot): no list per request. */
    private final ServerRuntime[] eligible;

    public FirstBalancer(List<ServerRuntime> servers, Map<String, ServerState> states, boolean allBackups) {
        this.eligible = Balancer.eligible(states, servers, allBackups).toArray(new ServerRuntime[0]);
    }

    @Override
    public boolean queuesBehindBackendQueue() {
        return true;
    }

    @Override
    public ServerRuntime pick(Snapshot snapshot, Txn txn, ServerRuntime avoid) {
        ServerRuntime fallback = null;
        for (ServerRuntime s : eligible) {
            if (s.full()) continue;
            if (s == avoid) {
                fallback = s;
                continue;
            }
            return s;
        }
        return fallback;
    }
}
