package io.vxlb.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vxlb.Node;
import io.vxlb.admin.AdminOptions;
import io.vxlb.config.ConfigParser;
import io.vxlb.config.ParseResult;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real clustered vxlb nodes in this JVM: each has its own clustered Vert.x on a real Hazelcast
 * member (the top-level cluster.xml with a cluster name of its own and an explicit member list,
 * so parallel or leftover clusters never merge), its admin API on a free loopback port, and its
 * own frontend port given through the node's environment ({@code bind "127.0.0.1:${FE}"}).
 * {@code @NAME@} in a configuration text is a port shared by all nodes (backends).
 */
final class ClusterFixture implements AutoCloseable {
    static final int MAX_MEMBERS = 6;
    /** A frontend routing by Host through hosts.map (in the fixture's directory) to be_a, be_b or be_default. */
    static final String HOSTS_CONFIG = """
            defaults
                mode http
                timeout connect 2s
                timeout client 10s
                timeout server 10s
            frontend fe
                bind "127.0.0.1:${FE}"
                use_backend %[req.hdr(host),lower,map(%DIR%/hosts.map,be_default)]
            backend be_default
                server d 127.0.0.1:@DEF@
            backend be_a
                server a 127.0.0.1:@A@
            backend be_b
                server b 127.0.0.1:@B@
            """;
    final String clusterName = "vxlb-test-" + UUID.randomUUID();
    final int hazelcastBase = freeRange(MAX_MEMBERS);
    final Vertx plain = Vertx.vertx();
    /** Keep-alive clients, as real ones are (each request still reads the node's current snapshot). */
    final HttpClient client = plain.createHttpClient(new HttpClientOptions().setKeepAlive(true),
            new io.vertx.core.http.PoolOptions().setHttp1MaxSize(16));
    final Map<String, Integer> ports = new HashMap<>();
    final Map<String, Started> nodes = new LinkedHashMap<>();
    final Path dir;
    /** The cluster secret every node of this fixture seals its messages with. */
    final ClusterSecret secret = ClusterSecret.random();

    /** A running node with its own frontend and admin ports. */
    record Started(String name, Node node, int fe, int admin, int fe2) {}

