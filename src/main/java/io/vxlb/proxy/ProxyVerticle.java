package io.vxlb.proxy;

import io.vxlb.log.Termination;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.internal.net.NetSocketInternal;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.http.PoolOptions;
import io.vxlb.config.Bind;
import io.vxlb.config.GlobalSection;
import io.vxlb.config.LogTarget;
import io.vxlb.config.Mode;
import io.vxlb.config.Proxy;
import io.vxlb.log.HttpLogLine;
import io.vxlb.log.HttpLogRecord;
import io.vxlb.log.LogSink;
import io.vxlb.runtime.CompiledFrontend;
import io.vxlb.runtime.ConnectionGate;
import io.vxlb.runtime.Snapshot;
import io.vxlb.runtime.SnapshotHolder;
import io.vxlb.runtime.TrafficCounters;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The data plane of one event loop: listens on every {@code bind} of the HTTP frontends (Vert.x
 * spreads accepted connections over the instances) and owns the server connections
 * ({@link ServerPool}) that stay on this event loop. Deploy one instance per event loop.
 */
public final class ProxyVerticle extends VerticleBase {
    private final SnapshotHolder holder;
    final TrafficCounters counters;
    private HttpClient client;
    /** Clients bound to a server's {@code source} address, by address; event-loop confined. */
    private final Map<String, HttpClient> sourceClients = new HashMap<>();
    /** Clients without keep-alive, for backends with "http-reuse never", by source address. */
    private final Map<String, HttpClient> noReuseClients = new HashMap<>();
    private int clientMaxSize;
    private final List<NetServer> servers = new ArrayList<>();
    private final Map<Proxy, List<LogSink>> sinks = new IdentityHashMap<>();

    /** The node's snapshot holder (the stats page finds its node's operations by it). */
    SnapshotHolder holder() {
        return holder;
    }

    public ProxyVerticle(SnapshotHolder holder, TrafficCounters counters) {
        this.holder = holder;
        this.counters = counters;
    }

    @Override
    public Future<?> start() {
        Snapshot snap = holder.get();
        GlobalSection g = snap.config().global();
        serverTimeouts = new ServerTimeouts(vertx);
        serverPool = new ServerPool((io.vertx.core.internal.VertxInternal) vertx, ((io.vertx.core.internal.ContextInternal) context).nettyEventLoop());
        clientMaxSize = g.maxconn() > 0 ? g.maxconn() : 10_000;
        List<Future<?>> listening = new ArrayList<>();
        for (CompiledFrontend fe : snap.frontends().values()) {
            Proxy p = fe.proxy();
            if (p.disabled()) continue;
            if (p.mode() != Mode.HTTP) continue;  // mode tcp frontends are served by the TCP relay (issue 6)
            for (Bind b : p.binds()) listening.add(listen(fe.name(), p, b));
        }
        return Future.all(listening);
    }

    private Future<NetServer> listen(String frontendName, Proxy p, Bind b) {
        // a NetServer, not Vert.x's HTTP server: vxlb's own HTTP/1 layer and session take the
        // connection's pipeline over (H1FrontLayer, H1Session)
        NetServerOptions o = new NetServerOptions()
                .setHost(b.listenHost())
                .setPort(b.port())
                .setTcpNoDelay(true)
                .setAcceptBacklog(b.backlog() > 0 ? b.backlog() : p.backlog() > 0 ? p.backlog() : -1);
        if (b.ssl()) BindCertificates.of(b).apply(o, b);  // crt, crt-list, strict-sni, client certificates (config branch)
        NetServer server = vertx.createNetServer(o);
        String listener = b.name();
        server.connectHandler(so -> onConnection(frontendName, listener, so));
        servers.add(server);
        return server.listen();
    }

