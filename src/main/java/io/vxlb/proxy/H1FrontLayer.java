package io.vxlb.proxy;

import io.vxlb.log.Termination;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;


/**
 * The HTTP/1 layer of one client connection, in front of its {@link H1Session}: every request
 * head is parsed and validated by {@link H1Parser}, the body is framed once by what it decided,
 * and only what passed goes on: the head as an {@link H1Request} in canonical form, then the
 * body's payload (Content-Length bytes, or chunk data without the chunk lines, extensions and
 * trailers), then {@link H1Request#END}. So the session, the rules and the server all read the
 * same message, and a request can never hide another one.
 *
 * <p>Errors are answered here, with HAProxy's pages, once the responses already due on the
 * connection are out; the connection then closes. It also knows when the connection becomes a
 * tunnel (WebSocket), and answers a client that half-closes before sending anything with 400,
 * as HAProxy does.
 */
final class H1FrontLayer extends ChannelDuplexHandler {
    /** What the proxy hears from this layer (logging). */
    interface Listener {
        /** The connection is answered {@code status} without a request (HAProxy's {@code <BADREQ>}). */
        void rejected(int status, io.vxlb.log.Termination termination);

        /** The client half-closed while a request of it is in the proxy (HAProxy goes on unless "option abortonclose"). */
        void inputShut();
    }

    /** Request line and whole head limits: beyond them 414 and 431. */
    static final int MAX_REQUEST_LINE = 16 * 1024;
    static final int MAX_HEAD = 16 * 1024;
    private static final int MAX_CHUNK_LINE = 4096;
    private static final int MAX_TRAILERS = 16 * 1024;
    /** Bytes held back after an upgrade request until its answer is known. */
    private static final int MAX_EARLY = 64 * 1024;


    private enum State { HEAD, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_CRLF, TRAILERS, UPGRADE_WAIT, TUNNEL, DRAIN, CLOSED }

    private final Listener listener;
    private final H1Head head = new H1Head();
    private State state = State.HEAD;
    /** Bytes read but not yet passed on; null when none. */
    private ByteBuf pending;
    private long left;
    private int trailerBytes;
    /** Heads passed on whose response has not ended. */
    private int inFlight;
    /** The proxy wrote something since the last head went on (a response to it may have started). */
    private boolean wroteSinceHead;
    /** An error to answer once the responses due are out (pipelining). */
    private int deferredStatus;
    private boolean inputShut;
    private boolean anyRequest;
    private boolean lastRequest;
    private ChannelHandlerContext ctx;
    /**
     * What one read produced, passed on only once the read is parsed: a body error found in the
     * same read as its head then refuses the request before any byte of it reaches the server
     * (as HAProxy, which parses what it has before it forwards).
     */
    private final java.util.ArrayList<Object> batch = new java.util.ArrayList<>(4);
    /** {@link #flushBatch} is passing buffers on; the held bytes of a refused upgrade wait until it is done. */
    private boolean firing, resumeAfterFlush;
    /** Inside this handler's channelRead: Netty's channelReadComplete follows. */
    private boolean inRead;
    /** How far (from the head's first byte) the lines of a head still arriving were checked; -1: not yet. */
    private int partialChecked = -1;
    /** Where the current request starts in {@link #batch}; -1 when its head already went on. */
    private int requestMark = -1;

    /** When the first byte of each request arrives (ProxyVerticle's clock: %Th, %Ti); null for none. */
    private final ProxyVerticle.RequestClock clock;
    /** {@code timeout client} (null without one): stamped by every read and write here, stopped for a tunnel. */
    private ClientIdle idle;

    H1FrontLayer(Listener listener) {
        this(listener, null);
    }

    H1FrontLayer(Listener listener, ProxyVerticle.RequestClock clock) {
        this.listener = listener;
        this.clock = clock;
    }

    /** Watches {@code timeout client} from now on (the layer sees every read and write). */
    void idle(ClientIdle idle) {
        this.idle = idle;
        if (ctx != null) idle.start(ctx);
    }

    /** What {@code timeout client} does instead of closing, until it strikes once (null: close). */
    void onClientTimeout(Runnable r) {
        if (idle != null) idle.onExpiry = r;
    }

