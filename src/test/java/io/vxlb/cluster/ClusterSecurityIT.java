package io.vxlb.cluster;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Attacks from inside the cluster network, by a real rogue: a clustered Vert.x that joins the
 * nodes' Hazelcast cluster (the cluster name is no secret) and publishes on vxlb's event-bus
 * addresses and writes vxlb's Hazelcast maps directly. Without the cluster secret nothing it
 * sends is applied (and the nodes log the refusals); with the secret (a compromised or buggy
 * member) a change still cannot name an undeclared file, pin a key with a version from the
 * future, inject map lines, or pin a server DOWN with a verdict from the future.
 */
@Tag("cluster")
class ClusterSecurityIT {
    private final ClusterFixture fx = new ClusterFixture();
    /** Held: java.util.logging keeps loggers weakly, and a collected logger loses its handler. */
    private static final Logger VXLB_LOG = Logger.getLogger("io.vxlb");
    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r.getLoggerName() + ": " + r.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private Vertx rogue;

    /** The shared configuration, with a health check on server a (so health verdicts matter). */
    private static final String CONFIG = ClusterFixture.HOSTS_CONFIG.replace("server a 127.0.0.1:@A@\n", "server a 127.0.0.1:@A@ check inter 200\n");

    @AfterEach
    void tearDown() {
        VXLB_LOG.removeHandler(capture);
        if (rogue != null) ClusterFixture.await(rogue.close());
        fx.close();
    }

    private void start(String... nodes) throws Exception {
        VXLB_LOG.addHandler(capture);
        Files.writeString(fx.dir.resolve("hosts.map"), "example.com be_a\n");
        Files.writeString(fx.dir.resolve("victim.txt"), "precious\n");
        fx.backend("DEF");
        fx.backend("A");
        fx.backend("B");
        for (String n : nodes) fx.start(n, CONFIG);
        rogue = ClusterFixture.await(ClusterBootstrap.start(new VertxOptions().setEventLoopPoolSize(1), fx.hazelcast()));
        // the rogue is a member: it sees the nodes' event-bus subscriptions
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        var hz = ((io.vertx.core.internal.VertxInternal) fx.nodes.get(nodes[0]).node().vertx()).clusterManager();
        while (System.nanoTime() < deadline && hz.getNodes().size() < nodes.length + 1) Thread.sleep(20);
        Thread.sleep(300);  // the rogue's event-bus registrations have spread
        // a Hazelcast member is not a vxlb member without the secret
        assertEquals(nodes.length, fx.nodes.get(nodes[0]).node().members().live().size(), "the rogue is not counted as a member");
    }

    private String route(String node, String host) {
        return fx.get(fx.nodes.get(node).fe(), "/", "host", host).body();
    }

    private static long future(long ms) {
        return (System.currentTimeMillis() + ms) << SharedState.CLOCK_SHIFT;
    }

    private JsonObject mapChange(String path, long version, JsonArray entries) {
        return new JsonObject().put("key", new JsonObject().put("kind", "map").put("path", path)).put("version", version)
                .put("writer", "rogue").put("value", new JsonObject().put("entries", entries).put("version", version));
    }

    private static JsonObject downVerdict(long time) {
        return new JsonObject().put("backend", "be_a").put("server", "a").put("up", false).put("node", "rogue")
                .put("message", "Server be_a/a is DOWN").put("time", time);
    }

    private void settle() throws InterruptedException {
        Thread.sleep(1000);  // the forged messages have reached every node (loopback: milliseconds)
    }

