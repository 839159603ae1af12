package io.vxlb.cluster;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stick tables across a real 3-node cluster (vxlb-stick, io.vxlb.stick.StickSync): a rate limit
 * of R per period holds for the whole cluster within R × (1 + 10%) while one client's requests
 * are spread over the nodes, a client moved to another node stays on its server, and a node that
 * joins late starts with the cluster's tables.
 */
@Tag("cluster")
@Tag("slow")
class StickClusterIT {
    private final ClusterFixture fx = new ClusterFixture();

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private static final int LIMIT = 60;

    private static final String CONFIG = """
            defaults
                mode http
                timeout connect 2s
                timeout client 10s
                timeout server 10s
            frontend fe
                bind "127.0.0.1:${FE}"
                stick-table type ip size 10k expire 1m store http_req_rate(10s),http_req_cnt
                http-request track-sc0 src
                http-request deny deny_status 429 if { sc_http_req_rate(0) gt %d }
                default_backend be
            backend be
                balance roundrobin
                stick-table type string len 32 size 1k expire 5m
                stick on req.hdr(x-user)
                server a 127.0.0.1:@A@
                server b 127.0.0.1:@B@
            """.formatted(LIMIT);

    @Test
    void aRateLimitHoldsAcrossTheClusterWithinTheBound() throws Exception {
        fx.backend("A");
        fx.backend("B");
        List<String> names = List.of("a", "b", "c");
        for (String n : names) fx.start(n, CONFIG);
        int sent = 2 * LIMIT, ok = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < sent; i++) {
            // one client (127.0.0.1) spread over the three nodes, ~33 requests/s in all
            int st = fx.get(fx.nodes.get(names.get(i % 3)).fe(), "/").status();
            if (st == 200) ok++;
            else assertEquals(429, st);
            long next = t0 + (i + 1) * 30_000_000L;
            long wait = next - System.nanoTime();
            if (wait > 0) Thread.sleep(wait / 1_000_000L);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        // bound: R + (N-1) x (rate per node x sync interval) = 60 + 2 x 11/s x 0.1 s ≈ 62, well under 10 % over
        System.out.printf("cluster rate limit %d/10s over 3 nodes: %d of %d admitted in %.1f s%n", LIMIT, ok, sent, seconds);
        assertTrue(ok >= LIMIT, "the limit admits at least R: " + ok);
        assertTrue(ok <= LIMIT * 11 / 10, "admitted " + ok + " > R x 1.1 (without the sync it would be all " + sent + ")");
        // every node converges on the cluster's total
        for (String n : names) {
            long deadline = System.currentTimeMillis() + 5000;
            long cnt = 0;
            while (System.currentTimeMillis() < deadline) {
                JsonObject t = fx.admin(n, HttpMethod.GET, "/v1/tables/fe?key=127.0.0.1", null).json();
                cnt = t.getJsonArray("entries").getJsonObject(0).getLong("http_req_cnt");
                if (cnt == sent) break;
                Thread.sleep(50);
            }
            assertEquals(sent, cnt, "node " + n + " sees every node's requests");
        }
    }

    @Test
    void aClientMovedToAnotherNodeStaysOnItsServer() throws Exception {
        fx.backend("A");
        fx.backend("B");
        for (String n : List.of("a", "b", "c")) fx.start(n, CONFIG);
        int a = fx.nodes.get("a").fe();
        String ann = fx.get(a, "/", "x-user", "ann").body();
        String bob = fx.get(a, "/", "x-user", "bob").body();
        assertEquals(List.of("A", "B"), List.of(ann, bob), "roundrobin on node a");
        Thread.sleep(500);  // a few sync intervals
        // node b's roundrobin would send its first request to A: bob's entry sends him to B
        assertEquals("B", fx.get(fx.nodes.get("b").fe(), "/", "x-user", "bob").body());
        assertEquals("A", fx.get(fx.nodes.get("b").fe(), "/", "x-user", "ann").body());
        assertEquals("B", fx.get(fx.nodes.get("c").fe(), "/", "x-user", "bob").body());
        JsonObject e = fx.admin("c", HttpMethod.GET, "/v1/tables/be?key=bob", null).json().getJsonArray("entries").getJsonObject(0);
        assertEquals(2, e.getLong("server_id"));
    }

    @Test
    void aNodeThatJoinsLateLearnsTheTablesAndClearsReachEveryNode() throws Exception {
        fx.backend("A");
        fx.backend("B");
        fx.start("a", CONFIG);
        fx.start("b", CONFIG);
        int a = fx.nodes.get("a").fe();
        assertEquals("A", fx.get(a, "/", "x-user", "ann").body());
        assertEquals("B", fx.get(a, "/", "x-user", "bob").body());
        for (int i = 0; i < 8; i++) assertEquals(200, fx.get(fx.nodes.get("b").fe(), "/").status());
        Thread.sleep(500);  // a few sync intervals: a and b agree
        fx.start("c", CONFIG);
        // no wait: c learned the tables from a or b before it served its first request
        JsonObject fe = fx.admin("c", HttpMethod.GET, "/v1/tables/fe?key=127.0.0.1", null).json().getJsonArray("entries").getJsonObject(0);
        assertEquals(10, fe.getLong("http_req_cnt"), "the counters of the whole cluster");
        JsonObject be = fx.admin("c", HttpMethod.GET, "/v1/tables/be?key=bob", null).json().getJsonArray("entries").getJsonObject(0);
        assertEquals(2, be.getLong("server_id"));
        // c's roundrobin would send its first request to A: bob's entry sends him to B
        assertEquals("B", fx.get(fx.nodes.get("c").fe(), "/", "x-user", "bob").body());
        // clear table on one node (admin API): every node forgets the key
        assertEquals(200, fx.admin("c", HttpMethod.DELETE, "/v1/tables/fe/entries/127.0.0.1", null).status());
        for (String n : List.of("a", "b", "c")) {
            long deadline = System.currentTimeMillis() + 5000;
            int left = -1;
            while (System.currentTimeMillis() < deadline) {
                left = fx.admin(n, HttpMethod.GET, "/v1/tables/fe?key=127.0.0.1", null).json().getJsonArray("entries").size();
                if (left == 0) break;
                Thread.sleep(50);
            }
            assertEquals(0, left, "node " + n + " still has the cleared entry");
        }
    }
}
