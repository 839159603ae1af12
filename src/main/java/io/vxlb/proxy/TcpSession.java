package io.vxlb.proxy;

import io.vxlb.log.Termination;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import io.vxlb.config.Proxy;
import io.vxlb.config.ProxyKind;
import io.vxlb.config.Timeouts;
import io.vxlb.log.HttpLogLine;
import io.vxlb.log.LogSink;
import io.vxlb.log.TcpLogLine;
import io.vxlb.rules.LogVariable;
import io.vxlb.rules.Txn;
import io.vxlb.runtime.CompiledBackend;
import io.vxlb.runtime.CompiledFrontend;
import io.vxlb.runtime.CompiledSwitch;
import io.vxlb.runtime.ServerRuntime;
import io.vxlb.runtime.Snapshot;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code mode tcp} session: routes the accepted connection (use_backend rules on a minimal
 * transaction, default_backend, or the listen section itself), connects to a server with
 * retries and redispatch, then relays bytes both ways with back-pressure until either side
 * closes or stays idle too long. Event-loop confined: every callback runs on the loop of the
 * client connection, which is also the loop of the backend connection.
 */
final class TcpSession implements ContentInspection.Stream {
    private final TcpProxyVerticle verticle;
    private final Snapshot snapshot;
    private final CompiledFrontend frontend;
    private final NetSocket client;
    private SocketAddress remote;
    private SocketAddress local;
    /** tcp-request connection/session rules and the PROXY header (null when the frontend has neither). */
    private FrontSession session;
    /** The bind's {@code accept-proxy}. */
    private final boolean acceptProxy;
    /** tcp-request content (of the frontend, then of the backend) and tcp-response content inspections; null when none ran. */
    private ContentInspection requestInspection, responseInspection;
    private boolean inspectingResponse, payloadMayChange;
    /** {@code set-log-level}: "silent" drops the log line. */
    private String logLevel;
    private final long acceptedMillis = System.currentTimeMillis();
    private final long start = System.nanoTime();

    private CompiledBackend backend;
    private ServerRuntime server;
    private NetSocket serverSocket;
    /** Its server: use-server or balancer, slot, queue, retries (shared with HTTP); null before the backend is known. */
    private ServerAssignment assignment;
    /** A connect attempt or a retry pause is in flight. */
    private boolean connecting;
    private long connectStart;
    private long connected;
    private long bytesOut;
    private long bytesIn;
    private Termination termination = Termination.NORMAL;
    private boolean clientClosed;
    private boolean serverClosed;
    private boolean finished;
    private Map<String, Object> variables;
    /** vxlb-stick: what tcp-request content track-sc* track for this stream; null while nothing. */
    private io.vxlb.stick.StreamCounters stick;

    /** The maxconn gate whose place this session holds (given back when it ends); null without maxconn. */
    private final io.vxlb.runtime.ConnectionGate gate;

    TcpSession(TcpProxyVerticle verticle, String frontendName, NetSocket client, io.vxlb.runtime.ConnectionGate gate) {
        this(verticle, frontendName, client, gate, false);
    }

    TcpSession(TcpProxyVerticle verticle, String frontendName, NetSocket client, io.vxlb.runtime.ConnectionGate gate, boolean acceptProxy) {
        this.acceptProxy = acceptProxy;
        this.verticle = verticle;
        this.gate = gate;
        this.snapshot = verticle.holder.get();
        this.frontend = snapshot.frontends().get(frontendName);
        this.client = client;
        this.remote = client.remoteAddress();
        this.local = client.localAddress();
    }

    void start() {
        client.pause();  // nothing is read before a server connection can take it
        verticle.counters.activeConnections.incrementAndGet();
        verticle.counters.opened(frontend.name());  // stats hook: scur + stot/smax
        client.exceptionHandler(t -> client.close());
        client.closeHandler(v -> onClientClosed());
        if (FrontSession.needed(frontend, acceptProxy) && client instanceof io.vertx.core.internal.net.NetSocketInternal ci) {
            // tcp-request connection rules, the PROXY header, tcp-request session rules: then the stream
            FrontSession.open(snapshot, frontend, ci.channelHandlerContext().channel(), remote, local, acceptProxy, s -> {
                session = s;
                remote = SocketAddress.inetSocketAddress(s.srcPort, s.src);
                local = SocketAddress.inetSocketAddress(s.dstPort, s.dst);
                inspectRequest();
            });
            if (session == null) silent = true;  // not (yet) a session: a reject or a bad header is not logged
            return;
        }
        inspectRequest();
    }

