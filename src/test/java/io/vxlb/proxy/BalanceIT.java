package io.vxlb.proxy;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetServer;
import io.vxlb.Node;
import io.vxlb.admin.AdminOptions;
import io.vxlb.lb.FwrrGolden;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Load balancing through the real proxy: HAProxy's round-robin order across runtime changes,
 * the share of every algorithm with equal and 1/2/3 weights, and retries that never send a
 * request twice.
 */
class BalanceIT {
    private ProxyFixture fx;

    @AfterEach
    void tearDown() {
        if (fx != null) fx.close();
    }

    // ---- roundrobin order across runtime changes, golden from HAProxy 2.6.12 -------------------

    /**
     * Each scenario of {@link FwrrGolden} (recorded on HAProxy 2.6.12 with
     * src/test/golden/record_fwrr.py: "set weight be/sN W" and "set server be/sN state
     * maint|ready" on the stats socket between requests) played on vxlb, the changes made with
     * PUT /v1/servers/{backend}/{server} on the admin API.
     */
    @Test
    void roundRobinFollowsHaproxyAcrossWeightAndStateChanges() {
        StringBuilder cfg = new StringBuilder("""
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 10s
                    timeout server 10s
                """);
        for (FwrrGolden.Scenario sc : FwrrGolden.SCENARIOS) {
            cfg.append("listen ").append(sc.name()).append("\n    bind 127.0.0.1:${").append(sc.name().toUpperCase()).append("}\n    balance roundrobin\n");
            for (int i = 0; i < sc.servers().size(); i++) {
                String s = sc.servers().get(i);
                cfg.append("    server ").append(s).append(" 127.0.0.1:${").append(s.toUpperCase()).append("} weight ").append(sc.weights().get(i)).append('\n');
            }
        }
        fx = new ProxyFixture();
        for (String s : List.of("s1", "s2", "s3", "s4")) fx.backend(s.toUpperCase(), req -> req.response().end(s));
        fx.start(cfg.toString(), new Node.Options("balance-it", AdminOptions.loopback(0)));
        for (FwrrGolden.Scenario sc : FwrrGolden.SCENARIOS) {
            List<String> served = new ArrayList<>();
            for (FwrrGolden.Step step : sc.steps()) {
                if (step instanceof FwrrGolden.Requests r) {
                    for (int i = 0; i < r.count(); i++) served.add(servedBy(sc.name().toUpperCase(), "/"));
                } else if (step instanceof FwrrGolden.Change c) {
                    admin(sc.name(), c.server(), c.json());
                    served.add("|");
                }
            }
            assertEquals(sc.haproxy(), String.join(" ", served), sc.name());
        }
    }

    @Test
    void consistentHashMovesOnlyTheKeysOfALostServerAndBringsThemBack() {
        fx = new ProxyFixture();
        for (String s : List.of("c1", "c2", "c3", "c4")) fx.backend(s.toUpperCase(), req -> req.response().end(s));
        fx.start("""
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 10s
                    timeout server 10s
                listen chash
                    bind 127.0.0.1:${FE}
                    balance uri
                    hash-type consistent
                    server c1 127.0.0.1:${C1}
                    server c2 127.0.0.1:${C2}
                    server c3 127.0.0.1:${C3}
                    server c4 127.0.0.1:${C4}
                """, new Node.Options("chash-it", AdminOptions.loopback(0)));
        Map<String, String> before = new LinkedHashMap<>();
        for (int i = 0; i < 400; i++) before.put("/obj/" + i, servedBy("FE", "/obj/" + i));
        admin("chash", "c2", "{\"admin\":\"maint\"}");
        int moved = 0, owned = 0;
        for (Map.Entry<String, String> e : before.entrySet()) {
            String now = servedBy("FE", e.getKey());
            if (e.getValue().equals("c2")) {
                owned++;
                assertTrue(!now.equals("c2"), e.getKey() + " left the lost server");
            } else {
                assertEquals(e.getValue(), now, e.getKey() + " stays where it was: only the lost server's keys move");
            }
            if (!now.equals(e.getValue())) moved++;
        }
        assertEquals(owned, moved);
        assertTrue(owned > 400 / 4 / 2 && owned < 400 / 4 * 2, "the lost server held about 1/4 of the keys: " + owned);
        admin("chash", "c2", "{\"admin\":\"ready\"}");
        for (Map.Entry<String, String> e : before.entrySet()) assertEquals(e.getValue(), servedBy("FE", e.getKey()), e.getKey() + " returns");
    }

