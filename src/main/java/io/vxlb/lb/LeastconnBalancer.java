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
    /** The eligible servers and their weights: fixed for this balancer's snapshot, read without a lock. */
    private final ServerRuntime[] eligible;
    private final long[] weights;
    private final java.util.concurrent.atomic.AtomicInteger rotation = new java.util.concurrent.atomic.AtomicInteger();

    public LeastconnBalancer(List<ServerRuntime> servers, Map<String, ServerState> states, boolean allBackups) {
        List<ServerRuntime> e = Balancer.eligible(states, servers, allBackups);
        this.eligible = e.toArray(new ServerRuntime[0]);
        this.weights = new long[eligible.length];
        for (int i = 0; i < eligible.length; i++) weights[i] = Math.max(1, states.get(eligible[i].key).weight());
    }

    @Override
    public ServerRuntime pick(Snapshot snapshot, Txn txn, ServerRuntime avoid) {
        int n = eligible.length;
        if (n == 0) return null;
        ServerRuntime best = null;
        long bestNum = 0, bestDen = 1;
        // event loops pick concurrently: the counters are atomics, the rotation only spreads ties
        int start = (rotation.getAndIncrement() & Integer.MAX_VALUE) % n;
        for (int i = 0; i < n; i++) {
            int k = start + i < n ? start + i : start + i - n;
            ServerRuntime s = eligible[k];
            if (s == avoid && n > 1) continue;
            if (s.full()) continue;  // HAProxy takes a saturated server out of the leastconn tree
            long num = s.currentConnections.get() + 1L;
            long den = weights[k];
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
