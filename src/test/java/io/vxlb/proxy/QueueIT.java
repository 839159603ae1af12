package io.vxlb.proxy;

import io.vertx.core.Future;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Server {@code maxconn} queues, {@code maxqueue}, {@code timeout queue} and frontend
 * {@code maxconn}, with real slow backends, real concurrent clients and the httplog lines over
 * UDP syslog. The "HAProxy 2.6.12" comments are lines captured from the Debian package with the
 * same configuration shape (python backend sleeping as long as the test backend).
 */
class QueueIT {
    private ProxyFixture fx;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    private static final String HEADER = "<134>\\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d haproxy\\[\\d+\\]: ";
    private static final String CLIENT = "127\\.0\\.0\\.1:\\d+ \\[\\d\\d/\\w{3}/\\d{4}:\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\] ";

    @AfterEach
    void tearDown() {
        if (fx != null) fx.close();
    }

    private void start(String config) {
        fx = new ProxyFixture();
        DatagramSocket syslog = fx.vertx.createDatagramSocket();
        syslog.handler(p -> lines.add(p.data().toString().replaceFirst("\n$", "")));  // HAProxy ends each datagram with a line feed
        ProxyFixture.await(syslog.listen(fx.port("SYSLOG"), "127.0.0.1"));
        fx.start(config);
    }

    /** A backend answering "ok URI" after {@code delayMillis}, counting requests in flight. */
    private ProxyFixture.Backend slowBackend(String name, long delayMillis) {
        Consumer<HttpServerRequest> h = req -> {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            fx.vertx.setTimer(delayMillis, id -> {
                inFlight.decrementAndGet();
                req.response().end("ok " + req.uri());
            });
        };
        return fx.backend(name, h);
    }

