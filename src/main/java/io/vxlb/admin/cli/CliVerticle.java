package io.vxlb.admin.cli;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vxlb.config.GlobalSection.StatsSocket;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * HAProxy's runtime API on the configuration's {@code stats socket} lines: one Vert.x NetServer
 * per socket, on a unix socket path (Vert.x 5 listens on one with the native transport and, on
 * JDK 16+, with NIO too) or host:port. Its own verticle: the request path's event loops
 * never run a command. A unix socket file left by an earlier run is replaced (only if it is a
 * socket nobody answers on), given the {@code mode} bits, and removed at stop.
 */
public final class CliVerticle extends VerticleBase {
    private static final Logger LOG = Logger.getLogger(CliVerticle.class.getName());
    /** An idle connection is closed after this long (HAProxy's default {@code stats timeout} is 10s). */
    static final long IDLE_MILLIS = 10_000;

    private final List<StatsSocket> sockets;
    private final Operations ops;
    private final List<NetServer> servers = new ArrayList<>();
    private final List<Path> files = new ArrayList<>();
    private CliCommands commands;

    public CliVerticle(List<StatsSocket> sockets, Operations ops) {
        this.sockets = List.copyOf(sockets);
        this.ops = ops;
    }

    @Override
    public Future<?> start() {
        commands = new CliCommands(ops);
        Future<Void> f = Future.succeededFuture();
        for (StatsSocket s : sockets) f = f.compose(v -> listen(s));
        return f;
    }

    private Future<Void> listen(StatsSocket s) {
        CliLevel level = CliLevel.of(s.level());
        NetServer server = vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true));
        server.connectHandler(sock -> {
            CliSession session = new CliSession(vertx, sock, commands, level, IDLE_MILLIS);
            // "echo cmd | socat" shuts its write side and waits for the answer: keep the socket open
            // for writing after the client's FIN (Netty closes it by default) and tell the session
            if (sock instanceof io.vertx.core.internal.net.NetSocketInternal ns) {
                io.netty.channel.Channel ch = ns.channelHandlerContext().channel();
                ch.config().setOption(io.netty.channel.ChannelOption.ALLOW_HALF_CLOSURE, true);
                io.vertx.core.Context ctx = vertx.getOrCreateContext();
                ch.pipeline().addFirst("vxlb-cli-fin", new io.netty.channel.ChannelInboundHandlerAdapter() {
                    @Override
                    public void userEventTriggered(io.netty.channel.ChannelHandlerContext c, Object evt) throws Exception {
                        if (evt instanceof io.netty.channel.socket.ChannelInputShutdownEvent) ctx.runOnContext(v -> session.inputClosed());
                        super.userEventTriggered(c, evt);
                    }
                });
            }
            session.start();
        });
        String where = s.location() == null ? "" : s.location().file() + ":" + s.location().line() + ": ";
        if (s.path() == null) {
            return server.listen(s.port(), s.host()).<Void>mapEmpty().onSuccess(v -> servers.add(server))
                    .recover(t -> Future.failedFuture(new IllegalStateException(where + "stats socket " + s.address() + ": cannot listen: " + t.getMessage(), t)));
        }
        Path path = Path.of(s.path());
        return vertx.<Void>executeBlocking(() -> {
            removeStaleSocket(path);
            return null;
        }).compose(v -> server.listen(SocketAddress.domainSocketAddress(path.toString()))).compose(v -> vertx.<Void>executeBlocking(() -> {
            files.add(path);
            servers.add(server);
            if (s.mode() >= 0) Files.setPosixFilePermissions(path, permissions(s.mode()));
            return null;
        })).recover(t -> Future.failedFuture(new IllegalStateException(where + "stats socket " + s.path() + ": cannot listen: " + t.getMessage(), t)));
    }

    /**
     * HAProxy replaces an old socket at the path. vxlb replaces only a dead one: a socket another
     * process still answers on (a running haproxy's) is refused, and anything that is not a
     * socket is not ours to delete.
     */
    static void removeStaleSocket(Path path) throws IOException {
        String why = staleSocketProblem(path);
        if (why != null) throw new IOException(why);
        if (Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) Files.delete(path);
    }

    /** Why a stats socket cannot be made at {@code path} (null: it can). */
    static String staleSocketProblem(Path path) {
        Path dir = path.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) return "directory " + dir + " does not exist";
        if (!Files.isWritable(dir)) return "directory " + dir + " is not writable";
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return null;
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
            if ((mode & 0170000) != 0140000) return path + " exists and is not a socket: not replacing it";
        } catch (IOException | UnsupportedOperationException e) {
            return path + ": " + e.getMessage();
        }
        try (java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(path))) {
            return path + " is in use by another process (it accepted a connection): not replacing it";
        } catch (IOException e) {
            return null;  // nobody listens: a socket left by an earlier run
        }
    }

    /** What would keep the configuration's stats sockets from starting ({@code -c}), one line each. */
    public static java.util.List<String> problems(io.vxlb.config.Config config) {
        java.util.List<String> out = new ArrayList<>();
        for (StatsSocket s : config.global().statsSockets()) {
            if (s.path() == null) continue;
            String why = staleSocketProblem(Path.of(s.path()));
            String where = s.location() == null ? "" : s.location().file() + ":" + s.location().line() + ": ";
            if (why != null) out.add(where + "stats socket " + s.path() + ": " + why);
        }
        return out;
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> out = java.util.EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
                PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) if ((mode & (1 << i)) != 0) out.add(order[i]);
        return out;
    }

    @Override
    public Future<?> stop() {
        List<Future<Void>> closing = new ArrayList<>();
        for (NetServer s : servers) closing.add(s.close());
        return Future.join(closing).transform(x -> vertx.executeBlocking(() -> {
            for (Path p : files) {
                try {
                    removeStaleSocket(p);
                } catch (IOException e) {
                    LOG.warning("stats socket " + p + ": " + e.getMessage());
                }
            }
            return null;
        }));
    }
}