    private String servedBy(String portName, String uri, String... headers) {
        ProxyFixture.Response r = fx.get(portName, uri, headers);
        assertEquals(200, r.status(), () -> uri + ": " + r.body());
        return r.body();
    }

    /** PUT /v1/servers/{backend}/{server}, answered once this (only) node applied it. */
    private void admin(String backend, String server, String json) {
        RequestOptions o = new RequestOptions().setHost("127.0.0.1").setPort(fx.node.adminPort()).setMethod(HttpMethod.PUT)
                .setURI("/v1/servers/" + backend + "/" + server + "?wait=all").putHeader("content-type", "application/json");
        ProxyFixture.Response r = ProxyFixture.await(fx.client.request(o).compose(req -> req.send(Buffer.buffer(json))
                .compose(resp -> resp.body().map(b -> new ProxyFixture.Response(resp.statusCode(), resp.headers(), b.toString())))));
        assertEquals(200, r.status(), () -> "admin " + backend + "/" + server + " " + json + ": " + r.body());
    }

    // ---- shares of every algorithm ---------------------------------------------------------

    /** One listen section per algorithm and weight set, all on the same three backends B1..B3. */
    private static final Map<String, String> ALGORITHMS = new LinkedHashMap<>();

    static {
        ALGORITHMS.put("rr", "balance roundrobin");
        ALGORITHMS.put("srr", "balance static-rr");
        ALGORITHMS.put("lc", "balance leastconn");
        ALGORITHMS.put("first", "balance first");
        ALGORITHMS.put("src", "balance source");
        ALGORITHMS.put("srcc", "balance source\n    hash-type consistent");
        ALGORITHMS.put("uri", "balance uri");
        ALGORITHMS.put("uric", "balance uri\n    hash-type consistent");
        ALGORITHMS.put("param", "balance url_param uid");
        ALGORITHMS.put("paramc", "balance url_param uid\n    hash-type consistent");
        ALGORITHMS.put("hdr", "balance hdr(x-key)");
        ALGORITHMS.put("hdrc", "balance hdr(x-key)\n    hash-type consistent");
        ALGORITHMS.put("hash", "balance hash req.hdr(x-key)");
        ALGORITHMS.put("hashc", "balance hash req.hdr(x-key)\n    hash-type consistent");
        ALGORITHMS.put("rnd", "balance random");
        ALGORITHMS.put("rndc", "balance random\n    hash-type consistent");
    }

    /** Held slow requests, released by the test. */
    private final ConcurrentLinkedQueue<HttpServerRequest> held = new ConcurrentLinkedQueue<>();

    private ProxyFixture distributionFixture() {
        StringBuilder cfg = new StringBuilder("""
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 10s
                    timeout server 10s
                """);
        for (Map.Entry<String, String> a : ALGORITHMS.entrySet()) {
            for (String ws : List.of("eq", "w")) {
                String name = a.getKey() + "_" + ws;
                cfg.append("listen ").append(name).append("\n    bind 127.0.0.1:${").append(name.toUpperCase()).append("}\n    ").append(a.getValue()).append('\n');
                for (int i = 1; i <= 3; i++) {
                    cfg.append("    server b").append(i).append(" 127.0.0.1:${B").append(i).append("} weight ").append(ws.equals("eq") ? 1 : i);
                    if (a.getKey().equals("first")) cfg.append(" maxconn 2");
                    cfg.append('\n');
                }
            }
        }
        fx = new ProxyFixture();
        for (int i = 1; i <= 3; i++) {
            String name = "b" + i;
            fx.backend("B" + i, req -> {
                if (req.path().startsWith("/slow")) held.add(req);
                else req.response().end(name);
            });
        }
        return fx.start(cfg.toString());
    }

