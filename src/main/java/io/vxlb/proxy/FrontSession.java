package io.vxlb.proxy;

import io.netty.channel.Channel;
import io.vertx.core.net.SocketAddress;
import io.vxlb.config.TcpAction;
import io.vxlb.rules.LogVariable;
import io.vxlb.rules.Txn;
import io.vxlb.runtime.CompiledFrontend;
import io.vxlb.runtime.CompiledTcpRules;
import io.vxlb.runtime.Snapshot;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A client connection's session as HAProxy's layer-4 rules see it (src/session.c): at accept the
 * {@code tcp-request connection} rules run on the connection's own addresses; then the PROXY
 * header is read when the bind has {@code accept-proxy} or a rule said {@code expect-proxy
 * layer4} (its addresses replace the connection's); then the {@code tcp-request session} rules
 * run. The session's addresses ({@code src}, {@code dst}, as set-src/set-dst and the header left
 * them) and its {@code sess.*} variables are what later rules, logs and {@code send-proxy} see;
 * {@code fc_src}... stay the connection's. Event-loop confined.
 */
public final class FrontSession implements io.vxlb.rules.Layer4Txn, io.vxlb.rules.ConnectionFacts {
    /** The channel attribute holding an HTTP connection's session, for its exchanges. */
    static final io.netty.util.AttributeKey<FrontSession> KEY = io.netty.util.AttributeKey.valueOf("vxlb.front-session");

    private final Snapshot snapshot;
    private final CompiledFrontend frontend;
    private final Channel channel;
    /** The connection's addresses: moved by connection rules and the PROXY header, not by session/content rules. */
    String fcSrc, fcDst;
    int fcSrcPort, fcDstPort;
    String src, dst;
    int srcPort, dstPort;
    private Map<String, Object> vars;
    /** vxlb-stick: what tcp-request connection/session track-sc* track for the connection's life; null while nothing. */
    private io.vxlb.stick.StreamCounters counters;
    /** The PROXY header received, null without one. */
    ProxyHeader.Parsed proxyHeader;
    private boolean expectProxy;

    private FrontSession(Snapshot snapshot, CompiledFrontend frontend, Channel channel, SocketAddress remote, SocketAddress local) {
        this.snapshot = snapshot;
        this.frontend = frontend;
        this.channel = channel;
        this.fcSrc = this.src = remote == null ? null : remote.hostAddress();
        this.fcSrcPort = this.srcPort = remote == null ? 0 : remote.port();
        this.fcDst = this.dst = local == null ? null : local.hostAddress();
        this.fcDstPort = this.dstPort = local == null ? 0 : local.port();
    }

    /** Whether a frontend needs a session object at all (rules, or a PROXY header to read). */
    static boolean needed(CompiledFrontend fe, boolean acceptProxy) {
        CompiledTcpRules r = fe.tcpRules();
        return acceptProxy || !r.connection().isEmpty() || !r.session().isEmpty();
    }

    /**
     * Runs the connection rules, reads the PROXY header if one is expected, runs the session
     * rules, then calls {@code ready} on the channel's event loop. A reject closes the connection
     * (HAProxy logs nothing for it) and {@code ready} is never called; nor is it when the header
     * is malformed or late ({@code timeout client}).
     */
    static void open(Snapshot snapshot, CompiledFrontend fe, Channel channel, SocketAddress remote, SocketAddress local,
                     boolean acceptProxy, Consumer<FrontSession> ready) {
        FrontSession s = new FrontSession(snapshot, fe, channel, remote, local);
        channel.attr(KEY).set(s);
        channel.attr(REJECTED).set(Boolean.FALSE);
        if (!s.run(fe.tcpRules().connection(), true)) {
            s.reject(true);
            return;
        }
        if (acceptProxy || s.expectProxy) {
            long timeout = fe.proxy().timeouts().client();
            channel.pipeline().addFirst("vxlb-proxy-header", new ProxyHeaderDecoder(timeout, p -> {
                s.proxyHeader = p;
                if (p.hasAddresses()) {
                    s.src = s.fcSrc = p.srcAddress();
                    s.srcPort = s.fcSrcPort = p.srcPort();
                    s.dst = s.fcDst = p.dstAddress();
                    s.dstPort = s.fcDstPort = p.dstPort();
                    s.overrideChannelAddresses();
                }
                s.sessionRules(ready);
            }));
            return;
        }
        s.sessionRules(ready);
    }

