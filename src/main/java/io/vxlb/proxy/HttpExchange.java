package io.vxlb.proxy;

import io.vxlb.log.Termination;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vxlb.action.ActionContext;
import io.vxlb.action.CompiledAction;
import io.vxlb.action.RedirectAction;
import io.vxlb.config.RetryOn;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vxlb.config.ForwardFor;
import io.vxlb.config.HttpConnectionMode;
import io.vxlb.config.OriginalTo;
import io.vxlb.config.Proxy;
import io.vxlb.config.Redirect;
import io.vxlb.log.HttpLogRecord;
import io.vxlb.rules.LogVariable;
import io.vxlb.rules.Txn;
import io.vxlb.runtime.CompiledBackend;
import io.vxlb.runtime.CompiledFrontend;
import io.vxlb.runtime.CompiledRedirect;
import io.vxlb.runtime.CompiledRule;
import io.vxlb.runtime.CompiledSwitch;
import io.vxlb.runtime.ServerRuntime;
import io.vxlb.runtime.Snapshot;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * One HTTP request/response through the proxy: frontend rules, backend choice, server choice,
 * forwarding with back-pressure both ways, response rules, the log record. Lives on the event
 * loop of its client connection and reads one snapshot from start to end.
 */
final class HttpExchange implements ActionContext, H1Session.Exchange, ServerTimeouts.Watched, ServerPool.Acquired, ServerConnection.Listener, ServerAssignment.Owner {
    private final ProxyVerticle verticle;
    private final Snapshot snapshot;
    private final CompiledFrontend frontend;
    private final H1Session session;
    private final HttpLogRecord log;

    private String method;
    private String uri;
    private final String version;
    private final HeaderList requestHeaders;
    private CompiledBackend backend;
    private ServerRuntime server;
    /** Its server: persistence or balancer, slot, queue, retries (shared with mode tcp); null before the backend is known. */
    private ServerAssignment assignment;
    /** Response body bytes the server still owes by its content-length; -1 without one. */
    private long responseBodyLeft = -1;
    /** The server came from the client's persistence cookie or a use-server rule (HAProxy's SF_DIRECT). */
    private boolean direct;
    private Map<String, Object> variables;
    /** vxlb-stick: the stick counters this request tracks (null: none). */
    private io.vxlb.stick.StreamCounters stick;
    /** timeout server, watched by the verticle's {@link ServerTimeouts} (no timer per request). */
    private HttpClientRequest outbound;
    /** The server connection of this exchange (every request but an upgrade); null before and after. */
    private ServerConnection conn;
    /** The request body is sent chunk-framed (the client's was chunked). */
    private boolean chunkedBody;
    /** The client request's body has been passed on whole. */
    private boolean requestEnded;
    /** The response head went to the client; the server's end ends it. */
    private boolean closeServerAfter;
    private boolean closeClientAfter;
    /** The reused connection failed in the server's idle-close race: sent once more on a new one. */
    private boolean resent;
    private boolean bodyPaused;
    private boolean expectContinue;
    /** The server's response head was turned into the client's (its body or end may still fail). */
    private boolean responseStarted;
    private int connectPort;
    private long serverTimeoutNanos, serverIdleSince;
    /** set-timeout server / tunnel: this stream's own, in ms; 0 until a rule sets one. */
    private long serverTimeoutSet, tunnelTimeoutSet;
    private int watchIndex = -1;
    private boolean serverTimedOut;
    /** Response state, for http-response rules and logs. */
    private int status;
    /** The reason phrase an http-response set-status gave (null: the server's). */
    private String statusReason;
    private HeaderList responseHeaders;
    /**
     * Where the transaction is (HAProxy's analysers in order): the head was parsed, the rules run,
     * a server is assigned (or the request waits in a queue), the connection is made, the request
     * goes to the server, the response comes back, a tunnel replaced HTTP, or it is over.
     */
    enum Phase { HEAD, RULES, ASSIGNMENT, CONNECT, REQUEST, RESPONSE, TUNNEL, DONE }

    private Phase phase = Phase.HEAD;

    Phase phase() {
        return phase;
    }

    private boolean done() {
        return phase == Phase.DONE;
    }

    HttpExchange(ProxyVerticle verticle, Snapshot snapshot, CompiledFrontend frontend, H1Session session, H1Request request) {
        this.verticle = verticle;
        this.snapshot = snapshot;
        this.frontend = frontend;
        this.session = session;
        this.method = request.method;
        this.uri = request.uri;
        this.version = request.minor == 0 ? "1.0" : "1.1";
        this.requestHeaders = request.headers;
        this.log = new HttpLogRecord(frontend.name(), session.remoteAddress, session.ssl);
        log.local = session.localAddress;
        session.attach(this);
        log.request(method, uri, version);
    }

    void start() {
        phase = Phase.RULES;
        // Only a request with a body is paused: until its server connection is ready, so the body
        // streams with back-pressure. A bodiless request has nothing to hold back.
        if (hasBody()) session.pause();
        Proxy fe = frontend.proxy();
        // until a use_backend rule says otherwise a listen section is its own backend: its cookie letters show
        if (fe.kind() == io.vxlb.config.ProxyKind.LISTEN && PersistenceCookie.logs(fe.cookie())) log.cookieRequest = log.cookieResponse = 'N';
        if (FrontSession.onHttpRequest(this, frontend, session.channel())) {  // vxlb tcp-request content hook: rejected
            finishAborted(Termination.PROXY_REQUEST);  // logged "PR--", as tcp_inspect_request's reject
            return;
        }
        if (!fe.captures().isEmpty()) {
            // HAProxy captures the request as received, before any rule rewrites it
            log.capturedRequest = HttpLogRecord.capture(fe.captures(), true, this);
            log.capturedResponse = HttpLogRecord.capture(fe.captures(), false, this);
        }
        if (fe.monitorUri() != null && path().equals(fe.monitorUri())) {
            respondPage(ErrorPages.OK, false);
            return;
        }
        // option http-buffer-request: the body (or a buffer of it) before the frontend's rules (AN_REQ_HTTP_BODY)
        if (fe.options().httpBufferRequest() && bodyWait(bufferTimeout(fe), 0, () -> frontRules(0))) return;
        frontRules(0);
    }

    /** The frontend's http-request rules from rule {@code from} on (a wait-for-body resumes there), then the rest. */
    private void frontRules(int from) {
        int r = runRequestRules(frontend.requestRules(), from);
        if (r == RULES_ANSWERED) return;
        if (r >= 0) {
            bodyWaitThen(() -> frontRules(r + 1));
            return;
        }
        Proxy fe = frontend.proxy();
        if (runRedirects(frontend.redirects())) return;
        if (io.vxlb.admin.cli.StatsPage.serves(fe, uri)) {  // hook: the stats page (admin.cli.StatsPage)
            serveStats(fe);
            return;
        }
        CompiledBackend be = chooseBackend();
        if (be == null) {
            log.terminationState = Termination.NO_BACKEND;  // HAProxy: no backend is a resource problem ("R"), before connecting
            respondPage(ErrorPages.SERVICE_UNAVAILABLE, false);
            return;
        }
        backend = be;
        log.backend = be.name();
        log.cookieRequest = log.cookieResponse = be.cookie() != null && be.cookie().logs() ? 'N' : '-';
        if (be.proxy() != fe) {
            if (FrontSession.onHttpBackend(this, be, session.channel())) {  // vxlb tcp-request content hook (backend): rejected
                finishAborted(Termination.PROXY_REQUEST);
                return;
            }
            // the backend asks for the body the frontend did not wait for (stream_set_backend)
            if (!fe.options().httpBufferRequest() && be.proxy().options().httpBufferRequest()
                    && bodyWait(bufferTimeout(be.proxy()), 0, () -> backRules(0))) return;
            backRules(0);
            return;
        }
        assign();
    }

    /** The backend's http-request rules from rule {@code from} on, then the server assignment. */
    private void backRules(int from) {
        int r = runRequestRules(backend.requestRules(), from);
        if (r == RULES_ANSWERED) return;
        if (r >= 0) {
            bodyWaitThen(() -> backRules(r + 1));
            return;
        }
        if (runRedirects(backend.redirects())) return;
        if (io.vxlb.admin.cli.StatsPage.serves(backend.proxy(), uri)) {  // hook: the stats page of a backend
            serveStats(backend.proxy());
            return;
        }
        assign();
    }

    private void assign() {
        addForwardedHeaders(frontend.proxy(), backend.proxy());
        phase = Phase.ASSIGNMENT;
        assignment = new ServerAssignment(snapshot, backend, verticle.vertx(), this);
        assignment.start(chooseDirectServer());
    }

