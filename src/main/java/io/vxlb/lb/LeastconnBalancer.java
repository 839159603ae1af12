package io.vxlb.lb;

import io.vxlb.rules.Txn;
import io.vxlb.runtime.ServerRuntime;
import io.vxlb.runtime.ServerState;
import io.vxlb.runtime.Snapshot;

import java.util.List;
import java.util.Map;

/**
 * {@code balance leastconn}: the eligible server with the fewest current connections relative to
 * its weight (HAProxy's lb_fwlc key: (served + 1) / eweight), round robin among equals — HAProxy
 * requeues a picked server behind the others of the same key, which a rotating start gives too.
 */
public final class LeastconnBalancer implements Balancer {
    private final List<ServerRuntime> servers;
    private final Map<String, ServerState> states;
    private final boolean allBackups;
    private int rotation;

    public LeastconnBalancer(List<ServerRuntime> servers, Map<String, ServerState> states, boolean allBackups) {
        this.servers = servers;
        this.states = states;
        this.allBackups = allBackups;
    }

    @Override
    public synchronized ServerRuntime pick(Snapshot snapshot, Txn txn, ServerRuntime avoid) {
        List<ServerRuntime> eligible = Balancer.eligible(states, servers, allBackups);
        int n = eligible.size();
        if (n == 0) return null;
        ServerRuntime best = null;
        long bestNum = 0, bestDen = 1;
        int start = rotation++ & Integer.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            ServerRuntime s = eligible.get((start + i) % n);
            if (s == avoid && n > 1) continue;
            if (s.full()) continue;  // HAProxy takes a saturated server out of the leastconn tree
            long num = s.currentConnections.get() + 1L;
            long den = Math.max(1, states.get(s.key).weight());
            // num/den < bestNum/bestDen without division
            if (best == null || num * bestDen < bestNum * den) {
                best = s;
                bestNum = num;
                bestDen = den;
            }
        }
        return best;
    }
}
