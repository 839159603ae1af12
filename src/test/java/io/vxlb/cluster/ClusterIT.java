package io.vxlb.cluster;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vxlb.admin.AdminOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several clustered nodes in this JVM on a real Hazelcast cluster: map changes through one
 * node's admin API route requests on every node, late joiners and restarts keep them, a broken
 * reload changes nothing anywhere, and the admin API refuses bad input and missing credentials.
 */
@Tag("cluster")
class ClusterIT {
    private final ClusterFixture fx = new ClusterFixture();

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private static final String CONFIG = ClusterFixture.HOSTS_CONFIG;

    /** A configuration text as the API takes it: {@code {"text": ...}} (writes are JSON only). */
    static String configJson(String text) {
        return new JsonObject().put("text", text).encode();
    }

    private void startBackends() throws Exception {
        Files.writeString(fx.dir.resolve("hosts.map"), "# host -> backend\nexample.com be_a\n");
        fx.backend("DEF");
        fx.backend("A");
        fx.backend("B");
    }

    private String route(String node, String host) {
        return fx.get(fx.nodes.get(node).fe(), "/", "host", host).body();
    }

    /** Polls until {@code node} routes {@code host} to {@code expected}; returns the milliseconds it took. */
    private long awaitRoute(String node, String host, String expected, long startNanos) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = route(node, host);
            } catch (RuntimeException e) {
                last = "error: " + e;  // reported below if it never routes
            }
            if (expected.equals(last)) return (System.nanoTime() - startNanos) / 1_000_000;
            Thread.sleep(5);
        }
        throw new AssertionError(node + " never routed " + host + " to " + expected + " (last: " + last + ")");
    }

    @Test
    void mapEntrySetOnOneNodeRoutesOnAllWithinOneSecondAndSurvivesJoinAndRestart() throws Exception {
        startBackends();
        for (String n : List.of("a", "b", "c")) fx.start(n, CONFIG);
        for (String n : List.of("a", "b", "c")) {
            assertEquals("A", route(n, "example.com"));
            assertEquals("DEF", route(n, "shop.example.com"));
        }
        assertEquals(3, fx.admin("a", HttpMethod.GET, "/v1/cluster", null).json().getJsonArray("members").size());

        long t0 = System.nanoTime();
        ClusterFixture.Reply put = fx.admin("a", HttpMethod.PUT, "/v1/maps/hosts.map/entries/shop.example.com", "{\"value\":\"be_b\"}");
        assertEquals(200, put.status(), put.body());
        long version = put.json().getLong("version");
        for (String n : List.of("a", "b", "c")) {
            long ms = awaitRoute(n, "shop.example.com", "B", t0);
            assertTrue(ms < 1000, n + " took " + ms + " ms");
        }
        // every node reports the same version of the change
        JsonArray members = fx.admin("b", HttpMethod.GET, "/v1/cluster", null).json().getJsonArray("members");
        for (int i = 0; i < members.size(); i++) {
            assertTrue(members.getJsonObject(i).getLong("version") >= version, members.encodePrettily());
        }
        // the map file on disk was rewritten (atomically) with the change
        String file = Files.readString(fx.dir.resolve("hosts.map"));
        assertTrue(file.contains("shop.example.com be_b\n"), file);
        assertTrue(file.contains("example.com be_a\n"), file);

        // a node that joins later serves the change before it takes traffic
        fx.start("d", CONFIG);
        assertEquals("B", route("d", "shop.example.com"), "first request on the late joiner");

        // the whole cluster restarted: the rewritten map file keeps the change
        for (String n : List.of("a", "b", "c", "d")) fx.stop(n);
        fx.start("e", CONFIG);
        assertEquals("B", route("e", "shop.example.com"));
        assertEquals("A", route("e", "example.com"));
    }

    @Test
    void propagationLatencyOver100Updates() throws Exception {
        startBackends();
        for (String n : List.of("a", "b", "c")) fx.start(n, CONFIG);
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            long t0 = System.nanoTime();
            ClusterFixture.Reply r = fx.admin(i % 2 == 0 ? "a" : "b", HttpMethod.PUT,
                    "/v1/maps/hosts.map/entries/k" + (i % 10) + ".example.com?wait=all", "{\"value\":\"be_" + (i % 2 == 0 ? "a" : "b") + "\"}");
            micros.add((System.nanoTime() - t0) / 1000);
            assertEquals(200, r.status(), r.body());
            assertEquals("all", r.json().getString("applied"));
        }
        micros.sort(null);
        System.out.printf("map update applied on all 3 nodes (PUT ?wait=all round trip): p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                micros.get(49) / 1000.0, micros.get(98) / 1000.0, micros.get(99) / 1000.0);
        // and the last write of each key is what every node routes
        for (String n : List.of("a", "b", "c")) assertEquals("B", route(n, "k9.example.com"));
    }

    @Test
    void wholeMapReplaceIsAtomic() throws Exception {
        StringBuilder keys = new StringBuilder();
        StringBuilder v1 = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            keys.append("%[str(k").append(i).append("),map(%DIR%/bulk.map,none)] ");
            v1.append("k").append(i).append(" v1\n");
        }
        Files.writeString(fx.dir.resolve("bulk.map"), v1.toString());
        String config = """
                defaults
                    mode http
                    timeout client 10s
                frontend fe
                    bind "127.0.0.1:${FE}"
                    http-request return status 200 content-type text/plain lf-string "%s"
                """.formatted(keys.toString().trim());
        fx.start("a", config);
        fx.start("b", config);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger mixed = new AtomicInteger(), seen = new AtomicInteger();
        AtomicReference<String> example = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(2);
        for (String n : List.of("a", "b")) {
            Thread t = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        String body = fx.get(fx.nodes.get(n).fe(), "/").body();
                        seen.incrementAndGet();
                        boolean allV1 = body.matches("(v1 ?)+"), allV2 = body.matches("(v2 ?)+");
                        if (!allV1 && !allV2) {
                            mixed.incrementAndGet();
                            example.set(body);
                        }
                    }
                } finally {
                    done.countDown();
                }
            });
            t.start();
        }
        JsonObject entries = new JsonObject();
        for (int i = 0; i < 50; i++) entries.put("k" + i, "v2");
        for (int round = 0; round < 10; round++) {
            String value = round % 2 == 0 ? "v2" : "v1";
            JsonObject e = new JsonObject();
            for (int i = 0; i < 50; i++) e.put("k" + i, value);
            ClusterFixture.Reply r = fx.admin("a", HttpMethod.PUT, "/v1/maps/bulk.map?wait=all", new JsonObject().put("entries", e).encode());
            assertEquals(200, r.status(), r.body());
        }
        stop.set(true);
        assertTrue(done.await(30, TimeUnit.SECONDS));
        assertTrue(seen.get() > 20, "requests made during the replaces: " + seen.get());
        assertEquals(0, mixed.get(), () -> "a request saw half a map: " + example.get());
        // the last replace set v1 everywhere
        assertTrue(fx.get(fx.nodes.get("b").fe(), "/").body().matches("(v1 ?)+"));
    }

    @Test
    void brokenReloadIsRejectedWithLineErrorsAndChangesNothing() throws Exception {
        startBackends();
        fx.start("a", CONFIG);
        fx.start("b", CONFIG);
        String broken = fx.text(CONFIG).replace("server b 127.0.0.1", "servr b 127.0.0.1");
        ClusterFixture.Reply r = fx.http(HttpMethod.POST, fx.nodes.get("a").admin(), "/v1/config", configJson(broken), "content-type", "application/json");
        assertEquals(400, r.status(), r.body());
        JsonObject err = r.json().getJsonArray("errors").getJsonObject(0);
        assertEquals(14, err.getInteger("line"), err.encode());
        assertEquals("servr", err.getString("keyword"), err.encode());
        assertTrue(err.getString("text").contains("server"), "did-you-mean: " + err.encode());
        ClusterFixture.Reply validate = fx.http(HttpMethod.POST, fx.nodes.get("b").admin(), "/v1/config/validate", configJson(broken), "content-type", "application/json");
        assertFalse(validate.json().getBoolean("valid"));
        for (String n : List.of("a", "b")) {
            assertEquals("A", route(n, "example.com"));
            assertEquals(0, fx.nodes.get(n).node().replica().versions().getOrDefault("config", 0L));
        }

        // a valid reload reaches both nodes: be_a now points at backend B
        String next = fx.text(CONFIG).replace("server a 127.0.0.1:" + fx.port("A"), "server a 127.0.0.1:" + fx.port("B"));
        ClusterFixture.Reply ok = fx.http(HttpMethod.POST, fx.nodes.get("b").admin(), "/v1/config?wait=all", configJson(next), "content-type", "application/json");
        assertEquals(200, ok.status(), ok.body());
        for (String n : List.of("a", "b")) assertEquals("B", route(n, "example.com"));
        // and a node joining later gets the reloaded configuration, not its file's
        fx.start("c", CONFIG);
        assertEquals("B", route("c", "example.com"));
    }

    @Test
    void serverAdminStateIsClusterWide() throws Exception {
        startBackends();
        fx.start("a", CONFIG);
        fx.start("b", CONFIG);
        ClusterFixture.Reply r = fx.admin("a", HttpMethod.PUT, "/v1/servers/be_a/a?wait=all", "{\"admin\":\"maint\"}");
        assertEquals(200, r.status(), r.body());
        for (String n : List.of("a", "b")) assertEquals(503, fx.get(fx.nodes.get(n).fe(), "/", "host", "example.com").status());
        JsonObject servers = fx.admin("b", HttpMethod.GET, "/v1/servers", null).json().getJsonObject("servers");
        JsonObject nodes = servers.getJsonObject("be_a/a").getJsonObject("nodes");
        assertEquals("maint", nodes.getJsonObject("a").getString("admin"));
        assertEquals("maint", nodes.getJsonObject("b").getString("admin"));
        assertEquals(200, fx.admin("b", HttpMethod.PUT, "/v1/servers/be_a/a?wait=all", "{\"admin\":\"ready\"}").status());
        for (String n : List.of("a", "b")) assertEquals("A", route(n, "example.com"));

        // stats per node and summed, and the Prometheus text
        JsonObject stats = fx.admin("a", HttpMethod.GET, "/v1/stats", null).json();
        long a = stats.getJsonObject("nodes").getJsonObject("a").getJsonObject("backends").getJsonObject("be_a").getLong("stot");
        long b = stats.getJsonObject("nodes").getJsonObject("b").getJsonObject("backends").getJsonObject("be_a").getLong("stot");
        assertTrue(a >= 1 && b >= 1, stats.encode());
        assertEquals(a + b, stats.getJsonObject("cluster").getJsonObject("backends").getJsonObject("be_a").getLong("stot"));
        String metrics = fx.get(fx.nodes.get("a").admin(), "/metrics").body();
        assertTrue(metrics.contains("vxlb_server_sessions_total{node=\"b\",backend=\"be_a\",server=\"a\"} " + b), metrics);
    }

    @Test
    void badAdminInputGets4xxAndChangesNothing() throws Exception {
        startBackends();
        fx.start("a", CONFIG);
        record Case(HttpMethod method, String uri, String body, int status) {}
        List<Case> cases = List.of(
                new Case(HttpMethod.PUT, "/v1/maps/hosts.map/entries/x.example.com", "{not json", 400),
                new Case(HttpMethod.PUT, "/v1/maps/hosts.map/entries/x.example.com", "{\"value\":\"a\\nb\"}", 400),
                new Case(HttpMethod.PUT, "/v1/maps/hosts.map/entries/x.example.com", "{\"value\":42}", 400),
                new Case(HttpMethod.PUT, "/v1/maps/hosts.map/entries/has%20space", "{\"value\":\"be_b\"}", 400),
                new Case(HttpMethod.PUT, "/v1/maps/hosts.map/entries/ctl%01char", "{\"value\":\"be_b\"}", 400),
                new Case(HttpMethod.PUT, "/v1/maps/nosuch.map/entries/x", "{\"value\":\"be_b\"}", 404),
                new Case(HttpMethod.POST, "/v1/maps/hosts.map/entries", "{\"key\":\"example.com\",\"value\":\"be_b\"}", 409),
                new Case(HttpMethod.DELETE, "/v1/maps/hosts.map/entries/absent.example.com", null, 404),
                new Case(HttpMethod.PUT, "/v1/maps/hosts.map", "{\"entries\":[[\"a\",\"b\"],[\"a\",\"c\"]]}", 400),
                new Case(HttpMethod.PUT, "/v1/servers/be_a/nosuch", "{\"admin\":\"maint\"}", 404),
                new Case(HttpMethod.PUT, "/v1/servers/be_a/a", "{\"admin\":\"sleep\"}", 400),
                new Case(HttpMethod.PUT, "/v1/servers/be_a/a", "{\"weight\":1000}", 400),
                new Case(HttpMethod.PUT, "/v1/maps/hosts.map", "{\"entries\":{\"k\":\"" + "x".repeat(9 * 1024 * 1024) + "\"}}", 413));
        for (Case c : cases) {
            ClusterFixture.Reply r = fx.admin("a", c.method(), c.uri(), c.body());
            assertEquals(c.status(), r.status(), c + " -> " + r.body());
            assertEquals(c.status(), r.json().getInteger("status"), r.body());
            assertTrue(r.json().getString("error").length() > 5, r.body());
        }
        assertEquals(0L, fx.nodes.get("a").node().replica().version(), "nothing was written");
        assertEquals("A", route("a", "example.com"));
        assertEquals("DEF", route("a", "x.example.com"));
    }

    @Test
    void adminAuthIsEnforcedWhenConfiguredAndRequiredOffLoopback() throws Exception {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> AdminOptions.parse("0.0.0.0:9900", null, null));
        assertTrue(e.getMessage().contains("not on loopback"), e.getMessage());
        AdminOptions.parse("0.0.0.0:9900", "s3cret", null);  // a token makes it acceptable
        startBackends();
        String token = "t0ken-" + java.util.UUID.randomUUID();
        fx.start("a", CONFIG, new AdminOptions("127.0.0.1", 0, token, "ops", "pw", 0));
        int port = fx.nodes.get("a").admin();
        assertEquals(401, fx.get(port, "/v1/cluster").status());
        assertEquals(401, fx.get(port, "/v1/cluster", "authorization", "Bearer wrong").status());
        assertEquals(401, fx.http(HttpMethod.PUT, port, "/v1/maps/hosts.map/entries/x", "{\"value\":\"be_b\"}").status());
        assertEquals(200, fx.get(port, "/v1/cluster", "authorization", "Bearer " + token).status());
        String basic = Base64.getEncoder().encodeToString("ops:pw".getBytes());
        assertEquals(200, fx.get(port, "/v1/cluster", "authorization", "Basic " + basic).status());
        assertEquals(0L, fx.nodes.get("a").node().replica().version(), "the unauthenticated write changed nothing");
        assertFalse(new AdminOptions("127.0.0.1", 0, token, null, null, 0).toString().contains(token), "the token never appears in text");
    }


    @Test
    void dynamicUpdateIsFetchedByOneNodeAndAppliedByAll() throws Exception {
        startBackends();
        java.util.Set<String> fetchers = java.util.concurrent.ConcurrentHashMap.newKeySet();
        AtomicReference<String> published = new AtomicReference<>("example.com be_a\n");
        AtomicInteger fetches = new AtomicInteger();
        ClusterFixture.await(fx.plain.createHttpServer().requestHandler(req -> {
            fetchers.add(req.getHeader("user-agent"));
            fetches.incrementAndGet();
            req.response().end(published.get());
        }).listen(fx.port("MAPS"), "127.0.0.1"));
        String config = CONFIG + """
                dynamic-update
                    update id %DIR%/hosts.map url http://127.0.0.1:@MAPS@/hosts.map delay 100ms timeout 2s retries 2 map
                """;
        fx.start("a", config);
        fx.start("b", config);
        published.set("example.com be_a\nshop.example.com be_b\n");
        long t0 = System.nanoTime();
        for (String n : List.of("a", "b")) awaitRoute(n, "shop.example.com", "B", t0);
        // both members know each other (until then each may think it owns the line)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && fx.nodes.values().stream().anyMatch(s -> s.node().members().live().size() < 2)) Thread.sleep(20);
        Thread.sleep(300);
        fetchers.clear();
        int before = fetches.get();
        Thread.sleep(1000);
        int perSecond = fetches.get() - before;
        assertEquals(1, fetchers.size(), "one node downloads: " + fetchers);
        assertTrue(perSecond >= 5 && perSecond <= 12, "one download per 100 ms period, not one per node: " + perSecond);
        assertTrue(Files.readString(fx.dir.resolve("hosts.map")).contains("shop.example.com be_b"));
        // the owner leaves: the other node takes the downloads over
        String owner = fetchers.iterator().next().contains("(a)") ? "a" : "b";
        String other = owner.equals("a") ? "b" : "a";
        fx.stop(owner);
        published.set("example.com be_b\n");
        awaitRoute(other, "example.com", "B", System.nanoTime());
    }

    @Test
    void reloadThatChangesBindsListensOnTheNewOnesEverywhere() throws Exception {
        startBackends();
        fx.start("a", CONFIG);
        fx.start("b", CONFIG);
        String next = fx.text(CONFIG) + """
                frontend fe2
                    bind "127.0.0.1:${FE2}"
                    default_backend be_b
                """;
        ClusterFixture.Reply ok = fx.http(HttpMethod.POST, fx.nodes.get("a").admin(), "/v1/config?wait=all", configJson(next), "content-type", "application/json");
        assertEquals(200, ok.status(), ok.body());
        for (String n : List.of("a", "b")) {
            int port = fx.nodes.get(n).fe2();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            String body = null;
            while (System.nanoTime() < deadline) {
                try {
                    body = fx.get(port, "/").body();
                    break;
                } catch (RuntimeException notYet) {
                    Thread.sleep(20);  // the listeners are replaced right after the snapshot
                }
            }
            assertEquals("B", body, "node " + n + " serves the new frontend");
            // (an idle keep-alive connection of the old listeners' verticles may be closed under a
            // request, as after any HAProxy reload: clients retry, awaitRoute does too)
            awaitRoute(n, "example.com", "A", System.nanoTime());
        }
    }
}