    // ---- waiting for the request body (option http-buffer-request, wait-for-body) -------------

    /** The body read so far while waiting for it, replayed to the server once connected; null when none was waited for. */
    private io.netty.buffer.CompositeByteBuf bufferedBody;
    /** The wait in progress: its timer, its byte goal and what runs when it ends. */
    private long bodyWaitTimer = -1, bodyWaitBytes;
    private Runnable bodyWaitNext;
    /** A wait-for-body action's request, taken by the rule runner when the action yields. */
    private long yieldTime, yieldBytes;

    /** HAProxy waits for at most a buffer of body: tune.bufsize less tune.maxrewrite. */
    private static final int BODY_BUFFER = 16384 - 1024;

    /** timeout http-request of the proxy, else the client's read timeout (HAProxy's CF_READ_TIMEOUT). */
    private long bufferTimeout(Proxy px) {
        long t = px.timeouts().httpRequest();
        return t > 0 ? t : frontend.proxy().timeouts().client();
    }

    /**
     * Starts waiting for the request body: true when {@code next} runs later (the whole body,
     * {@code atLeast} bytes of it or a buffer full arrived), false when there is nothing to wait
     * for. When {@code timeMs} passes first the client gets a 408 (cR), as http_wait_for_msg_body.
     */
    private boolean bodyWait(long timeMs, long atLeast, Runnable next) {
        if (!hasBody() || requestEnded || "CONNECT".equals(method)) return false;
        if (bufferedBody != null && (bufferedBody.readableBytes() >= BODY_BUFFER || (atLeast > 0 && bufferedBody.readableBytes() >= atLeast))) return false;
        if (bufferedBody == null) bufferedBody = session.channel().alloc().compositeBuffer(64);
        bodyWaitBytes = atLeast;
        bodyWaitNext = next;
        if (timeMs > 0) {
            bodyWaitTimer = verticle.vertx().setTimer(timeMs, t -> {
                bodyWaitTimer = -1;
                bodyWaitTimedOut();
            });
        }
        session.onClientTimeout(this::bodyWaitTimedOut);  // timeout client too: 408, not a silent close
        onClose = OnClose.BODY_WAIT;
        if (expectContinueFromClient()) {  // http_handle_expect_hdr: the proxy answers 100 itself and the server is not asked
            session.writeContinue();
            requestHeaders.removeAll("expect");
        }
        session.resume();
        return true;
    }

    /** The body did not come in time: 408 (cR), as http_wait_for_msg_body's abort_req. */
    private void bodyWaitTimedOut() {
        if (bodyWaitNext == null || done()) return;
        bodyWaitNext = null;
        session.onClientTimeout(null);
        log.terminationState = Termination.CLIENT_TIMEOUT_REQUEST;
        respondPage(ErrorPages.REQUEST_TIMEOUT, true);
    }

    /** Resumes the rule list after the wait a wait-for-body action asked for (or at once when there is none). */
    private void bodyWaitThen(Runnable next) {
        if (!bodyWait(yieldTime, yieldBytes, next)) next.run();
    }

    @Override
    public boolean waitForBody(long timeMs, long atLeast) {
        if (!hasBody() || requestEnded || (bufferedBody != null && atLeast > 0 && bufferedBody.readableBytes() >= atLeast)) return true;
        yieldTime = timeMs;
        yieldBytes = atLeast;
        return false;
    }

    /** The wait ends: the body is complete, or has the bytes asked for, or fills the buffer. */
    private void bodyWaitCheck() {
        if (bodyWaitNext == null) return;
        int have = bufferedBody.readableBytes();
        if (!requestEnded && have < BODY_BUFFER && (bodyWaitBytes <= 0 || have < bodyWaitBytes)) return;
        if (bodyWaitTimer >= 0) verticle.vertx().cancelTimer(bodyWaitTimer);
        bodyWaitTimer = -1;
        Runnable next = bodyWaitNext;
        bodyWaitNext = null;
        session.onClientTimeout(null);
        onClose = OnClose.NONE;
        if (!requestEnded) session.pause();  // the rest streams once the server connection is ready
        next.run();
    }

    private void releaseBufferedBody() {
        if (bodyWaitTimer >= 0) verticle.vertx().cancelTimer(bodyWaitTimer);
        bodyWaitTimer = -1;
        if (bodyWaitNext != null) session.onClientTimeout(null);
        bodyWaitNext = null;
        if (bufferedBody != null) {
            bufferedBody.release();
            bufferedBody = null;
        }
    }

    private boolean expectContinueFromClient() {
        String e = requestHeaders.get("expect");
        return e != null && e.equalsIgnoreCase("100-continue") && !"1.0".equals(version);
    }

    /** req.body: what was buffered of the body; null when nothing was waited for. */
    @Override
    public byte[] requestBody() {
        if (bufferedBody == null) return null;
        byte[] b = new byte[bufferedBody.readableBytes()];
        bufferedBody.getBytes(bufferedBody.readerIndex(), b);
        return b;
    }

