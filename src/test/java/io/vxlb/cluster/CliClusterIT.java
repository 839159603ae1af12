package io.vxlb.cluster;

import io.vertx.core.http.HttpMethod;
import io.vxlb.testing.RealServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runtime API and the stats page of a 2-node cluster: a {@code set map} and a
 * {@code set server ... state} sent (socat) to node a's stats socket are seen on node b's
 * socket and route b's traffic; an admin action posted to b's stats page changes the server on
 * a; b's page shows both nodes' rows and the cluster's sums.
 */
@Tag("cluster")
class CliClusterIT {
    private final ClusterFixture fx = new ClusterFixture();

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private String config(String node) {
        return """
                global
                    stats socket ipv4@127.0.0.1:@CLI_%s@ level admin
                """.formatted(node.toUpperCase()) + ClusterFixture.HOSTS_CONFIG + """
                listen stats
                    bind "127.0.0.1:${FE2}"
                    stats uri /st
                    stats admin if TRUE
                """;
    }

    private String cli(String node, String command) throws Exception {
        Process p = new ProcessBuilder("socat", "-t", "3", "-", "TCP:127.0.0.1:" + fx.port("CLI_" + node.toUpperCase())).redirectErrorStream(true).start();
        p.getOutputStream().write((command + "\n").getBytes(StandardCharsets.ISO_8859_1));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        return out;
    }

    private static void await(Supplier<Boolean> ok, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!ok.get()) {
            assertTrue(System.nanoTime() < deadline, "never: " + what);
            Thread.sleep(20);
        }
    }

    private String quiet(String node, String command) {
        try {
            return cli(node, command);
        } catch (Exception e) {
            return "error: " + e;
        }
    }

    @Test
    void changesOnOneNodesSocketReachTheOther() throws Exception {
        RealServers.assume(RealServers.find("socat") != null, "socat", "apt-get install socat");
        Files.writeString(fx.dir.resolve("hosts.map"), "example.com be_a\n");
        fx.backend("DEF");
        fx.backend("A");
        fx.backend("B");
        fx.start("a", config("a"));
        fx.start("b", config("b"));
        String map = fx.dir.resolve("hosts.map").toString();

        // a map entry added on a's socket: b's socket shows it and b routes by it
        assertEquals("\n", cli("a", "add map " + map + " shop.example.com be_b"));
        await(() -> quiet("b", "show map " + map).contains(" shop.example.com be_b\n"), "b shows the entry");
        await(() -> "B".equals(fx.get(fx.nodes.get("b").fe(), "/", "host", "shop.example.com").body()), "b routes shop.example.com to be_b");
        assertEquals("\n", cli("a", "set map " + map + " shop.example.com be_a"));
        await(() -> "A".equals(fx.get(fx.nodes.get("b").fe(), "/", "host", "shop.example.com").body()), "b routes by the changed entry");

        // a server drained on a's socket is drained on b (srv_admin_state 8), and b's page says so
        assertEquals("\n", cli("a", "set server be_a/a state drain"));
        await(() -> quiet("b", "show servers state be_a").matches("(?s).* be_a 1 a 127\\.0\\.0\\.1 2 8 .*"), "b sees a drained");
        String csv = fx.get(fx.nodes.get("b").fe2(), "/st;csv").body();
        assertTrue(csv.contains("\nbe_a,a,") && csv.split("\nbe_a,a,")[1].split(",")[15].equals("DRAIN"), csv);

        // b's page: both nodes' tables, the cluster's sums, this node's admin form
        String html = fx.get(fx.nodes.get("b").fe2(), "/st").body();
        assertTrue(html.contains("id=\"cluster\">&gt; Cluster total (2 nodes)"), html);
        assertTrue(html.contains("id=\"node-a\"") && html.contains("id=\"node-b\""), html);
        assertTrue(html.contains("<tr class=\"active_draining\" data-svname=\"a\">"), html);

        // the admin form posted to b's page makes a ready again, on a
        ClusterFixture.Reply post = fx.http(HttpMethod.POST, fx.nodes.get("b").fe2(), "/st", "s=a&action=ready&b=be_a",
                "content-type", "application/x-www-form-urlencoded");
        assertEquals(303, post.status());
        await(() -> quiet("a", "show servers state be_a").matches("(?s).* be_a 1 a 127\\.0\\.0\\.1 2 0 .*"), "a sees a ready");
        // the cluster's CSV sums the nodes' counters (b served the requests above, a the stats page's);
        // a node that does not answer within the page's 2 s is left out, so a loaded machine asks again
        long[] seen = new long[3];
        await(() -> {
            var cl = io.vxlb.admin.cli.StatsTable.parseCsv(fx.get(fx.nodes.get("a").fe2(), "/st;csv;cluster").body()).find("fe", "FRONTEND");
            var onA = io.vxlb.admin.cli.StatsTable.parseCsv(fx.get(fx.nodes.get("a").fe2(), "/st;csv;node=a").body()).find("fe", "FRONTEND");
            var onB = io.vxlb.admin.cli.StatsTable.parseCsv(fx.get(fx.nodes.get("a").fe2(), "/st;csv;node=b").body()).find("fe", "FRONTEND");
            if (cl == null || onA == null || onB == null) return false;
            seen[0] = onA.number("req_tot");
            seen[1] = onB.number("req_tot");
            seen[2] = cl.number("req_tot");
            return seen[0] + seen[1] == seen[2];
        }, "a's page shows both nodes' rows and their sum");
        assertTrue(seen[1] >= 2, "b's fe served the two routing checks (at least one request each): " + seen[1]);
        var cluster = io.vxlb.admin.cli.StatsTable.parseCsv(fx.get(fx.nodes.get("a").fe2(), "/st;csv;cluster").body());
        assertEquals("no check", cluster.find("be_a", "a").get("status"), "a word both nodes agree on is kept");
    }
}