    private void onConnection(String frontendName, String listener, NetSocket so) {
        Snapshot snap = holder.get();
        CompiledFrontend cf = snap.frontends().get(frontendName);
        if (cf == null || !(so instanceof NetSocketInternal si)) {  // the frontend went away in a reload
            so.close();
            return;
        }
        Proxy p = cf.proxy();
        ChannelHandlerContext vctx = si.channelHandlerContext();
        Channel ch = vctx.channel();
        ClientConnection cc = new ClientConnection(ch, p, frontendName, so);
        cc.session.listenerName = listener;
        cc.gate = counters.gate(frontendName, p.maxconn(), snap.config().global().maxconn());
        ChannelPipeline pl = ch.pipeline();
        // Vert.x's socket handler leaves: every byte goes through vxlb's strict HTTP/1 layer, then its session
        pl.remove(vctx.handler());
        if (pl.get("chunkedWriter") != null) pl.remove("chunkedWriter");
        // the layer also runs the request clock and timeout client: no handler of their own on every read
        pl.addLast("vxlb-h1", cc.layer);
        if (p.timeouts().client() > 0) cc.layer.idle(new ClientIdle(p.timeouts().client()));
        pl.addLast("vxlb-session", cc.session);
        // a client that half-closes still gets its answers (and 400 when it sent nothing), as with HAProxy
        ch.config().setOption(io.netty.channel.ChannelOption.ALLOW_HALF_CLOSURE, true);
        // vxlb tcp-request hook: connection/session rules and accept-proxy (FrontSession); a reject is closed unlogged
        if (!FrontSession.onHttpConnection(snap, cf, ch)) return;
        io.vertx.core.Context ctx = vertx.getOrCreateContext();
        if (cc.gate == null || cc.gate.enter(task -> ctx.runOnContext(v -> task.run()), () -> admitted(cc))) {
            serve(cc);
            return;
        }
        // frontend or global maxconn reached: HAProxy stops accepting and the connection waits in
        // the listen backlog; here it is accepted but not read from until a place frees
        cc.held = true;
        cc.session.hold(true);
        ch.config().setAutoRead(false);
    }

    /** A held connection got its place (on this event loop). */
    private void admitted(ClientConnection cc) {
        cc.held = false;
        if (cc.closed) {  // the client left while it waited
            cc.gate.leave();
            return;
        }
        serve(cc);
        cc.channel.config().setAutoRead(true);
        cc.channel.read();
        cc.session.hold(false);
    }

    private void serve(ClientConnection cc) {
        cc.served = true;
        counters.activeConnections.incrementAndGet();
        counters.opened(cc.frontend.name());  // stats hook: scur + stot/smax (runtime.ProxyCounters)
        cc.since = System.nanoTime();
        cc.arm(cc.frontend.timeouts().effectiveHttpRequest(), true);
    }

    /** The connection closed (not a tunnel's: that one is counted by the tunnel's end). */
    private void closed(ClientConnection cc) {
        if (cc.closed) return;
        cc.closed = true;
        if (cc.tunnel || !cc.served) return;  // never served: its admission, when it comes, gives the place back
        // HAProxy logs a connection that closed before sending a request as "<BADREQ>" with
        // CR (client closed), unless "option dontlognull" says such empty connections are noise
        Proxy p = cc.frontend;
        if (cc.requests == 0 && !cc.timedOut && !cc.layer.answered() && !p.options().dontlognull()) {
            logBadRequest(p, cc, 400, Termination.CLIENT_ABORT_REQUEST, cc.since);
        }
        cc.cancel();
        counters.activeConnections.decrementAndGet();
        counters.frontend(cc.frontendName).decrementAndGet();
        if (cc.gate != null) cc.gate.leave();
    }

    private void onRequest(ClientConnection cc, H1Request req) {
        Snapshot snap = holder.get();
        CompiledFrontend fe = snap.frontends().get(cc.frontendName);
        cc.busy();
        cc.requests++;
        if (fe == null) {  // the frontend went away in a reload while this connection was open
            cc.session.close();
            return;
        }
        HttpExchange ex = new HttpExchange(this, snap, fe, cc.session, req);
        ex.firstRequest = cc.requests == 1;
        cc.clock.startRequest(ex.logRecord(), req.completed);
        cc.current = ex;
        ex.start();
    }

