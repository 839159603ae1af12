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

    /** The {@code status} of {@link #finished} for a mode tcp session: no request, no response class. */
    public static final int TCP_SESSION = -2;

    private final ConcurrentHashMap<String, ProxyCounters> frontendStats = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ProxyCounters> backendStats = new ConcurrentHashMap<>();

    /** The stats counters of a frontend (kept across reloads, by name). */
    public ProxyCounters frontendStats(String name) {
        return frontendStats.computeIfAbsent(name, k -> new ProxyCounters());
    }

    public ProxyCounters backendStats(String name) {
        return backendStats.computeIfAbsent(name, k -> new ProxyCounters());
    }

    /** A client connection (HTTP) or session (TCP) opened on a frontend: scur, stot, smax. */
    public void opened(String frontend) {
        int now = frontend(frontend).incrementAndGet();
        frontendStats(frontend).opened(now);
    }

    /**
     * A request (HTTP) or session (TCP, {@code status} -1) is over: req_tot, hrsp_*, bytes on its
     * frontend, its backend and its server (either may be null). The backend's and server's
     * session counts (stot) are counted here too: one per request, as HAProxy's backend stot.
     */
    public void finished(String frontend, String backend, ServerRuntime server, int status, long bytesIn, long bytesOut) {
        ProxyCounters f = frontendStats(frontend);
        if (status != TCP_SESSION) f.response(status);
        f.bytesIn.add(bytesIn);
        f.bytesOut.add(bytesOut);
        if (backend != null) {
            ProxyCounters b = backendStats(backend);
            b.opened(backend(backend).get());
            if (status != TCP_SESSION) b.response(status);
            b.bytesIn.add(bytesIn);
            b.bytesOut.add(bytesOut);
        }
        if (server != null) {
            server.stats.opened(server.currentConnections.get());
            if (status != TCP_SESSION) server.stats.response(status);
            server.stats.bytesIn.add(bytesIn);
            server.stats.bytesOut.add(bytesOut);
        }
    }
}