    ClusterFixture() {
        try {
            dir = Files.createTempDirectory("vxlb-cluster");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    int port(String name) {
        return ports.computeIfAbsent(name, n -> freePort());
    }

    String text(String config) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("@([A-Z0-9_]+)@").matcher(config);
        StringBuilder sb = new StringBuilder();
        while (m.find()) m.appendReplacement(sb, String.valueOf(port(m.group(1))));
        m.appendTail(sb);
        return sb.toString().replace("%DIR%", dir.toString());
    }

    com.hazelcast.config.Config hazelcast() {
        com.hazelcast.config.Config c = ClusterBootstrap.hazelcastConfig(Path.of("cluster.xml"), clusterName);
        c.getNetworkConfig().setPort(hazelcastBase).setPortAutoIncrement(true).setPortCount(MAX_MEMBERS);
        List<String> members = new ArrayList<>();
        for (int i = 0; i < memberSlots; i++) members.add("127.0.0.1:" + (hazelcastBase + i));
        c.getNetworkConfig().getJoin().getTcpIpConfig().setMembers(members);
        // a healed split merges within seconds (production defaults: 300 s, then every 120 s)
        c.setProperty("hazelcast.merge.first.run.delay.seconds", "2");
        c.setProperty("hazelcast.merge.next.run.delay.seconds", "2");
        return c;
    }

    /** Starts a clustered node named {@code name} on the configuration text. */
    Started start(String name, String config) {
        return start(name, config, null);
    }

    Started start(String name, String config, AdminOptions admin) {
        int fe = freePort(), fe2 = freePort();
        Map<String, String> env = Map.of("FE", String.valueOf(fe), "FE2", String.valueOf(fe2));
        ParseResult r = new ConfigParser(env::get).parse(name + ".cfg", text(config));
        assertTrue(r.ok(), () -> "config does not parse: " + r.diagnostics());
        Vertx v;
        if (firewalled) {
            // a Hazelcast member whose connections the test can cut (Hazelcast's own test support)
            com.hazelcast.config.Config hc = hazelcast();
            hc.getMemberAttributeConfig().setAttribute("__vertx.nodeId", UUID.randomUUID().toString());  // as Vert.x sets it on the members it makes
            com.hazelcast.core.HazelcastInstance h = com.hazelcast.instance.impl.HazelcastInstanceFactory.newHazelcastInstance(
                    hc, name + "-" + UUID.randomUUID(), new com.hazelcast.instance.FirewallingNodeContext());
            instances.put(name, h);
            ClusterBootstrap.quietHazelcast();
            // the event bus is reached through a relay the test can cut too (a partition cuts every channel)
            int busPort = freePort();
            Relay relay = new Relay(busPort);
            relays.put(name, relay);
            VertxOptions vo = new VertxOptions().setEventLoopPoolSize(2);
            vo.getEventBusOptions().setHost("127.0.0.1").setPort(busPort).setClusterPublicHost("127.0.0.1").setClusterPublicPort(relay.port);
            v = await(Vertx.builder().with(vo)
                    .withClusterManager(new io.vertx.spi.cluster.hazelcast.HazelcastClusterManager(h)).buildClustered());
        } else {
            v = await(ClusterBootstrap.start(vertxOptions.apply(new VertxOptions().setEventLoopPoolSize(2)), hazelcast()));
        }
        AdminOptions a = admin != null ? admin : AdminOptions.loopback(0);
        Node n = await(Node.startOwning(v, r.config(), options.apply(new Node.Options(name, a, env::get).withSecret(secret))));
        Started s = new Started(name, n, fe, n.adminPort(), fe2);
        nodes.put(name, s);
        return s;
    }

    /** Vert.x options of the nodes started next (e.g. event-bus TLS). */
    java.util.function.UnaryOperator<VertxOptions> vertxOptions = o -> o;

    /** Node options of the nodes started next (tests override: cluster size, maps dirs). */
    java.util.function.UnaryOperator<Node.Options> options = o -> o;

    void stop(String name) {
        Started s = nodes.remove(name);
        if (s != null) await(s.node().close());
        var h = instances.remove(name);
        if (h != null) h.getLifecycleService().terminate();
    }

    /**
     * How many member addresses the Hazelcast configuration lists (the ports nodes take in start
     * order). After a split, Hazelcast's search for the other side waits up to 5 s for each listed
     * address that does not answer, so a partition test lists only the members it starts.
     */
    int memberSlots = MAX_MEMBERS;

    /** Nodes started from now on run on Hazelcast members whose connections {@link #cut} can block. */
    boolean firewalled;
    final Map<String, com.hazelcast.core.HazelcastInstance> instances = new LinkedHashMap<>();

    private static com.hazelcast.instance.impl.Node hzNode(com.hazelcast.core.HazelcastInstance h) {
        return ((com.hazelcast.instance.impl.HazelcastInstanceProxy) h).getOriginal().node;
    }

    private static com.hazelcast.internal.server.FirewallingServer.FirewallingServerConnectionManager firewall(com.hazelcast.core.HazelcastInstance h) {
        return (com.hazelcast.internal.server.FirewallingServer.FirewallingServerConnectionManager)
                hzNode(h).getServer().getConnectionManager(com.hazelcast.instance.EndpointQualifier.MEMBER);
    }

    /**
     * Cuts the Hazelcast traffic between two groups of nodes: new connections blocked and open ones
     * closed both ways, and each side told to suspect the other (as its failure detector would a
     * few seconds later), so each side carries on as a cluster of its own.
     */
    void cut(List<String> left, List<String> right) {
        for (String l : left) {
            for (String r : right) {
                var hl = instances.get(l);
                var hr = instances.get(r);
                com.hazelcast.cluster.Address al = hzNode(hl).getThisAddress(), ar = hzNode(hr).getThisAddress();
                firewall(hl).blockNewConnection(ar);
                firewall(hl).closeActiveConnection(ar);
                firewall(hr).blockNewConnection(al);
                firewall(hr).closeActiveConnection(al);
            }
        }
        for (String l : left) {
            for (String r : right) {
                suspect(instances.get(l), instances.get(r));
                suspect(instances.get(r), instances.get(l));
            }
        }
    }

    private static void suspect(com.hazelcast.core.HazelcastInstance by, com.hazelcast.core.HazelcastInstance whom) {
        var cs = hzNode(by).getClusterService();
        var m = cs.getMember(hzNode(whom).getThisAddress());
        if (m != null) cs.suspectMember(m, "partition test", true);
    }

    final Map<String, Relay> relays = new LinkedHashMap<>();

    /**
     * A TCP relay in front of a node's event-bus port. Blocked, it closes what it relays and stops
     * listening (connections are refused, as to a host cut off); unblocked, it listens again.
     */
    final class Relay {
        final int port;
        private final int target;
        private final List<io.vertx.core.net.NetSocket> open = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final io.vertx.core.net.NetClient out = plain.createNetClient();
        private io.vertx.core.net.NetServer server;

        Relay(int target) {
            this.target = target;
            this.port = freePort();
            listen();
        }

        private void listen() {
            server = await(plain.createNetServer(new io.vertx.core.net.NetServerOptions().setReuseAddress(true)).connectHandler(in -> {
                in.pause();
                out.connect(target, "127.0.0.1").onSuccess(o -> {
                    open.add(in);
                    open.add(o);
                    in.handler(o::write);
                    o.handler(in::write);
                    in.closeHandler(x -> o.close());
                    o.closeHandler(x -> in.close());
                    in.resume();
                }).onFailure(t -> in.close());
            }).listen(port, "127.0.0.1"));
        }

        synchronized void block(boolean b) {
            if (b && server != null) {
                await(server.close());
                server = null;
                for (io.vertx.core.net.NetSocket so : open) so.close();
                open.clear();
            } else if (!b && server == null) {
                listen();
            }
        }
    }

    /** Cuts the event bus into these nodes (their inbound relay), as a partition would. */
    void cutEventBus(List<String> names) {
        for (String n : names) relays.get(n).block(true);
    }

    /** Lets the Hazelcast traffic of every node flow again (Hazelcast's split-brain handler then merges the sides). */
    void heal() {
        for (var a : instances.values()) for (var b : instances.values()) if (a != b) firewall(a).unblock(hzNode(b).getThisAddress());
        for (Relay r : relays.values()) r.block(false);
    }

    /** A backend answering its name to every request. */
    HttpServer backend(String name) {
        return await(plain.createHttpServer().requestHandler(req -> req.response().end(name)).listen(port(name), "127.0.0.1"));
    }

    record Reply(int status, String body) {
        JsonObject json() {
            return new JsonObject(body);
        }
    }

    Reply http(HttpMethod method, int port, String uri, String body, String... headers) {
        RequestOptions o = new RequestOptions().setHost("127.0.0.1").setPort(port).setMethod(method).setURI(uri)
                .setConnectTimeout(5_000).setIdleTimeout(20_000);
        for (int i = 0; i + 1 < headers.length; i += 2) o.addHeader(headers[i], headers[i + 1]);
        // resp.body() is attached in the turn that delivers the response (nested, not chained from
        // this thread): chained, it can come after the body was dispatched and never complete (vert.x#5904)
        return await(client.request(o).compose(req -> (body == null ? req.send() : req.send(Buffer.buffer(body)))
                .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), b.toString())))));
    }

    Reply get(int port, String uri, String... headers) {
        return http(HttpMethod.GET, port, uri, null, headers);
    }

    Reply admin(String node, HttpMethod method, String uri, String body) {
        return http(method, nodes.get(node).admin(), uri, body, "content-type", "application/json");
    }

    static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static int freePort() {
        return io.vxlb.testing.Ports.freePort();
    }

    static int freeRange(int n) {
        return io.vxlb.testing.Ports.freeRange(n);
    }

    @Override
    public void close() {
        for (Started s : new ArrayList<>(nodes.values())) {
            try {
                await(s.node().close());
            } catch (RuntimeException ignored) {
                // keep closing the others
            }
        }
        nodes.clear();
        for (var h : instances.values()) {
            try {
                h.getLifecycleService().terminate();
            } catch (RuntimeException ignored) {
                // keep closing the others
            }
        }
        instances.clear();
        await(plain.close());
        io.vxlb.testing.Ports.deleteTree(dir);
    }
}