    /** How many of {@code n} requests each server answered; request i built by {@code send}. */
    private static Map<String, Integer> shares(int n, IntFunction<String> send) {
        Map<String, Integer> m = new LinkedHashMap<>(Map.of("b1", 0, "b2", 0, "b3", 0));
        for (int i = 0; i < n; i++) m.merge(send.apply(i), 1, Integer::sum);
        return m;
    }

    private static void assertShares(String what, Map<String, Integer> got, int e1, int e2, int e3, double tolerance) {
        int[] expected = {e1, e2, e3};
        for (int i = 0; i < 3; i++) {
            int g = got.get("b" + (i + 1));
            double allowed = expected[i] * tolerance;
            assertTrue(Math.abs(g - expected[i]) <= allowed, what + ": b" + (i + 1) + " served " + g + ", expected " + expected[i]
                    + (tolerance > 0 ? " ± " + (int) allowed : "") + " (all: " + got + ")");
        }
    }

    /**
     * What HAProxy 2.6.12 served for the same 600 requests per hash algorithm (b1 b2 b3), recorded
     * by src/test/golden/record_shares.py on the same listen sections (weights 1/1/1 "eq" and
     * 1/2/3 "w"). Consistent hashing puts 16 points per weight unit on its ring, so its shares
     * follow the weights only roughly; the map-based ones are close to exact.
     */
    private static final Map<String, String> HAPROXY_SHARES = Map.ofEntries(
            Map.entry("src_eq", "200 200 200"), Map.entry("src_w", "100 200 300"),
            Map.entry("srcc_eq", "214 177 209"), Map.entry("srcc_w", "130 191 279"),
            Map.entry("uri_eq", "211 193 196"), Map.entry("uri_w", "106 194 300"),
            Map.entry("uric_eq", "223 165 212"), Map.entry("uric_w", "146 169 285"),
            Map.entry("param_eq", "198 198 204"), Map.entry("param_w", "100 200 300"),
            Map.entry("paramc_eq", "198 178 224"), Map.entry("paramc_w", "109 203 288"),
            Map.entry("hdr_eq", "208 181 211"), Map.entry("hdr_w", "124 177 299"),
            Map.entry("hdrc_eq", "221 162 217"), Map.entry("hdrc_w", "120 175 305"),
            Map.entry("hash_eq", "208 181 211"), Map.entry("hash_w", "124 177 299"),
            Map.entry("hashc_eq", "221 162 217"), Map.entry("hashc_w", "120 175 305"));

    private static void assertHaproxyShares(String name, Map<String, Integer> got) {
        assertEquals(HAPROXY_SHARES.get(name), got.get("b1") + " " + got.get("b2") + " " + got.get("b3"), name + " (b1 b2 b3, as HAProxy 2.6.12)");
    }