    @Test
    void rogueMemberWithoutTheSecretChangesNothing() throws Exception {
        start("a", "b");
        Path evil = fx.dir.resolve("evil/sub/new.map");
        Path victim = fx.dir.resolve("victim.txt");
        JsonArray entries = new JsonArray().add(new JsonArray().add("example.com").add("be_b"));
        // the old, untyped wire format; the typed one unsigned; signed with another secret
        rogue.eventBus().publish(SharedState.CHANGES, new JsonObject().put("key", "map:" + evil).put("version", Long.MAX_VALUE)
                .put("value", new JsonObject().put("entries", entries).put("version", Long.MAX_VALUE)));
        rogue.eventBus().publish(SharedState.CHANGES, mapChange(victim.toString(), Long.MAX_VALUE, entries));
        ClusterSecret wrong = ClusterSecret.random();
        rogue.eventBus().publish(SharedState.CHANGES, wrong.seal(SharedState.STATE, mapChange(fx.dir.resolve("hosts.map").toString(), Long.MAX_VALUE, entries)));
        // a health verdict from the far future would pin be_a/a DOWN
        rogue.eventBus().publish(SharedState.HEALTH_EVENTS, downVerdict(Long.MAX_VALUE / 2));
        rogue.eventBus().publish(SharedState.HEALTH_EVENTS, wrong.seal(SharedState.HEALTH, downVerdict(Long.MAX_VALUE / 2)));
        // a state change sealed as a health verdict (right secret is not known to the rogue anyway)
        rogue.eventBus().publish(SharedState.CHANGES, wrong.seal(SharedState.HEALTH, mapChange(victim.toString(), 1, entries)));
        // and straight into Hazelcast's maps, for late joiners
        ClusterFixture.await(rogue.sharedData().<String, String>getAsyncMap(SharedState.STATE_MAP)
                .compose(m -> m.put("map:" + victim, wrong.seal(SharedState.STATE, mapChange(victim.toString(), Long.MAX_VALUE, entries)).encode())));
        ClusterFixture.await(rogue.sharedData().<String, String>getAsyncMap(SharedState.HEALTH_MAP)
                .compose(m -> m.put("be_a/a", downVerdict(Long.MAX_VALUE / 2).encode())));
        settle();

        assertFalse(Files.exists(fx.dir.resolve("evil")), "no directory was made for a forged map path");
        assertEquals("precious\n", Files.readString(victim), "an existing file was not overwritten");
        for (String n : List.of("a", "b")) {
            assertEquals("A", route(n, "example.com"), "node " + n + " routes as before");
            assertEquals(0L, fx.nodes.get(n).node().replica().version(), "node " + n + " applied nothing");
        }
        assertTrue(logged.stream().anyMatch(l -> l.contains("refused a state change: unsigned")), "refusals are logged: " + logged);
        assertTrue(logged.stream().anyMatch(l -> l.contains("refused a health verdict")), "refusals are logged: " + logged);

        // a late joiner ignores the rogue's stored entries
        fx.start("c", CONFIG);
        assertEquals("A", route("c", "example.com"));
        assertEquals(0L, fx.nodes.get("c").node().replica().version());
        assertTrue(logged.stream().anyMatch(l -> l.contains("dropping cluster entry")), "stored forgeries are logged: " + logged);

        // the key is not pinned: a real write applies everywhere, and be_a/a was never taken DOWN
        ClusterFixture.Reply r = fx.admin("a", HttpMethod.PUT, "/v1/maps/hosts.map/entries/example.com?wait=all", "{\"value\":\"be_b\"}");
        assertEquals(200, r.status(), r.body());
        for (String n : List.of("a", "b", "c")) assertEquals("B", route(n, "example.com"));
        JsonObject servers = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {  // until b has every member's report (c joined a moment ago)
            servers = fx.admin("b", HttpMethod.GET, "/v1/servers", null).json().getJsonObject("servers");
            if (servers.getJsonObject("be_a/a").getJsonObject("nodes").size() == 3) break;
            Thread.sleep(100);
        }
        for (String n : List.of("a", "b", "c")) assertTrue(servers.getJsonObject("be_a/a").getJsonObject("nodes").getJsonObject(n).getBoolean("up"), servers.encode());

        // the rogue overwrites b's member entry: b publishes it again, and stays a member for the others
        String bId = fx.nodes.get("b").node().members().selfId();
        ClusterFixture.await(rogue.sharedData().<String, String>getAsyncMap(Members.MEMBERS_MAP)
                .compose(m -> m.put(bId, wrong.seal(Members.MEMBER, new JsonObject().put("id", bId).put("name", "evil")).encode())));
        Thread.sleep(2000);
        assertTrue(fx.nodes.get("a").node().members().live().contains(bId), "b is a member again");
        assertEquals("b", fx.nodes.get("a").node().members().byName("b").name());
    }

