package io.vxlb.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.net.SocketAddress;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * The server side of one HTTP/1 client connection, behind {@link H1FrontLayer}: it takes the
 * requests the layer passed (a head, the body's payload, the end), serves them one at a time
 * in order (pipelined ones wait, and the socket is not read meanwhile), and writes each response
 * as bytes: the head as one buffer, the body as the server's buffers (chunk-framed when the
 * response has no length), without copies. Everything runs on the connection's event loop.
 *
 * <p>Why not Vert.x's HTTP server: it decodes every request a second time behind the layer, and
 * builds a request, a response and two header maps per request; for a proxy that already parsed
 * the head and relays bytes, that was most of the remaining CPU per small request, and it copied
 * every uploaded chunk to the heap.
 */
final class H1Session extends ChannelInboundHandlerAdapter implements ServerConnection.Owner {
    /** The proxy side of the connection. */
    interface Handler {
        /** A request to serve: the previous response on the connection has ended. */
        void request(H1Session session, H1Request request);

        /** The response to the current request has been written whole (its bytes may still be in flight). */
        void responseEnded(H1Session session);

        void closed(H1Session session);
    }

    /** What the exchange being served hears from its client. */
    interface Exchange {
        /** Request body payload bytes (a chunked body without its chunk framing); the exchange releases them. */
        void clientBody(ByteBuf bytes);

        /** The body bytes handed on since the last call may go out (the end of the client's read). */
        void clientFlush();

        void clientEnd();

        /** The connection closed before the response ended. */
        void clientClosed();

        /** The socket can take more again after {@link #writable()} said no. */
        void clientWritable();
    }

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    /** Status lines with the standard reason, made once: "HTTP/1.1 200 OK\r\n". */
    private static final int STATUS_LINES = 600;
    private static final byte[][] LINE10 = new byte[STATUS_LINES][], LINE11 = new byte[STATUS_LINES][];

