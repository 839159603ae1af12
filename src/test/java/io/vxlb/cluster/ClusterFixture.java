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
        for (int i = 0; i < MAX_MEMBERS; i++) members.add("127.0.0.1:" + (hazelcastBase + i));
        c.getNetworkConfig().getJoin().getTcpIpConfig().setMembers(members);
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
        Vertx v = await(ClusterBootstrap.start(new VertxOptions().setEventLoopPoolSize(2), hazelcast()));
        AdminOptions a = admin != null ? admin : AdminOptions.loopback(0);
        Node n = await(Node.startOwning(v, r.config(), options.apply(new Node.Options(name, a, env::get).withSecret(secret))));
        Started s = new Started(name, n, fe, n.adminPort(), fe2);
        nodes.put(name, s);
        return s;
    }

    /** Node options of the nodes started next (tests override: cluster size, maps dirs). */
    java.util.function.UnaryOperator<Node.Options> options = o -> o;

    void stop(String name) {
        Started s = nodes.remove(name);
        if (s != null) await(s.node().close());
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
        await(plain.close());
        io.vxlb.testing.Ports.deleteTree(dir);
    }
}