    /** A connection refused before it became a session: HAProxy logs nothing for it. */
    private boolean silent;

    /** tcp-request content rules of the frontend, then (once chosen) of the backend, then the server. */
    private void inspectRequest() {
        silent = false;
        if (clientClosed) {
            finish();
            return;
        }
        io.vxlb.runtime.CompiledTcpRules r = frontend.tcpRules();
        if (r.content().isEmpty()) {
            route();
            return;
        }
        requestInspection = new ContentInspection(verticle.vertx(), r.content(), r.inspectDelay(), false, this, v -> {
            if (v == ContentInspection.Verdict.ACCEPT) route();
            else rejectContent();
        });
        requestInspection.start(client);
    }

    /** tcp-request content reject: closed at once, logged as HAProxy's "PR--". */
    private void rejectContent() {
        termination = Termination.PROXY_REQUEST;
        client.close();
    }

    private void route() {
        if (clientClosed || finished) return;
        if (session != null) {  // content rules may have moved the session's addresses
            remote = SocketAddress.inetSocketAddress(session.srcPort, session.src);
            local = SocketAddress.inetSocketAddress(session.dstPort, session.dst);
        }
        backend = chooseBackend();
        if (backend == null) {
            termination = Termination.SERVER_ABORT_CONNECT;
            client.close();
            return;
        }
        verticle.counters.backend(backend.name()).incrementAndGet();
        if (backend.proxy() != frontend.proxy() && !backend.tcpRules().content().isEmpty() && requestInspection == null) {
            io.vxlb.runtime.CompiledTcpRules r = backend.tcpRules();
            requestInspection = new ContentInspection(verticle.vertx(), r.content(), r.inspectDelay(), false, this, v -> {
                if (v == ContentInspection.Verdict.ACCEPT) assign();
                else rejectContent();
            });
            requestInspection.start(client);
            return;
        }
        assign();
    }

    private void assign() {
        if (clientClosed || finished) return;
        assignment = new ServerAssignment(snapshot, backend, verticle.vertx(), new ServerAssignment.Owner() {
            @Override public Txn txn() { return TcpSession.this; }
            @Override public void assigned(ServerRuntime s) { connect(s); }
            @Override public void waiting(ServerRuntime s) { server = s; }
            @Override public void persistenceBroken() { }
            @Override public boolean gone() { return clientClosed || finished; }

            @Override
            public void refused(Termination state) {
                if (assignment.server() != null) server = assignment.server();
                termination = state;  // SC: no server, SQ: its queue is full, sQ: timeout queue
                client.close();
            }

            @Override
            public void abandoned() {
                termination = Termination.CLIENT_ABORT_QUEUE;
                finish();
            }
        });
        assignment.start(useServer());
    }

    private void releaseServer() {
        if (assignment != null) assignment.release();
    }

    // ---- routing -----------------------------------------------------------------------------

    private CompiledBackend chooseBackend() {
        for (CompiledSwitch s : frontend.backendSwitches()) {
            if (!s.applies(this)) continue;
            String name = s.dynamic() != null ? s.dynamic().format(this) : s.target();
            CompiledBackend be = snapshot.backends().get(name);
            if (be != null) return be;
            if (s.dynamic() == null) return null;
            break;  // a dynamic name that resolves to no backend falls back to default_backend
        }
        if (frontend.defaultBackend() != null) return snapshot.backends().get(frontend.defaultBackend());
        return frontend.proxy().kind() == ProxyKind.LISTEN ? snapshot.backends().get(frontend.name()) : null;
    }