    private void responseEnded(ClientConnection cc) {
        // the keep-alive timeout of the snapshot the exchange ran with (no lookup per response)
        HttpExchange ex = cc.current;
        Proxy fe = ex != null ? ex.frontend().proxy() : cc.frontend;
        cc.current = null;
        cc.layer.responseEnded();
        cc.clock.arm();
        cc.arm(fe.timeouts().effectiveHttpKeepAlive(), false);
    }

    io.vertx.core.Vertx vertx() {
        return vertx;
    }

    /**
     * A client connection becomes a tunnel (WebSocket...): Vert.x no longer reports it as an HTTP
     * connection, so it leaves the table here (which would keep the Vert.x connection alive) and
     * its request timers stop. Returns what to run when the tunnel closes: the connection is
     * counted until then.
     */
    Runnable detachTunnel(H1Session session) {
        ClientConnection cc = (ClientConnection) session.handler();
        cc.tunnel = true;
        cc.cancel();
        cc.layer.tunnel();
        String frontendName = cc.frontendName;
        ConnectionGate gate = cc.gate;
        return () -> {
            counters.activeConnections.decrementAndGet();
            counters.frontend(frontendName).decrementAndGet();
            if (gate != null) gate.leave();
        };
    }

    private ServerTimeouts serverTimeouts;
    private ServerPool serverPool;

    /** This event loop's server connections (every request but an upgrade). */
    ServerPool serverPool() {
        return serverPool;
    }

    @Override
    public Future<?> stop() {
        // idle server connections go with the verticle; those in use close after their response
        if (serverPool != null) serverPool.close();
        if (serverTimeouts != null) serverTimeouts.close();
        return Future.succeededFuture();
    }

    /** This event loop's timeout-server sweeper. */
    ServerTimeouts serverTimeouts() {
        return serverTimeouts;
    }

    /**
     * Vert.x's client for an upgrade request (the rest go through {@link #serverPool()}): the
     * default one, or one per source address and/or without keep-alive ({@code http-reuse never}),
     * made on first use once per event loop, never per request.
     */
    HttpClient client(String source, boolean reuse) {
        if (source == null && reuse) {
            if (client == null) client = createClient(null, true);
            return client;
        }
        // keyed by the source address ("" for none): no key is built per request
        Map<String, HttpClient> clients = reuse ? sourceClients : noReuseClients;
        String key = source == null ? "" : source;
        HttpClient c = clients.get(key);
        if (c == null) {
            c = createClient(source, reuse);
            clients.put(key, c);
        }
        return c;
    }

    private HttpClient createClient(String localAddress, boolean reuse) {
        HttpClientOptions o = new HttpClientOptions()
                .setKeepAlive(reuse)
                .setKeepAliveTimeout(60)
                .setDecompressionSupported(false)
                .setMaxHeaderSize(64 * 1024)
                .setMaxInitialLineLength(64 * 1024)
                .setTcpNoDelay(true);
        if (localAddress != null) o.setLocalAddress(localAddress);
        // pool limits come from server maxconn (issue 5); until then a generous per-loop cap
        return vertx.createHttpClient(o, new PoolOptions().setHttp1MaxSize(clientMaxSize).setMaxWaitQueueSize(-1));
    }

    /** Stats hook (runtime.ProxyCounters): a finished exchange that writes no log line is counted here. */
    void countRequest(HttpExchange ex, int status, long bytesOut) {
        counters.finished(ex.frontend().name(), ex.backend() == null ? null : ex.backend().name(), ex.server(), status, 0, bytesOut);
    }

    /** Writes the log line of a finished exchange to the frontend's log targets. */
    void logRequest(HttpExchange ex, HttpLogRecord r) {
        logRequest(ex.frontend(), ex, ex.backend() == null ? null : ex.backend().name(), ex.server(), ex.retries(), ex.redispatched(), r);
    }