    @Test
    void rogueCannotForgeAcknowledgementsOrNodeCalls() throws Exception {
        start("a", "b");
        // the rogue listens on b's call address too: an unsealed answer must not count as b's ACK
        String bId = fx.nodes.get("b").node().members().selfId();
        rogue.eventBus().consumer(io.vxlb.Node.nodeAddress(bId, "call"), m -> m.reply(new JsonObject().put("applied", true)));
        Thread.sleep(500);
        int forged = 0;
        for (int i = 0; i < 6; i++) {
            ClusterFixture.Reply r = fx.admin("a", HttpMethod.PUT, "/v1/maps/hosts.map/entries/k" + i + ".example.com?wait=all&timeout=2000", "{\"value\":\"be_b\"}");
            // b's real ACK or a timeout; never the rogue's reply taken as an ACK
            for (Object o : r.json().getJsonArray("nodes")) {
                JsonObject ack = (JsonObject) o;
                if (ack.getString("node").equals("b") && ack.getString("reason") != null && ack.getString("reason").contains("refused")) forged++;
            }
            assertTrue(r.status() == 200 || r.status() == 504, r.body());
        }
        assertTrue(forged > 0, "the rogue's replies reached the caller and were refused");
    }

    @Test
    void memberWithTheSecretStillCannotNameUndeclaredFilesPinVersionsOrInjectLines() throws Exception {
        start("a", "b");
        ClusterSecret s = fx.secret;  // an insider (or a buggy node) with the secret
        Path victim = fx.dir.resolve("victim.txt");
        String outside = "vxlb-outside-" + java.util.UUID.randomUUID();
        String hosts = fx.dir.resolve("hosts.map").toString();
        JsonArray entries = new JsonArray().add(new JsonArray().add("example.com").add("be_b"));
        long now = System.currentTimeMillis() << SharedState.CLOCK_SHIFT;
        rogue.eventBus().publish(SharedState.CHANGES, s.seal(SharedState.STATE, mapChange(victim.toString(), now, entries)));
        rogue.eventBus().publish(SharedState.CHANGES, s.seal(SharedState.STATE, mapChange(fx.dir.resolve("../" + outside + "/new.map").toString(), now, entries)));
        rogue.eventBus().publish(SharedState.CHANGES, s.seal(SharedState.STATE, mapChange(hosts, Long.MAX_VALUE, entries)));
        rogue.eventBus().publish(SharedState.CHANGES, s.seal(SharedState.STATE, mapChange(hosts, future(7_200_000), entries)));
        rogue.eventBus().publish(SharedState.CHANGES, s.seal(SharedState.STATE, mapChange(hosts, now,
                new JsonArray().add(new JsonArray().add("x.example.com").add("be_b\nexample.com be_b")))));
        rogue.eventBus().publish(SharedState.CHANGES, s.seal(SharedState.STATE, new JsonObject().put("key", "map:" + hosts)
                .put("version", now).put("value", new JsonObject().put("entries", entries))));
        rogue.eventBus().publish(SharedState.CHANGES, s.seal(SharedState.STATE, new JsonObject()
                .put("key", new JsonObject().put("kind", "server").put("backend", "be_a").put("server", "a"))
                .put("version", now).put("writer", "rogue").put("value", new JsonObject().put("admin", "sleep"))));
        rogue.eventBus().publish(SharedState.HEALTH_EVENTS, s.seal(SharedState.HEALTH, downVerdict(System.currentTimeMillis() + 3_600_000)));
        settle();

        assertEquals("precious\n", Files.readString(victim));
        assertFalse(Files.exists(fx.dir.resolveSibling(outside)));
        assertEquals("example.com be_a\n", Files.readString(Path.of(hosts)), "no forged line reached the map file");
        for (String n : List.of("a", "b")) {
            assertEquals("A", route(n, "example.com"));
            assertEquals(0L, fx.nodes.get(n).node().replica().version(), "node " + n + " applied nothing");
        }
        assertTrue(logged.stream().anyMatch(l -> l.contains("is not declared by the running configuration")), logged.toString());
        assertTrue(logged.stream().anyMatch(l -> l.contains("ahead of this node's clock")), logged.toString());
        assertTrue(logged.stream().anyMatch(l -> l.contains("must be one line")), logged.toString());
        assertTrue(logged.stream().anyMatch(l -> l.contains("in the future")), logged.toString());
        // the server key is not poisoned: a real change applies
        ClusterFixture.Reply r = fx.admin("a", HttpMethod.PUT, "/v1/servers/be_a/a?wait=all", "{\"admin\":\"maint\"}");
        assertEquals(200, r.status(), r.body());
        for (String n : List.of("a", "b")) assertEquals(503, fx.get(fx.nodes.get(n).fe(), "/", "host", "example.com").status());
        // nor is the map: a real write applies everywhere
        assertEquals(200, fx.admin("b", HttpMethod.PUT, "/v1/maps/hosts.map/entries/example.com?wait=all", "{\"value\":\"be_b\"}").status());
        for (String n : List.of("a", "b")) assertEquals("B", route(n, "example.com"));
    }