    /** Each request on its own connection (a pool big enough never to serialise them itself). */
    private HttpClient parallelClient() {
        return fx.vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false), new PoolOptions().setHttp1MaxSize(50));
    }

    private static Future<ProxyFixture.Response> send(HttpClient c, int port, String uri) {
        RequestOptions o = new RequestOptions().setHost("127.0.0.1").setPort(port).setMethod(HttpMethod.GET).setURI(uri);
        return c.request(o).compose(req -> req.send().compose(resp -> resp.body()
                .map(b -> new ProxyFixture.Response(resp.statusCode(), resp.headers(), b.toString()))));
    }

    /** Waits until the backends hold {@code n} requests, so the next request surely finds the slots taken. */
    private void awaitInFlight(int n) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (inFlight.get() < n) {
            assertTrue(System.nanoTime() < end, "the backends never held " + n + " requests");
            Thread.sleep(5);
        }
    }

    private String nextLine() throws InterruptedException {
        String l = lines.poll(10, TimeUnit.SECONDS);
        assertNotNull(l, "no log line arrived");
        return l;
    }

    /** The log line of one request, whatever order the lines arrived in. */
    private String lineFor(List<String> got, String uri) {
        for (String l : got) if (l.contains("\"GET " + uri + " HTTP/1.1\"")) return l;
        throw new AssertionError("no log line for " + uri + " in " + got);
    }

    private static void assertMatches(String regex, String line) {
        assertTrue(Pattern.matches(regex, line), () -> "log line\n  " + line + "\ndoes not match\n  " + regex);
    }

    private static final String CONFIG = """
            global
                log 127.0.0.1:${SYSLOG} local0
            defaults
                mode http
                log global
                option httplog
                timeout connect 5s
                timeout client 10s
                timeout server 10s
            """;

    @Test
    void maxconnOneSerialisesRequestsInArrivalOrder() throws Exception {
        start(CONFIG + """
                frontend fe
                    bind 127.0.0.1:${FE}
                    default_backend be
                backend be
                    server s1 127.0.0.1:${BE} maxconn 1
                """);
        ProxyFixture.Backend be = slowBackend("BE", 150);
        HttpClient c = parallelClient();
        List<Future<ProxyFixture.Response>> all = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            all.add(send(c, fx.port("FE"), "/r" + i));
            if (i == 1) awaitInFlight(1);
            else Thread.sleep(40);  // arrival order r1..r4
        }
        for (int i = 0; i < all.size(); i++) {
            ProxyFixture.Response r = ProxyFixture.await(all.get(i));
            assertEquals(200, r.status());
            assertEquals("ok /r" + (i + 1), r.body());
        }
        assertEquals(1, maxInFlight.get(), "the server never has more than maxconn requests");
        List<String> order = new ArrayList<>();
        for (ProxyFixture.Seen s : be.seen) order.add(s.uri());
        assertEquals(List.of("/r1", "/r2", "/r3", "/r4"), order, "queued requests are served oldest first");
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 4; i++) got.add(nextLine());
        // HAProxy 2.6.12 (maxconn 1, 3 requests 50 ms apart, 600 ms backend):
        //   fe be/s1 0/0/0/602/602 200 134 - - ---- 3/3/2/0/0 0/0 "GET /r1?d=0.6 HTTP/1.1"
        //   fe be/s1 0/534/0/601/1135 200 134 - - ---- 2/2/1/0/0 0/1 "GET /r2?d=0.6 HTTP/1.1"
        //   fe be/s1 0/1102/0/601/1703 200 134 - - ---- 1/1/0/0/0 0/2 "GET /r3?d=0.6 HTTP/1.1"
        assertMatches(HEADER + CLIENT + "fe be/s1 0/0/\\d+/\\d+/\\d+ 200 \\d+ - - ---- \\d+/\\d+/\\d+/\\d+/0 0/0 \"GET /r1 HTTP/1\\.1\"", lineFor(got, "/r1"));
        for (int i = 2; i <= 4; i++) {
            String l = lineFor(got, "/r" + i);
            assertMatches(HEADER + CLIENT + "fe be/s1 0/(\\d+)/\\d+/\\d+/\\d+ 200 \\d+ - - ---- \\d+/\\d+/\\d+/\\d+/0 0/" + (i - 1)
                    + " \"GET /r" + i + " HTTP/1\\.1\"", l);
            java.util.regex.Matcher m = Pattern.compile(" 0/(\\d+)/").matcher(l);
            assertTrue(m.find());
            assertTrue(Integer.parseInt(m.group(1)) >= 50, () -> "Tw shows the wait: " + l);
        }
    }

    @Test
    void queueTimeoutAnswers503WithSqAndTw() throws Exception {
        start(CONFIG + """
                frontend fe
                    bind 127.0.0.1:${FE}
                    default_backend be
                backend be
                    timeout queue 300ms
                    server s1 127.0.0.1:${BE} maxconn 1
                """);
        slowBackend("BE", 1200);
        HttpClient c = parallelClient();
        Future<ProxyFixture.Response> first = send(c, fx.port("FE"), "/slow");
        awaitInFlight(1);
        long t0 = System.nanoTime();
        ProxyFixture.Response r = ProxyFixture.await(send(c, fx.port("FE"), "/waits"));
        long waited = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(503, r.status());
        assertEquals("<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n</body></html>\n", r.body());
        assertEquals("no-cache", r.headers().get("cache-control"));
        assertTrue(waited >= 280 && waited < 1100, "answered when timeout queue expired: " + waited + " ms");
        // HAProxy 2.6.12 (timeout queue 1500ms): fe be/<NOSRV> 0/1501/-1/-1/1501 503 217 - - sQ-- 2/2/1/0/0 0/2 "GET /r3?d=1.0 HTTP/1.1"
        // (0/2 there: one request left the queue before it; here none did, so 0/1)
        String l = nextLine();
        assertMatches(HEADER + CLIENT + "fe be/<NOSRV> 0/(3\\d\\d)/-1/-1/(3\\d\\d) 503 \\d+ - - sQ-- \\d+/\\d+/\\d+/0/0 0/1 \"GET /waits HTTP/1\\.1\"", l);
        assertEquals(200, ProxyFixture.await(first).status());
        assertMatches(HEADER + CLIENT + "fe be/s1 0/0/\\d+/\\d+/\\d+ 200 \\d+ - - ---- .* 0/0 \"GET /slow HTTP/1\\.1\"", nextLine());
    }

    /**
     * /first takes the only slot of a maxconn-1 server (600 ms); then a raw client sends /gone and
     * closes its socket while /gone waits in the queue. {@code backendOption}: a line for the backend.
     */
    private record Queued(ProxyFixture.Backend backend, HttpClient client, Future<ProxyFixture.Response> first) {}

    private Queued clientClosesWhileQueued(String backendOption) throws Exception {
        start(CONFIG + """
                frontend fe
                    bind 127.0.0.1:${FE}
                    default_backend be
                backend be
                """ + backendOption + """
                    server s1 127.0.0.1:${BE} maxconn 1
                """);
        ProxyFixture.Backend be = slowBackend("BE", 600);
        HttpClient c = parallelClient();
        Future<ProxyFixture.Response> first = send(c, fx.port("FE"), "/first");
        awaitInFlight(1);
        try (Socket s = new Socket("127.0.0.1", fx.port("FE"))) {
            s.getOutputStream().write("GET /gone HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            Thread.sleep(150);
        }  // closed while queued
        return new Queued(be, c, first);
    }

    @Test
    void clientLeavingTheQueueFreesItsPlace() throws Exception {
        Queued q = clientClosesWhileQueued("    option abortonclose\n");
        ProxyFixture.Backend be = q.backend();
        HttpClient c = q.client();
        Future<ProxyFixture.Response> first = q.first();
        Thread.sleep(100);
        Future<ProxyFixture.Response> third = send(c, fx.port("FE"), "/third");
        assertEquals(200, ProxyFixture.await(first).status());
        assertEquals("ok /third", ProxyFixture.await(third).body());
        assertTrue(be.seen.stream().noneMatch(x -> x.uri().equals("/gone")), "the abandoned request never reached the server");
        List<String> got = List.of(nextLine(), nextLine(), nextLine());
        // the client left while queued: status -1, nothing sent, "CQ" (HAProxy's STRM_ET_QUEUE_ABRT path)
        assertMatches(HEADER + CLIENT + "fe be/<NOSRV> 0/\\d+/-1/-1/\\d+ -1 0 - - CQ-- \\d+/\\d+/\\d+/\\d+/0 0/1 \"GET /gone HTTP/1\\.1\"", lineFor(got, "/gone"));
        // the abandoned entry left the queue before /third was queued: /third was first in line
        assertMatches(HEADER + CLIENT + "fe be/s1 0/\\d+/\\d+/\\d+/\\d+ 200 \\d+ - - ---- .* 0/1 \"GET /third HTTP/1\\.1\"", lineFor(got, "/third"));
    }

    /**
     * Without abortonclose a client that closes its side while queued still has its request served,
     * as with HAProxy 2.6.12 on the same config and bytes (measured):
     * {@code fe be/s1 0/402/9/600/1011 200 122 - - ---- 2/2/1/0/0 0/1 "GET /gone HTTP/1.1"}.
     */
    @Test
    void withoutAbortoncloseAClientThatClosesWhileQueuedIsStillServed() throws Exception {
        Queued q = clientClosesWhileQueued("");
        ProxyFixture.Backend be = q.backend();
        Future<ProxyFixture.Response> first = q.first();
        assertEquals(200, ProxyFixture.await(first).status());
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (be.seen.stream().noneMatch(x -> x.uri().equals("/gone")) && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(be.seen.stream().anyMatch(x -> x.uri().equals("/gone")), "the queued request of a half-closed client reached the server");
    }

    @Test
    void fullServerQueueAnswers503WithSq() throws Exception {
        start(CONFIG + """
                frontend fe
                    bind 127.0.0.1:${FE}
                    default_backend be
                backend be
                    timeout queue 5s
                    use-server s1 if TRUE
                    server s1 127.0.0.1:${BE} maxconn 1 maxqueue 1
                """);
        slowBackend("BE", 500);
        HttpClient c = parallelClient();
        Future<ProxyFixture.Response> r1 = send(c, fx.port("FE"), "/r1");
        awaitInFlight(1);
        Future<ProxyFixture.Response> r2 = send(c, fx.port("FE"), "/r2");
        Thread.sleep(100);  // r2 waits in s1's queue
        ProxyFixture.Response r3 = ProxyFixture.await(send(c, fx.port("FE"), "/r3"));
        assertEquals(503, r3.status(), "beyond maxqueue a persistent request is refused at once");
        assertEquals(200, ProxyFixture.await(r1).status());
        assertEquals(200, ProxyFixture.await(r2).status());
        List<String> got = List.of(nextLine(), nextLine(), nextLine());
        // HAProxy 2.6.12:
        //   fe be/s1 0/-1/-1/-1/0 503 217 - - SQ-- 3/3/2/1/0 0/0 "GET /r3?d=1.0 HTTP/1.1"
        //   fe be/s1 0/960/1/1098/2059 200 134 - - ---- 1/1/0/0/0 1/0 "GET /r2?d=1.0 HTTP/1.1"
        assertMatches(HEADER + CLIENT + "fe be/s1 0/-1/-1/-1/\\d+ 503 \\d+ - - SQ-- \\d+/\\d+/\\d+/1/0 0/0 \"GET /r3 HTTP/1\\.1\"", lineFor(got, "/r3"));
        assertMatches(HEADER + CLIENT + "fe be/s1 0/[1-9]\\d*/\\d+/\\d+/\\d+ 200 \\d+ - - ---- .* 1/0 \"GET /r2 HTTP/1\\.1\"", lineFor(got, "/r2"));
    }

    @Test
    void fullServerQueueRedispatchesWithOptionRedispatch() throws Exception {
        start(CONFIG + """
                frontend fe
                    bind 127.0.0.1:${FE}
                    default_backend be
                backend be
                    option redispatch
                    use-server s1 if TRUE
                    server s1 127.0.0.1:${BE} maxconn 1 maxqueue 1
                    server s2 127.0.0.1:${BE2}
                """);
        slowBackend("BE", 400);
        ProxyFixture.Backend two = fx.backend("BE2");
        HttpClient c = parallelClient();
        Future<ProxyFixture.Response> r1 = send(c, fx.port("FE"), "/r1");
        awaitInFlight(1);
        Future<ProxyFixture.Response> r2 = send(c, fx.port("FE"), "/r2");
        Thread.sleep(100);  // r2 waits in s1's queue
        ProxyFixture.Response r3 = ProxyFixture.await(send(c, fx.port("FE"), "/r3"));
        assertEquals(200, r3.status());
        assertEquals("BE2", r3.body(), "persistence broken to reach a server with room");
        assertEquals(1, two.seen.size());
        assertEquals("ok /r1", ProxyFixture.await(r1).body());
        assertEquals("ok /r2", ProxyFixture.await(r2).body());
    }

    @Test
    void allServersFullWaitInTheBackendQueueAndAnyServerTakesThem() throws Exception {
        start(CONFIG + """
                frontend fe
                    bind 127.0.0.1:${FE}
                    default_backend be
                backend be
                    balance roundrobin
                    server s1 127.0.0.1:${BE} maxconn 1
                    server s2 127.0.0.1:${BE2} maxconn 1
                """);
        slowBackend("BE", 200);
        slowBackend("BE2", 200);
        HttpClient c = parallelClient();
        List<Future<ProxyFixture.Response>> all = new ArrayList<>();
        for (int i = 1; i <= 6; i++) all.add(send(c, fx.port("FE"), "/r" + i));
        for (Future<ProxyFixture.Response> f : all) assertEquals(200, ProxyFixture.await(f).status());
        assertEquals(2, maxInFlight.get(), "two servers with maxconn 1 never hold more than two requests");
    }

    @Test
    void frontendMaxconnHoldsExtraConnectionsWithoutFailingThem() throws Exception {
        start(CONFIG + """
                frontend fe
                    bind 127.0.0.1:${FE}
                    maxconn 1
                    default_backend be
                backend be
                    server s1 127.0.0.1:${BE}
                """);
        slowBackend("BE", 300);
        // connection 1 is served; connection 2 waits (not accepted as HAProxy leaves it in the backlog)
        try (Socket a = new Socket("127.0.0.1", fx.port("FE"))) {
            a.setSoTimeout(5000);
            a.getOutputStream().write("GET /a HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            awaitInFlight(1);  // a holds the frontend's only place
            Socket b = new Socket("127.0.0.1", fx.port("FE"));
            b.setSoTimeout(5000);
            b.getOutputStream().write("GET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertTrue(readResponse(a).endsWith("ok /a"));
            // /a's connection stays open (keep-alive): /b is held the whole time
            Thread.sleep(400);
            assertEquals(1, maxInFlight.get());
            assertEquals(1, fx.backends.get(0).seen.size(), "only /a reached the server while a holds the slot");
            a.close();  // the slot frees: /b is served now
            String rb = readResponse(b);
            assertTrue(rb.startsWith("HTTP/1.1 200") && rb.endsWith("ok /b"), rb);
            b.close();
        }
    }

    @Test
    void tcpSessionsHonourServerMaxconn() throws Exception {
        fx = new ProxyFixture();
        AtomicInteger accepted = new AtomicInteger();
        io.vertx.core.net.NetServer echo = fx.vertx.createNetServer().connectHandler(sock -> {
            accepted.incrementAndGet();
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            sock.handler(sock::write);
            sock.closeHandler(v -> inFlight.decrementAndGet());
        });
        ProxyFixture.await(echo.listen(fx.port("BE"), "127.0.0.1"));
        fx.start("""
                defaults
                    mode tcp
                    timeout connect 5s
                    timeout client 10s
                    timeout server 10s
                listen lt
                    bind 127.0.0.1:${FE}
                    server s1 127.0.0.1:${BE} maxconn 1
                """);
        try (Socket a = new Socket("127.0.0.1", fx.port("FE"))) {
            a.getOutputStream().write('a');
            a.setSoTimeout(5000);
            assertEquals('a', a.getInputStream().read());
            Socket b = new Socket("127.0.0.1", fx.port("FE"));
            b.getOutputStream().write('b');
            b.setSoTimeout(400);
            assertThrows(java.net.SocketTimeoutException.class, () -> b.getInputStream().read(), "the second session waits for the slot");
            assertEquals(1, accepted.get());
            a.close();
            b.setSoTimeout(5000);
            assertEquals('b', b.getInputStream().read(), "served once the first session ended");
            assertEquals(1, maxInFlight.get());
            b.close();
        }
    }

    /** Reads one small response (head and a content-length body). */
    private static String readResponse(Socket s) throws Exception {
        InputStream in = s.getInputStream();
        StringBuilder sb = new StringBuilder();
        byte[] buf = new byte[4096];
        while (true) {
            int n = in.read(buf);
            if (n < 0) break;
            sb.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            int head = sb.indexOf("\r\n\r\n");
            if (head < 0) continue;
            java.util.regex.Matcher m = Pattern.compile("(?i)content-length: (\\d+)").matcher(sb);
            if (m.find() && sb.length() >= head + 4 + Integer.parseInt(m.group(1))) break;
        }
        return sb.toString();
    }
}