    /**
     * The same from the few values a finished tunnel kept (its exchange is gone by then: {@code txn}
     * null, a log-format reads the record).
     */
    void logRequest(CompiledFrontend cf, io.vxlb.rules.Txn txn, String backendName, io.vxlb.runtime.ServerRuntime server, int retries,
                    boolean redispatched, HttpLogRecord r) {
        counters.finished(cf.name(), backendName, server, r.status, 0, r.bytesOut);  // stats hook: req_tot, hrsp_*, bout
        if (!cf.logs()) return;
        Proxy fe = cf.proxy();
        List<LogSink> targets = sinks.computeIfAbsent(fe, this::sinksFor);
        if (targets.isEmpty()) return;
        String be = backendName == null ? fe.name() : backendName;
        HttpLogLine.Counters c = new HttpLogLine.Counters(counters.activeConnections.get(), counters.frontend(fe.name()).get(),
                counters.backend(be).get(), server == null ? 0 : server.currentConnections.get(), retries, redispatched);
        String line = logLine(cf, txn, r, c);
        for (LogSink s : targets) s.send("info", line);
    }

    /** The httplog line of a connection that never produced a request ({@code "<BADREQ>"}). */
    private void logBadRequest(Proxy fe, ClientConnection cc, int status, Termination termination, long since) {
        counters.frontendStats(fe.name()).requestErrors.increment();  // stats hook: ereq
        CompiledFrontend cf = holder.get().frontends().get(fe.name());
        if (cf == null || !cf.logs() || cc.session.remoteAddress == null) return;
        List<LogSink> targets = sinks.computeIfAbsent(fe, this::sinksFor);
        if (targets.isEmpty()) return;
        HttpLogRecord r = HttpLogRecord.badRequest(fe.name(), cc.session.remoteAddress, cc.session.ssl, status, termination, since);
        r.local = cc.session.localAddress;
        HttpLogLine.Counters c = new HttpLogLine.Counters(counters.activeConnections.get(), counters.frontend(fe.name()).get(), 0, 0, 0, false);
        String line = logLine(cf, null, r, c);
        for (LogSink s : targets) s.send("info", line);
    }

    /** The frontend's log-format line, else the built-in httplog one; {@code txn} null: the record alone. */
    private static String logLine(CompiledFrontend cf, io.vxlb.rules.Txn txn, HttpLogRecord r, HttpLogLine.Counters c) {
        if (cf.logLine() == null) return HttpLogLine.format(r, c);
        r.counters = c;
        r.end = System.nanoTime();
        return cf.logLine().format(txn != null ? txn : new io.vxlb.log.RecordTxn(r));
    }

    private List<LogSink> sinksFor(Proxy p) {
        List<LogSink> l = new ArrayList<>();
        GlobalSection g = holder.get().config().global();
        String tag = p.logTag() != null ? p.logTag() : g.logTag();  // a proxy's log-tag (config branch)
        if (p.logGlobal()) for (LogTarget t : g.logs()) l.add(new LogSink(vertx, t, tag));
        for (LogTarget t : p.logs()) l.add(new LogSink(vertx, t, tag));
        return l;
    }

    /**
     * The request-head timer of one client connection: {@code timeout http-request} until a
     * request head arrives (then HAProxy answers 408), {@code timeout http-keep-alive} between
     * requests (then the idle connection is closed silently). Requests only move a deadline;
     * the Vert.x timer is re-armed lazily when it fires, so a busy keep-alive connection costs
     * no timer operation per request.
     */
    /**
     * When the first byte of each request arrives, read below Vert.x's HTTP decoder (after TLS):
     * HAProxy's %TR runs from it to the complete head, %Ti from the previous response's end (or
     * the accept) to it. Armed again when a response ends; a pipelined request, already read by
     * then, gets %TR 0.
     */
    static final class RequestClock {
        private long firstByte;
        private long idleFrom;
        private boolean armed = true;