    @Test
    void everyAlgorithmSharesByWeight() throws Exception {
        distributionFixture();
        int n = 600;  // whole cycles: 600 = 200 × 3 = 100 × 6
        for (String ws : List.of("eq", "w")) {
            boolean eq = ws.equals("eq");
            int e1 = eq ? 200 : 100, e2 = eq ? 200 : 200, e3 = eq ? 200 : 300;
            // round robin, static round robin: exact over whole cycles
            for (String a : List.of("rr", "srr")) {
                String port = (a + "_" + ws).toUpperCase();
                assertShares(a + " " + ws, shares(n, i -> servedBy(port, "/x" + i)), e1, e2, e3, 0);
            }
            // hashes of varying keys: each key always to the same server, the keys spread as HAProxy spreads them
            for (String a : List.of("uri", "uric")) {
                String port = (a + "_" + ws).toUpperCase();
                assertHaproxyShares(a + "_" + ws, shares(n, i -> servedBy(port, "/item/" + i + ".html")));
                assertEquals(servedBy(port, "/item/7.html"), servedBy(port, "/item/7.html"));
            }
            for (String a : List.of("param", "paramc")) {
                String port = (a + "_" + ws).toUpperCase();
                assertHaproxyShares(a + "_" + ws, shares(n, i -> servedBy(port, "/p?a=1&uid=user" + i)));
            }
            for (String a : List.of("hdr", "hdrc", "hash", "hashc")) {
                String port = (a + "_" + ws).toUpperCase();
                assertHaproxyShares(a + "_" + ws, shares(n, i -> servedBy(port, "/", "x-key", "key-" + i * 7919)));
                assertEquals(servedBy(port, "/", "x-key", "same"), servedBy(port, "/", "x-key", "same"));
            }
            // source: clients from 127.0.0.1 .. 127.0.2.100 (any 127/8 address is loopback)
            for (String a : List.of("src", "srcc")) {
                String port = (a + "_" + ws).toUpperCase();
                assertHaproxyShares(a + "_" + ws, shares(n, i -> fromSource(port, "127.0." + (i / 250) + "." + (1 + i % 250))));
            }
            // random: a random point on the consistent-hash ring (16 points per weight unit), so the
            // long-run shares are the ring's arcs, not exactly the weights: 3000 requests to HAProxy
            // 2.6.12 with weights 1/2/3 went 656/940/1404, i.e. 131/188/281 per 600
            for (String a : List.of("rnd", "rndc")) {
                String port = (a + "_" + ws).toUpperCase();
                if (eq) assertShares(a + " " + ws, shares(n, i -> servedBy(port, "/r" + i)), 200, 200, 200, 0.35);
                else assertShares(a + " " + ws, shares(n, i -> servedBy(port, "/r" + i)), 131, 188, 281, 0.35);
            }
        }
    }

    @Test
    void leastconnAndFirstFollowTheirSemantics() throws Exception {
        distributionFixture();
        // one request at a time, nothing in flight: leastconn rotates over equal weights; with
        // weights the heaviest server has the lowest (0 + 1) / weight and takes them all (lb_fwlc)
        assertShares("lc eq, sequential", shares(300, i -> servedBy("LC_EQ", "/x" + i)), 100, 100, 100, 0.1);
        assertShares("lc w, sequential", shares(60, i -> servedBy("LC_W", "/x" + i)), 0, 0, 60, 0);
        // first: the first server while it has room (maxconn 2 each here), whatever the weights
        assertShares("first eq, sequential", shares(30, i -> servedBy("FIRST_EQ", "/x" + i)), 30, 0, 0, 0);
        assertShares("first w, sequential", shares(30, i -> servedBy("FIRST_W", "/x" + i)), 30, 0, 0, 0);

        // requests in flight: leastconn fills by (served + 1) / weight, so 12 held requests sit 2/4/6 with
        // weights 1/2/3 (the only counts where no server's (served + 1) / weight is below another's served / weight)
        assertEquals(Map.of("b1", 2, "b2", 2, "b3", 2), holdConcurrent("LC_EQ", 6));
        assertEquals(Map.of("b1", 2, "b2", 4, "b3", 6), holdConcurrent("LC_W", 12));
        // first: fills b1 up to its maxconn, then b2, then b3
        assertEquals(Map.of("b1", 2, "b2", 2, "b3", 1), holdConcurrent("FIRST_W", 5));
        assertEquals(Map.of("b1", 2, "b2", 1, "b3", 0), holdConcurrent("FIRST_EQ", 3));
    }

