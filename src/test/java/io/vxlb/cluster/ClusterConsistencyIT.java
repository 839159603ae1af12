package io.vxlb.cluster;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vxlb.Node;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Honest cluster consistency: a node that cannot apply a change says so and {@code ?wait=all}
 * fails naming it; during a network split (Hazelcast member connections cut between two groups
 * of real nodes) the minority refuses writes while both sides keep routing, and once the split
 * heals every node serves the same versions within 10 s.
 */
@Tag("cluster")
class ClusterConsistencyIT {
    private final ClusterFixture fx = new ClusterFixture();

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private static final String CONFIG = ClusterFixture.HOSTS_CONFIG;

    private void backends() throws Exception {
        Files.writeString(fx.dir.resolve("hosts.map"), "example.com be_a\n");
        fx.backend("DEF");
        fx.backend("A");
        fx.backend("B");
    }

    private String route(String node, String host) {
        try {
            return fx.get(fx.nodes.get(node).fe(), "/", "host", host).body();
        } catch (RuntimeException e) {
            return "error: " + e.getMessage();
        }
    }

    private static long waitFor(BooleanSupplier ok, long seconds, String what) throws InterruptedException {
        long t0 = System.nanoTime(), deadline = t0 + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (ok.getAsBoolean()) return (System.nanoTime() - t0) / 1_000_000;
            Thread.sleep(50);
        }
        throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
    }

    @Test
    void aNodeThatCannotApplyAChangeMakesWaitAllFailNamingIt() throws Exception {
        backends();
        int extra = fx.port("EXTRA");
        // node a has ONLY_A in its environment, node b does not: b cannot parse a configuration that reads it
        fx.options = o -> new Node.Options(o.name(), o.admin(), v -> v.equals("ONLY_A") ? (o.name().equals("a") ? "127.0.0.1:" + extra : null) : o.env().apply(v),
                o.secret(), o.mapsDirs(), o.clusterSize());
        fx.start("a", CONFIG);
        fx.start("b", CONFIG);
        String next = fx.text(CONFIG) + """
                frontend fe_only_a
                    bind "${ONLY_A}"
                    default_backend be_b
                """;
        ClusterFixture.Reply r = fx.http(HttpMethod.POST, fx.nodes.get("a").admin(), "/v1/config?wait=all",
                new JsonObject().put("text", next).encode(), "content-type", "application/json");
        assertEquals(409, r.status(), r.body());
        JsonArray failed = r.json().getJsonArray("failed");
        assertEquals(1, failed.size(), r.body());
        assertEquals("b", failed.getJsonObject(0).getString("node"));
        assertTrue(failed.getJsonObject(0).getString("error").contains("does not parse here"), r.body());
        // a applied it, b did not record it as applied: its report says what failed, and it still serves the old configuration
        assertTrue(fx.nodes.get("a").node().replica().versions().containsKey("config"));
        assertEquals(0L, fx.nodes.get("b").node().replica().versions().getOrDefault("config", 0L));
        JsonObject report = fx.admin("a", HttpMethod.GET, "/v1/nodes/b", null).json();
        assertTrue(report.getJsonObject("failed").containsKey("config"), report.encode());
        assertEquals("A", route("b", "example.com"));
        // a later change that b can apply is acknowledged by both
        ClusterFixture.Reply ok = fx.admin("b", HttpMethod.PUT, "/v1/maps/hosts.map/entries/x.example.com?wait=all", "{\"value\":\"be_b\"}");
        assertEquals(200, ok.status(), ok.body());
        assertEquals("all", ok.json().getString("applied"));
    }

    @Test
    void theMinorityRefusesWritesBothSidesRouteAndAfterHealingAllServeTheSameVersions() throws Exception {
        backends();
        fx.firewalled = true;
        fx.memberSlots = 3;
        fx.options = o -> o.withClusterSize(3);
        for (String n : List.of("a", "b", "c")) fx.start(n, CONFIG);
        waitFor(() -> fx.nodes.values().stream().allMatch(s -> s.node().members().live().size() == 3), 20, "three members");
        ClusterFixture.Reply first = fx.admin("a", HttpMethod.PUT, "/v1/maps/hosts.map/entries/shop.example.com?wait=all", "{\"value\":\"be_b\"}");
        assertEquals(200, first.status(), first.body());

        fx.cut(List.of("a", "b"), List.of("c"));
        fx.cutEventBus(List.of("c"));  // what the majority publishes does not reach c (c's own are refused: no majority)
        waitFor(() -> fx.nodes.get("c").node().members().live().size() == 1
                && fx.nodes.get("a").node().members().live().size() == 2 && fx.nodes.get("b").node().members().live().size() == 2, 30, "the split");

        // the minority refuses writes; the majority accepts them
        ClusterFixture.Reply refused = fx.admin("c", HttpMethod.PUT, "/v1/maps/hosts.map/entries/example.com", "{\"value\":\"be_default\"}");
        assertEquals(503, refused.status(), refused.body());
        assertTrue(refused.json().getString("error").contains("majority"), refused.body());
        ClusterFixture.Reply w = fx.admin("a", HttpMethod.PUT, "/v1/maps/hosts.map/entries/example.com?wait=all", "{\"value\":\"be_b\"}");
        assertEquals(200, w.status(), w.body());
        assertEquals("all", w.json().getString("applied"), "both members of the majority applied it");
        ClusterFixture.Reply s = fx.admin("b", HttpMethod.PUT, "/v1/servers/be_a/a?wait=all", "{\"weight\":7}");
        assertEquals(200, s.status(), s.body());
        // both sides keep routing: the majority on the new value, the minority on what it had
        for (String n : List.of("a", "b")) assertEquals("B", route(n, "example.com"));
        assertEquals("A", route("c", "example.com"));
        for (String n : List.of("a", "b", "c")) assertEquals("B", route(n, "shop.example.com"));

        long t0 = System.nanoTime();
        fx.heal();
        Map<String, Long> expected = fx.nodes.get("a").node().replica().versions();
        long ms = waitFor(() -> fx.nodes.values().stream().allMatch(n -> n.node().replica().versions().equals(expected)), 60, "the same versions everywhere");
        long healedMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("partition: every node serves the same versions %d ms after the split healed%n", healedMs);
        assertEquals("B", route("c", "example.com"), "the minority serves the majority's write");
        waitFor(() -> fx.nodes.values().stream().allMatch(n -> n.node().members().live().size() == 3), 30, "three members again");
        assertTrue(healedMs < 10_000, "healed in " + healedMs + " ms");
        // every node answers every other again (the event bus reconnects on its own)
        long answering = waitFor(() -> {
            JsonArray m = fx.admin("c", HttpMethod.GET, "/v1/cluster", null).json().getJsonArray("members");
            return m.size() == 3 && m.stream().allMatch(o -> ((JsonObject) o).getString("error") == null);
        }, 20, "c's calls answered by all");
        System.out.printf("partition: c's calls answered by every node %d ms after the versions converged%n", answering);
        // and writes work everywhere again, acknowledged by all three
        ClusterFixture.Reply after = fx.admin("c", HttpMethod.PUT, "/v1/maps/hosts.map/entries/example.com?wait=all", "{\"value\":\"be_a\"}");
        assertEquals(200, after.status(), after.body());
        assertEquals(3, after.json().getJsonArray("nodes").size(), after.body());
        for (String n : List.of("a", "b", "c")) assertEquals("A", route(n, "example.com"));
    }

    @Test
    void withoutAMajorityRuleBothSidesWriteAndTheNewestWinsEverywhereAfterTheHeal() throws Exception {
        backends();
        fx.firewalled = true;
        fx.memberSlots = 3;
        for (String n : List.of("a", "b", "c")) fx.start(n, CONFIG);  // no --cluster-size: both sides accept writes
        waitFor(() -> fx.nodes.values().stream().allMatch(s -> s.node().members().live().size() == 3), 20, "three members");
        fx.cut(List.of("a", "b"), List.of("c"));
        fx.cutEventBus(List.of("c"));
        waitFor(() -> fx.nodes.get("c").node().members().live().size() == 1 && fx.nodes.get("a").node().members().live().size() == 2, 30, "the split");
        // the same key on both sides (c writes last, so c's is the newest), and one key on each side only
        assertEquals(200, fx.admin("a", HttpMethod.PUT, "/v1/maps/hosts.map/entries/example.com?wait=all", "{\"value\":\"be_b\"}").status());
        assertEquals(200, fx.admin("a", HttpMethod.PUT, "/v1/servers/be_a/a?wait=all", "{\"weight\":9}").status());
        Thread.sleep(20);
        ClusterFixture.Reply c = fx.admin("c", HttpMethod.PUT, "/v1/maps/hosts.map/entries/example.com?wait=all", "{\"value\":\"be_default\"}");
        assertEquals(200, c.status(), c.body());
        assertEquals(200, fx.admin("c", HttpMethod.PUT, "/v1/servers/be_b/b?wait=all", "{\"weight\":3}").status());
        assertEquals("B", route("a", "example.com"));
        assertEquals("DEF", route("c", "example.com"));

        long t0 = System.nanoTime();
        fx.heal();
        waitFor(() -> {
            Map<String, Long> v = fx.nodes.get("a").node().replica().versions();
            return v.size() == 3 && fx.nodes.values().stream().allMatch(n -> n.node().replica().versions().equals(v));
        }, 60, "one history on every node");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("partition without majority: one history on every node %d ms after the heal%n", ms);
        assertTrue(ms < 10_000, "converged in " + ms + " ms");
        for (String n : List.of("a", "b", "c")) assertEquals("DEF", route(n, "example.com"), "the newest write (c's) wins on " + n);
        for (String n : List.of("a", "b", "c")) {
            JsonObject servers = fx.nodes.get(n).node().status().getJsonObject("servers");
            assertEquals(9, servers.getJsonObject("be_a/a").getInteger("weight"), n + ": the majority's only write is kept");
            assertEquals(3, servers.getJsonObject("be_b/b").getInteger("weight"), n + ": the minority's only write is kept");
        }
    }
}