    /** The server a use-server rule names, when it is running (HAProxy ignores the rule otherwise); null: the balancer chooses. */
    private ServerRuntime useServer() {
        for (CompiledSwitch u : backend.useServerRules()) {
            if (!u.applies(this)) continue;
            ServerRuntime s = backend.server(u.target());
            return s != null && snapshot.state(s).running() ? s : null;
        }
        return null;
    }

    // ---- connection --------------------------------------------------------------------------

    private void connect(ServerRuntime s) {
        connecting = false;
        if (clientClosed) {  // the client left during a retry pause
            termination = Termination.CLIENT_ABORT_CONNECT;
            finish();
            return;
        }
        server = s;  // the assignment holds its slot
        s.totalRequests.increment();
        Timeouts t = backend.proxy().timeouts();
        int port = s.server.port() != 0 ? s.server.port() : local.port();
        ConnectOptions o = new ConnectOptions().setHost(s.server.address()).setPort(port);
        if (t.connect() > 0) o.setTimeout((int) Math.min(Integer.MAX_VALUE, t.connect()));
        if (connectStart == 0) connectStart = System.nanoTime();
        connecting = true;
        verticle.client(s.sourceAddress).connect(o).onComplete(ar -> {
            connecting = false;
            if (ar.failed()) {
                connectFailed(ar.cause());
            } else if (clientClosed) {
                termination = Termination.CLIENT_ABORT_CONNECT;
                serverSocket = ar.result();
                serverSocket.closeHandler(v -> onServerClosed());
                serverSocket.close();
            } else {
                connected(ar.result());
            }
        });
    }

    private void connectFailed(Throwable cause) {
        if (clientClosed) {
            server.failedConnections.incrementAndGet();
            releaseServer();
            termination = Termination.CLIENT_ABORT_CONNECT;
            finish();
            return;
        }
        connecting = true;
        if (assignment.retry(cause)) return;  // the next attempt comes back through connect()
        connecting = false;
        termination = ConnectRetry.isTimeout(cause) ? Termination.SERVER_TIMEOUT_CONNECT : Termination.SERVER_ABORT_CONNECT;
        client.close();
    }

    /**
     * A server connection is up: {@code send-proxy[-v2]} writes the PROXY header first (the
     * session's addresses), then {@code tcp-response content} rules inspect the server's first
     * bytes before the relay starts.
     */
    private void connected(NetSocket srv) {
        if (server.server.sendProxy() > 0) {
            byte[] h = server.server.sendProxy() == 2 ? ProxyHeader.v2(remote.hostAddress(), remote.port(), local.hostAddress(), local.port())
                    : ProxyHeader.v1(remote.hostAddress(), remote.port(), local.hostAddress(), local.port());
            srv.write(io.vertx.core.buffer.Buffer.buffer(h));
        }
        io.vxlb.runtime.CompiledTcpRules r = backend.tcpRules();
        if (r.responseContent().isEmpty()) {
            relay(srv);
            return;
        }
        serverSocket = srv;
        srv.closeHandler(v -> onServerClosed());
        srv.pause();
        // the client's bytes go to the server while its answer is inspected
        if (requestInspection != null) srv.write(requestInspection.kept());
        requestInspection = null;
        client.handler(srv::write);
        client.resume();
        inspectingResponse = true;
        responseInspection = new ContentInspection(verticle.vertx(), r.responseContent(), r.responseInspectDelay(), true, this, v -> {
            inspectingResponse = false;
            client.pause();
            if (v == ContentInspection.Verdict.ACCEPT) {
                relay(srv);
            } else if (v == ContentInspection.Verdict.CLOSE) {
                // close: what was received goes to the client, then both sides close
                client.write(responseInspection.kept());
                bytesOut += responseInspection.length();
                srv.close();
                client.end();
            } else {
                termination = Termination.PROXY_HEADERS;
                srv.close();
                client.close();
            }
        });
        responseInspection.start(srv);
    }

    // ---- relay -------------------------------------------------------------------------------