        RequestClock(long accepted) {
            idleFrom = accepted;
        }

        /** Bytes arrived (H1FrontLayer, before it parses them). */
        void read() {
            if (armed) {
                armed = false;
                firstByte = System.nanoTime();
            }
        }

        /** A request head is complete (at {@code headComplete}, from the HTTP/1 layer): its record gets its first byte and idle start. */
        void startRequest(HttpLogRecord r, long headComplete) {
            r.requestStarted(armed ? r.start : firstByte, idleFrom, headComplete);
            armed = false;
        }

        void arm() {
            armed = true;
            idleFrom = System.nanoTime();
        }
    }

    private final class ClientConnection implements H1Session.Handler {
        final Channel channel;
        final Proxy frontend;
        final String frontendName;
        final H1Session session;
        long since = System.nanoTime();
        /** The maxconn gate this connection holds a place in once served; null without maxconn. */
        ConnectionGate gate;
        /** Waiting for a place under maxconn: not read from, not counted, no timer. */
        boolean held;
        /** Counted (admitted); closed: the close was handled. */
        boolean served, closed;
        int requests;
        boolean timedOut;
        long timer = -1;
        long deadline;
        boolean waiting;
        boolean answer408;
        /** Became a tunnel: no request timer any more. */
        boolean tunnel;
        final RequestClock clock = new RequestClock(since);
        /** The strict HTTP/1 layer in front of the session; its refusals are logged as HAProxy's {@code <BADREQ>}. */
        final H1FrontLayer layer = new H1FrontLayer(new H1FrontLayer.Listener() {
            @Override
            public void rejected(int status, Termination termination) {
                if (termination == Termination.CLIENT_ABORT_REQUEST && frontend.options().dontlognull()) return;
                logBadRequest(frontend, ClientConnection.this, status, termination, since);
            }

            @Override
            public void inputShut() {
                HttpExchange ex = current;
                if (ex != null) ex.clientHalfClosed();
            }
        }, clock);
        /** The exchange whose response is due, for the client's half-close; null between requests. */
        HttpExchange current;

        ClientConnection(Channel channel, Proxy frontend, String frontendName, NetSocket so) {
            this.channel = channel;
            this.frontend = frontend;
            this.frontendName = frontendName;
            this.session = new H1Session((io.vertx.core.internal.ContextInternal) context, this, so.remoteAddress(), so.localAddress(), so.isSsl(), so.isSsl() ? so.indicatedServerName() : null);
        }

        @Override
        public void request(H1Session s, H1Request r) {
            onRequest(this, r);
        }

        @Override
        public void responseEnded(H1Session s) {
            ProxyVerticle.this.responseEnded(this);
        }

        @Override
        public void closed(H1Session s) {
            ProxyVerticle.this.closed(this);
        }

        /** Starts waiting for a request head for at most {@code millis}. */
        void arm(long millis, boolean answer408) {
            if (millis <= 0 || tunnel) {
                waiting = false;
                return;
            }
            this.deadline = System.nanoTime() + millis * 1_000_000L;
            this.answer408 = answer408;
            this.waiting = true;
            if (timer < 0) timer = vertx.setTimer(millis, this::fire);
        }

        /** A request head arrived. */
        void busy() {
            waiting = false;
        }

        private void fire(long id) {
            timer = -1;
            if (!waiting) return;
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left > 0) {
                timer = vertx.setTimer(left, this::fire);
                return;
            }
            if (answer408) {
                timedOut = true;
                // no request exists yet: the 408 goes straight to the socket
                channel.writeAndFlush(io.netty.buffer.Unpooled.wrappedBuffer(ErrorPages.raw(ErrorPages.REQUEST_TIMEOUT).getBytes()));
                // timed out waiting for a request head: "cR" (client-side timeout, request phase)
                logBadRequest(frontend, this, 408, Termination.CLIENT_TIMEOUT_REQUEST, since);
            }
            session.close();
        }

        void cancel() {
            waiting = false;
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
        }
    }
}
