package io.vxlb.runtime;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Process-wide live counters for logs and stats (%ac, %fc, %bc): current connections in total,
 * per frontend and per backend, plus request totals. Atomics only; shared by every event loop.
 */
public final class TrafficCounters {
    public final AtomicInteger activeConnections = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> frontendConnections = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> backendConnections = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicLong> frontendRequests = new ConcurrentHashMap<>();
    private final ConnectionGate globalGate = new ConnectionGate(Integer.MAX_VALUE, null);
    private final ConcurrentHashMap<String, ConnectionGate> frontendGates = new ConcurrentHashMap<>();

    /**
     * The connection gate of a frontend: its {@code maxconn}, else the global one (HAProxy's
     * default), inside the global {@code maxconn}; null when neither is set (nothing to count).
     */
    public ConnectionGate gate(String frontend, int frontendMaxconn, int globalMaxconn) {
        if (frontendMaxconn <= 0 && globalMaxconn <= 0) return null;
        globalGate.limit(globalMaxconn > 0 ? globalMaxconn : Integer.MAX_VALUE);
        int limit = frontendMaxconn > 0 ? frontendMaxconn : globalMaxconn;
        ConnectionGate g = frontendGates.computeIfAbsent(frontend, k -> new ConnectionGate(limit, globalGate));
        g.limit(limit);
        return g;
    }

    public AtomicInteger frontend(String name) {
        return frontendConnections.computeIfAbsent(name, k -> new AtomicInteger());
    }

    public AtomicInteger backend(String name) {
        return backendConnections.computeIfAbsent(name, k -> new AtomicInteger());
    }

    public AtomicLong frontendRequests(String name) {
        return frontendRequests.computeIfAbsent(name, k -> new AtomicLong());
    }
}