    /** req.body_size: the announced length, else (chunked) what was buffered. */
    @Override
    public long requestBodySize() {
        String cl = requestHeaders.get("content-length");
        if (cl != null) {
            try {
                return Long.parseLong(cl.trim());
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return bufferedBody == null ? -1 : bufferedBody.readableBytes();
    }

    // ---- routing ---------------------------------------------------------------------------

    private CompiledBackend chooseBackend() {
        for (CompiledSwitch s : frontend.backendSwitches()) {
            if (!s.applies(this)) continue;
            String name = s.dynamic() != null ? s.dynamic().format(this) : s.target();
            CompiledBackend be = snapshot.backends().get(name);
            if (be != null) return be;
            if (s.dynamic() == null) return null;
            break;  // HAProxy: a dynamic name that resolves to no backend falls back to default_backend
        }
        if (frontend.defaultBackend() != null) return snapshot.backends().get(frontend.defaultBackend());
        // a listen section is its own backend when no rule chose another
        return frontend.proxy().kind() == io.vxlb.config.ProxyKind.LISTEN ? snapshot.backends().get(frontend.name()) : null;
    }

    /** HAProxy's order: use-server rules, then the persistence cookie; null leaves the choice to the balancer. */
    private ServerRuntime chooseDirectServer() {
        ServerRuntime chosen = null;
        for (CompiledSwitch u : backend.useServerRules()) {
            if (!u.applies(this)) continue;
            ServerRuntime s = backend.server(u.target());
            // HAProxy ignores the rule when the server is down (no force-persist)
            if (s != null && snapshot.state(s).running()) chosen = s;
            break;
        }
        PersistenceCookie cookie = backend.cookie();
        if (cookie != null) {
            // the Cookie header is rewritten even when a use-server rule already chose ("U" in the log)
            ServerRuntime s = cookie.onRequest(snapshot, requestHeaders, chosen != null, log);
            if (chosen == null) chosen = s;
        }
        // vxlb-stick: stick match / stick on, after use-server and the cookie, as HAProxy's analysers run
        if (chosen == null && backend.stick() != null) chosen = backend.stick().match(this, new StickServers(snapshot, backend));
        if (chosen != null) direct = true;
        return chosen;
    }

    // ---- server assignment (shared with mode tcp): this exchange is the ServerAssignment's owner --

    @Override
    public Txn txn() {
        return this;
    }

    @Override
    public void assigned(ServerRuntime s) {
        connect(s);
    }

    @Override
    public void waiting(ServerRuntime s) {
        if (s != null) {
            server = s;  // for the log (%s, %sc); no slot is held until granted
            log.server = s.server.name();
        }
        onClose = OnClose.LEAVE_QUEUE;
    }

    @Override
    public void refused(Termination termination) {
        ServerRuntime s = assignment.server();
        if (s != null) {
            server = s;  // for the log's %s and %sc
            log.server = s.server.name();
        }
        if (assignment.queueLeft() != 0) queueLeftForLog();
        log.terminationState = termination;  // SC: no server, SQ: its queue is full, sQ: timeout queue
        respondPage(ErrorPages.SERVICE_UNAVAILABLE, false);
    }

    @Override
    public void persistenceBroken() {
        // the cookie's server could not take the request: HAProxy turns "V" into "D" and inserts a new cookie
        direct = false;
        if (log.cookieRequest == 'V') log.cookieRequest = 'D';
    }

    @Override
    public void abandoned() {
        if (assignment.queueLeft() != 0) queueLeftForLog();
        finishAborted(Termination.CLIENT_ABORT_QUEUE);  // HAProxy: status -1, nothing sent
    }

    @Override
    public boolean gone() {
        return done() || session.closed();
    }

    /** The queue part of the log (%Tw, %sq, %bq) once the request left a queue. */
    private void queueLeftForLog() {
        log.queueLeft = assignment.queueLeft();
        if (assignment.backendQueuePosition() > 0) log.backendQueue = assignment.backendQueuePosition();
        if (assignment.serverQueuePosition() > 0) log.serverQueue = assignment.serverQueuePosition();
    }

    /**
     * The client half-closed after its request: HAProxy still serves it (the answer goes to the
     * open half), but with {@code option abortonclose} a request that waits in a queue is dropped
     * ("CQ", back_may_abort_req).
     */
    void clientHalfClosed() {
        if (assignment == null || !assignment.queued() || !backend.proxy().options().abortonclose()) return;
        if (assignment.clientLeft()) session.close();
    }

    /** A denied request still has its cookie read when its backend has one, for the log (HAProxy: "PRVN" and the server). */
    private void persistenceForLog() {
        CompiledBackend be = backend;
        if (be == null && frontend.proxy().kind() == io.vxlb.config.ProxyKind.LISTEN) be = snapshot.backends().get(frontend.name());
        if (be == null || be.cookie() == null) return;
        ServerRuntime s = be.cookie().onRequest(snapshot, requestHeaders, false, log);
        if (s != null) log.server = s.server.name();
    }

    // ---- rules -------------------------------------------------------------------------------

    /** Which headers the actions see: the response's while http-response rules run. */
    private boolean responseSide;

    /** Runs a rule list; true when a rule answered the request itself (deny, redirect, return...). */
    /** What a rule list did: went through (or stopped at an allow), answered, or (an index) yielded at that rule. */
    private static final int RULES_DONE = -1, RULES_ANSWERED = -2;

    private int runRequestRules(List<CompiledRule> rules, int from) {
        responseSide = false;
        return runRules(rules, from);
    }

    private int runRules(List<CompiledRule> rules, int from) {
        for (int i = from, n = rules.size(); i < n; i++) {
            CompiledRule r = rules.get(i);
            if (!r.applies(this)) continue;
            // an answering action may log before it returns: it must already be the last rule
            io.vxlb.config.Location before = lastRule;
            lastRule = r.location();
            CompiledAction.Verdict v = r.action().execute(this);
            if (v == CompiledAction.Verdict.STOP) return RULES_DONE;
            if (v == CompiledAction.Verdict.ANSWERED) return RULES_ANSWERED;
            lastRule = before;
            if (v == CompiledAction.Verdict.YIELD) return i;
        }
        return RULES_DONE;
    }

    // ---- what the actions do to the transaction (ActionContext) --------------------------------

    // capture slots (config branch): http-request/http-response capture, capture.req.hdr(N)
    @Override
    public void capture(boolean request, int slot, String value) {
        String[] slots = request ? log.capturedRequest : log.capturedResponse;
        if (slots == null || slot >= slots.length) return;
        int len = 0, i = 0;
        for (io.vxlb.config.Capture c : frontend.proxy().captures()) {
            if (c.request() != request) continue;
            if (i++ == slot) {
                len = c.length();
                break;
            }
        }
        slots[slot] = value.length() > len ? value.substring(0, len) : value;
    }

    @Override
    public String captured(boolean request, int slot) {
        String[] slots = request ? log.capturedRequest : log.capturedResponse;
        return slots == null || slot < 0 || slot >= slots.length ? null : slots[slot];
    }

    @Override public boolean responseSide() { return responseSide; }

    @Override public HeaderList headers() { return responseSide ? responseHeaders : requestHeaders; }

    @Override public void setMethod(String m) { method = m; }

    @Override public void setUri(String u) { uri = u; }

    @Override
    public void setStatus(int s, String reason) {
        // HAProxy: the given reason, else the new status's standard one (never the server's)
        status = s;
        statusReason = reason != null ? reason : io.netty.handler.codec.http.HttpResponseStatus.valueOf(s).reasonPhrase();
    }

    @Override
    public void denyWith(int s, ErrorPages.Page page, HeaderList headers, Buffer body) {
        if (responseSide) {
            log.terminationState = Termination.PROXY_HEADERS;
        } else {
            log.terminationState = Termination.PROXY_REQUEST;
            if (stick != null) stick.countError();  // vxlb-stick: HAProxy counts a denied request as an http error
            persistenceForLog();
        }
        // HAProxy 2.6.12 answers a deny and keeps the connection (no "connection: close"; measured)
        if (headers != null) finishLocal(s, null, headers, body, false);
        else respondPage(page != null ? page : ErrorPages.of(s), false);
    }

    /** return with an error file, or with the proxy's error page for the status (default-errorfiles). */
    @Override
    public void replyPage(int s, ErrorPages.Page page) {
        log.terminationState = Termination.PROXY_REQUEST;
        respondPage(page != null ? page : ErrorPages.of(s), false);
    }

    /** http-request reject: closed without an answer, logged as HAProxy's "PR--" with no status. */
    @Override
    public void reject() {
        log.terminationState = Termination.PROXY_REQUEST;
        if (stick != null) stick.countError();
        finishAborted(Termination.PROXY_REQUEST);
        session.close();
    }

    /** set-src / set-dst: the connection's address from now on (its requests, logs, X-Forwarded-For). */
    @Override
    public void setAddress(boolean source, String address) {
        if (source) session.remoteAddress = SocketAddress.inetSocketAddress(session.remoteAddress.port(), address);
        else session.localAddress = SocketAddress.inetSocketAddress(session.localAddress.port(), address);
    }

    @Override
    public void setPort(boolean source, int port) {
        if (source) session.remoteAddress = SocketAddress.inetSocketAddress(port, session.remoteAddress.hostAddress());
        else session.localAddress = SocketAddress.inetSocketAddress(port, session.localAddress.hostAddress());
    }

    @Override
    public void tarpit(int s) {
        log.terminationState = Termination.PROXY_TARPIT;
        if (stick != null) stick.countError();  // vxlb-stick
        persistenceForLog();
        long delay = frontend.proxy().timeouts().effectiveTarpit();
        verticle.vertx().setTimer(Math.max(1, delay), id -> {
            // HAProxy 2.6.12: "-1/302/-1/-1/301 500 ... PT--", and no "connection: close"
            log.tarpitted = true;
            log.queueLeft = System.nanoTime();
            respondPage(ErrorPages.of(s), false);
        });
    }

    @Override
    public void challenge(String realm) {
        log.terminationState = Termination.PROXY_REQUEST;
        String r = realm != null ? realm : (backend != null ? backend.name() : frontend.name());
        respondPage(ErrorPages.UNAUTHORIZED, false, "www-authenticate", "Basic realm=\"" + r + "\"");
    }

    private boolean runRedirects(List<CompiledRedirect> redirects) {
        for (CompiledRedirect r : redirects) {
            if (r.applies(this)) {
                redirect(r);
                return true;
            }
        }
        return false;
    }

    @Override
    public void redirect(CompiledRedirect cr) {
        Redirect r = cr.redirect();
        String location = RedirectAction.location(cr, this);
        log.terminationState = Termination.LOCAL_REQUEST;
        HeaderList h = new HeaderList(5);
        h.add("content-length", "0");
        h.add("location", location);
        h.add("cache-control", "no-cache");
        if (r.setCookie() != null) h.add("set-cookie", r.setCookie() + (r.setCookie().contains("=") ? "" : "=") + "; path=/");
        if (r.clearCookie() != null) h.add("set-cookie", r.clearCookie() + (r.clearCookie().contains("=") ? "" : "=") + "; Max-Age=0; path=/");
        finishLocal(r.code(), null, h, Buffer.buffer(), false);
    }

    @Override
    public void reply(int code, HeaderList headers, Buffer body) {
        log.terminationState = Termination.PROXY_REQUEST;
        finishLocal(code, null, headers, body, false);
    }

    // ---- forwarding ---------------------------------------------------------------------------

    /**
     * unique-id-format (config branch): made once, on first use (fetch, %ID) or at the latest
     * before the request goes to a server, as HAProxy's http_process_request.
     */
    @Override
    public String uniqueId() {
        if (log.uniqueId == null && frontend.uniqueId() != null) {
            log.uniqueId = "";  // a format naming %ID or unique-id itself sees it empty, not a loop
            log.uniqueId = frontend.uniqueId().format(this);
        }
        return log.uniqueId;
    }

    private void addForwardedHeaders(Proxy fe, Proxy be) {
        // unique-id-header goes first, then X-Forwarded-For, as in http_process_request
        String id = uniqueId();
        // HAProxy's H1 layer sends the name in lower case
        if (id != null && fe.uniqueIdHeader() != null) requestHeaders.add(fe.uniqueIdHeader().toLowerCase(java.util.Locale.ROOT), id);
        ForwardFor ff = be.options().forwardFor() != null ? be.options().forwardFor() : fe.options().forwardFor();
        String src = ff == null ? null : session.remoteHost();
        if (src != null && !Networks.contains(ff.exceptNetwork(), src)) {
            if (!ff.ifNone() || !requestHeaders.contains(ff.header())) requestHeaders.add(ff.header(), src);
        }
        OriginalTo ot = be.options().originalTo() != null ? be.options().originalTo() : fe.options().originalTo();
        String dst = ot == null ? null : session.localHost();
        if (dst != null && !Networks.contains(ot.exceptNetwork(), dst)) {
            requestHeaders.add(ot.header(), dst);
        }
    }

    private HttpConnectionMode connectionMode() {
        HttpConnectionMode m = frontend.proxy().options().effectiveHttpMode();
        return backend == null ? m : HttpConnectionMode.strongest(m, backend.proxy().options().effectiveHttpMode());
    }

    private void connect(ServerRuntime s) {
        if (s == null) {
            log.terminationState = Termination.SERVER_ABORT_CONNECT;  // HAProxy logs "SC--" when no server is available
            respondPage(ErrorPages.SERVICE_UNAVAILABLE, false);
            return;
        }
        // the assignment holds a slot on s (counted in currentConnections)
        phase = Phase.CONNECT;
        server = s;
        if (assignment.queueLeft() != 0) queueLeftForLog();
        log.server = s.server.name();
        s.totalRequests.increment();
        log.serverAddress = s.server.address();
        Proxy be = backend.proxy();
        int port = s.server.port() != 0 ? s.server.port() : session.localAddress.port();
        log.serverPort = port;
        serverTimeoutNanos = (serverTimeoutSet > 0 ? serverTimeoutSet : be.timeouts().server()) * 1_000_000L;
        log.connectStart = System.nanoTime();
        if (!isUpgrade()) {
            connectPort = port;
            acquireConnection(false);
            return;
        }
        // an upgrade (WebSocket...) goes through Vert.x's client, whose 101 hands over to a Tunnel
        RequestOptions options = new RequestOptions()
                .setHost(s.server.address())
                .setPort(port)
                .setMethod(HttpMethod.valueOf(method))
                .setURI(uri)
                .setFollowRedirects(false);
        if (be.timeouts().connect() > 0) options.setConnectTimeout(be.timeouts().connect());
        if (s.server.ssl()) options.setSsl(true).setSslOptions(upgradeTls(s));
        verticle.client(s.sourceAddress, backend.proxy().options().httpReuse() != io.vxlb.config.HttpReuse.NEVER).request(options).onComplete(ar -> {
            if (ar.failed()) {
                connectFailed(ar.cause());
                return;
            }
            log.connected = System.nanoTime();
            sendUpgrade(ar.result());
        });
    }

    /** TLS for an upgrade through Vert.x's client, as the server line says (ServerConnection's own TLS is in ServerPool). */
    private static io.vertx.core.net.ClientSSLOptions upgradeTls(ServerRuntime s) {
        io.vertx.core.net.ClientSSLOptions o = new io.vertx.core.net.ClientSSLOptions();
        if (s.server.crt() != null) o.setKeyCertOptions(new io.vertx.core.net.PemKeyCertOptions().setCertPath(s.server.crt()).setKeyPath(s.server.crt()));  // server crt (config branch)
        if (s.server.verifyNone()) return o.setTrustAll(true).setHostnameVerificationAlgorithm("");
        o.setTrustOptions(new io.vertx.core.net.PemTrustOptions().addCertPath(s.server.caFile()));
        return o.setHostnameVerificationAlgorithm(s.verifiedName() != null ? "HTTPS" : "");
    }

    private void connectFailed(Throwable cause) {
        if (session.closed()) {
            server.failedConnections.incrementAndGet();
            releaseServer();
            finishAborted(Termination.CLIENT_ABORT_CONNECT);
            return;
        }
        if (!backend.proxy().options().retryOn().on(RetryOn.CONN_FAILURE)) {
            server.failedConnections.incrementAndGet();
            releaseServer();  // retry-on without conn-failure: no other attempt
        } else if (assignment.retry(cause)) {
            return;  // the next attempt comes back through assigned()
        }
        log.terminationState = ConnectRetry.isTimeout(cause) ? Termination.SERVER_TIMEOUT_CONNECT : Termination.SERVER_ABORT_CONNECT;
        respondPage(ErrorPages.SERVICE_UNAVAILABLE, false);
    }

    /** An upgrade request (WebSocket...) through Vert.x's client: its 101 hands over to a {@link Tunnel}. */
    private void sendUpgrade(HttpClientRequest out) {
        phase = Phase.REQUEST;
        outbound = out;
        if (serverTimeoutNanos > 0) {
            serverIdleSince = System.nanoTime();
            verticle.serverTimeouts().watch(this);
        }
        MultiMap h = out.headers();
        Hop hop = new Hop(requestHeaders);
        for (int i = 0; i < requestHeaders.size(); i++) {
            String name = requestHeaders.name(i);
            if (hop.isHopByHop(name)) continue;
            h.add(name, requestHeaders.value(i));
        }
        // Upgrade and "Connection: upgrade" stay; the rest of the hop-by-hop stripping applies
        h.add("upgrade", requestHeaders.get("upgrade"));
        h.add("connection", "upgrade");
        out.exceptionHandler(t -> { });
        onClose = OnClose.RESET_UPGRADE;
        out.connect().onComplete(ar -> {
            if (ar.failed()) {
                responseFailed(out, ar.cause());
            } else if (ar.result().statusCode() == 101 && ar.result().netSocket() != null) {
                startTunnel(ar.result());
            } else {
                relayResponse(ar.result(), true);
            }
        });
    }

    // ---- the server connection (every request but an upgrade) ---------------------------------

    /** A connection to {@code server} on {@code connectPort} from this loop's pool; {@code fresh}: a new one. */
    private void acquireConnection(boolean fresh) {
        ServerRuntime s = server;
        Proxy be = backend.proxy();
        String key = s.poolKey != null ? s.poolKey : ServerRuntime.poolKey(s.server.address(), connectPort, s.sourceAddress, s.tlsIdentity());
        io.vxlb.config.HttpReuse reuse = be.options().httpReuse();
        if (reuse == io.vxlb.config.HttpReuse.NEVER) {
            // never: the client connection's own server connection, kept between its requests
            ServerConnection own = fresh ? null : session.takePrivateConnection(key);
            privateConnection = true;
            if (own != null) {
                acquired(own);
                return;
            }
        }
        verticle.serverPool().acquire(key, s, connectPort, (int) be.timeouts().connect(), reuse, !firstRequest, fresh, this);
    }

    /** The connection acquired is private to the client connection (http-reuse never). */
    private boolean privateConnection;

    @Override
    public void acquired(ServerConnection c) {
        if (done() || session.closed()) {  // the client left while the connection was made
            c.close();
            releaseServer();
            finishAborted(Termination.CLIENT_ABORT_CONNECT);
            return;
        }
        log.connected = System.nanoTime();
        if (privateConnection) c.privateTo = session;
        sendLean(c);
    }

    @Override
    public void acquireFailed(Throwable cause) {
        connectFailed(cause);
    }

    /** Writes the request head as HAProxy forwards it, then relays the body with back-pressure. */
    private void sendLean(ServerConnection c) {
        phase = Phase.REQUEST;
        conn = c;
        if (serverTimeoutNanos > 0) {
            serverIdleSince = System.nanoTime();
            verticle.serverTimeouts().watch(this);
        }
        Hop hop = new Hop(requestHeaders);
        Proxy be = backend.proxy();
        boolean closeServer = connectionMode() != HttpConnectionMode.KEEP_ALIVE;
        closeServerAfter = closeServer;
        chunkedBody = hop.chunked;
        expectContinue = hop.expectContinue;
        String contentLength = requestHeaders.get("content-length");
        boolean body = chunkedBody || (contentLength != null && !contentLength.equals("0"));
        HeadBuilder h = HeadBuilder.get();
        // the client's version, as HAProxy forwards it: an HTTP/1.0 request may lack a Host header
        h.text(method).ch(' ').text(uri).bytes("1.0".equals(version) ? HTTP10 : HTTP11);
        for (int i = 0; i < requestHeaders.size(); i++) {
            String name = requestHeaders.name(i);
            if (!hop.isHopByHop(name)) h.header(name, requestHeaders.value(i));
        }
        if (closeServer && !frontend.proxy().options().httpPretendKeepalive() && !be.options().httpPretendKeepalive()) {
            h.bytes(CONNECTION_CLOSE);
        } else if ("1.0".equals(version) && !"close".equalsIgnoreCase(requestHeaders.get("connection"))) {
            // HTTP/1.0 closes by default: HAProxy asks the server to keep the connection, so it can be reused
            h.bytes(CONNECTION_KEEP_ALIVE);
        }
        if (chunkedBody) h.bytes(CHUNKED);
        if (expectContinue) h.bytes(EXPECT_CONTINUE);
        h.ch('\r').ch('\n');
        c.send(this, h.toBuffer(c.channel.alloc()), "HEAD".equals(method), body, closeServerAfter);
        onClose = OnClose.ABORT;
        if (bufferedBody != null) {  // the body read while waiting for it goes first
            io.netty.buffer.CompositeByteBuf waited = bufferedBody;
            bufferedBody = null;
            if (waited.isReadable()) c.writeBody(waited, chunkedBody, true);
            else waited.release();
            if (requestEnded) {
                c.endBody(chunkedBody);
                return;
            }
        }
        // the body comes from the session (clientBody/clientEnd) as the layer framed it
        session.resume();
    }

    // ---- the request body, from the client's session (H1Session.Exchange) -----------------------

    @Override
    public void clientBody(io.netty.buffer.ByteBuf bytes) {
        if (statsBody != null) {  // hook: a stats page POST's body (admin.cli.StatsPage)
            statsBody.add(bytes);
            return;
        }
        ServerConnection sc = conn;
        if (sc == null && bufferedBody != null && !done()) {  // waiting for the body, or waited: kept for the server
            bufferedBody.addComponent(true, bytes);
            bodyWaitCheck();
            return;
        }
        if (sc == null || done()) {
            bytes.release();
            return;
        }
        // a chunked body is framed again piece by piece: the server never sees a partial chunk
        sc.writeBody(bytes, chunkedBody, false);
        if (!sc.isWritable() && !bodyPaused) {
            bodyPaused = true;
            session.pause();
        }
    }

    @Override
    public void clientFlush() {
        ServerConnection sc = conn;
        if (sc != null) sc.channel.flush();
    }

    @Override
    public void clientEnd() {
        requestEnded = true;
        if (statsBody != null) statsBody.end();  // hook: a stats page POST's body
        ServerConnection sc = conn;
        if (sc != null) sc.endBody(chunkedBody);
        else if (bufferedBody != null) bodyWaitCheck();
    }

    @Override
    public void clientClosed() {
        switch (onClose) {
            case LEAVE_QUEUE -> assignment.clientLeft();
            case ABORT -> {
                if (!done()) {
                    // a body cut by the client must not reach the server as a complete request
                    abortServer();
                    finishAborted(Termination.CLIENT_ABORT_DATA);
                }
            }
            case RESET_UPGRADE -> {
                if (!done()) {
                    outbound.reset();
                    finishAborted(Termination.CLIENT_ABORT_DATA);
                }
            }
            case BODY_WAIT -> {
                if (!done()) {
                    bodyWaitNext = null;
                    if (bodyWaitTimer >= 0) verticle.vertx().cancelTimer(bodyWaitTimer);
                    finishAborted(Termination.CLIENT_ABORT_REQUEST);
                }
            }
            case NONE -> { }
        }
    }

    @Override
    public void clientWritable() {
        if (responsePaused) {
            responsePaused = false;
            ServerConnection sc = conn;
            if (sc != null) sc.autoRead(true);
            if (upgradeResponse != null) upgradeResponse.resume();
        }
    }

    /** What the client's connection closing means in the current phase. */
    private enum OnClose { NONE, LEAVE_QUEUE, ABORT, RESET_UPGRADE, BODY_WAIT }

    private OnClose onClose = OnClose.NONE;
    /** The server's socket is not read until the client's drains. */
    private boolean responsePaused;
    /** A non-101 answer to an upgrade, relayed from Vert.x's client. */
    private HttpClientResponse upgradeResponse;

    private static final byte[] HTTP11 = " HTTP/1.1\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    private static final byte[] HTTP10 = " HTTP/1.0\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    private static final byte[] CONNECTION_CLOSE = "connection: close\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    private static final byte[] CONNECTION_KEEP_ALIVE = "connection: keep-alive\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    private static final byte[] CHUNKED = "transfer-encoding: chunked\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    private static final byte[] EXPECT_CONTINUE = "expect: 100-continue\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

    /** The server connection goes (unread response or unsent body) and its slot is freed. */
    private void abortServer() {
        ServerConnection c = conn;
        conn = null;
        if (c != null) c.abort();
        releaseServer();
    }

    @Override
    public void serverInterim(int code) {
        serverActive();
        // the client asked for a 100 and gets it; other interim responses are not relayed
        if (expectContinue && code == 100 && !session.headWritten()) session.writeContinue();
    }

    @Override
    public void serverHead(int code, String reason, HeaderList headers) {
        serverActive();
        if (backend.proxy().options().retryOn().onStatus(code) && retryResponse(new java.io.IOException("server answered " + code))) return;
        if (!prepareResponse(code, reason, headers)) {
            abortServer();
            return;
        }
        responseStarted = true;
    }

    @Override
    public void serverBody(io.netty.buffer.ByteBuf content) {
        serverActive();
        serverChunk(content.readableBytes());
        if (done() || session.closed() || session.ended()) {
            content.release();
            return;
        }
        // no copy: the pooled buffer goes to the client's socket as it is
        session.writeBody(content);
        ServerConnection c = conn;
        if (c != null && !session.writable() && !responsePaused) {
            // back-pressure: the server's socket is not read until the client's drains
            responsePaused = true;
            c.autoRead(false);
        }
    }

    @Override
    public void serverEnd() {
        conn = null;
        // the server's response is complete: its slot is free before the client can see the end
        // and send its next request (HAProxy ends the server side of the transaction first too)
        releaseServer();
        if (done()) return;
        if (session.closed()) {
            finishAborted(Termination.CLIENT_ABORT_DATA);
            return;
        }
        endResponse(closeClientAfter, true);
    }

    /**
     * Ends the client's response; with logging, the line is written once the last bytes are on
     * the socket ({@code abortOnFailure}: a failed write logs a client abort instead). Without
     * logging no listener is made: the transaction is over as the response ends.
     */
    private void endResponse(boolean close, boolean abortOnFailure) {
        stickEnd();  // vxlb-stick: before the client can send its next request on this connection
        if (!logging()) {
            phase = Phase.DONE;
            verticle.countRequest(this, log.status, session.bytesWritten());  // stats hook: a transaction without a log line
            session.end(null);
        } else {
            long written = session.bytesWritten();
            session.end(f -> {
                if (abortOnFailure && !f.isSuccess()) {
                    finishAborted(Termination.CLIENT_ABORT_DATA);
                    return;
                }
                log.bytesOut = written;
                phase = Phase.DONE;
                verticle.logRequest(this, log);
            });
        }
        if (close) session.close();
    }

    @Override
    public void serverFailed(Throwable cause, boolean retryable, boolean responseBytes) {
        conn = null;
        if (done()) {
            releaseServer();
            return;
        }
        if (retryable && !resent && !responseStarted && !hasBody()) {
            // a kept-alive connection the server closed as the request went out: once more on a new one
            resent = true;
            acquireConnection(true);
            return;
        }
        if (!responseStarted) {
            boolean timeout = serverTimedOut || ConnectRetry.isTimeout(cause);
            int event = timeout ? RetryOn.RESPONSE_TIMEOUT : responseBytes ? RetryOn.JUNK_RESPONSE : RetryOn.EMPTY_RESPONSE;
            if (backend.proxy().options().retryOn().on(event) && retryResponse(cause)) return;
        }
        releaseServer();
        if (responseStarted) {
            // the head may be out: the client must not take a cut body for a whole one
            boolean headOut = session.headWritten();
            session.close();
            finishAborted(serverTimedOut ? (headOut ? Termination.SERVER_TIMEOUT_DATA : Termination.SERVER_TIMEOUT_HEADERS) : headOut ? Termination.SERVER_ABORT_DATA : Termination.SERVER_ABORT_HEADERS);
            return;
        }
        if (serverTimedOut || ConnectRetry.isTimeout(cause)) {
            log.terminationState = Termination.SERVER_TIMEOUT_HEADERS;
            respondPage(ErrorPages.GATEWAY_TIMEOUT, false);
        } else {
            log.terminationState = Termination.SERVER_ABORT_HEADERS;
            respondPage(ErrorPages.BAD_GATEWAY, false);
        }
    }

    /**
     * {@code retry-on}: the request goes out again (on the same server or, by the redispatch
     * rules, another) when it has no body, nothing of the response reached the client and a retry
     * is left. The server connection in use is dropped with what it still had to say.
     */
    private boolean retryResponse(Throwable cause) {
        if (hasBody() || session.headWritten() || !assignment.canRetry()) return false;
        ServerConnection c = conn;
        conn = null;
        if (c != null) c.abort();
        verticle.serverTimeouts().unwatch(this);
        serverTimedOut = false;
        responseStarted = false;
        resent = false;
        return assignment.retryResponse(cause);
    }

    @Override
    public void serverReadComplete() {
        session.flush();
    }

    @Override
    public void serverWritable() {
        if (bodyPaused && !requestEnded) {
            bodyPaused = false;
            session.resume();
        }
    }

    /** Upgrade request: an Upgrade header and "upgrade" among the Connection tokens. */
    private boolean isUpgrade() {
        if (requestHeaders.get("upgrade") == null || !"1.1".equals(version)) return false;
        for (int i = 0; i < requestHeaders.size(); i++) {
            if (!requestHeaders.name(i).equalsIgnoreCase("connection")) continue;
            for (String t : requestHeaders.value(i).split(",")) if (t.trim().equalsIgnoreCase("upgrade")) return true;
        }
        return false;
    }

    /** The server switched protocols: the client gets the server's 101 head, then both sides become a raw tunnel. */
    private void startTunnel(HttpClientResponse in) {
        phase = Phase.TUNNEL;
        verticle.serverTimeouts().unwatch(this);  // the tunnel has its own timeouts
        log.responseHeaders = System.nanoTime();
        status = 101;
        responseHeaders = HeaderList.of(in.headers());
        if (backend.cookie() != null) backend.cookie().onResponse(responseHeaders, server, direct, method, 101, log);
        if (!frontend.proxy().captures().isEmpty()) log.capturedResponse = HttpLogRecord.capture(frontend.proxy().captures(), false, this);
        Tunnel.ServerSide side = Tunnel.ServerSide.of(in, session.channel());
        if (side == null) {
            // the server connection is not on this event loop (never expected): no tunnel
            in.netSocket().close();
            releaseServer();
            session.close();
            finishAborted(Termination.SERVER_ABORT_HEADERS);
            return;
        }
        Hop hop = new Hop(responseHeaders);
        HeaderList h = new HeaderList(responseHeaders.size() + 2);
        for (int i = 0; i < responseHeaders.size(); i++) {
            String name = responseHeaders.name(i);
            if (hop.isHopByHop(name)) continue;
            h.add(name, responseHeaders.value(i));
        }
        String up = responseHeaders.get("upgrade");
        String upgrade = up != null ? up : requestHeaders.get("upgrade");
        h.removeAll("upgrade");
        h.add("upgrade", upgrade);
        h.removeAll("connection");
        h.add("connection", "upgrade");
        log.status = 101;
        session.writeHead(101, customReason(in.statusCode(), in.statusMessage()) ? in.statusMessage() : null, h, false);
        long head = session.bytesWritten();
        phase = Phase.DONE;
        stickEnd();  // vxlb-stick: a tunnel no longer counts as a request in progress
        Proxy fe = frontend.proxy();
        Proxy be = backend.proxy();
        long tunnel = tunnelTimeoutSet > 0 ? tunnelTimeoutSet : be.timeouts().tunnel() > 0 ? be.timeouts().tunnel() : fe.timeouts().tunnel();
        if (tunnel <= 0) tunnel = minPositive(fe.timeouts().client(), be.timeouts().server());
        // from here on only the log record and a few numbers stay: the exchange, its request and
        // header maps become garbage while the tunnel is open
        Tunnel.End end = tunnelEnd(verticle, log, logging() ? head : -1, frontend, backend.name(), server, retries(), redispatched(),
                slotReleaser(), verticle.detachTunnel(session));
        io.netty.channel.Channel client = session.channel();
        session.detach();
        Tunnel.start(client, side, tunnel, end);
    }

    /** The end of a tunnel: releases the server, writes the log line, uncounts the client connection. Captures no exchange. */
    private static Tunnel.End tunnelEnd(ProxyVerticle verticle, HttpLogRecord log, long head, CompiledFrontend fe, String backendName,
                                        ServerRuntime server, int retries, boolean redispatched, Runnable releaseSlot, Runnable connectionClosed) {
        return (termination, bytesToClient, bytesToServer) -> {
            if (releaseSlot != null) releaseSlot.run();
            log.terminationState = termination;
            if (head >= 0) log.bytesOut = head + bytesToClient;
            verticle.logRequest(fe, null, backendName, server, retries, redispatched, log);
            connectionClosed.run();
        };
    }

    private static long minPositive(long a, long b) {
        if (a <= 0) return Math.max(b, 0);
        if (b <= 0) return a;
        return Math.min(a, b);
    }

    private void responseFailed(HttpClientRequest out, Throwable cause) {
        releaseServer();
        if (session.headWritten()) {
            session.close();
            finishAborted(Termination.SERVER_ABORT_DATA);
            return;
        }
        if (serverTimedOut || ConnectRetry.isTimeout(cause)) {
            log.terminationState = Termination.SERVER_TIMEOUT_HEADERS;
            respondPage(ErrorPages.GATEWAY_TIMEOUT, false);
        } else {
            log.terminationState = Termination.SERVER_ABORT_HEADERS;
            respondPage(ErrorPages.BAD_GATEWAY, false);
        }
    }

    /** A reason phrase other than the standard one (setting it costs a new status object per response). */
    private static boolean customReason(int code, String reason) {
        return reason != null && !reason.equals(io.netty.handler.codec.http.HttpResponseStatus.valueOf(code).reasonPhrase());
    }

    /**
     * The server's response head becomes the client's: response rules, persistence cookie,
     * hop-by-hop headers out, framing. False when a rule replaced the response (the caller drops
     * the server's).
     */
    private boolean prepareResponse(int code, String reason, HeaderList headers) {
        phase = Phase.RESPONSE;
        log.responseHeaders = System.nanoTime();
        status = code;
        responseHeaders = headers;
        if (!frontend.proxy().captures().isEmpty()) log.capturedResponse = HttpLogRecord.capture(frontend.proxy().captures(), false, this);
        Hop hop = new Hop(responseHeaders);
        if (FrontSession.onHttpResponse(this, backend, session.channel())) {  // vxlb tcp-response content hook: rejected
            finishAborted(Termination.of(Termination.Cause.PROXY, Termination.Phase.DATA));  // "PD--", as tcp_inspect_response
            return false;
        }
        // backend rules first, then the frontend's (once for a listen section, which is both)
        if (runResponseRules(backend.responseRules())
                || (backend.proxy() != frontend.proxy() && runResponseRules(frontend.responseRules()))) {
            return false;
        }
        // vxlb-stick: stick store-request / store-response once the server answered (process_store_rules)
        if (backend.stick() != null) {
            StickServers ss = new StickServers(snapshot, backend);
            backend.stick().storeRequest(this, server, ss);
            backend.stick().storeResponse(this, server, ss);
        }
        // persistence cookie on the way out, after the response rules as in HAProxy
        if (backend.cookie() != null) backend.cookie().onResponse(responseHeaders, server, direct, method, code, log);
        String phrase = statusReason != null ? statusReason : reason;
        HeaderList h = new HeaderList(responseHeaders.size() + 2);
        for (int i = 0; i < responseHeaders.size(); i++) {
            String name = responseHeaders.name(i);
            if (hop.isHopByHop(name)) continue;
            h.add(name, responseHeaders.value(i));
        }
        AfterResponseRules.Head after = AfterResponseRules.run(this, frontend, backend, status, phrase, h);  // vxlb http-after-response hook
        if (after != null) { status = after.status(); phrase = after.reason(); }
        closeClientAfter = connectionMode() == HttpConnectionMode.CLOSE;
        if (closeClientAfter) {
            h.removeAll("connection");
            h.add("connection", "close");
        }
        session.writeHead(status, customReason(status, phrase) ? phrase : null, h,
                !responseHeaders.contains("content-length") && !isBodyless(status));
        log.status = status;
        String length = responseHeaders.get("content-length");
        if (length != null && !isBodyless(status) && !"HEAD".equals(method)) {
            try {
                responseBodyLeft = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                responseBodyLeft = -1;
            }
        }
        return true;
    }

    /** A non-upgraded response to an upgrade request, through Vert.x's client. */
    private void relayResponse(HttpClientResponse in, boolean closeServer) {
        if (!prepareResponse(in.statusCode(), in.statusMessage(), HeaderList.of(in.headers()))) {
            in.request().reset();
            releaseServer();
            return;
        }
        // a body cut by the server must not look complete to the client (no last chunk): no end() on failure
        upgradeResponse = in;
        in.handler(data -> {
            serverActive();
            serverChunk(data.length());
            session.writeBody(((io.vertx.core.internal.buffer.BufferInternal) data).getByteBuf());
            session.flush();
            if (!session.writable() && !responsePaused) {
                responsePaused = true;
                in.pause();
            }
        });
        in.exceptionHandler(t -> {
            in.request().connection().close();
            releaseServer();
            session.close();
            boolean headOut = session.headWritten();
            finishAborted(serverTimedOut ? (headOut ? Termination.SERVER_TIMEOUT_DATA : Termination.SERVER_TIMEOUT_HEADERS) : headOut ? Termination.SERVER_ABORT_DATA : Termination.SERVER_ABORT_HEADERS);
        });
        in.endHandler(v -> {
            if (closeServer) in.request().connection().close();
            releaseServer();
            endResponse(closeClientAfter, false);
        });
    }

    private boolean hasBody() {
        String cl = requestHeaders.get("content-length");
        return (cl != null && !cl.equals("0")) || requestHeaders.contains("transfer-encoding");
    }

    private boolean isBodyless(int status) {
        return status == 204 || status == 304 || status < 200 || method.equals("HEAD");
    }

    /** Response rules of one proxy; true when a rule replaced the response (deny, return, redirect). */
    private boolean runResponseRules(List<CompiledRule> rules) {
        responseSide = true;
        return runRules(rules, 0) == RULES_ANSWERED;
    }

    /** The server slot's release for later (a tunnel's end); null when no slot is held. */
    private Runnable slotReleaser() {
        return assignment == null ? null : assignment.handOverSlot();
    }

    /** Gives the server slot back once, handing it to a queued request when one waits. */
    /** The server's whole response has arrived (the pipe is about to end the client's). */
    void serverResponseEnded() {
        releaseServer();
    }

    private void releaseServer() {
        verticle.serverTimeouts().unwatch(this);
        if (assignment != null) assignment.release();
    }

    // ---- local responses -----------------------------------------------------------------------

    private void respondPage(ErrorPages.Page page, boolean close, String... extraHeaders) {
        if (done()) return;
        if (session.headWritten() || session.closed()) {
            finishAborted(log.terminationState);
            return;
        }
        // errorfile/errorloc pages of the backend, then the frontend (runtime/ErrorReplies; config branch)
        page = io.vxlb.runtime.ErrorReplies.pick(page, backend, frontend);
        if (page.custom()) {
            respondCustomPage(page, close);
            return;
        }
        HeaderList h = new HeaderList(5 + extraHeaders.length / 2);
        h.add("content-length", Integer.toString(page.body().length()));
        h.add("cache-control", "no-cache");
        if (close || page.close()) h.add("connection", "close");
        h.add("content-type", "text/html");
        for (int i = 0; i + 1 < extraHeaders.length; i += 2) h.add(extraHeaders[i], extraHeaders[i + 1]);
        finishLocal(page.status(), page.reason(), h, page.body(), close || page.close());
    }

    /** The stats page's local reply (io.vxlb.admin.cli.StatsPage), as HAProxy's stats applet. */
    private void serveStats(Proxy px) {
        io.vertx.core.Future<Buffer> body = io.vertx.core.Future.succeededFuture(Buffer.buffer());
        if (method.equals("POST") && hasBody()) {
            statsBody = new io.vxlb.admin.cli.StatsPage.Body();  // clientBody/clientEnd fill it
            body = statsBody.future();
            session.resume();
        }
        io.vxlb.admin.cli.StatsPage.Request req = new io.vxlb.admin.cli.StatsPage.Request(method, uri, requestHeaders::get, body);
        io.vxlb.admin.cli.StatsPage.serve(verticle.holder(), px, snapshot, this, req).onComplete(ar -> {
            if (done()) return;
            if (ar.failed()) {
                respondPage(ErrorPages.SERVICE_UNAVAILABLE, false);
                return;
            }
            io.vxlb.admin.cli.StatsPage.Reply r = ar.result();
            HeaderList h = new HeaderList(2 + r.headers().size() / 2);
            for (int i = 0; i + 1 < r.headers().size(); i += 2) h.add(r.headers().get(i), r.headers().get(i + 1));
            h.add("content-length", Integer.toString(r.body().length()));
            finishLocal(r.status(), r.reason(), h, r.body(), false);
        });
    }

    /** The body of a stats page POST being read (null otherwise). */
    private io.vxlb.admin.cli.StatsPage.Body statsBody;

    /** An errorfile page: its status line and headers as written in the file; an empty file closes at once. */
    private void respondCustomPage(ErrorPages.Page page, boolean close) {
        if (page.reply() != null) {  // http-error status N with a payload or headers: built for this request
            io.vxlb.action.HttpReply.Response r = page.reply().apply(this);
            finishLocal(r.status(), null, r.headers(), r.body(), close);
            return;
        }
        if (page.body() == null || page.wire() != null) {
            // nothing (an empty file), or the bytes as HAProxy writes them; the connection closes after
            releaseBufferedBody();
            phase = Phase.DONE;
            log.status = page.status();
            if (page.wire() != null) {
                session.writeRaw(((io.vertx.core.internal.buffer.BufferInternal) page.wire()).getByteBuf().retainedDuplicate());
                log.bytesOut = page.wire().length();
            }
            session.close();
            verticle.logRequest(this, log);
            return;
        }
        List<String> l = page.headers();
        HeaderList h = new HeaderList(l.size() / 2 + 1);
        for (int i = 0; i + 1 < l.size(); i += 2) h.add(l.get(i), l.get(i + 1));
        finishLocal(page.status(), page.reason(), h, page.body(), close || page.close());
    }

    /** Ends a response vxlb produced itself; the request body, if any, is read and dropped. */
    private void finishLocal(int code, String reason, HeaderList headers, Buffer body, boolean close) {
        releaseBufferedBody();
        AfterResponseRules.Head after = AfterResponseRules.run(this, frontend, backend, code, reason, headers);  // vxlb http-after-response hook
        if (after != null) { code = after.status(); reason = after.reason(); }
        log.status = code;
        if (session.headWritten() || session.closed()) {
            finishAborted(log.terminationState);
            return;
        }
        phase = Phase.DONE;
        session.resume();
        session.writeHead(code, reason, headers, false);
        // a shared buffer (error page, file): the socket gets a view of it, never the buffer itself
        session.writeBody(((io.vertx.core.internal.buffer.BufferInternal) body).getByteBuf().retainedDuplicate());
        endResponse(close, false);
    }

    private boolean logging() {
        return frontend.logs();
    }

    private void finishAborted(Termination termination) {
        verticle.serverTimeouts().unwatch(this);
        releaseBufferedBody();
        if (done()) return;
        phase = Phase.DONE;
        stickEnd();  // vxlb-stick
        log.terminationState = termination;
        if (log.status == 0) log.status = -1;
        verticle.logRequest(this, log);
    }

    // ---- ServerTimeouts.Watched ----------------------------------------------------------------

    /** The server sent something (a response chunk on its way to the client). */
    void serverActive() {
        if (watchIndex >= 0) serverIdleSince = System.nanoTime();
    }

    /**
     * A response chunk is about to be written to the client. The chunk that completes a
     * content-length body frees the server first: the client can act on the complete response
     * as soon as it is written (a sequential client's next request must find the slot free, as
     * with HAProxy, for leastconn and maxconn).
     */
    void serverChunk(int bytes) {
        if (responseBodyLeft > 0 && (responseBodyLeft -= bytes) <= 0) releaseServer();
    }

    @Override public long serverIdleSince() { return serverIdleSince; }
    @Override public long serverTimeoutNanos() { return serverTimeoutNanos; }
    @Override public int watchIndex() { return watchIndex; }
    @Override public void watchIndex(int i) { watchIndex = i; }

    @Override
    public void serverTimedOut() {
        serverTimedOut = true;
        // fails the response (before its head: 504 "sH") or its body stream ("sD"), like an idle timeout
        if (outbound != null) outbound.reset(0, new TimeoutException("timeout server"));
        ServerConnection c = conn;
        if (c != null) {
            conn = null;
            c.abort();
            serverFailed(new TimeoutException("timeout server"), false, false);
        }
    }

    // ---- Txn: what sample fetches read ---------------------------------------------------------

    @Override
    public String path() {
        int q = uri.indexOf('?');
        String p = q < 0 ? uri : uri.substring(0, q);
        // absolute-form targets ("http://host/p") have their path after the authority
        if (p.startsWith("http://") || p.startsWith("https://")) {
            int slash = p.indexOf('/', p.indexOf("//") + 2);
            return slash < 0 ? "/" : p.substring(slash);
        }
        return p;
    }

    @Override
    public String queryWithMark() {
        int q = uri.indexOf('?');
        return q < 0 ? "" : uri.substring(q);
    }

    /** vxlb-stick: the tracked counters for sc_* fetches and the track-sc actions. */
    @Override public io.vxlb.stick.StreamCounters streamCounters() { return stick; }

    @Override public io.vxlb.stick.StreamCounters trackingCounters() {
        if (stick == null) stick = new io.vxlb.stick.StreamCounters();
        return stick;
    }

    /** vxlb-stick: the connection tracks counters (tcp-request connection/session): this request's slots fall back to them. */
    void sessionCounters(io.vxlb.stick.StreamCounters connection) {
        if (stick == null) stick = new io.vxlb.stick.StreamCounters(connection);
    }

    @Override public io.vxlb.stick.StickTables stickTables() { return snapshot.stickTables(); }

    /** vxlb-stick: the request is over: its tracked counters count its result and give conn_cur back. */
    void stickEnd() {
        io.vxlb.stick.StreamCounters c = stick;
        if (c == null) return;
        String cl = requestHeaders.get("content-length");
        long in = uri.length() + method.length() + 12 + (cl == null ? 0 : io.vxlb.proxy.StickServers.parseLength(cl));
        for (int i = 0; i < requestHeaders.size(); i++) in += requestHeaders.name(i).length() + requestHeaders.value(i).length() + 4;
        // the server's status (0 without a response): its 4xx count as http errors, as in http_wait_for_response
        c.end(status, in, session.headWritten() ? session.bytesWritten() : 0);
    }

    @Override public io.vxlb.rules.ConnectionFacts connectionFacts() { return FrontSession.of(session.channel()); }  // vxlb fc_* hook
    @Override public String srcAddress() { return session.remoteHost(); }
    /** The connection's first request (http_first_req); set by ProxyVerticle before start. */
    boolean firstRequest;
    @Override public Boolean firstRequest() { return firstRequest; }
    @Override public long feConn(String fe) { return fe == null ? -1 : verticle.counters.frontend(fe).get(); }
    @Override public long beConn(String be) { return be == null ? -1 : snapshot.beConn(be); }
    @Override public long srvConn(String be, String srv) { return snapshot.srvConn(be, srv); }
    @Override public String serverName() { return server == null ? null : server.server.name(); }
    @Override public int serverId() { return server == null || backend == null ? 0 : backend.serverId(server); }
    @Override public String listenerName() { return session.listenerName; }
    @Override public int srcPort() { return session.remoteAddress.port(); }
    @Override public String dstAddress() { return session.localHost(); }
    @Override public int dstPort() { return session.localAddress.port(); }
    @Override public boolean ssl() { return session.ssl; }
    @Override public String sni() { return session.sni; }
    @Override public String frontendName() { return frontend.name(); }
    @Override public String backendName() { return backend == null ? null : backend.name(); }
    @Override public String method() { return method; }
    @Override public String uri() { return uri; }
    @Override public String version() { return version; }
    @Override public String receivedMethod() { return log.method(); }
    @Override public String frontendDefaultBackend() { return frontend.proxy().defaultBackend(); }

    /** The last rule that ended a list (HAProxy's s->last_rule_file/line): the rules' own or tcp-request/-response content ones. */
    private io.vxlb.config.Location lastRule;

    void lastRule(io.vxlb.config.Location l) {
        lastRule = l;
    }

    @Override public String lastRuleFile() { return lastRule == null ? null : lastRule.file(); }
    @Override public int lastRuleLine() { return lastRule == null ? 0 : lastRule.line(); }

    @Override
    public void setStreamTimeout(boolean tunnel, long millis) {
        if (tunnel) tunnelTimeoutSet = millis;
        else serverTimeoutSet = millis;
    }

    @Override
    public long timeout(String which, boolean current) {
        // the backend once chosen, the frontend before (HAProxy's s->be)
        Proxy px = backend != null ? backend.proxy() : frontend.proxy();
        return switch (which) {
            case "server" -> current && serverTimeoutSet > 0 ? serverTimeoutSet : px.timeouts().server();
            case "tunnel" -> current && tunnelTimeoutSet > 0 ? tunnelTimeoutSet : px.timeouts().tunnel();
            case "client" -> frontend.proxy().timeouts().client();
            default -> -1;
        };
    }
    @Override public String receivedUri() { return log.uri(); }
    @Override public int requestHeaderCount() { return requestHeaders.size(); }
    @Override public String requestHeaderName(int i) { return requestHeaders.name(i); }
    @Override public String requestHeaderValue(int i) { return requestHeaders.value(i); }
    @Override public int status() { return status; }
    @Override public int responseHeaderCount() { return responseHeaders == null ? 0 : responseHeaders.size(); }
    @Override public String responseHeaderName(int i) { return responseHeaders.name(i); }
    @Override public String responseHeaderValue(int i) { return responseHeaders.value(i); }
    @Override public int nbsrv(String backendName) { return snapshot.nbsrv(backendName != null ? backendName : backendName()); }
    @Override public boolean srvIsUp(String backendName, String serverName) { return snapshot.srvIsUp(backendName, serverName); }

    @Override
    public Object variable(String name) {
        if (name.startsWith("proc.")) return snapshot.procVars().get(name);  // the node's, shared by every connection
        if (name.startsWith("sess.")) {  // the connection's: kept across its requests (HAProxy's session scope)
            FrontSession fs = FrontSession.of(session.channel());
            return fs != null ? fs.sessionVariable(name) : session.sessionVariable(name);
        }
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
        if (name.startsWith("sess.")) {
            FrontSession fs = FrontSession.of(session.channel());
            if (fs != null) fs.setSessionVariable(name, value, flags);
            else session.setSessionVariable(name, value, flags);
            return;
        }
        if (value == null) {
            if (variables != null) variables.remove(name);
            return;
        }
        if (variables == null) variables = new HashMap<>();
        io.vxlb.rules.Vars.set(variables, name, value, flags);
    }

    @Override
    public void appendLogVariable(LogVariable v, StringBuilder out) {
        log.appendVariable(v.name(), this, out);
    }

    int retries() {
        return assignment == null ? 0 : assignment.retries();
    }

    HttpLogRecord logRecord() {
        return log;
    }

    boolean redispatched() {
        return assignment != null && assignment.redispatched();
    }

    CompiledFrontend frontend() {
        return frontend;
    }

    CompiledBackend backend() {
        return backend;
    }

    ServerRuntime server() {
        return server;
    }

    /** Hop-by-hop headers of one message: the fixed list plus the names its Connection header lists. */
    static final class Hop {
        boolean chunked;
        boolean expectContinue;
        private String[] listed = NONE;
        private static final String[] NONE = new String[0];

        Hop(HeaderList headers) {
            for (int i = 0; i < headers.size(); i++) {
                String n = headers.name(i);
                if (Ascii.same(n, "connection")) {
                    String v = headers.value(i);
                    // the usual values name nothing beyond the fixed hop-by-hop set: no list to keep
                    if (Ascii.same(v, "keep-alive") || Ascii.same(v, "close") || Ascii.same(v, "upgrade")) continue;
                    String[] parts = v.split(",");
                    String[] merged = new String[listed.length + parts.length];
                    System.arraycopy(listed, 0, merged, 0, listed.length);
                    for (int j = 0; j < parts.length; j++) {
                        String t = parts[j].trim();
                        // a Connection header never removes the framing (nor Host): the message would be read another way
                        merged[listed.length + j] = Ascii.same(t, "content-length") || Ascii.same(t, "transfer-encoding")
                                || Ascii.same(t, "host") ? "" : t;
                    }
                    listed = merged;
                } else if (Ascii.same(n, "transfer-encoding")) {
                    chunked = true;
                } else if (Ascii.same(n, "expect") && Ascii.same(headers.value(i), "100-continue")) {
                    expectContinue = true;
                }
            }
        }

        boolean isHopByHop(String name) {
            switch (name.length()) {
                case 2: if (Ascii.same(name, "te")) return true; break;
                case 6: if (Ascii.same(name, "expect")) return true; break;  // re-added when 100-continue
                case 7: if (Ascii.same(name, "trailer") || Ascii.same(name, "upgrade")) return true; break;
                case 10: if (Ascii.same(name, "connection") || Ascii.same(name, "keep-alive")) return true; break;
                case 16: if (Ascii.same(name, "proxy-connection")) return true; break;
                case 17: if (Ascii.same(name, "transfer-encoding")) return true; break;
                default: break;
            }
            for (String l : listed) if (Ascii.same(l, name)) return true;
            return false;
        }
    }
}