    /** The connection became a tunnel: {@code timeout client} no longer applies. */
    void stopIdle() {
        if (idle != null) idle.stop();
        idle = null;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (idle != null) idle.start(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releasePending();
        stopIdle();
    }

    /** True once this layer answered the connection itself (an error page): nothing more to log for it. */
    boolean answered() {
        return state == State.CLOSED;
    }

    // ---- inbound -----------------------------------------------------------------------------

    /** When the last head was complete (the read that completed it; nanoTime), for %TR. */
    long headCompleted() {
        return headCompleted;
    }

    private long headCompleted;
    private long readAt;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (clock != null) clock.read();
        if (idle != null) idle.activity();
        if (state == State.TUNNEL) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (state == State.DRAIN || state == State.CLOSED) {
            in.release();
            return;
        }
        if (pending == null) {
            pending = in;
        } else {
            ByteBuf merged = ctx.alloc().buffer(pending.readableBytes() + in.readableBytes());
            merged.writeBytes(pending).writeBytes(in);
            pending.release();
            in.release();
            pending = merged;
        }
        if (state == State.UPGRADE_WAIT) {
            if (pending.readableBytes() > MAX_EARLY) ctx.channel().config().setAutoRead(false);
            return;
        }
        readAt = System.nanoTime();
        inRead = true;
        try {
            process();
        } finally {
            inRead = false;
        }
    }

    private void process() {
        try {
            parse();
        } finally {
            flushBatch();
        }
    }

    /**
     * Passes on what the read produced, in order. What the proxy does with a buffer can come back
     * here before the call returns (a request denied at once ends its response, and a refused
     * upgrade then lets the held bytes go on): each buffer leaves the batch before it is passed
     * on, a nested call adds to the same loop, and the held bytes are parsed once the loop is done,
     * never inside the decoder's own read.
     */
    private void flushBatch() {
        requestMark = -1;
        if (firing) return;  // the loop below passes on what was added
        firing = true;
        try {
            while (!batch.isEmpty()) ctx.fireChannelRead(batch.remove(0));
        } finally {
            firing = false;
        }
        if (resumeAfterFlush) {
            resumeAfterFlush = false;
            resumeHeld();
        }
    }

    private void emit(Object b) {
        batch.add(b);
    }

    private void parse() {
        while (pending != null && pending.isReadable() && ctx.channel().isActive()) {
            boolean progressed = switch (state) {
                case HEAD -> head();
                case BODY -> body();
                case CHUNK_SIZE -> chunkSize();
                case CHUNK_DATA -> chunkData();
                case CHUNK_CRLF -> chunkCrlf();
                case TRAILERS -> trailers();
                default -> false;
            };
            if (!progressed) break;
        }
        if (pending != null && !pending.isReadable()) releasePending();
    }

    private boolean head() {
        ByteBuf b = pending;
        int from = b.readerIndex(), to = b.writerIndex();
        // empty lines before a request are skipped (RFC 9112 2.2, as HAProxy)
        while (from < to && (b.getByte(from) == '\r' || b.getByte(from) == '\n')) from++;
        b.readerIndex(from);
        if (from == to) return false;
        int end = H1Parser.headEnd(b, from, to);
        if (end < 0) {
            int lf = b.indexOf(from, Math.min(to, from + MAX_REQUEST_LINE + 2), (byte) '\n');
            if (lf < 0 && to - from > MAX_REQUEST_LINE) reject(414);
            else if (to - from > MAX_HEAD) reject(431);
            else if (lf >= 0) {
                // the lines complete so far are checked now (as HAProxy parses a head as it comes):
                // a bad request line or header is answered when it arrives, not after a timeout
                int last = to - 1;
                while (b.getByte(last) != '\n') last--;
                if (last - from > partialChecked) {
                    partialChecked = last - from;
                    int status = H1Parser.parsePartial(b, from, last + 1, head);
                    if (status != H1Parser.OK) reject(status);
                }
            }
            return false;
        }
        partialChecked = -1;
        int lf = b.indexOf(from, end, (byte) '\n');
        if (lf - from > MAX_REQUEST_LINE + 1) {
            reject(414);
            return false;
        }
        if (end - from > MAX_HEAD) {
            reject(431);
            return false;
        }
        int status = H1Parser.parse(b, from, end, head);
        if (status != H1Parser.OK) {
            reject(status);
            return false;
        }
        anyRequest = true;
        headCompleted = readAt;
        H1Request out = H1Request.of(b, head, readAt);
        b.readerIndex(end);
        inFlight++;
        wroteSinceHead = false;
        lastRequest = head.lastOnConnection();
        switch (head.framing) {
            case LENGTH -> {
                left = head.contentLength;
                state = State.BODY;
            }
            case CHUNKED -> state = State.CHUNK_SIZE;
            default -> requestEnded(head.upgrade);
        }
        requestMark = batch.size();
        emit(out);
        if (head.framing == H1Head.Framing.NONE) emit(H1Request.END);
        return true;
    }

