package io.vxlb.lb;

import io.vxlb.rules.Txn;
import io.vxlb.runtime.ServerRuntime;
import io.vxlb.runtime.Snapshot;

import java.util.ArrayList;
import java.util.List;

/**
 * A load-balancing algorithm: picks a usable server of its backend for a transaction. One
 * instance per backend per snapshot; state changes arrive as a new snapshot.
 */
public interface Balancer {
    /** A usable server, or null when none is (the caller answers 503). {@code avoid} may be null. */
    ServerRuntime pick(Snapshot snapshot, Txn txn, ServerRuntime avoid);

    /**
     * True when a request must join the backend queue while it is not empty instead of asking
     * for a server (HAProxy's assign_server() shortcut for first, roundrobin and static-rr): a
     * slot freed an instant ago then goes to the oldest waiter, not to a newcomer.
     */
    default boolean queuesBehindBackendQueue() {
        return false;
    }

    /** Servers eligible for load-balanced traffic: usable actives, else usable backups (first one unless allbackups). */
    static List<ServerRuntime> eligible(Snapshot snapshot, List<ServerRuntime> servers, boolean allBackups) {
        return eligible(snapshot.states(), servers, allBackups);
    }

    /** The same, from a state map (balancers built with their snapshot's states). */
    static List<ServerRuntime> eligible(java.util.Map<String, io.vxlb.runtime.ServerState> states, List<ServerRuntime> servers, boolean allBackups) {
        List<ServerRuntime> active = new ArrayList<>(servers.size());
        for (ServerRuntime s : servers) if (!s.server.backup() && usable(states, s)) active.add(s);
        if (!active.isEmpty()) return active;
        for (ServerRuntime s : servers) {
            if (s.server.backup() && usable(states, s)) {
                active.add(s);
                if (!allBackups) break;
            }
        }
        return active;
    }

    private static boolean usable(java.util.Map<String, io.vxlb.runtime.ServerState> states, ServerRuntime s) {
        io.vxlb.runtime.ServerState st = states.get(s.key);
        return st != null && st.usable();
    }
}
