package io.vxlb.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 connection to a server, on the event loop of the client connections it serves:
 * the request head is written as bytes, the body is relayed as it comes (chunk-framed when the
 * client's was chunked), and Netty's response decoder hands the response to the exchange that
 * owns the connection. Between exchanges the connection waits in its {@link ServerPool}.
 *
 * <p>Why not Vert.x's HttpClient: its pool creates a context, a stream, several futures and a
 * header map per request; a proxy that already holds the client connection's event loop only
 * needs a socket and a response parser (about a quarter of vxlb's CPU per small request went
 * to that layer, JFR-measured with bench/run.sh).
 */
final class ServerConnection extends ChannelInboundHandlerAdapter {
    /** What the connection reports to the exchange using it; all calls on the event loop. */
    interface Listener {
        /** A 1xx interim response (never 101: upgrades do not come here). */
        void serverInterim(int status);

        void serverHead(int status, String reason, HeaderList headers);

        /** Response body bytes; the listener owns (releases) {@code content}. */
        void serverBody(ByteBuf content);

        void serverEnd();

        /**
         * The connection failed or closed before the response ended. {@code retryable}: it was a
         * reused connection that failed before any response byte and before any request body
         * byte was sent, the race with a server closing an idle connection, safe to resend.
         */
        void serverFailed(Throwable cause, boolean retryable, boolean responseBytes);

        /** The socket can take more request body again. */
        void serverWritable();

        /** The end of a read from the server: what it produced for the client may be flushed now. */
        void serverReadComplete();
    }

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    /** Who keeps a private connection between its requests ({@code http-reuse never}: the client connection). */
    interface Owner {
        void keep(ServerConnection c);
    }

    final Channel channel;
    /** The pool of the event loop the channel is registered on (another loop's after a takeover). */
    ServerPool pool;
    final String key;
    final io.vxlb.runtime.ServerRuntime server;
    /** Not null: the connection is private to this owner and goes back to it, never to the pool. */
    Owner privateTo;
    private Listener current;
    private boolean headRequest;
    private boolean requestDone;
    private boolean bodySent;
    private boolean anyResponse;
    private boolean keepAlive;
    /** The server's responses, read from this connection's bytes. */
    private final H1ResponseParser parser = new H1ResponseParser();
    /** Bytes of a response line, head or chunk line that is not complete yet; null when none. */
    private ByteBuf pending;
    /** Requests sent on this connection before the current one (0: a fresh connection). */
    private int served;
    long idleSince;

    ServerConnection(Channel channel, ServerPool pool, String key, io.vxlb.runtime.ServerRuntime server) {
        this.channel = channel;
        this.pool = pool;
        this.key = key;
        this.server = server;
    }

    boolean reused() {
        return served > 0;
    }

    /** Responses completed on this connection. */
    int served() {
        return served;
    }

    /**
     * Starts an exchange: writes the request head; {@code body}: body bytes will follow;
     * {@code closeAfter}: the connection closes after this response whatever the server says.
     */
    void send(Listener listener, ByteBuf head, boolean isHead, boolean body, boolean closeAfter) {
        current = listener;
        headRequest = isHead;
        requestDone = !body;
        bodySent = false;
        anyResponse = false;
        keepAlive = !closeAfter;
        parser.expect(isHead);
        channel.writeAndFlush(head, channel.voidPromise());
    }

    /**
     * Request body bytes (taken over): written as one chunk when {@code chunked}; without
     * {@code flush} they wait for the next flush of the channel (the caller's batch).
     */
    void writeBody(ByteBuf data, boolean chunked, boolean flush) {
        if (!channel.isActive() || current == null) {
            data.release();
            return;
        }
        bodySent = true;
        if (chunked) {
            if (!data.isReadable()) {
                data.release();
                return;  // a zero-size chunk would end the body
            }
            ByteBuf size = channel.alloc().buffer(10);
            ByteBufUtil.writeAscii(size, Integer.toHexString(data.readableBytes()));
            size.writeBytes(CRLF);
            channel.write(size, channel.voidPromise());
            channel.write(data, channel.voidPromise());
            ByteBuf crlf = channel.alloc().buffer(2).writeBytes(CRLF);
            if (flush) channel.writeAndFlush(crlf, channel.voidPromise());
            else channel.write(crlf, channel.voidPromise());
        } else if (flush) {
            channel.writeAndFlush(data, channel.voidPromise());
        } else {
            channel.write(data, channel.voidPromise());
        }
    }

    /** The request body is complete. */
    void endBody(boolean chunked) {
        if (chunked && channel.isActive()) channel.writeAndFlush(channel.alloc().buffer(5).writeBytes(LAST_CHUNK), channel.voidPromise());
        requestDone = true;
        if (current == null && !keepAlive) close();
    }

    boolean isWritable() {
        return channel.isWritable();
    }

    void autoRead(boolean on) {
        channel.config().setAutoRead(on);
    }

    /** Gives up the exchange: the connection cannot be reused (unread response, unsent body). */
    void abort() {
        current = null;
        close();
    }

    void close() {
        keepAlive = false;
        channel.close();
    }

    // ---- Netty -----------------------------------------------------------------------------------

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (current == null) {
            // bytes while idle (or after an abort): the connection is no longer in step with the server
            in.release();
            close();
            return;
        }
        anyResponse = true;
        ByteBuf b = in;
        if (pending != null) {
            b = ctx.alloc().buffer(pending.readableBytes() + in.readableBytes());
            b.writeBytes(pending).writeBytes(in);
            pending.release();
            in.release();
            pending = null;
        }
        String error;
        try {
            error = parser.feed(b, sink);
        } catch (RuntimeException e) {
            error = "invalid response: " + e;
        }
        if (error != null) {
            b.release();
            fail(new IOException("invalid response from server: " + error));
            return;
        }
        if (b.isReadable() && channel.isActive()) pending = b;  // an incomplete line waits for more
        else b.release();
    }

    /** What the parser reads goes to the exchange using the connection. */
    private final H1ResponseParser.Sink sink = new H1ResponseParser.Sink() {
        @Override
        public void interim(int status) {
            Listener l = current;
            if (l != null) l.serverInterim(status);
        }

        @Override
        public void head(int status, String reason, HeaderList headers, boolean serverKeepsAlive) {
            keepAlive = keepAlive && serverKeepsAlive;
            Listener l = current;
            if (l != null) l.serverHead(status, reason, headers);
        }

        @Override
        public void body(ByteBuf slice) {
            Listener l = current;
            if (l != null && slice.isReadable()) l.serverBody(slice);
            else slice.release();
        }

        @Override
        public void end() {
            Listener l = current;
            if (l == null) return;
            current = null;
            served++;
            // the response is complete: the connection goes back to the pool first, so the
            // client's next request, which the end below makes possible, can take it
            if (keepAlive && requestDone && channel.isActive()) {
                if (!channel.config().isAutoRead()) channel.config().setAutoRead(true);  // paused by a slow client
                if (privateTo != null) privateTo.keep(ServerConnection.this);
                else pool.release(ServerConnection.this);
            }
            else if (requestDone) close();
            else keepAlive = false;  // closed once the client's body ends (nobody reads it now)
            l.serverEnd();
        }
    };

    private void fail(Throwable cause) {
        Listener l = current;
        current = null;
        boolean retryable = l != null && !anyResponse && !bodySent && served > 0;
        close();
        if (l != null) l.serverFailed(cause, retryable, anyResponse);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        Listener l = current;
        if (l != null) l.serverReadComplete();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        pool.remove(this);
        if (pending != null) {
            pending.release();
            pending = null;
        }
        if (current != null) parser.closed(sink);  // a body that runs until the close is complete now
        if (current != null) fail(new IOException("server closed the connection"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (current != null) fail(cause);
        else close();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (channel.isWritable() && current != null) current.serverWritable();
        ctx.fireChannelWritabilityChanged();
    }
}
