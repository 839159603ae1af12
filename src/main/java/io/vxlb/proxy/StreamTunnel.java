package io.vxlb.proxy;

import io.vxlb.log.Termination;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.core.Vertx;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;

/**
 * The fallback of {@link Tunnel}: the same relay on Vert.x streams, for a server connection that
 * is not a plain Vert.x HTTP/1.1 client connection on the client's event loop. It keeps the Vert.x
 * connection objects alive for the life of the tunnel (about 25 kB of heap instead of about 10).
 */
final class StreamTunnel {
    private final Vertx vertx;
    private final NetSocket client;
    private final NetSocket server;
    private final long timeout;
    private Tunnel.End onClose;
    private long lastActivity = System.nanoTime();
    private long timer = -1;
    private boolean closed;
    private long bytesToClient;
    private long bytesToServer;

    StreamTunnel(Vertx vertx, NetSocket client, NetSocket server, long timeout, Tunnel.End onClose) {
        this.vertx = vertx;
        this.client = client;
        this.server = server;
        this.timeout = timeout;
        this.onClose = onClose;
    }

    void start() {
        // the HTTP connections' idle handlers (timeout client, client keep-alive) no longer apply
        removeIdleHandler(client);
        removeIdleHandler(server);
        relay(client, server, true);
        relay(server, client, false);
        // a side that closes ends the tunnel normally ("----" in HAProxy's log); errors abort it
        client.closeHandler(v -> close(Termination.NORMAL));
        server.closeHandler(v -> close(Termination.NORMAL));
        // Vert.x reports the server socket's plain close as an HttpClosedException: not an error
        client.exceptionHandler(t -> close(t instanceof io.vertx.core.http.HttpClosedException ? Termination.NORMAL : Termination.CLIENT_ABORT_DATA));
        server.exceptionHandler(t -> close(t instanceof io.vertx.core.http.HttpClosedException ? Termination.NORMAL : Termination.SERVER_ABORT_DATA));
        if (timeout > 0) schedule(timeout);
        client.resume();
        server.resume();
    }

    private void relay(NetSocket from, NetSocket to, boolean toServer) {
        from.handler(buf -> {
            lastActivity = System.nanoTime();
            if (toServer) bytesToServer += buf.length();
            else bytesToClient += buf.length();
            to.write(buf);
            if (to.writeQueueFull()) {
                from.pause();
                to.drainHandler(v -> from.resume());
            }
        });
    }

    private void schedule(long delay) {
        timer = vertx.setTimer(Math.max(1, delay), id -> {
            timer = -1;
            if (closed) return;
            long idle = (System.nanoTime() - lastActivity) / 1_000_000;
            if (idle >= timeout) close(Termination.CLIENT_TIMEOUT_DATA);
            else schedule(timeout - idle);
        });
    }

    private void close(Termination state) {
        if (closed) return;
        closed = true;
        if (timer >= 0) vertx.cancelTimer(timer);
        client.close();
        server.close();
        Tunnel.End e = onClose;
        onClose = null;
        e.ended(state, bytesToClient, bytesToServer);
    }

    private static void removeIdleHandler(NetSocket s) {
        if (!(s instanceof NetSocketInternal ns)) return;
        ChannelPipeline p = ns.channelHandlerContext().pipeline();
        IdleStateHandler h = p.get(IdleStateHandler.class);
        if (h != null) p.remove(h);
    }
}
