package io.vxlb.runtime;

import io.vxlb.config.Server;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A server's live counters, shared by every event loop. They are the only mutable state on the
 * request path (atomics, no locks); they survive snapshot swaps so that a reload keeps counts.
 */
public final class ServerRuntime {
    public final Server server;
    public final String backend;
    public final String key;
    public final AtomicInteger currentConnections = new AtomicInteger();
    public final AtomicLong totalRequests = new AtomicLong();
    public final AtomicLong failedConnections = new AtomicLong();

    public ServerRuntime(String backend, Server server) {
        this.server = server;
        this.backend = backend;
        this.key = backend + "/" + server.name();
    }
}