    private void sessionRules(Consumer<FrontSession> ready) {
        if (!run(frontend.tcpRules().session(), false)) {
            reject(false);
            return;
        }
        if (counters != null) io.vxlb.stick.StickTracker.session(counters);  // HAProxy's session_count_new: sess_cnt, sess_rate
        ready.accept(this);
    }

    /**
     * A connection or session rule rejected: closed unlogged; what it tracked is given back at
     * once, before the client sees the close. A connection rule resets it (HAProxy 2.6.12,
     * measured: RST at accept, a FIN after a session rule).
     */
    private void reject(boolean reset) {
        channel.attr(REJECTED).set(Boolean.TRUE);
        if (counters != null) counters.end(0, 0, 0);
        if (reset) channel.config().setOption(io.netty.channel.ChannelOption.SO_LINGER, 0);
        channel.close();
    }

    /** vxlb-stick: the connection's counters, made on its first track-sc and ended when the connection closes. */
    io.vxlb.stick.StreamCounters counters() {
        if (counters == null) {
            io.vxlb.stick.StreamCounters c = counters = new io.vxlb.stick.StreamCounters();
            channel.closeFuture().addListener(f -> c.end(0, 0, 0));  // conn_cur given back (HAProxy's session_store_counters)
        }
        return counters;
    }

    /** vxlb-stick: the connection's counters for its streams; null when its rules track nothing. */
    io.vxlb.stick.StreamCounters trackedCounters() {
        return counters;
    }

    @Override public io.vxlb.stick.StreamCounters streamCounters() { return counters; }

    /**
     * The session's addresses become the connection's for what reads them later: an HTTP
     * connection's H1Session (its exchanges, logs and send-proxy), and Vert.x, which reads these
     * attributes when it first needs a socket's addresses.
     */
    private void overrideChannelAddresses() {
        H1Session h1 = channel.pipeline().get(H1Session.class);
        if (h1 != null) {
            if (src != null) h1.remoteAddress = SocketAddress.inetSocketAddress(srcPort, src);
            if (dst != null) h1.localAddress = SocketAddress.inetSocketAddress(dstPort, dst);
        }
        if (src != null) channel.attr(io.vertx.core.net.impl.ConnectionBase.REMOTE_ADDRESS_OVERRIDE).set(SocketAddress.inetSocketAddress(srcPort, src));
        if (dst != null) channel.attr(io.vertx.core.net.impl.ConnectionBase.LOCAL_ADDRESS_OVERRIDE).set(SocketAddress.inetSocketAddress(dstPort, dst));
    }

    /** Connection rules ({@code connection}: they move the connection's own addresses too) or session rules; false when one rejected. */
    private boolean run(List<CompiledTcpRules.Rule> rules, boolean connection) {
        for (CompiledTcpRules.Rule r : rules) {
            if (!r.applies(this)) continue;
            TcpAction a = r.action();
            if (a instanceof TcpAction.Accept) return true;
            if (a instanceof TcpAction.Reject) return false;
            if (a instanceof TcpAction.ExpectProxy) expectProxy = true;
            else if (!applyStick(r, this, this::counters, snapshot.stickTables(), false)) apply(r, this, this);
            if (connection) {
                fcSrc = src;
                fcSrcPort = srcPort;
                fcDst = dst;
                fcDstPort = dstPort;
            }
        }
        return true;
    }

    @Override public String fcSrcAddress() { return fcSrc; }
    @Override public int fcSrcPort() { return fcSrcPort; }
    @Override public String fcDstAddress() { return fcDst; }
    @Override public int fcDstPort() { return fcDstPort; }
    @Override public byte[] ppAuthority() { return proxyHeader == null ? null : proxyHeader.authority(); }
    @Override public byte[] ppUniqueId() { return proxyHeader == null ? null : proxyHeader.uniqueId(); }
    @Override public io.vxlb.rules.ConnectionFacts connectionFacts() { return this; }



    /**
     * vxlb-stick: the stick counter actions of a tcp-request rule set: track-sc* on the counters
     * {@code target} gives (the connection's for connection/session rules, the stream's for
     * content rules), sc-inc-gpc* and sc-set-gpt0 on what {@code txn} tracks. {@code request}:
     * the tracking counts the HTTP request it happens in. False when {@code r} is another action.
     */
    static boolean applyStick(CompiledTcpRules.Rule r, io.vxlb.rules.Txn txn, java.util.function.Supplier<io.vxlb.stick.StreamCounters> target,
                              io.vxlb.stick.StickTables tables, boolean request) {
        TcpAction a = r.action();
        if (a instanceof TcpAction.TrackSc t) {
            io.vxlb.stick.StreamCounters c = target.get();
            if (c != null && !c.trackedHere(t.slot())) io.vxlb.stick.StickTracker.track(c, t.slot(), tables.get(t.table()), r.sample().eval(txn), request);
        } else if (a instanceof TcpAction.ScIncGpc g) {
            io.vxlb.stick.StickActions.incGpc(txn.streamCounters(), g.slot(), g.gpc());
        } else if (a instanceof TcpAction.ScSetGpt0 g) {
            io.vxlb.stick.StickActions.setGpt0(txn, txn.streamCounters(), g.slot(), r.sample(), g.value());
        } else {
            return false;
        }
        return true;
    }

