package io.vxlb.proxy;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code timeout client} on an HTTP client connection: closed once nothing was read from it and
 * nothing written to it for that long (a client that stops reading stops the writes too, once
 * its socket is full). Netty's IdleStateHandler does the same but makes a promise and a
 * listener for every write; here a write only stamps the time, and one timer per period looks.
 */
final class ClientIdle extends ChannelDuplexHandler {
    static final String NAME = "vxlb-idle";

    private final long timeoutNanos;
    private long lastActivity = System.nanoTime();
    private ScheduledFuture<?> timer;

    ClientIdle(long timeoutMillis) {
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        schedule(ctx, timeoutNanos);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (timer != null) timer.cancel(false);
        timer = null;
    }

    private void schedule(ChannelHandlerContext ctx, long delay) {
        timer = ctx.executor().schedule(() -> check(ctx), delay, TimeUnit.NANOSECONDS);
    }

    private void check(ChannelHandlerContext ctx) {
        timer = null;
        if (!ctx.channel().isOpen() || ctx.isRemoved()) return;
        long idle = System.nanoTime() - lastActivity;
        if (idle >= timeoutNanos) {
            ctx.close();
            return;
        }
        schedule(ctx, timeoutNanos - idle);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastActivity = System.nanoTime();
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        lastActivity = System.nanoTime();
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        handlerRemoved(ctx);
        ctx.fireChannelInactive();
    }
}