    private boolean body() {
        int n = (int) Math.min(left, pending.readableBytes());
        ByteBuf out = pending.readRetainedSlice(n);
        left -= n;
        emit(out);
        if (left == 0) {
            requestEnded(false);
            emit(H1Request.END);
        }
        return true;
    }

    private boolean chunkSize() {
        ByteBuf b = pending;
        int from = b.readerIndex(), to = b.writerIndex();
        int lf = b.indexOf(from, Math.min(to, from + MAX_CHUNK_LINE), (byte) '\n');
        if (lf < 0) {
            if (to - from >= MAX_CHUNK_LINE) bodyError();
            return false;
        }
        long size = H1Parser.chunkSize(b, from, lf);
        if (size < 0) {
            bodyError();
            return false;
        }
        b.readerIndex(lf + 1);
        if (size == 0) {
            trailerBytes = 0;
            state = State.TRAILERS;
            return true;
        }
        left = size;
        state = State.CHUNK_DATA;
        return true;
    }

    private boolean chunkData() {
        int n = (int) Math.min(left, pending.readableBytes());
        ByteBuf out = pending.readRetainedSlice(n);
        left -= n;
        if (left == 0) state = State.CHUNK_CRLF;
        emit(out);
        return true;
    }

    private boolean chunkCrlf() {
        ByteBuf b = pending;
        int r = b.readerIndex();
        int c = b.getByte(r);
        if (c == '\n') {
            b.readerIndex(r + 1);
        } else if (c == '\r') {
            if (b.readableBytes() < 2) return false;
            if (b.getByte(r + 1) != '\n') {
                bodyError();
                return false;
            }
            b.readerIndex(r + 2);
        } else {
            bodyError();
            return false;
        }
        state = State.CHUNK_SIZE;
        return true;
    }

    /** Trailer lines after the last chunk: validated, counted, dropped; the body ends with a bare last chunk. */
    private boolean trailers() {
        ByteBuf b = pending;
        int from = b.readerIndex(), to = b.writerIndex();
        int lf = b.indexOf(from, to, (byte) '\n');
        if (lf < 0) {
            if (trailerBytes + (to - from) > MAX_TRAILERS) bodyError();
            return false;
        }
        int lineEnd = lf > from && b.getByte(lf - 1) == '\r' ? lf - 1 : lf;
        if (lineEnd - from > 0 && !H1Parser.validTrailer(b, from, lineEnd)) {
            bodyError();
            return false;
        }
        trailerBytes += lf + 1 - from;
        if (trailerBytes > MAX_TRAILERS) {
            bodyError();
            return false;
        }
        b.readerIndex(lf + 1);
        if (lineEnd == from) {
            requestEnded(false);
            emit(H1Request.END);
        }
        return true;
    }

    /** The current request's bytes are all passed on: the next request, an upgrade's answer, or nothing more. */
    private void requestEnded(boolean upgrade) {
        if (upgrade) state = State.UPGRADE_WAIT;
        else if (lastRequest) {
            state = State.DRAIN;  // the connection closes after this response: later bytes are not requests
            releasePending();
        } else state = State.HEAD;
    }

    // ---- errors ------------------------------------------------------------------------------

    /** A head the parser refused: answered once the responses due are out, then the connection closes. */
    private void reject(int status) {
        releasePending();
        flushBatch();  // the complete requests read before it go on; this one is answered after them
        if (inFlight > 0) {
            deferredStatus = status;
            state = State.DRAIN;
            ctx.channel().config().setAutoRead(false);
            return;
        }
        answer(status, Termination.PROXY_REQUEST);
    }