    /**
     * Both sockets leave Vert.x for a Netty relay on their (shared) event loop ({@link Tunnel#relay}):
     * bytes both ways with back-pressure, and half-closes passed on, so a client that shuts its
     * write side still gets the server's reply, as with HAProxy.
     */
    private void relay(NetSocket srv) {
        serverSocket = srv;
        connected = System.nanoTime();
        Timeouts fe = frontend.proxy().timeouts(), be = backend.proxy().timeouts();
        long tunnel = be.tunnel() > 0 ? be.tunnel() : fe.tunnel();
        long idle;
        if (tunnel > 0) {
            idle = tunnel;
        } else {
            long c = fe.client(), s = be.server();
            idle = c > 0 && s > 0 ? Math.min(c, s) : Math.max(c, s);
        }
        // the side whose timeout is the shorter one expired first (tunnel timeouts count as client side)
        Termination timeoutState = tunnel > 0 || fe.client() > 0 && (be.server() <= 0 || fe.client() <= be.server()) ? Termination.CLIENT_TIMEOUT_DATA : Termination.SERVER_TIMEOUT_DATA;
        if (!(client instanceof io.vertx.core.internal.net.NetSocketInternal ci) || !(srv instanceof io.vertx.core.internal.net.NetSocketInternal si)
                || ci.channelHandlerContext().channel().eventLoop() != si.channelHandlerContext().channel().eventLoop()) {
            termination = Termination.SERVER_ABORT_CONNECT;
            srv.close();
            client.close();
            return;
        }
        io.netty.channel.Channel cc = ci.channelHandlerContext().channel(), sc = si.channelHandlerContext().channel();
        // no more reads through Vert.x; what it already queued (the client was only paused) comes
        // out of its queue into these lists, by the next turn of the loop at the latest
        cc.config().setAutoRead(false);
        sc.config().setAutoRead(false);
        List<io.vertx.core.buffer.Buffer> fromClient = new java.util.ArrayList<>(1), fromServer = new java.util.ArrayList<>(1);
        client.handler(fromClient::add);
        srv.handler(fromServer::add);
        srv.resume();
        // bytes the content rules kept go first
        if (requestInspection != null && requestInspection.length() > 0) fromClient.add(0, requestInspection.kept());
        if (responseInspection != null && responseInspection.length() > 0) fromServer.add(0, responseInspection.kept());
        srv.closeHandler(v -> onServerClosed());
        client.resume();
        cc.eventLoop().execute(() -> {
            if (clientClosed || serverClosed || !cc.isActive() || !sc.isActive()) {
                if (!clientClosed && cc.isActive() && !fromServer.isEmpty()) {
                    // the server answered and closed at once (a check target, a banner): the answer still goes out
                    Tunnel.detach(cc.pipeline(), ci.channelHandlerContext().handler());
                    for (io.vertx.core.buffer.Buffer b : fromServer) {
                        bytesOut += b.length();
                        cc.write(io.netty.buffer.Unpooled.wrappedBuffer(b.getBytes()));
                    }
                    srv.close();
                    // counted and logged before the client sees the close, as when the relay ends
                    cc.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(f -> {
                        clientClosed = serverClosed = true;
                        finish();
                        cc.close();
                    });
                    return;
                }
                srv.close();
                client.close();
                return;
            }
            Tunnel.detach(cc.pipeline(), ci.channelHandlerContext().handler());
            Tunnel.detach(sc.pipeline(), si.channelHandlerContext().handler());
            for (io.vertx.core.buffer.Buffer b : fromClient) {
                bytesIn += b.length();
                sc.write(io.netty.buffer.Unpooled.wrappedBuffer(b.getBytes()));
            }
            for (io.vertx.core.buffer.Buffer b : fromServer) {
                bytesOut += b.length();
                cc.write(io.netty.buffer.Unpooled.wrappedBuffer(b.getBytes()));
            }
            sc.flush();
            cc.flush();
            Tunnel.relay(cc, sc, idle, fe.clientFin(), be.serverFin(), timeoutState, (state, toClient, toServer) -> {
                bytesOut += toClient;
                bytesIn += toServer;
                if (state != Termination.NORMAL) termination = state;
                clientClosed = serverClosed = true;
                finish();
            });
            // a side that shut while the content rules inspected it: the tunnel passes the FIN on now
            if (cc instanceof io.netty.channel.socket.DuplexChannel d && d.isInputShutdown()) cc.pipeline().fireUserEventTriggered(io.netty.channel.socket.ChannelInputShutdownEvent.INSTANCE);
            if (sc instanceof io.netty.channel.socket.DuplexChannel d && d.isInputShutdown()) sc.pipeline().fireUserEventTriggered(io.netty.channel.socket.ChannelInputShutdownEvent.INSTANCE);
        });
    }