    /**
     * The actions every rule set shares, applied to {@code txn}'s variables and this session's
     * addresses: set-var, unset-var, set-src, set-dst, set-src-port, set-dst-port.
     */
    static void apply(CompiledTcpRules.Rule r, Txn txn, FrontSession session) {
        TcpAction a = r.action();
        if (a instanceof TcpAction.SetVar v) {
            Object value = r.value(txn);
            if (value != null) txn.setVariable(v.variable(), value, v.conditions());
        } else if (a instanceof TcpAction.UnsetVar u) {
            txn.setVariable(u.variable(), null);
        } else if (a instanceof TcpAction.SetAddress sa && session != null) {
            Object value = r.sample().eval(txn);
            if (value == null) return;
            String addr = String.valueOf(value);
            if (sa.source()) session.src = addr;
            else session.dst = addr;
            session.overrideChannelAddresses();
        } else if (a instanceof TcpAction.SetPort sp && session != null) {
            Object value = r.sample().eval(txn);
            if (!(value instanceof Long port) || port < 0 || port > 65535) return;
            if (sp.source()) session.srcPort = port.intValue();
            else session.dstPort = port.intValue();
            session.overrideChannelAddresses();
        }
    }

    // ---- HTTP frontends -------------------------------------------------------------------------

    /**
     * ProxyVerticle's hook for a new HTTP connection: connection rules, the PROXY header of an
     * {@code accept-proxy} bind (read before the HTTP layer sees a byte), session rules. False
     * when a connection rule rejected it (it is being closed).
     */
    static boolean onHttpConnection(Snapshot snapshot, CompiledFrontend fe, Channel ch) {
        if (fe == null) return true;
        boolean acceptProxy = false;
        SocketAddress local = address(ch.localAddress()), remote = address(ch.remoteAddress());
        for (io.vxlb.config.Bind b : fe.proxy().binds()) {
            if (b.acceptProxy() && local != null && b.port() == local.port()) acceptProxy = true;
        }
        if (!needed(fe, acceptProxy)) return true;
        open(snapshot, fe, ch, remote, local, acceptProxy, s -> { });
        return ch.isOpen() && ch.attr(KEY).get() != null && !ch.attr(REJECTED).get().equals(Boolean.TRUE);
    }

    private static final io.netty.util.AttributeKey<Boolean> REJECTED = io.netty.util.AttributeKey.valueOf("vxlb.front-session-rejected");

    private static SocketAddress address(java.net.SocketAddress a) {
        return a instanceof java.net.InetSocketAddress i ? SocketAddress.inetSocketAddress(i.getPort(), i.getAddress().getHostAddress()) : null;
    }

    /**
     * HttpExchange's hook at the start of a request: the session's variables join the
     * transaction, then the frontend's {@code tcp-request content} rules run on it (in an HTTP
     * frontend each request is a stream, as in HAProxy). True when a rule rejected the request:
     * the connection is closed without an answer.
     */
    static boolean onHttpRequest(HttpExchange txn, CompiledFrontend fe, Channel conn) {
        CompiledTcpRules t = fe.tcpRules();
        if (t.content().isEmpty() && t.connection().isEmpty() && t.session().isEmpty()) return false;  // the common case: nothing to do
        FrontSession session = session(conn);
        if (session != null) {
            session.copyVariablesTo(txn);
            if (session.counters != null) txn.sessionCounters(session.counters);  // vxlb-stick: sc* of the connection
        }
        if (runOnHttp(fe.tcpRules().content(), txn, session, conn, false)) return true;
        io.vxlb.stick.StreamCounters c = txn.streamCounters();
        if (c != null) c.countHttpRequest();  // vxlb-stick: as HAProxy's http_wait_for_request, after the content rules
        return false;
    }

