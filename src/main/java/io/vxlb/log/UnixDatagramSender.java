package io.vxlb.log;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.vertx.core.buffer.Buffer;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends syslog datagrams to a unix socket ({@code log /dev/log}, {@code log unix@/path}). The JDK
 * has unix-domain stream channels only, so this uses Netty's epoll transport
 * ({@code EpollDomainDatagramChannel}), already a dependency for the data plane. One datagram
 * channel per path, connected to it (Netty sends only on a bound or connected one), on one
 * small daemon event loop; a datagram the socket cannot take now is dropped and counted, as
 * HAProxy's MSG_DONTWAIT sends are. When the listener goes away (syslog restarts), the channel
 * is dropped and connected again, at most once a second.
 */
final class UnixDatagramSender {
    private static final AtomicLong DROPPED = new AtomicLong();
    private static final java.util.concurrent.ConcurrentHashMap<String, UnixDatagramSender> BY_PATH = new java.util.concurrent.ConcurrentHashMap<>();
    private static volatile EventLoopGroup group;

    private final DomainSocketAddress address;
    private volatile Channel channel;
    private volatile long retryAt;
    private final java.util.concurrent.atomic.AtomicBoolean connecting = new java.util.concurrent.atomic.AtomicBoolean();

    private UnixDatagramSender(String path) {
        this.address = new DomainSocketAddress(path);
    }

    /** The sender to {@code path}; refuses where the epoll transport is missing (not Linux). */
    static UnixDatagramSender to(String path) {
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("log " + path + ": unix datagram sockets need Netty's epoll transport (Linux): " + Epoll.unavailabilityCause());
        }
        return BY_PATH.computeIfAbsent(path, UnixDatagramSender::new);
    }

    void send(Buffer datagram) {
        Channel ch = channel;
        if (ch == null || !ch.isActive()) {
            DROPPED.incrementAndGet();
            connect();
            return;
        }
        if (!ch.isWritable()) {
            DROPPED.incrementAndGet();
            return;
        }
        ch.writeAndFlush(Unpooled.wrappedBuffer(datagram.getBytes())).addListener(f -> {
            if (!f.isSuccess()) {
                DROPPED.incrementAndGet();  // the listener went away: connect again later
                ch.close();
            }
        });
    }

    /** Connects in the background; lines sent meanwhile are dropped (counted), never waited for. */
    private void connect() {
        long now = System.nanoTime();
        if (now - retryAt < 0 || !connecting.compareAndSet(false, true)) return;
        retryAt = now + 1_000_000_000L;
        new Bootstrap().group(group()).channel(EpollDomainDatagramChannel.class)
                .option(ChannelOption.SO_SNDBUF, 1 << 20)
                .handler(new io.netty.channel.ChannelInboundHandlerAdapter())
                .connect(address).addListener((ChannelFuture f) -> {
                    if (f.isSuccess()) channel = f.channel();
                    connecting.set(false);
                });
    }

    /** Connects now (at start-up, so the first lines are not lost) and waits a little for it. */
    UnixDatagramSender open() {
        connect();
        for (int i = 0; i < 50 && connecting.get(); i++) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return this;
    }

    static long dropped() {
        return DROPPED.get();
    }

    private static EventLoopGroup group() {
        EventLoopGroup g = group;
        if (g != null) return g;
        synchronized (UnixDatagramSender.class) {  // once per process, never on a later call
            if (group == null) group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("vxlb-log-unix", true), EpollIoHandler.newFactory());
            return group;
        }
    }
}