    private void onClientClosed() {
        clientClosed = true;
        if (serverSocket != null) {
            if (serverClosed) finish();
            else serverSocket.end();  // flushes what is still queued, then closes
        } else if (assignment != null && assignment.clientLeft()) {
            // left its queue: "CQ", finished by the assignment's abandoned()
        } else if (!connecting && (assignment == null || !assignment.queued())) {  // (still queued: a grant is on its way and finishes it)
            finish();  // no server was found or every attempt failed: nothing else is pending
        }  // else the connect attempt (or retry pause) in flight sees clientClosed and finishes
    }

    private void onServerClosed() {
        serverClosed = true;
        if (!clientClosed) client.end();
        else finish();
    }

    private void finish() {
        if (finished) return;
        finished = true;
        if (requestInspection != null) requestInspection.cancel();
        if (responseInspection != null) responseInspection.cancel();
        releaseServer();
        stickEnd();
        verticle.counters.finished(frontend.name(), backend == null ? null : backend.name(), server,
                io.vxlb.runtime.TrafficCounters.TCP_SESSION, bytesIn, bytesOut);  // stats hook: stot, bin/bout
        if (backend != null) verticle.counters.backend(backend.name()).decrementAndGet();
        // the line counts this session (as HAProxy's), but goes out once it is uncounted: whoever
        // reads the line and connects again never meets this session in the counters
        String line = logLine();
        verticle.counters.activeConnections.decrementAndGet();
        verticle.counters.frontend(frontend.name()).decrementAndGet();
        if (gate != null) gate.leave();
        if (line != null) for (LogSink s : verticle.sinks(frontend.proxy())) s.send(logLevel != null ? logLevel : "info", line);
    }

    /** vxlb-stick: the stream's bytes count on its entries (the connection's where it tracks none itself), conn_cur given back. */
    private void stickEnd() {
        io.vxlb.stick.StreamCounters c = stick;
        if (c == null && session != null && session.trackedCounters() != null) c = new io.vxlb.stick.StreamCounters(session.trackedCounters());
        if (c != null) c.end(0, bytesIn, bytesOut);
    }

    @Override
    public io.vxlb.stick.StreamCounters trackingCounters() {
        if (stick == null) stick = new io.vxlb.stick.StreamCounters(session == null ? null : session.trackedCounters());
        return stick;
    }

    @Override
    public io.vxlb.stick.StreamCounters streamCounters() {
        return stick != null ? stick : session == null ? null : session.trackedCounters();
    }

    @Override public io.vxlb.stick.StickTables stickTables() { return snapshot.stickTables(); }
    @Override public long feConn(String fe) { return fe == null ? -1 : verticle.counters.frontend(fe).get(); }
    @Override public long beConn(String be) { return be == null ? -1 : snapshot.beConn(be); }
    @Override public long srvConn(String be, String srv) { return snapshot.srvConn(be, srv); }
    @Override public String serverName() { return server == null ? null : server.server.name(); }
    @Override public int serverId() { return server == null || backend == null ? 0 : backend.serverId(server); }

    private int retries() {
        return assignment == null ? 0 : assignment.retries();
    }

    private long queueLeft() {
        return assignment == null ? 0 : assignment.queueLeft();
    }