    /**
     * Sends {@code n} slow requests at once, one after the other on new connections, waits until
     * the backends hold them all, counts where they are, then lets them finish.
     */
    private Map<String, Integer> holdConcurrent(String port, int n) throws Exception {
        held.clear();
        List<Future<ProxyFixture.Response>> pending = new ArrayList<>();
        // one connection per request: the fixture's client pools at most 5
        io.vertx.core.http.HttpClient client = fx.vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions(), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(n));
        for (int i = 0; i < n; i++) {
            int before = held.size();
            RequestOptions o = new RequestOptions().setHost("127.0.0.1").setPort(fx.port(port)).setURI("/slow" + i);
            pending.add(client.request(o).compose(req -> req.send().compose(resp -> resp.body()
                    .map(b -> new ProxyFixture.Response(resp.statusCode(), resp.headers(), b.toString())))));
            // the next one leaves once this one is held: the proxy saw them in order
            long deadline = System.currentTimeMillis() + 10_000;
            while (held.size() == before && System.currentTimeMillis() < deadline) Thread.sleep(5);
        }
        Map<String, Integer> byName = new LinkedHashMap<>();
        for (int i = 1; i <= 3; i++) {
            int p = fx.port("B" + i);
            byName.put("b" + i, (int) held.stream().filter(r -> r.localAddress().port() == p).count());
        }
        for (HttpServerRequest r : held) r.response().end("done");
        for (Future<ProxyFixture.Response> f : pending) assertEquals(200, ProxyFixture.await(f).status());
        held.clear();
        ProxyFixture.await(client.close());
        return byName;
    }

    /** A GET on a new connection from a chosen loopback source address; returns the body. */
    private String fromSource(String port, String source) {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            s.connect(new InetSocketAddress("127.0.0.1", fx.port(port)), 5000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String resp = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(resp.startsWith("HTTP/1.1 200"), resp);
            return resp.substring(resp.indexOf("\r\n\r\n") + 4);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    // ---- retries never send a request twice ------------------------------------------------

    /** Request lines seen by raw backends that read a request and close without answering. */
    private final List<String> swallowed = new CopyOnWriteArrayList<>();

    private NetServer swallower(String name) {
        NetServer server = fx.vertx.createNetServer().connectHandler(so -> {
            Buffer acc = Buffer.buffer();
            so.handler(b -> {
                acc.appendBuffer(b);
                String text = acc.toString(StandardCharsets.ISO_8859_1);
                int end = text.indexOf("\r\n\r\n");
                if (end < 0) return;
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)\r\ncontent-length: *(\\d+)").matcher(text.substring(0, end));
                int body = m.find() ? Integer.parseInt(m.group(1)) : 0;
                if (text.length() < end + 4 + body) return;
                swallowed.add(name + " " + text.substring(0, text.indexOf("\r\n")));
                so.handler(null);
                so.close();
            });
        });
        return ProxyFixture.await(server.listen(fx.port(name.toUpperCase()), "127.0.0.1"));
    }

    /**
     * A server that takes the request and closes without a response is not a connection failure:
     * HAProxy 2.6.12 (default "retry-on conn-failure", "retries 3", "option redispatch") answers
     * 502 and sends neither a POST nor a GET a second time — checked with two Python servers that
     * read the request and close: each of POST, GET, POST, GET reached exactly one server once.
     */
    @Test
    void aRequestTheServerTookIsNeverSentTwice() {
        fx = new ProxyFixture();
        swallower("r1");
        swallower("r2");
        fx.start("""
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 10s
                    timeout server 10s
                    retries 3
                    option redispatch
                listen fe
                    bind 127.0.0.1:${FE}
                    balance roundrobin
                    server r1 127.0.0.1:${R1}
                    server r2 127.0.0.1:${R2}
                """);
        ProxyFixture.Response post = fx.request(HttpMethod.POST, "FE", "/order", Buffer.buffer("item=1"), "content-type", "application/x-www-form-urlencoded");
        assertEquals(502, post.status());
        assertEquals(List.of("r1 POST /order HTTP/1.1"), swallowed);
        ProxyFixture.Response get = fx.get("FE", "/page");
        assertEquals(502, get.status());
        assertEquals(List.of("r1 POST /order HTTP/1.1", "r2 GET /page HTTP/1.1"), swallowed);
        ProxyFixture.Response post2 = fx.request(HttpMethod.POST, "FE", "/order2", Buffer.buffer("item=2"));
        assertEquals(502, post2.status());
        assertEquals(3, swallowed.size(), swallowed::toString);
        assertEquals("r1 POST /order2 HTTP/1.1", swallowed.get(2));
    }
}
