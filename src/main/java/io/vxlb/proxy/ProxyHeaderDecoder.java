package io.vxlb.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Reads the PROXY protocol header a connection must start with ({@code bind ... accept-proxy},
 * {@code tcp-request connection expect-proxy layer4}) at the head of the channel's pipeline: no
 * byte reaches the handlers after it before the header is complete. A malformed header, or none
 * within the timeout, closes the connection; a good one is handed to {@code done}, then the
 * decoder leaves the pipeline and passes on what followed the header.
 */
final class ProxyHeaderDecoder extends ChannelInboundHandlerAdapter {
    /** v2's largest header: 16 bytes and a 64 KiB body. */
    private static final int MAX = 16 + 65535;
    private final long timeoutMillis;
    private final Consumer<ProxyHeader.Parsed> done;
    private byte[] buf = new byte[256];
    private int len;
    private ScheduledFuture<?> timer;
    private boolean finished;

    ProxyHeaderDecoder(long timeoutMillis, Consumer<ProxyHeader.Parsed> done) {
        this.timeoutMillis = timeoutMillis;
        this.done = done;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (timeoutMillis > 0) {
            timer = ctx.executor().schedule(() -> {
                if (!finished) {
                    finished = true;
                    ctx.close();
                }
            }, timeoutMillis, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (finished || !(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            int n = in.readableBytes();
            if (len + n > buf.length) buf = java.util.Arrays.copyOf(buf, Math.min(MAX, Math.max(buf.length * 2, len + n)));
            int take = Math.min(n, buf.length - len);
            in.getBytes(in.readerIndex(), buf, len, take);
            len += take;
            ProxyHeader.Parsed p;
            try {
                p = ProxyHeader.parse(buf, len);
            } catch (ProxyHeader.Invalid e) {
                finish();
                ctx.close();
                return;
            }
            if (p == null) {
                if (len >= MAX) {
                    finish();
                    ctx.close();
                }
                return;
            }
            finish();
            done.accept(p);
            // what came after the header goes on, followed by the rest of this read
            ByteBuf rest = ctx.alloc().buffer(Math.max(0, len - p.length()) + (n - take));
            rest.writeBytes(buf, p.length(), len - p.length());
            if (take < n) rest.writeBytes(in, in.readerIndex() + take, n - take);
            ctx.pipeline().remove(this);
            if (rest.isReadable()) ctx.fireChannelRead(rest);
            else rest.release();
        } finally {
            in.release();
        }
    }

    private void finish() {
        finished = true;
        if (timer != null) timer.cancel(false);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        finish();
        ctx.fireChannelInactive();
    }
}
