package io.vxlb.lb;

import io.vxlb.rules.Txn;
import io.vxlb.runtime.ServerRuntime;
import io.vxlb.runtime.Snapshot;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Round robin over the eligible servers. Weights only exclude (weight 0); HAProxy's weighted
 * FWRR order arrives with the load-balancing issue.
 */
public final class RoundRobinBalancer implements Balancer {
    private final List<ServerRuntime> servers;
    private final boolean allBackups;
    private final AtomicLong next = new AtomicLong();

    public RoundRobinBalancer(List<ServerRuntime> servers, boolean allBackups) {
        this.servers = servers;
        this.allBackups = allBackups;
    }

    @Override
    public ServerRuntime pick(Snapshot snapshot, Txn txn, ServerRuntime avoid) {
        List<ServerRuntime> eligible = Balancer.eligible(snapshot, servers, allBackups);
        int n = eligible.size();
        if (n == 0) return null;
        long start = next.getAndIncrement();
        for (int i = 0; i < n; i++) {
            ServerRuntime s = eligible.get((int) Math.floorMod(start + i, (long) n));
            if (s != avoid || n == 1) return s;
        }
        return eligible.get(0);
    }
}