    /**
     * Broken framing inside a body whose head already went on: the request must never look complete
     * to the server, so the connection closes (the exchange aborts its server side). The client
     * gets a 400 when no response to the request has started.
     */
    private void bodyError() {
        releasePending();
        if (requestMark >= 0) {
            // the head is still here: nothing of this request went on, it is refused like a bad head
            for (int i = batch.size() - 1; i >= requestMark; i--) io.netty.util.ReferenceCountUtil.release(batch.remove(i));
            inFlight--;
            reject(400);
            return;
        }
        flushBatch();
        if (inFlight == 1 && !wroteSinceHead) {
            state = State.CLOSED;
            write(ErrorPages.raw(ErrorPages.BAD_REQUEST));
        } else {
            state = State.CLOSED;
            ctx.close();
        }
    }

    private void answer(int status, Termination termination) {
        state = State.CLOSED;
        write(ErrorPages.raw(ErrorPages.of(status)));
        listener.rejected(status, termination);
    }

    private void write(io.vertx.core.buffer.Buffer page) {
        ByteBuf bytes = Unpooled.wrappedBuffer(page.getBytes());
        ctx.writeAndFlush(bytes).addListener(ChannelFutureListener.CLOSE);
    }

    private void releasePending() {
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }

    // ---- what the proxy tells this layer -------------------------------------------------------

    /** A response on this connection has ended (in request order). */
    void responseEnded() {
        if (inFlight > 0) inFlight--;
        if (inFlight > 0) return;
        if (deferredStatus != 0) {
            int s = deferredStatus;
            deferredStatus = 0;
            answer(s, Termination.PROXY_REQUEST);
            return;
        }
        if (state == State.UPGRADE_WAIT) {
            // not upgraded: what followed is the next request
            state = State.HEAD;
            ctx.channel().config().setAutoRead(true);
            if (firing) resumeAfterFlush = true;  // answered while its head was being passed on: once that is done
            else resumeHeld();
        }
        if (inputShut && state == State.HEAD && pending == null) ctx.close();
    }

    /** The bytes held while an upgrade's answer was due are parsed as the next requests. */
    private void resumeHeld() {
        if (state != State.HEAD) return;
        process();
        // reads passed on outside Netty's read loop must end as Netty ends one: Vert.x flushes what it
        // wrote during a read only at the read's end, and would hold the responses to them unflushed
        if (!inRead) ctx.fireChannelReadComplete();
    }

    /** The connection became a tunnel (101 sent): what the client sent meanwhile goes to the tunnel, next turn. */
    void tunnel() {
        state = State.TUNNEL;
        inFlight = 0;
        ByteBuf early = pending;
        pending = null;
        ctx.channel().config().setAutoRead(true);
        if (early != null) ctx.executor().execute(() -> {
            if (ctx.channel().isActive()) {
                ctx.fireChannelRead(early);  // raw tunnel bytes: not parsed
                ctx.fireChannelReadComplete();  // outside Netty's read loop: end the read (Vert.x flushes then)
            } else {
                early.release();
            }
        });
    }

    // ---- events ------------------------------------------------------------------------------

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!(evt instanceof ChannelInputShutdownEvent) || state == State.TUNNEL) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        // the client half-closed: what it sent is all there will be
        inputShut = true;
        switch (state) {
            case HEAD -> {
                boolean partial = pending != null && pending.isReadable();
                if (inFlight > 0) {
                    if (partial) reject(400);
                    else listener.inputShut();
                } else if (partial) {
                    answer(400, Termination.CLIENT_ABORT_REQUEST);
                } else if (!anyRequest) {
                    answer(400, Termination.CLIENT_ABORT_REQUEST);  // HAProxy answers a connection closed before any byte with 400
                } else {
                    ctx.close();
                }
            }
            case DRAIN, CLOSED -> { }
            case UPGRADE_WAIT -> ctx.close();
            default -> {
                // an unfinished body: the server must not take it for a complete request
                state = State.CLOSED;
                releasePending();
                ctx.close();
            }
        }
    }

    // ---- outbound ----------------------------------------------------------------------------

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        wroteSinceHead = true;
        if (idle != null) idle.activity();
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releasePending();
        stopIdle();
        if (state != State.TUNNEL) state = State.CLOSED;
        ctx.fireChannelInactive();
    }

}
