package io.vxlb.cluster;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The active-active pair as operators run it: two vxlb processes started from the packaged jar
 * with {@code --cluster}, one shared configuration file (each node's frontend port from its
 * environment). Node A is killed with SIGKILL while clients hammer node B: B answers every
 * request, and takes over the health checks A owned.
 */
@Tag("cluster")
class ClusterPairIT {
    private static final Path JAR = Path.of("target", "vxlb.jar").toAbsolutePath();
    private final Vertx vertx = Vertx.vertx();
    private final List<Process> processes = new ArrayList<>();
    private final Map<String, HttpServer> backends = new HashMap<>();
    private final java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Path dir;

    @AfterEach
    void tearDown() throws Exception {
        for (Process p : processes) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        ClusterFixture.await(vertx.close());
        io.vxlb.testing.Ports.deleteTree(dir);
    }

    private Process node(String name, int fe, int admin, Path config, Path hz) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-jar", JAR.toString(), "-f", config.toString(),
                "--cluster-config", hz.toString(), "--cluster-secret", dir.resolve("cluster.secret").toString(), "--node", name,
                "--admin", "127.0.0.1:" + admin, "--admin-token-file", dir.resolve("admin.token").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
        pb.environment().put("FE", String.valueOf(fe));
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private JsonObject adminGet(int port, String path) {
        try {
            Path tokenFile = dir.resolve("admin.token");
            if (!Files.exists(tokenFile)) return null;  // made by the first node on its start
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5))
                            .header("authorization", "Bearer " + Files.readString(tokenFile).strip()).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? new JsonObject(r.body()) : null;
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }

    private JsonObject awaitAdmin(int port, java.util.function.Predicate<JsonObject> ready, String path, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        JsonObject last = null;
        while (System.nanoTime() < deadline) {
            last = adminGet(port, path);
            if (last != null && ready.test(last)) return last;
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what + "; last answer " + last + "\n" + logs());
    }

    private String logs() {
        StringBuilder sb = new StringBuilder();
        for (String n : List.of("A", "B")) {
            try {
                sb.append("--- ").append(n).append(".log\n").append(Files.readString(dir.resolve(n + ".log")));
            } catch (IOException ignored) {
                // not started
            }
        }
        return sb.toString();
    }

    @Test
    void killingNodeAKeepsNodeBServingAndBTakesOverAsChecks() throws Exception {
        assertTrue(Files.exists(JAR), "run after 'mvn package': " + JAR);
        dir = Files.createTempDirectory("vxlb-pair");
        int base = ClusterFixture.freeRange(2);
        String hzXml = Files.readString(Path.of("cluster.xml"))
                .replace("<cluster-name>vxlb</cluster-name>", "<cluster-name>vxlb-pair-" + java.util.UUID.randomUUID() + "</cluster-name>")
                .replace("<port auto-increment=\"true\" port-count=\"100\">5701</port>", "<port auto-increment=\"true\" port-count=\"2\">" + base + "</port>")
                .replace("<member>127.0.0.1</member>", "<member>127.0.0.1:" + base + "</member><member>127.0.0.1:" + (base + 1) + "</member>");
        assertTrue(hzXml.contains(String.valueOf(base + 1)), "cluster.xml template changed: " + hzXml);
        Path hz = dir.resolve("cluster.xml");
        Files.writeString(hz, hzXml);
        StringBuilder servers = new StringBuilder();
        for (int i = 1; i <= 6; i++) {
            int port = ClusterFixture.freePort();
            String name = "s" + i;
            backends.put(name, ClusterFixture.await(vertx.createHttpServer().requestHandler(r -> r.response().end(name)).listen(port, "127.0.0.1")));
            servers.append("    server ").append(name).append(" 127.0.0.1:").append(port).append(" check inter 200 fall 2 rise 2\n");
        }
        Path cfg = dir.resolve("pair.cfg");
        Files.writeString(cfg, """
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 10s
                    timeout server 10s
                frontend fe
                    bind "127.0.0.1:${FE}"
                    default_backend be
                backend be
                    balance roundrobin
                """ + servers);
        int feA = ClusterFixture.freePort(), feB = ClusterFixture.freePort();
        int adminA = ClusterFixture.freePort(), adminB = ClusterFixture.freePort();
        Process a = node("A", feA, adminA, cfg, hz);
        node("B", feB, adminB, cfg, hz);
        awaitAdmin(adminA, j -> j.getJsonArray("members").size() == 2, "/v1/cluster", "a cluster of two seen from A");
        awaitAdmin(adminB, j -> j.getJsonArray("members").size() == 2, "/v1/cluster", "a cluster of two seen from B");
        JsonArray aChecks = awaitAdmin(adminB, j -> j.getJsonArray("checks") != null, "/v1/nodes/A", "A's report").getJsonArray("checks");
        JsonArray bChecks = adminGet(adminB, "/v1/nodes/B").getJsonArray("checks");
        assertEquals(6, aChecks.size() + bChecks.size(), "every server has exactly one owner: " + aChecks + " " + bChecks);
        assertFalse(aChecks.isEmpty(), "A owns some checks (rendezvous over two members): " + aChecks + " " + bChecks);

        // clients hammer B while A is killed
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(8));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong ok = new AtomicLong(), errors = new AtomicLong();
        List<String> errorSamples = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread th = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        var resp = ClusterFixture.await(client.request(io.vertx.core.http.HttpMethod.GET, feB, "127.0.0.1", "/")
                                .compose(req -> req.send().compose(r -> r.body().map(b -> r.statusCode()))));
                        if (resp == 200) ok.incrementAndGet();
                        else {
                            errors.incrementAndGet();
                            errorSamples.add("status " + resp);
                        }
                    } catch (RuntimeException e) {
                        errors.incrementAndGet();
                        errorSamples.add(String.valueOf(e.getMessage()));
                    }
                }
            });
            th.start();
            threads.add(th);
        }
        Thread.sleep(1000);
        long beforeKill = ok.get();
        a.destroyForcibly();  // SIGKILL
        assertTrue(a.waitFor(10, TimeUnit.SECONDS));
        Thread.sleep(4000);
        stop.set(true);
        for (Thread th : threads) th.join(20_000);
        assertEquals(0, errors.get(), () -> "errors at B: " + errorSamples.subList(0, Math.min(5, errorSamples.size())));
        assertTrue(ok.get() - beforeKill > 100, "B kept serving after the kill: " + (ok.get() - beforeKill) + " requests");

        // B alone now: it owns every check, and a server A used to check is seen going DOWN by B
        awaitAdmin(adminB, j -> j.getJsonArray("members").size() == 1, "/v1/cluster", "B alone");
        awaitAdmin(adminB, j -> j.getJsonArray("checks").size() == 6, "/v1/nodes/B", "B owning all six checks");
        String victim = aChecks.getString(0);
        String serverName = victim.substring(victim.indexOf('/') + 1);
        ClusterFixture.await(backends.get(serverName).close());
        long t0 = System.nanoTime();
        awaitAdmin(adminB, j -> !j.getJsonObject("servers").getJsonObject(victim).getJsonObject("nodes").getJsonObject("B").getBoolean("up"),
                "/v1/servers", victim + " DOWN as B sees it");
        System.out.printf("pair: %d requests at B, 0 errors; %s (checked by A before the kill) seen DOWN by B %d ms after it stopped%n",
                ok.get(), victim, (System.nanoTime() - t0) / 1_000_000);
    }
}
