package io.vxlb.runtime;

import io.vxlb.config.Server;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A server's live counters, shared by every event loop. They are the only mutable state on the
 * request path (atomics, no locks); they survive snapshot swaps so that a reload keeps counts.
 *
 * <p>With {@code maxconn N}, {@link #currentConnections} is also the slot counter: a request
 * holds a slot from {@link #tryAcquire} (or a grant from {@link #drain}) until its release, and
 * never more than N are held. Requests that find no slot wait in {@link #queue} (this server
 * only) or in the backend's {@link #backendQueue} (any server).
 */
public final class ServerRuntime {
    public final Server server;
    public final String backend;
    public final String key;
    /** The local address connections to this server bind ({@code source ADDR}); null: any. */
    public final String sourceAddress;
    /** Its key among a loop's idle server connections ("addr:port[@source]"); null when the port is the client's. */
    public final String poolKey;
    public final AtomicInteger currentConnections = new AtomicInteger();
    /** Requests sent to this server (stot, lbtot): a LongAdder, counted by every event loop. */
    public final java.util.concurrent.atomic.LongAdder totalRequests = new java.util.concurrent.atomic.LongAdder();
    public final AtomicLong failedConnections = new AtomicLong();
    /** Idle connections to this server in every event loop's pool, bounded by pool-max-conn. */
    public final AtomicInteger idleConnections = new AtomicInteger();
    /** The event loops' pools (io.vxlb.proxy.ServerPool) that kept an idle connection to this server: where another loop may take one over. */
    public final java.util.Set<Object> idlePools = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** stot, smax, hrsp_*, bytes for the stats (io.vxlb.admin.cli.StatsTable). */
    public final ProxyCounters stats = new ProxyCounters();
    /** Requests waiting for this very server; null without maxconn (nothing ever waits). */
    public final RequestQueue queue;
    /**
     * The queue of requests any server of the backend may take, shared by its servers; null when
     * no server of the backend has maxconn. Set by the snapshot compiler (kept across reloads).
     */
    public volatile RequestQueue backendQueue;

    public ServerRuntime(String backend, Server server) {
        this.server = server;
        this.backend = backend;
        this.key = backend + "/" + server.name();
        this.sourceAddress = Server.sourceHost(server.source());
        this.sslContext = server.ssl() ? sslContext(server) : null;
        this.poolKey = server.port() == 0 ? null : poolKey(server.address(), server.port(), sourceAddress, tlsIdentity());
        this.queue = server.maxconn() > 0 ? new RequestQueue() : null;
    }

    /**
     * The idle-connection key of a server address as connected (see {@link #poolKey}). A TLS
     * connection is only reused by the server it was verified for ({@code tls}: its identity):
     * another server line at the same address may send another SNI or trust other CAs.
     */
    public static String poolKey(String host, int port, String source, String tls) {
        String k = host + ':' + port;
        if (tls != null) k = "tls:" + tls + '|' + k;
        return source == null ? k : k + '@' + source;
    }

    /** What a TLS connection to this server was made and verified for; null without ssl. */
    public String tlsIdentity() {
        // the settings too: a reload that changes them must not reuse what the old ones verified
        return server.ssl() ? key + '|' + server.sni() + '|' + server.verifyHost() + '|' + server.caFile() + '|' + server.verifyNone() + '|' + server.crt() : null;
    }

    /**
     * TLS to this server ({@code ssl}), built once per snapshot: the CA file's certificates as the
     * only trust unless {@code verify none}; null without {@code ssl}.
     */
    public final io.netty.handler.ssl.SslContext sslContext;

    private static io.netty.handler.ssl.SslContext sslContext(Server server) {
        io.netty.handler.ssl.SslContextBuilder b = io.netty.handler.ssl.SslContextBuilder.forClient();
        try {
            if (server.verifyNone()) b.trustManager(io.netty.handler.ssl.util.InsecureTrustManagerFactory.INSTANCE);
            else b.trustManager(new java.io.File(server.caFile()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("server " + server.name() + ": cannot use ca-file '" + server.caFile() + "': " + e.getMessage(), e);
        }
        try {
            if (server.crt() != null) b.keyManager(ClientCertificate.load(server.crt()));
        } catch (Exception e) {
            throw new IllegalArgumentException("server " + server.name() + ": cannot use crt '" + server.crt() + "': " + e.getMessage(), e);
        }
        try {
            return b.build();
        } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("server " + server.name() + ": cannot set up TLS (ca-file '" + server.caFile() + "', crt '" + server.crt() + "'): " + e.getMessage(), e);
        }
    }

    /**
     * The name the server's certificate must carry: the SNI name sent, else {@code verifyhost}
     * (HAProxy's ssl_sock_srv_verifycbk checks SSL_get_servername first); null: the chain is
     * checked, not the name (as HAProxy without SNI or verifyhost), or verify none.
     */
    public String verifiedName() {
        if (server.verifyNone()) return null;
        return server.sni() != null ? server.sni() : server.verifyHost();
    }

    /**
     * HAProxy's "server is full" for load balancing: it has maxconn and either every slot is
     * taken or requests already wait for it (newcomers do not overtake them).
     */
    public boolean full() {
        int max = server.maxconn();
        return max > 0 && (queue.length() > 0 || currentConnections.get() >= max);
    }

    /**
     * A connection slot for a new transaction, now or never: always without maxconn (counted),
     * with maxconn only when nobody waits for this server (newcomers do not overtake the queue).
     */
    public boolean takeSlot() {
        if (queue == null) {
            currentConnections.incrementAndGet();
            return true;
        }
        return queue.length() == 0 && tryAcquire();
    }

    /** Gives back a slot taken by {@link #takeSlot} or granted by {@link #drain}. */
    public void releaseSlot(boolean servesBackendQueue) {
        if (queue == null) currentConnections.decrementAndGet();
        else release(servesBackendQueue);
    }

    /** Takes a slot if one is free (maxconn set). */
    public boolean tryAcquire() {
        int max = server.maxconn();
        for (int c = currentConnections.get(); c < max; c = currentConnections.get()) {
            if (currentConnections.compareAndSet(c, c + 1)) return true;
        }
        return false;
    }

    /** Gives a slot back, then hands free slots to waiting requests. */
    public void release(boolean servesBackendQueue) {
        currentConnections.decrementAndGet();
        if (queue != null) drain(servesBackendQueue);
    }

    /**
     * Hands free slots to the oldest waiting requests of this server's queue and, when this
     * server may serve it ({@code servesBackendQueue}), of the backend's queue (HAProxy's
     * process_srv_queue / pendconn_process_next_strm). Each grant resumes the request on its own
     * event loop.
     *
     * <p>Why no slot is lost: the two events that can leave "a request waits and a slot is free"
     * are (a) a slot is released and (b) a request is queued. Whoever causes either calls drain
     * afterwards — release() after its decrement, the queuing request after its add (the re-check
     * after enqueue). Whichever of the two happened last, its drain sees both the waiter and the
     * free slot, unless another thread changed one of them meanwhile: a thread that took the
     * free slot will release it and drain again; a thread that took the waiter served it. A
     * drainer that won a slot but found the queue emptied (or the entry cancelled) gives the slot
     * back and loops, re-checking both conditions.
     */
    public void drain(boolean servesBackendQueue) {
        RequestQueue bq = servesBackendQueue ? backendQueue : null;
        while (true) {
            RequestQueue.PendingRequest own = queue.peek();
            RequestQueue.PendingRequest any = bq == null ? null : bq.peek();
            if (own == null && any == null) return;
            if (!tryAcquire()) return;  // the slot holders will drain when they release
            // the oldest waiter first, as HAProxy compares the two queue heads by arrival
            RequestQueue from = own != null && (any == null || own.since - any.since <= 0) ? queue : bq;
            RequestQueue.PendingRequest p = from.poll();
            if (p == null || !p.grant(this)) currentConnections.decrementAndGet();  // raced or cancelled: re-check
        }
    }
}
