package io.vxlb.proxy;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vxlb.config.Bind;
import io.vxlb.config.GlobalSection;
import io.vxlb.config.LogTarget;
import io.vxlb.config.Mode;
import io.vxlb.config.Proxy;
import io.vxlb.log.LogSink;
import io.vxlb.runtime.CompiledFrontend;
import io.vxlb.runtime.ConnectionGate;
import io.vxlb.runtime.Snapshot;
import io.vxlb.runtime.SnapshotHolder;
import io.vxlb.runtime.TrafficCounters;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code mode tcp} data plane of one event loop: a NetServer on every {@code bind} of the
 * TCP frontends and listen sections (Vert.x spreads accepted connections over the instances) and
 * the NetClient whose backend connections stay on this event loop. Deploy one instance per
 * event loop, next to the {@link ProxyVerticle}.
 */
public final class TcpProxyVerticle extends VerticleBase {
    final SnapshotHolder holder;
    final TrafficCounters counters;
    private NetClient client;
    /** Clients bound to a server's {@code source} address, by address; event-loop confined. */
    private final Map<String, NetClient> sourceClients = new java.util.HashMap<>();
    private final List<NetServer> servers = new ArrayList<>();
    private final Map<Proxy, List<LogSink>> sinks = new IdentityHashMap<>();

    public TcpProxyVerticle(SnapshotHolder holder, TrafficCounters counters) {
        this.holder = holder;
        this.counters = counters;
    }

    @Override
    public Future<?> start() {
        Snapshot snap = holder.get();
        client = createClient(null);
        List<Future<?>> listening = new ArrayList<>();
        for (CompiledFrontend fe : snap.frontends().values()) {
            Proxy p = fe.proxy();
            if (p.disabled() || p.mode() != Mode.TCP) continue;
            for (Bind b : p.binds()) listening.add(listen(fe.name(), p, b));
        }
        return Future.all(listening);
    }

    private Future<NetServer> listen(String frontendName, Proxy p, Bind b) {
        NetServerOptions o = new NetServerOptions()
                .setHost(b.listenHost())
                .setPort(b.port())
                .setTcpNoDelay(true)
                .setAcceptBacklog(b.backlog() > 0 ? b.backlog() : p.backlog() > 0 ? p.backlog() : -1);
        NetServer server = vertx.createNetServer(o);
        boolean acceptProxy = b.acceptProxy();
        server.connectHandler(sock -> accept(frontendName, sock, acceptProxy));
        servers.add(server);
        return server.listen();
    }

    /**
     * A new client connection: served at once, or, when the frontend or global maxconn is
     * reached, held unread until a place frees (HAProxy leaves it in the listen backlog).
     */
    private void accept(String frontendName, NetSocket sock, boolean acceptProxy) {
        Snapshot snap = holder.get();
        CompiledFrontend fe = snap.frontends().get(frontendName);
        ConnectionGate gate = fe == null ? null : counters.gate(frontendName, fe.proxy().maxconn(), snap.config().global().maxconn());
        if (gate == null) {
            new TcpSession(this, frontendName, sock, null, acceptProxy).start();
            return;
        }
        sock.pause();
        boolean[] closed = {false};
        sock.closeHandler(v -> closed[0] = true);
        io.vertx.core.Context ctx = vertx.getOrCreateContext();
        Runnable admitted = () -> {
            if (closed[0]) gate.leave();  // the client left while it waited
            else new TcpSession(this, frontendName, sock, gate, acceptProxy).start();
        };
        if (gate.enter(task -> ctx.runOnContext(v -> task.run()), admitted)) admitted.run();
    }

    io.vertx.core.Vertx vertx() {
        return vertx;
    }

    NetClient client() {
        return client;
    }

    /**
     * The client whose connections bind local address {@code source} (a server's
     * {@code source ADDR}): the default client when null, else one per distinct address on this
     * event loop, built on first use.
     */
    NetClient client(String source) {
        if (source == null) return client;
        NetClient c = sourceClients.get(source);
        if (c == null) {
            c = createClient(source);
            sourceClients.put(source, c);
        }
        return c;
    }

    private NetClient createClient(String localAddress) {
        NetClientOptions o = new NetClientOptions().setTcpNoDelay(true);
        if (localAddress != null) o.setLocalAddress(localAddress);
        return vertx.createNetClient(o);
    }

    /** The frontend's log targets (its own and, with {@code log global}, the global ones), built once per loop. */
    List<LogSink> sinks(Proxy p) {
        return sinks.computeIfAbsent(p, this::sinksFor);
    }

    private List<LogSink> sinksFor(Proxy p) {
        List<LogSink> l = new ArrayList<>();
        GlobalSection g = holder.get().config().global();
        String tag = p.logTag() != null ? p.logTag() : g.logTag();  // a proxy's log-tag (config branch)
        if (p.logGlobal()) for (LogTarget t : g.logs()) l.add(new LogSink(vertx, t, tag));
        for (LogTarget t : p.logs()) l.add(new LogSink(vertx, t, tag));
        return l;
    }
}
