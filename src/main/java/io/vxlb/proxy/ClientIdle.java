package io.vxlb.proxy;

import io.netty.channel.ChannelHandlerContext;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code timeout client} on an HTTP client connection: closed once nothing was read from it and
 * nothing written to it for that long (a client that stops reading stops the writes too, once
 * its socket is full). Netty's IdleStateHandler does the same but makes a promise and a
 * listener for every write; here a write only stamps the time, and one timer per period looks.
 * Not a pipeline handler of its own (one hop less per read and write): the HTTP/1 layer, which
 * sees every read and write of the connection, stamps it ({@link H1FrontLayer#idle}).
 */
final class ClientIdle {

    private final long timeoutNanos;
    private long lastActivity = System.nanoTime();
    private ScheduledFuture<?> timer;

    ClientIdle(long timeoutMillis) {
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    }

    /** Starts watching the connection of {@code ctx}. */
    void start(ChannelHandlerContext ctx) {
        schedule(ctx, timeoutNanos);
    }

    /** Stops watching (closed, or a tunnel now, whose own timeout applies); idempotent. */
    void stop() {
        stopped = true;
        if (timer != null) timer.cancel(false);
        timer = null;
    }

    private boolean stopped;

    private void schedule(ChannelHandlerContext ctx, long delay) {
        timer = ctx.executor().schedule(() -> check(ctx), delay, TimeUnit.NANOSECONDS);
    }

    private void check(ChannelHandlerContext ctx) {
        timer = null;
        if (stopped || !ctx.channel().isOpen() || ctx.isRemoved()) return;
        long idle = System.nanoTime() - lastActivity;
        if (idle >= timeoutNanos) {
            Runnable r = onExpiry;
            if (r == null) {
                ctx.close();
                return;
            }
            // the exchange answers the timeout itself (408 while it waits for a body), once
            onExpiry = null;
            lastActivity = System.nanoTime();
            r.run();
            schedule(ctx, timeoutNanos);
            return;
        }
        schedule(ctx, timeoutNanos - idle);
    }

    /** Runs instead of the close when the timeout strikes (null: close); set by the exchange waiting for a body. */
    Runnable onExpiry;

    /** Something was read or written. */
    void activity() {
        lastActivity = System.nanoTime();
    }
}
