package io.vxlb.proxy;

import io.vxlb.log.Termination;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.impl.Http1xClientConnection;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.ConnectionBase;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A raw byte tunnel between the client and server sockets of an upgraded HTTP/1.1 connection
 * (WebSocket...): bytes both ways with back-pressure, one inactivity timeout ({@code timeout tunnel},
 * else the shorter of client/server), and closing either side closes the other.
 *
 * <p>The relay runs on the two Netty channels, below Vert.x: once the 101 is on its way to the
 * client, the Vert.x handlers are taken out of both pipelines and one small handler per side
 * writes what it reads to the other channel, turning {@code autoRead} off while that channel is
 * not writable. So an open tunnel keeps no Vert.x connection object, HTTP request or header map
 * alive, only the two channels, this object and what its {@link End} callback captured (the log
 * record). Both channels are on the same event loop (the backend connection is created on the
 * loop of the client connection), so the state here is confined to that loop.
 */
final class Tunnel {
    /** Called once when the tunnel ends, on the event loop: what the log line needs. */
    interface End {
        void ended(Termination termination, long bytesToClient, long bytesToServer);
    }

    private final Channel client;
    private final Channel server;
    private final long timeout;
    /** The inactivity timeout once one side has half-closed ({@code timeout client-fin/server-fin}); 0: {@link #timeout}. */
    private final long clientFin, serverFin;
    /** The termination state logged when the inactivity timeout ends the tunnel. */
    private final Termination timeoutState;
    /** Each side's input has ended (FIN): its peer's output was shut after what was queued went out. */
    private boolean clientInputShut, serverInputShut;
    private End end;
    private long lastActivity = System.nanoTime();
    private ScheduledFuture<?> timer;
    private boolean closed;
    private long bytesToClient;
    private long bytesToServer;

    private Tunnel(Channel client, Channel server, long timeout, long clientFin, long serverFin, Termination timeoutState, End end) {
        this.client = client;
        this.server = server;
        this.timeout = timeout;
        this.clientFin = clientFin;
        this.serverFin = serverFin;
        this.timeoutState = timeoutState;
        this.end = end;
    }

    /**
     * Relays bytes between two connected channels of one event loop until both directions have
     * ended or either side fails ({@code mode tcp}): a side's FIN is passed on to the other side
     * once what it sent is written (half-close, as HAProxy does), so a client that shuts its
     * write side still reads the server's answer. The channels must have no handler that reads.
     */
    static void relay(Channel client, Channel server, long timeout, long clientFin, long serverFin, Termination timeoutState, End end) {
        Tunnel t = new Tunnel(client, server, timeout, clientFin, serverFin, timeoutState, end);
        client.config().setOption(io.netty.channel.ChannelOption.ALLOW_HALF_CLOSURE, true);
        server.config().setOption(io.netty.channel.ChannelOption.ALLOW_HALF_CLOSURE, true);
        client.pipeline().addLast("tunnel", t.new Side(true));
        server.pipeline().addLast("tunnel", t.new Side(false));
        if (!client.isActive() || !server.isActive()) {
            t.close(Termination.NORMAL);
            return;
        }
        if (timeout > 0) t.schedule(timeout);
        client.config().setAutoRead(true);
        server.config().setAutoRead(true);
        client.read();
        server.read();
    }

    /**
     * Step 1, when the server's 101 arrives: what the server sends before the client side is
     * ready is kept here (the server's channel stops reading meanwhile, so this stays small).
     */
    static final class ServerSide {
        final NetSocket socket;
        final Channel channel;
        final Http1xClientConnection connection;
        private List<Buffer> early;
        private boolean ended;

        private ServerSide(NetSocket socket, Channel channel, Http1xClientConnection connection) {
            this.socket = socket;
            this.channel = channel;
            this.connection = connection;
        }

        /**
         * Takes the server socket of a 101 response; null when the relay cannot run on the Netty
         * channels (no Vert.x HTTP/1.1 client connection under it, or not on the event loop of
         * the client's channel).
         */
        static ServerSide of(HttpClientResponse response, Channel client) {
            NetSocket socket = response.netSocket();
            if (socket == null) return null;
            HttpConnection c = response.request().connection();
            if (!(c instanceof Http1xClientConnection conn)) return null;
            if (conn.channel().eventLoop() != client.eventLoop()) return null;
            ServerSide s = new ServerSide(socket, conn.channel(), conn);
            socket.handler(s::early);
            socket.endHandler(v -> s.ended = true);
            socket.exceptionHandler(t -> s.ended = true);
            socket.resume();  // whatever Vert.x queued since the head comes out now, into early()
            s.channel.config().setAutoRead(false);
            return s;
        }

        private void early(Buffer b) {
            if (early == null) early = new ArrayList<>(2);
            early.add(b);
        }

        /** The handshake failed on the client side: the server connection goes. */
        void abort() {
            socket.close();
        }
    }

