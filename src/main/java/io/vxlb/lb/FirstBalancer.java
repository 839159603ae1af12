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
    private final List<ServerRuntime> servers;
    private final Map<String, ServerState> states;
    private final boolean allBackups;

    public FirstBalancer(List<ServerRuntime> servers, Map<String, ServerState> states, boolean allBackups) {
        this.servers = servers;
        this.states = states;
        this.allBackups = allBackups;
    }

    @Override
    public boolean queuesBehindBackendQueue() {
        return true;
    }

    @Override
    public ServerRuntime pick(Snapshot snapshot, Txn txn, ServerRuntime avoid) {
        List<ServerRuntime> eligible = Balancer.eligible(states, servers, allBackups);
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