    @Test
    void aClusteredNodeWithoutTheSecretDoesNotStart() throws Exception {
        Files.writeString(fx.dir.resolve("hosts.map"), "example.com be_a\n");
        var r = new io.vxlb.config.ConfigParser(java.util.Map.of("FE", "1")::get).parse("x.cfg", fx.text(CONFIG));
        Vertx v = ClusterFixture.await(ClusterBootstrap.start(new VertxOptions().setEventLoopPoolSize(1), fx.hazelcast()));
        try {
            io.vxlb.Node.startOwning(v, r.config(), new io.vxlb.Node.Options("nosecret", null)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            throw new AssertionError("a clustered node started without the cluster secret");
        } catch (java.util.concurrent.ExecutionException e) {
            assertTrue(e.getCause().getMessage().contains("cluster secret"), e.getCause().getMessage());
        }
    }

    private static void openssl(Path dir, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
    }

    @Test
    void eventBusOverTlsKeepsAMemberWithoutACertificateOut() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(new ProcessBuilder("openssl", "version").start().waitFor() == 0, "openssl is not on the PATH");
        Path d = fx.dir;
        openssl(d, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=vxlb test CA");
        openssl(d, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "node.key", "-out", "node.csr", "-subj", "/CN=127.0.0.1");
        Files.writeString(d.resolve("san.ext"), "subjectAltName=IP:127.0.0.1\n");
        openssl(d, "x509", "-req", "-in", "node.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "node.crt", "-days", "2", "-extfile", "san.ext");
        fx.vertxOptions = o -> ClusterBootstrap.eventBusTls(o, d.resolve("node.crt").toString(), d.resolve("node.key").toString(), d.resolve("ca.crt").toString());
        start("a", "b");  // the rogue (started by start()) has no certificate
        java.util.concurrent.atomic.AtomicInteger overheard = new java.util.concurrent.atomic.AtomicInteger();
        ClusterFixture.await(rogue.eventBus().consumer(SharedState.CHANGES, m -> overheard.incrementAndGet()).completion());
        Thread.sleep(500);
        // the nodes talk over TLS: a write is acknowledged by both
        ClusterFixture.Reply r = fx.admin("a", HttpMethod.PUT, "/v1/maps/hosts.map/entries/example.com?wait=all", "{\"value\":\"be_b\"}");
        assertEquals(200, r.status(), r.body());
        assertEquals("all", r.json().getString("applied"));
        for (String n : List.of("a", "b")) assertEquals("B", route(n, "example.com"));
        // the rogue joined Hazelcast but cannot open an event-bus connection: it overhears nothing, and what it sends never arrives
        Thread.sleep(500);
        assertEquals(0, overheard.get(), "the rogue received no state change");
        rogue.eventBus().publish(SharedState.CHANGES, fx.secret.seal(SharedState.STATE, mapChange(fx.dir.resolve("hosts.map").toString(),
                System.currentTimeMillis() << SharedState.CLOCK_SHIFT, new JsonArray().add(new JsonArray().add("example.com").add("be_default")))));
        settle();
        for (String n : List.of("a", "b")) assertEquals("B", route(n, "example.com"), "nothing the rogue sent was delivered");
    }
}