    /**
     * Step 2, once the 101 head went to the client and its connection became a raw socket:
     * moves both sides onto the Netty relay and starts the inactivity timer.
     *
     */
    static void start(Channel clientChannel, ServerSide server, long timeout, End end) {
        Tunnel t = new Tunnel(clientChannel, server.channel, timeout, 0, 0, Termination.CLIENT_TIMEOUT_DATA, end);
        // the client side: its HTTP handlers are gone; the idle timeout goes too (the tunnel has its own)
        ChannelPipeline cp = clientChannel.pipeline();
        detach(cp, null);
        // the server side: toNetSocket() takes the connection out of the HttpClient's pool, then its
        // Vert.x handler goes too
        NetSocketInternal raw = server.connection.toNetSocket();
        ChannelPipeline sp = server.channel.pipeline();
        detach(sp, raw.channelHandlerContext().handler());
        cp.addLast("tunnel", t.new Side(true));
        sp.addLast("tunnel", t.new Side(false));
        if (server.early != null) {
            for (Buffer b : server.early) {
                t.bytesToClient += b.length();
                clientChannel.write(Unpooled.wrappedBuffer(b.getBytes()));
            }
            clientChannel.flush();
            server.early = null;
        }
        if (server.ended || !server.channel.isActive() || !clientChannel.isActive()) {
            t.close(Termination.NORMAL);
            return;
        }
        if (timeout > 0) t.schedule(timeout);
        clientChannel.config().setAutoRead(true);
        server.channel.config().setAutoRead(true);
    }

    static void detach(ChannelPipeline p, ChannelHandler vertxHandler) {
        if (vertxHandler != null && p.context(vertxHandler) != null) p.remove(vertxHandler);
        IdleStateHandler idle;
        while ((idle = p.get(IdleStateHandler.class)) != null) p.remove(idle);
        H1FrontLayer layer = p.get(H1FrontLayer.class);
        if (layer != null) layer.stopIdle();  // timeout tunnel applies from now on
    }

    /** One direction: reads from its channel, writes to the other. */
    private final class Side extends ChannelInboundHandlerAdapter {
        private final boolean fromClient;

        Side(boolean fromClient) {
            this.fromClient = fromClient;
        }

        private Channel peer() {
            return fromClient ? server : client;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (closed || !(msg instanceof ByteBuf buf)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            lastActivity = System.nanoTime();
            int n = buf.readableBytes();
            if (fromClient) bytesToServer += n;
            else bytesToClient += n;
            Channel peer = peer();
            peer.write(buf, peer.voidPromise());
            // back-pressure: stop reading this side while the other one cannot take more
            if (!peer.isWritable()) {
                ctx.channel().config().setAutoRead(false);
                peer.flush();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            peer().flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            // this side drained: the other side may read again
            if (ctx.channel().isWritable() && !closed) peer().config().setAutoRead(true);
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) halfClosed(fromClient);
            ReferenceCountUtil.release(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            close(Termination.NORMAL);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            close(fromClient ? Termination.CLIENT_ABORT_DATA : Termination.SERVER_ABORT_DATA);
        }
    }

    /**
     * One side sent its FIN: the other side gets it once what is queued for it is written, and
     * the other direction goes on; when both have ended, the tunnel ends. A channel that cannot
     * half-close (no duplex transport) ends the tunnel as before.
     */
    private void halfClosed(boolean fromClient) {
        if (closed) return;
        if (fromClient) clientInputShut = true;
        else serverInputShut = true;
        if (clientInputShut && serverInputShut) {
            close(Termination.NORMAL);
            return;
        }
        Channel peer = fromClient ? server : client;
        if (!(peer instanceof io.netty.channel.socket.DuplexChannel d) || !peer.isActive()) {
            close(Termination.NORMAL);
            return;
        }
        // shutdownOutput() would drop what is still queued: it follows the last write
        peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
            if (f.isSuccess() && d.isActive()) d.shutdownOutput();
        });
        // the remaining direction waits at most client-fin / server-fin (when set) from now
        long fin = fromClient ? clientFin : serverFin;
        if (fin > 0 && (timeout <= 0 || fin < timeout)) {
            halfClosedTimeout = fin;
            lastActivity = System.nanoTime();
            if (timer != null) timer.cancel(false);
            schedule(fin);
        }
    }

    /** The inactivity timeout after a half-close; 0 while both directions are open. */
    private long halfClosedTimeout;

    private long currentTimeout() {
        return halfClosedTimeout > 0 ? halfClosedTimeout : timeout;
    }

    private void schedule(long delay) {
        timer = client.eventLoop().schedule(this::checkIdle, Math.max(1, delay), TimeUnit.MILLISECONDS);
    }

    private void checkIdle() {
        timer = null;
        if (closed) return;
        long idle = (System.nanoTime() - lastActivity) / 1_000_000;
        long limit = currentTimeout();
        if (idle >= limit) close(timeoutState);
        else schedule(limit - idle);
    }

    /** Ends the tunnel: what is queued for each side is flushed, then both close. */
    private void close(Termination state) {
        if (closed) return;
        closed = true;
        if (timer != null) timer.cancel(false);
        timer = null;
        closeAfterFlush(client);
        closeAfterFlush(server);
        End e = end;
        end = null;
        e.ended(state, bytesToClient, bytesToServer);
    }

    private static void closeAfterFlush(Channel ch) {
        if (ch.isActive()) ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        else ch.close();
    }
}