    /** HttpExchange's hook once a backend other than the frontend is chosen: its {@code tcp-request content} rules. True: rejected, closed. */
    static boolean onHttpBackend(HttpExchange txn, io.vxlb.runtime.CompiledBackend be, Channel conn) {
        if (be.tcpRules().content().isEmpty()) return false;
        return runOnHttp(be.tcpRules().content(), txn, session(conn), conn, true);
    }

    /**
     * HttpExchange's hook when the server's response head arrives, before the http-response
     * rules: the backend's {@code tcp-response content} rules on the HTTP response (no payload
     * inspection). True when one rejected or closed: the client connection is closed.
     */
    static boolean onHttpResponse(HttpExchange txn, io.vxlb.runtime.CompiledBackend be, Channel conn) {
        if (be.tcpRules().responseContent().isEmpty()) return false;
        return runOnHttp(be.tcpRules().responseContent(), txn, session(conn), conn, false);
    }

    private static FrontSession session(Channel conn) {
        return of(conn);
    }

    /**
     * A content rule list on an HTTP stream: evaluated once, on the parsed message (the bytes were
     * already read). {@code countsRequest}: a track-sc here counts the request (a backend's rules
     * run after the request was counted; HAProxy's stream_inc_be_http_req_ctr).
     */
    private static boolean runOnHttp(List<CompiledTcpRules.Rule> rules, HttpExchange txn, FrontSession session, Channel conn, boolean countsRequest) {
        for (CompiledTcpRules.Rule r : rules) {
            if (!r.applies(txn)) continue;
            TcpAction a = r.action();
            if (a instanceof TcpAction.Accept) {
                txn.lastRule(r.location());
                break;
            }
            if (a instanceof TcpAction.Reject || a instanceof TcpAction.Close) {
                txn.lastRule(r.location());
                conn.close();
                return true;
            }
            if (a instanceof TcpAction.SetVar v && v.variable().startsWith("sess.") && session != null) {
                Object value = r.value(txn);
                if (value != null) session.setSessionVariable(v.variable(), value, v.conditions());
                continue;
            }
            if (!applyStick(r, txn, txn::trackingCounters, txn.stickTables(), countsRequest)) apply(r, txn, null);
        }
        return false;
    }

    /** The session of an HTTP connection's channel, null when its frontend has none. */
    static FrontSession of(Channel ch) {
        return ch == null ? null : ch.attr(KEY).get();
    }

    // ---- sess.* variables, shared by the session's streams -----------------------------------------

    Object sessionVariable(String name) {
        if (name.startsWith("proc.")) return snapshot.procVars().get(name);
        return vars == null ? null : io.vxlb.rules.Vars.read(vars.get(name));
    }

    void setSessionVariable(String name, Object value) {
        setSessionVariable(name, value, 0);
    }

    void setSessionVariable(String name, Object value, int flags) {
        if (name.startsWith("proc.")) {
            snapshot.procVars().set(name, value, flags);
            return;
        }
        if (value == null) {
            if (vars != null) vars.remove(name);
            return;
        }
        if (vars == null) vars = new HashMap<>();
        io.vxlb.rules.Vars.set(vars, name, value, flags);
    }

    /** Copies the sess.* variables into a new stream's transaction (an HTTP exchange keeps its own map). */
    void copyVariablesTo(Txn t) {
        if (vars != null) for (Map.Entry<String, Object> e : vars.entrySet()) t.setVariable(e.getKey(), e.getValue());
    }

    // ---- Txn: a connection without a stream: addresses and variables only --------------------------

    @Override public String srcAddress() { return src; }
    @Override public int srcPort() { return srcPort; }
    @Override public String dstAddress() { return dst; }
    @Override public int dstPort() { return dstPort; }
    @Override public String frontendName() { return frontend.name(); }
    @Override public String backendName() { return null; }
    @Override public int nbsrv(String name) { return snapshot.nbsrv(name != null ? name : frontend.name()); }
    @Override public boolean srvIsUp(String be, String srv) { return snapshot.srvIsUp(be, srv); }
    @Override public Object variable(String name) { return sessionVariable(name); }
    @Override public void setVariable(String name, Object value) { setSessionVariable(name, value); }
    @Override public void setVariable(String name, Object value, int flags) { setSessionVariable(name, value, flags); }

    @Override
    public void appendLogVariable(LogVariable v, StringBuilder out) {
        switch (v.name()) {
            case "ci" -> out.append(src);
            case "cp" -> out.append(srcPort);
            case "fi" -> out.append(dst);
            case "fp" -> out.append(dstPort);
            case "f", "ft" -> out.append(frontend.name());
            default -> out.append('-');
        }
    }
}