    /** The tcplog line of the session, null when none is written. */
    private String logLine() {
        Proxy fe = frontend.proxy();
        if (!fe.options().tcplog() || silent || "silent".equals(logLevel)) return null;
        if (fe.options().dontlognull() && bytesIn == 0) return null;  // HAProxy: nothing received from the client (req->total)
        if (verticle.sinks(fe).isEmpty()) return null;
        long end = System.nanoTime();
        HttpLogLine.Counters c = new HttpLogLine.Counters(verticle.counters.activeConnections.get(),
                verticle.counters.frontend(fe.name()).get(), backend == null ? 0 : verticle.counters.backend(backend.name()).get(),
                server == null ? 0 : server.currentConnections.get(), retries(), assignment != null && assignment.redispatched());
        String line = TcpLogLine.format(remote.hostAddress(), remote.port(), acceptedMillis, fe.name(),
                backend == null ? null : backend.name(), server == null ? null : server.server.name(),
                queueLeft() != 0 ? (queueLeft() - start) / 1_000_000L : connectStart == 0 ? -1 : 0, connected == 0 ? -1 : (connected - connectStart) / 1_000_000L,
                (end - start) / 1_000_000L, bytesOut, termination, c,
                assignment == null ? 0 : assignment.serverQueuePosition(), assignment == null ? 0 : assignment.backendQueuePosition());
        return line;
    }

    // ---- Txn: what sample fetches read (no HTTP data in a TCP session) --------------------------

    @Override public String srcAddress() { return session != null ? session.src : remote.hostAddress(); }
    @Override public int srcPort() { return session != null ? session.srcPort : remote.port(); }
    @Override public String dstAddress() { return session != null ? session.dst : local.hostAddress(); }
    @Override public int dstPort() { return session != null ? session.dstPort : local.port(); }
    @Override public String frontendName() { return frontend.name(); }
    @Override public String backendName() { return backend == null ? null : backend.name(); }
    @Override public int nbsrv(String name) { return snapshot.nbsrv(name != null ? name : backendName()); }
    @Override public boolean srvIsUp(String be, String srv) { return snapshot.srvIsUp(be, srv); }

    @Override
    public Object variable(String name) {
        if (name.startsWith("proc.")) return snapshot.procVars().get(name);
        if (session != null && name.startsWith("sess.")) return session.sessionVariable(name);
        return variables == null ? null : io.vxlb.rules.Vars.read(variables.get(name));
    }

    @Override
    public void setVariable(String name, Object value) {
        setVariable(name, value, 0);
    }

    @Override
    public void setVariable(String name, Object value, int flags) {
        if (name.startsWith("proc.")) {
            snapshot.procVars().set(name, value, flags);
            return;
        }
        if (session != null && name.startsWith("sess.")) {
            session.setSessionVariable(name, value, flags);
            return;
        }
        if (value == null) {
            if (variables != null) variables.remove(name);
            return;
        }
        if (variables == null) variables = new HashMap<>();
        io.vxlb.rules.Vars.set(variables, name, value, flags);
    }

    // ---- PayloadTxn: the bytes tcp-request / tcp-response content rules inspect --------------------

    private ContentInspection inspection(boolean response) {
        return response ? responseInspection : requestInspection;
    }

    @Override
    public byte[] payload(boolean response) {
        ContentInspection i = inspection(response);
        return i == null ? new byte[0] : i.bytes();
    }

    @Override
    public int payloadLength(boolean response) {
        ContentInspection i = inspection(response);
        return i == null ? 0 : i.length();
    }

    @Override
    public boolean payloadFinal(boolean response) {
        ContentInspection i = inspection(response);
        return i == null || i.isFinal();
    }

    @Override public boolean inspectingResponse() { return inspectingResponse; }
    @Override public void payloadMayChange() { payloadMayChange = true; }

    @Override
    public boolean takePayloadMayChange() {
        boolean m = payloadMayChange;
        payloadMayChange = false;
        return m;
    }

    @Override public FrontSession session() { return session; }
    @Override public io.vxlb.rules.ConnectionFacts connectionFacts() { return session; }
    @Override public void setLogLevel(String level) { logLevel = level; }

    @Override
    public void appendLogVariable(LogVariable v, StringBuilder out) {
        switch (v.name()) {
            case "ci" -> out.append(remote.hostAddress());
            case "cp" -> out.append(remote.port());
            case "fi" -> out.append(local.hostAddress());
            case "fp" -> out.append(local.port());
            case "f", "ft" -> out.append(frontend.name());
            case "b" -> out.append(backend == null ? frontend.name() : backend.name());
            case "s" -> out.append(server == null ? "<NOSRV>" : server.server.name());
            default -> out.append('-');
        }
    }
}