    static {
        for (int code = 100; code < STATUS_LINES; code++) {
            String rest = " " + code + " " + HttpResponseStatus.valueOf(code).reasonPhrase() + "\r\n";
            LINE10[code] = ("HTTP/1.0" + rest).getBytes(StandardCharsets.ISO_8859_1);
            LINE11[code] = ("HTTP/1.1" + rest).getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    private final Handler handler;
    /** The client's addresses; a PROXY header or tcp-request set-src/set-dst moves them (FrontSession). */
    SocketAddress remoteAddress, localAddress;
    /** The bind's {@code name} (so_name), null without one. */
    String listenerName;
    /** Their host addresses as text: Vert.x's hostAddress() formats a new string on every call. */
    private SocketAddress remoteHostOf, localHostOf;
    private String remoteHost, localHost;
    final boolean ssl;
    /** The TLS server name the client asked for, null without one. */
    final String sni;
    private ChannelHandlerContext ctx;
    /** What the layer passed that cannot be handed on yet: a later request, or body while paused. */
    private final ArrayDeque<Object> queued = new ArrayDeque<>(4);
    /** The exchange whose request body is still arriving; null once its END came. */
    private Exchange input;
    /** Its response ended before its body did: the rest of the body is dropped. */
    private boolean inputDiscarded;
    /** The exchange whose response is due; null between requests. */
    private Exchange output;
    /** Body went to this exchange since its last flush. */
    private Exchange unflushed;
    private boolean paused, held, readOff, inRead, needsFlush, closed, detached;

    // the response being written
    private boolean keepAlive, http10, headRequest, headWritten, ended, chunked, noBody;
    private long headBytes, bodyBytes;

    /** The proxy verticle's context: the exchanges run in it (timers, queues), as under Vert.x's own handlers. */
    private final ContextInternal context;

    H1Session(ContextInternal context, Handler handler, SocketAddress remoteAddress, SocketAddress localAddress, boolean ssl, String sni) {
        this.context = context;
        this.handler = handler;
        this.remoteAddress = remoteAddress;
        this.localAddress = localAddress;
        this.ssl = ssl;
        this.sni = sni;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    Channel channel() {
        return ctx.channel();
    }

    Handler handler() {
        return handler;
    }

    // ---- requests ------------------------------------------------------------------------------

    /** The exchange created for the request just handed to {@link Handler#request} takes its body and the connection's events. */
    void attach(Exchange ex) {
        input = ex;
        output = ex;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closed || detached) {
            if (detached) ctx.fireChannelRead(msg);
            else ReferenceCountUtil.release(msg);
            return;
        }
        inRead = true;
        ContextInternal prev = context.beginDispatch();
        try {
            // in order: straight on when nothing waits before it
            if (queued.isEmpty() && ready(msg)) process(msg);
            else queued.add(msg);
            drain();
        } finally {
            context.endDispatch(prev);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        inRead = false;
        if (unflushed != null) {
            ContextInternal prev = context.beginDispatch();
            try {
                flushInput();
            } finally {
                context.endDispatch(prev);
            }
        }
        if (needsFlush) {
            needsFlush = false;
            ctx.flush();
        }
        ctx.fireChannelReadComplete();
    }

    /** Hands on what can go now, in order; stops reading the socket while anything waits. */
    private void drain() {
        while (!queued.isEmpty() && !closed && !detached && ready(queued.peek())) process(queued.poll());
        if (!inRead) flushInput();
        updateRead();
    }

    /** Whether {@code msg} can be handed on now: a request when none is being served, body to an unpaused exchange. */
    private boolean ready(Object msg) {
        if (msg instanceof H1Request) return input == null && !inputDiscarded && output == null && !held;
        return inputDiscarded || (input != null && !paused);
    }

    private void process(Object msg) {
        if (msg instanceof H1Request r) {
            startResponse(r);
            handler.request(this, r);
        } else if (inputDiscarded) {
            // the rest of a body whose response already ended
            if (msg == H1Request.END) inputDiscarded = false;
            else ReferenceCountUtil.release(msg);
        } else if (msg == H1Request.END) {
            Exchange ex = input;
            input = null;
            flushInput();
            ex.clientEnd();
        } else {
            unflushed = input;
            input.clientBody((ByteBuf) msg);
        }
    }

    private void flushInput() {
        Exchange ex = unflushed;
        if (ex == null) return;
        unflushed = null;
        ex.clientFlush();
    }

    private void updateRead() {
        boolean off = (!queued.isEmpty() || paused) && !closed && !detached;
        if (off == readOff) return;
        readOff = off;
        ctx.channel().config().setAutoRead(!off);
        if (!off) ctx.read();
    }

    /** Stops handing on the request body (and reading the socket) until {@link #resume()}. */
    /** {@code timeout client} runs {@code r} instead of closing the connection (null: closes again). */
    void onClientTimeout(Runnable r) {
        H1FrontLayer layer = ctx == null ? null : ctx.pipeline().get(H1FrontLayer.class);
        if (layer != null) layer.onClientTimeout(r);
    }

    void pause() {
        if (paused) return;
        paused = true;
        updateRead();
    }

    void resume() {
        if (!paused) return;
        paused = false;
        drain();
    }

    /** A connection waiting for a place under maxconn: its requests are not served until released. */
    void hold(boolean on) {
        held = on;
        if (!on) drain();
    }

    // ---- the response --------------------------------------------------------------------------

    private void startResponse(H1Request r) {
        keepAlive = r.keepAlive;
        http10 = r.minor == 0;
        headRequest = "HEAD".equals(r.method);
        headWritten = ended = chunked = noBody = false;
        headBytes = bodyBytes = 0;
    }

    boolean headWritten() {
        return headWritten;
    }

    boolean ended() {
        return ended;
    }

    boolean closed() {
        return closed;
    }

    /** The server connection private to this client connection between its requests (http-reuse never). */
    private ServerConnection privateConnection;

    @Override
    public void keep(ServerConnection c) {
        if (privateConnection != null && privateConnection != c) privateConnection.close();
        privateConnection = c;
        if (closed || detached) dropPrivateConnection();
    }

    /** The private server connection for {@code key} if it is still open; the session gives it up. */
    ServerConnection takePrivateConnection(String key) {
        ServerConnection c = privateConnection;
        if (c == null || !c.key.equals(key)) return null;
        privateConnection = null;
        if (!c.channel.isActive()) return null;
        return c;
    }

    private void dropPrivateConnection() {
        if (privateConnection != null) privateConnection.close();
        privateConnection = null;
    }

    /** The response head as written (%B counts it), and the body bytes written after it. */
    long bytesWritten() {
        return headBytes + bodyBytes;
    }

    boolean writable() {
        return ctx.channel().isWritable();
    }

    /**
     * Writes the response head: the status line in the request's version, {@code lines} in order,
     * then the framing: {@code chunked} adds "transfer-encoding: chunked" (not for HTTP/1.0, a HEAD
     * or a 304, whose bodies are not framed). Connection: "keep-alive" for an HTTP/1.0 client that
     * keeps the connection, "close" for an HTTP/1.1 one that does not.
     */
    void writeHead(int status, String reason, HeaderList lines, boolean chunked) {
        headWritten = true;
        noBody = headRequest || status == 304 || status == 204;
        this.chunked = chunked && !http10 && !noBody;
        // an HTTP/1.0 body without a length can only end with the connection
        if (chunked && http10 && !noBody) keepAlive = false;
        if (this.chunked) {
            lines.removeAll("transfer-encoding");
            lines.add("transfer-encoding", "chunked");
        }
        if (http10 && keepAlive) {
            lines.removeAll("connection");
            lines.add("connection", "keep-alive");
        } else if (!http10 && !keepAlive) {
            lines.removeAll("connection");
            lines.add("connection", "close");
        }
        HeadBuilder h = HeadBuilder.get();
        if (reason == null && status >= 100 && status < STATUS_LINES) {
            h.bytes((http10 ? LINE10 : LINE11)[status]);
        } else {
            h.text(http10 ? "HTTP/1.0 " : "HTTP/1.1 ").text(Integer.toString(status)).ch(' ')
                    .text(reason != null ? reason : HttpResponseStatus.valueOf(status).reasonPhrase()).bytes(CRLF);
        }
        for (int i = 0; i < lines.size(); i++) h.header(lines.name(i), lines.value(i));
        h.bytes(CRLF);
        ByteBuf b = h.toBuffer(ctx.alloc());
        headBytes = b.readableBytes();
        write(b);
    }

    /** sess.* variables of a connection without a FrontSession: they outlive each request (null: none yet). */
    private java.util.Map<String, Object> sessionVars;

    Object sessionVariable(String name) {
        return sessionVars == null ? null : io.vxlb.rules.Vars.read(sessionVars.get(name));
    }

    void setSessionVariable(String name, Object value) {
        setSessionVariable(name, value, 0);
    }

    void setSessionVariable(String name, Object value, int flags) {
        if (value == null) {
            if (sessionVars != null) sessionVars.remove(name);
            return;
        }
        if (sessionVars == null) sessionVars = new java.util.HashMap<>();
        io.vxlb.rules.Vars.set(sessionVars, name, value, flags);
    }

    /** The client's address as text (cached per address: a PROXY header or set-src may replace it). */
    String remoteHost() {
        SocketAddress a = remoteAddress;
        if (a != remoteHostOf) {
            remoteHost = text(a);
            remoteHostOf = a;
        }
        return remoteHost;
    }

    /** An address as HAProxy prints it (inet_ntop: "::2", where Java writes "0:0:0:0:0:0:0:2"). */
    private static String text(SocketAddress a) {
        String h = a == null ? null : a.hostAddress();
        if (h == null || h.indexOf(':') < 0) return h;
        String c = io.vxlb.maps.IpLiteral.canonical(h);
        return c != null ? c : h;
    }

    /** The address the client connected to, as text (cached like {@link #remoteHost}). */
    String localHost() {
        SocketAddress a = localAddress;
        if (a != localHostOf) {
            localHost = text(a);
            localHostOf = a;
        }
        return localHost;
    }

    /** A body buffer, owned from here on (written, or released when nothing may be written). */
    void writeBody(ByteBuf content) {
        int n = content.readableBytes();
        if (closed || ended || noBody || n == 0) {
            content.release();
            return;
        }
        bodyBytes += n;
        if (chunked) {
            ByteBuf line = ctx.alloc().buffer(12);
            ByteBufUtil.writeAscii(line, Integer.toHexString(n));
            line.writeBytes(CRLF);
            ctx.write(line, ctx.voidPromise());
            ctx.write(content, ctx.voidPromise());
            write(Unpooled.wrappedBuffer(CRLF));
        } else {
            write(content);
        }
    }

    /** The whole response is written; {@code done} runs once its bytes are on the socket (or failed). */
    void end(ChannelFutureListener done) {
        if (ended || closed) {
            if (done != null) ctx.newFailedFuture(new java.nio.channels.ClosedChannelException()).addListener(done);
            return;
        }
        ended = true;
        if (done != null) {
            // the promise of the last write tells when everything before it is out
            ctx.write(chunked ? Unpooled.wrappedBuffer(LAST_CHUNK) : Unpooled.EMPTY_BUFFER).addListener(done);
        } else if (chunked) {
            ctx.write(Unpooled.wrappedBuffer(LAST_CHUNK), ctx.voidPromise());
        }
        needsFlush = true;
        flush();
        output = null;
        if (input != null) {
            // answered before its body came whole: the rest of it is read and dropped
            input = null;
            inputDiscarded = true;
        }
        handler.responseEnded(this);
        if (!keepAlive) {
            close();
            return;
        }
        drain();
    }

    /** "100 Continue" for a client that asked for it. */
    void writeContinue() {
        write(Unpooled.wrappedBuffer(CONTINUE));
        flush();
    }

    /**
     * Writes wait for a flush: at the end of the client's read, at the end of the response, or
     * when the caller ends its batch ({@link #flush()}, at the end of the server's read), so a
     * small response leaves in one write to the socket.
     */
    private void write(ByteBuf b) {
        ctx.write(b, ctx.voidPromise());
        needsFlush = true;
    }

    /** Sends what was written; inside the client's read, that happens at its end. */
    void flush() {
        if (!needsFlush || inRead) return;
        needsFlush = false;
        ctx.flush();
    }

    /**
     * A whole response written as is (an error file HAProxy sends with its own status line, see
     * runtime/ErrorReplies); the caller closes the connection next. Config branch hook.
     */
    void writeRaw(ByteBuf response) {
        headWritten = ended = true;
        headBytes = response.readableBytes();
        bodyBytes = 0;
        write(response);
    }

    /** Closes the connection once what was written is out. */
    void close() {
        if (closed) return;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * The connection becomes a tunnel: this handler leaves the pipeline; what the layer passes
     * from now on is raw tunnel bytes for the handler added after it.
     */
    void detach() {
        detached = true;
        dropPrivateConnection();
        input = output = null;
        for (Object m; (m = queued.poll()) != null; ) ReferenceCountUtil.release(m);
        if (readOff) {
            readOff = false;
            ctx.channel().config().setAutoRead(true);
        }
        if (needsFlush) {
            needsFlush = false;
            ctx.flush();
        }
        ctx.pipeline().remove(this);
    }

    // ---- connection events ---------------------------------------------------------------------

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Exchange ex = output != null ? output : input;
        if (ctx.channel().isWritable() && ex != null) {
            ContextInternal prev = context.beginDispatch();
            try {
                ex.clientWritable();
            } finally {
                context.endDispatch(prev);
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();  // a reset or a TLS failure: the connection is gone, channelInactive tells the exchange
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        dropPrivateConnection();
        for (Object m; (m = queued.poll()) != null; ) ReferenceCountUtil.release(m);
        Exchange ex = output != null ? output : input;
        input = output = null;
        ContextInternal prev = context.beginDispatch();
        try {
            if (ex != null) ex.clientClosed();
            handler.closed(this);
        } finally {
            context.endDispatch(prev);
        }
        ctx.fireChannelInactive();
    }
}
