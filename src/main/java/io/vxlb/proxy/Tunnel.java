package io.vxlb.proxy;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;

/**
 * A raw byte tunnel between the client and server sockets of an upgraded HTTP/1.1 connection
 * (WebSocket...): bytes both ways with back-pressure, one inactivity timeout ({@code timeout tunnel},
 * else the shorter of client/server), and closing either side closes the other.
 */
final class Tunnel {
    private final Vertx vertx;
    private final NetSocket client;
    private final NetSocket server;
    private final long timeout;
    private final Handler<Tunnel> onClose;
    private long lastActivity = System.nanoTime();
    private long timer = -1;
    private boolean closed;
    /** Why it ended, as HAProxy's termination state: "--" a side closed, "CD"/"SD" an error, "cD" the timeout. */
    String termination = "--";
    long bytesToClient;
    long bytesToServer;

    Tunnel(Vertx vertx, NetSocket client, NetSocket server, long timeout, Handler<Tunnel> onClose) {
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
        client.closeHandler(v -> close("--"));
        server.closeHandler(v -> close("--"));
        // Vert.x reports the server socket's plain close as an HttpClosedException: not an error
        client.exceptionHandler(t -> close(t instanceof io.vertx.core.http.HttpClosedException ? "--" : "CD"));
        server.exceptionHandler(t -> close(t instanceof io.vertx.core.http.HttpClosedException ? "--" : "SD"));
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
            if (idle >= timeout) close("cD");
            else schedule(timeout - idle);
        });
    }

    private void close(String state) {
        if (closed) return;
        closed = true;
        termination = state;
        if (timer >= 0) vertx.cancelTimer(timer);
        client.close();
        server.close();
        onClose.handle(this);
    }

    private static void removeIdleHandler(NetSocket s) {
        if (!(s instanceof NetSocketInternal ns)) return;
        ChannelPipeline p = ns.channelHandlerContext().pipeline();
        IdleStateHandler h = p.get(IdleStateHandler.class);
        if (h != null) p.remove(h);
    }
}
