package io.vxlb.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.NetUtil;
import io.vxlb.config.HttpReuse;
import io.vertx.core.internal.VertxInternal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The server connections of one event loop: idle keep-alive connections by server address
 * (and source address), newest first, and new ones connected on this loop, so a request and
 * its server connection never cross threads. Idle connections are closed after
 * {@link #IDLE_TIMEOUT_MS}. Event-loop confined: no locks.
 */
final class ServerPool {
    static final long IDLE_TIMEOUT_MS = 60_000;

    /** Told once whether a connection could be had. */
    interface Acquired {
        void acquired(ServerConnection c);

        void acquireFailed(Throwable cause);
    }

    private final VertxInternal vertx;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    /** Idle connections that served one request, and "safe" ones that served more (proven reusable), by key. */
    private final Map<String, ArrayDeque<ServerConnection>> idle = new HashMap<>(), safe = new HashMap<>();
    private int idleCount;
    private io.netty.util.concurrent.ScheduledFuture<?> sweeper;
    private boolean closed;

    ServerPool(VertxInternal vertx, EventLoop loop) {
        this.vertx = vertx;
        this.loop = loop;
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channelFactory(vertx.transport().channelFactory(false))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true);
    }

    /**
     * A connection for a request to {@code server}: an idle one as {@code http-reuse} allows
     * (HAProxy 2.6 connect_server: {@code notFirst} is a client connection's second or later
     * request), from this loop or taken over from another loop's pool, else a new one;
     * {@code fresh}: a new one whatever is idle.
     */
    void acquire(String poolKey, io.vxlb.runtime.ServerRuntime server, int port, int connectTimeoutMs, HttpReuse reuse,
                 boolean notFirst, boolean fresh, Acquired to) {
        byte[] proxyHeader = proxyHeader(server, to);
        // send-proxy: the header names the client, so a connection serves only the client it was made for (HAProxy)
        // HAProxy hashes the whole PROXY line into the connection's key (conn_hash_prehash): a
        // connection serves only requests that would send the same header (client, unique-id...)
        String key = proxyHeader == null ? poolKey : poolKey + "|pp " + java.util.Base64.getEncoder().encodeToString(proxyHeader);
        int lists = fresh ? 0 : lists(reuse, notFirst);
        if (lists != 0) {
            ServerConnection c = take(key, lists);
            if (c != null) {
                to.acquired(c);
                return;
            }
            if (server.idleConnections.get() > 0) {
                java.util.List<ServerPool> others = new java.util.ArrayList<>();
                for (Object o : server.idlePools) if (o != this && o instanceof ServerPool p && !p.closed) others.add(p);
                if (!others.isEmpty()) {
                    takeOver(others, 0, key, lists, () -> connect(key, server, port, connectTimeoutMs, to, proxyHeader), to);
                    return;
                }
            }
        }
        connect(key, server, port, connectTimeoutMs, to, proxyHeader);
    }

    private static final int IDLE = 1, SAFE = 2, IDLE_FIRST = 4;

    /** Which lists a request may take from (the table in HAProxy's connect_server). */
    private static int lists(HttpReuse reuse, boolean notFirst) {
        if (reuse == HttpReuse.NEVER) return 0;
        if (notFirst) return IDLE | SAFE | IDLE_FIRST;
        return switch (reuse) {
            case ALWAYS -> SAFE | IDLE;
            case AGGRESSIVE -> SAFE;
            default -> 0;
        };
    }

    /** An open idle connection for {@code key} from the lists allowed, out of the pool; null if none. */
    private ServerConnection take(String key, int lists) {
        ServerConnection c = null;
        if ((lists & IDLE_FIRST) != 0) c = poll(idle, key);
        if (c == null && (lists & SAFE) != 0) c = poll(safe, key);
        if (c == null && (lists & IDLE) != 0) c = poll(idle, key);
        return c;
    }

    private ServerConnection poll(Map<String, ArrayDeque<ServerConnection>> from, String key) {
        ArrayDeque<ServerConnection> q = from.get(key);
        if (q == null) return null;
        ServerConnection c;
        while ((c = q.pollLast()) != null) {
            unidle(c);
            if (c.channel.isActive()) return c;
        }
        return null;
    }

    private void unidle(ServerConnection c) {
        idleCount--;
        c.server.idleConnections.decrementAndGet();
    }

    /**
     * Asks the other loops' pools in turn for an idle connection (HAProxy's takeover of another
     * thread's idle connection): the owner loop takes it out of its pool and deregisters the
     * channel, which is registered on this loop, so the request and its server connection
     * still share one thread. None anywhere: {@code otherwise} runs on this loop.
     */
    private void takeOver(java.util.List<ServerPool> others, int i, String key, int lists, Runnable otherwise, Acquired to) {
        if (i == others.size()) {
            otherwise.run();
            return;
        }
        ServerPool from = others.get(i);
        Runnable next = () -> loop.execute(() -> takeOver(others, i + 1, key, lists, otherwise, to));
        from.loop.execute(() -> {
            ServerConnection c = from.closed ? null : from.take(key, lists);
            if (c == null) {
                next.run();
                return;
            }
            c.channel.deregister().addListener(d -> {
                if (!d.isSuccess()) {
                    c.close();
                    next.run();
                    return;
                }
                loop.register(c.channel).addListener(r -> {  // runs on this loop, the channel's own now
                    if (r.isSuccess() && c.channel.isActive() && !closed) {
                        c.pool = this;
                        to.acquired(c);
                    } else {
                        c.channel.close();
                        otherwise.run();
                    }
                });
            });
        });
    }

    /** A new connection (the name resolved without blocking the loop: Vert.x's resolver and its cache). */
    private void connect(String key, io.vxlb.runtime.ServerRuntime server, int port, int connectTimeoutMs, Acquired to, byte[] proxyHeader) {
        String host = server.server.address();
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
        if (literal != null) {
            try {
                connect(key, new InetSocketAddress(InetAddress.getByAddress(host, literal), port), server, connectTimeoutMs, to, proxyHeader);
            } catch (java.net.UnknownHostException e) {
                to.acquireFailed(e);  // not for a 4- or 16-byte address
            }
            return;
        }
        vertx.nameResolver().resolve(host).onComplete(ar -> {
            if (ar.failed()) to.acquireFailed(ar.cause());
            else connect(key, new InetSocketAddress(ar.result(), port), server, connectTimeoutMs, to, proxyHeader);
        });
    }

    /** {@code server ... send-proxy[-v2]}: the PROXY header for the requester's client connection, else null. */
    private static byte[] proxyHeader(io.vxlb.runtime.ServerRuntime server, Acquired to) {
        int v = server.server.sendProxy();
        if (v == 0 || !(to instanceof io.vxlb.rules.Txn t)) return null;
        if (v != 2) return ProxyHeader.v1(t.srcAddress(), t.srcPort(), t.dstAddress(), t.dstPort());
        int o = server.server.proxyV2Options();
        byte[] authority = null, uniqueId = null;
        if ((o & io.vxlb.config.Server.PP2_AUTHORITY) != 0) {
            // the authority the client's own PROXY header carried, else its TLS SNI
            io.vxlb.rules.ConnectionFacts f = t.connectionFacts();
            authority = f != null && f.ppAuthority() != null ? f.ppAuthority()
                    : t.ssl() && t.sni() != null ? t.sni().getBytes(java.nio.charset.StandardCharsets.UTF_8) : null;
        }
        if ((o & io.vxlb.config.Server.PP2_UNIQUE_ID) != 0) {
            String id = t.uniqueId();  // made now if the frontend has a unique-id-format (stream_generate_unique_id)
            uniqueId = id == null ? new byte[0] : id.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        return ProxyHeader.v2(t.srcAddress(), t.srcPort(), t.dstAddress(), t.dstPort(),
                (o & io.vxlb.config.Server.PP2_CRC32C) != 0, authority, uniqueId);
    }

    private void connect(String key, InetSocketAddress remote, io.vxlb.runtime.ServerRuntime server, int connectTimeoutMs, Acquired to, byte[] proxyHeader) {
        String source = server.sourceAddress;
        Bootstrap b = bootstrap.clone();
        if (connectTimeoutMs > 0) b.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMs);
        ServerConnection[] made = new ServerConnection[1];
        io.netty.handler.ssl.SslHandler[] tls = new io.netty.handler.ssl.SslHandler[1];
        b.handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ServerConnection c = new ServerConnection(ch, ServerPool.this, key, server);
                made[0] = c;
                // the PROXY header is written from the head of the pipeline (below TLS) once connected
                if (proxyHeader != null) ch.pipeline().addFirst("vxlb-send-proxy", new io.netty.channel.ChannelHandlerAdapter() { });
                if (server.sslContext != null) {
                    tls[0] = tlsHandler(ch, server, remote);
                    ch.pipeline().addLast("tls", tls[0]);
                }
                ch.pipeline().addLast("server", c);
            }
        });
        ChannelFuture f = source == null ? b.connect(remote) : b.connect(remote, new InetSocketAddress(source, 0));
        f.addListener(done -> {
            if (done.isSuccess() && proxyHeader != null) {
                // the connect promise completes before channelActive: these are the first bytes, before
                // the request and before the TLS handshake (started by channelActive)
                io.netty.channel.ChannelHandlerContext head = f.channel().pipeline().context("vxlb-send-proxy");
                if (head != null) {
                    head.writeAndFlush(io.netty.buffer.Unpooled.wrappedBuffer(proxyHeader));
                    f.channel().pipeline().remove("vxlb-send-proxy");
                }
            }
            if (!done.isSuccess()) {
                to.acquireFailed(done.cause());
            } else if (tls[0] == null) {
                to.acquired(made[0]);
            } else {
                // a TLS server is only connected once the handshake (and the certificate check) passed:
                // a failure is a connection failure, retried and logged as one ("SC")
                tls[0].handshakeFuture().addListener(hs -> {
                    if (hs.isSuccess()) to.acquired(made[0]);
                    else to.acquireFailed(hs.cause());
                });
            }
        });
    }

    /** The client side of TLS to a server: SNI from "sni", the certificate's name checked when there is one to check. */
    private static io.netty.handler.ssl.SslHandler tlsHandler(Channel ch, io.vxlb.runtime.ServerRuntime server, InetSocketAddress remote) {
        String name = server.verifiedName();
        String sni = server.server.sni();
        io.netty.handler.ssl.SslHandler h = server.sslContext.newHandler(ch.alloc(), name != null ? name : sni != null ? sni : remote.getHostString(), remote.getPort());
        javax.net.ssl.SSLEngine engine = h.engine();
        javax.net.ssl.SSLParameters p = engine.getSSLParameters();
        if (sni != null) p.setServerNames(java.util.List.of(new javax.net.ssl.SNIHostName(sni)));
        else p.setServerNames(java.util.List.of());  // HAProxy sends no SNI without "sni"
        if (name != null) p.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(p);
        return h;
    }

    /**
     * A connection whose response ended cleanly waits here for the next request, unless the
     * server's pool-max-conn idle connections are there already (then it closes, as HAProxy's
     * srv_add_to_idle_list refusing it).
     */
    void release(ServerConnection c) {
        int max = c.server.server.poolMaxConn();
        if (closed || max == 0 || (max > 0 && c.server.idleConnections.get() >= max)) {
            c.close();
            return;
        }
        c.server.idleConnections.incrementAndGet();
        c.server.idlePools.add(this);
        c.idleSince = System.nanoTime();
        (c.served() > 1 ? safe : idle).computeIfAbsent(c.key, k -> new ArrayDeque<>(4)).addLast(c);
        idleCount++;
        if (sweeper == null) sweeper = loop.scheduleAtFixedRate(this::sweep, 1, 1, TimeUnit.SECONDS);
    }

    /** The connection closed: out of the idle lists if it was there. */
    void remove(ServerConnection c) {
        for (Map<String, ArrayDeque<ServerConnection>> m : java.util.List.of(idle, safe)) {
            ArrayDeque<ServerConnection> q = m.get(c.key);
            if (q != null && q.remove(c)) unidle(c);
        }
    }

    private void sweep() {
        long limit = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(IDLE_TIMEOUT_MS);
        for (Map<String, ArrayDeque<ServerConnection>> m : java.util.List.of(idle, safe)) {
            for (ArrayDeque<ServerConnection> q : m.values()) {
                // oldest first: stop at the first one still fresh
                ServerConnection c;
                while ((c = q.peekFirst()) != null && c.idleSince - limit < 0) {
                    q.pollFirst();
                    unidle(c);
                    c.close();
                }
            }
        }
        if (idleCount == 0 && sweeper != null) {
            sweeper.cancel(false);
            sweeper = null;
        }
    }

    /** Closes every idle connection; connections in use close after their response. */
    void close() {
        closed = true;
        for (Map<String, ArrayDeque<ServerConnection>> m : java.util.List.of(idle, safe)) {
            for (ArrayDeque<ServerConnection> q : m.values()) {
                for (ServerConnection c : q) {
                    c.server.idleConnections.decrementAndGet();
                    c.close();
                }
            }
            m.clear();
        }
        idleCount = 0;
        if (sweeper != null) sweeper.cancel(false);
        sweeper = null;
    }
}
