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
