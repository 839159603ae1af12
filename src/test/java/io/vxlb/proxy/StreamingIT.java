package io.vxlb.proxy;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Bodies through the proxy: large uploads and downloads byte-exact with flat proxy memory
 * (content-length and chunked, both directions), back-pressure towards a fast server when the
 * client reads slowly, {@code Expect: 100-continue}, bodiless responses on kept-alive
 * connections, and a server that resets in the middle of a body.
 */
class StreamingIT {
    private static final long MiB = 1024 * 1024;
    /** Heap and direct-memory cap of the separate proxy JVM: the big bodies are 8x (and 32x) this. */
    private static final int PROXY_MEMORY_MB = 32;

    private ProxyFixture fx;
    private ProxyProcess proxy;

    @AfterEach
    void tearDown() {
        if (proxy != null) proxy.close();
        if (fx != null) fx.close();
    }

    private static final String BASE = """
            defaults
                mode http
                timeout connect 2s
                timeout client 30s
                timeout server 30s
            """;

    // ---- large bodies through a proxy JVM that cannot hold them ----------------------------------

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void bigUploadsAndDownloadsAreByteExactWhileTheProxyHeapStaysFlat() throws Exception {
        transferBothWays(256 * MiB);
    }

    @Test
    @Tag("slow")
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void oneGibibyteEachWayIsByteExactWhileTheProxyHeapStaysFlat() throws Exception {
        transferBothWays(1024 * MiB);
    }

    /**
     * Runs vxlb in its own JVM with {@value #PROXY_MEMORY_MB} MiB of heap and as much direct
     * memory (and exit-on-OOM), so a proxy that buffered a body would die instead of passing; the
     * GC log then gives the largest heap the proxy ever used.
     */
    private void transferBothWays(long size) throws Exception {
        fx = new ProxyFixture();
        fx.backend("BE", StreamingIT::bodyBackend);
        proxy = ProxyProcess.start(BASE + """
                listen big
                    bind 127.0.0.1:${FE}
                    server s1 127.0.0.1:${BE}
                """, fx);
        HttpClient client = fx.vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true));
        // a first round of 32 MiB warms up the JITs of both JVMs, so the big round measures the proxy
        roundTrips(client, 32 * MiB, new ArrayList<>());
        List<String> speeds = new ArrayList<>();
        roundTrips(client, size, speeds);
        assertTrue(proxy.process.isAlive(), "the proxy survived: " + proxy.output());
        ProxyProcess.Memory m = proxy.memory();
        System.out.printf(Locale.ROOT, "[StreamingIT] %d MiB each way through a -Xmx%dm proxy JVM: %s; proxy heap max before GC %d MiB, after GC %d MiB (%d GCs), peak RSS %d MiB%n",
                size / MiB, PROXY_MEMORY_MB, String.join(", ", speeds), m.heapBeforeGcMiB, m.heapAfterGcMiB, m.gcs, m.peakRssKiB / 1024);
        assertTrue(m.gcs > 0, "the GC log of the proxy was read: " + m);
        // bodies 8x the heap cap went through: what survives a collection stays small
        assertTrue(m.heapAfterGcMiB <= PROXY_MEMORY_MB / 2, "proxy heap after GC " + m.heapAfterGcMiB + " MiB");
        assertTrue(m.peakRssKiB > 0 && m.peakRssKiB * 1024 < size, "proxy peak RSS " + m.peakRssKiB / 1024 + " MiB is below the body size");
    }

    /** Uploads and downloads {@code size} bytes once with content-length and once chunked; checks length, framing and SHA-256. */
    private void roundTrips(HttpClient client, long size, List<String> speeds) {
        byte[] expected = Body.sha256(size);
        for (boolean chunked : new boolean[]{false, true}) {
            String framing = chunked ? "chunked" : "content-length";
            long t0 = System.nanoTime();
            String answer = await(upload(client, fx.port("FE"), size, chunked), 240);
            speeds.add(speed("upload " + framing, size, t0));
            // the backend answers "<sha256> <bytes> <framing it saw>"
            assertEquals(HexFormat.of().formatHex(expected) + " " + size + " " + (chunked ? "chunked" : "length=" + size), answer,
                    "the backend received the " + framing + " upload byte-exact and with the same framing");

            t0 = System.nanoTime();
            Received got = await(download(client, fx.port("FE"), "/down/" + size + (chunked ? "/chunked" : "/length")), 240);
            speeds.add(speed("download " + framing, size, t0));
            assertEquals(200, got.status);
            assertEquals(size, got.bytes, framing + " download length");
            assertArrayEquals(expected, got.sha256, framing + " download is byte-exact");
            if (chunked) {
                assertEquals("chunked", got.transferEncoding);
                assertNull(got.contentLength);
            } else {
                assertEquals(Long.toString(size), got.contentLength);
                assertNull(got.transferEncoding);
            }
        }
    }

    private static String speed(String what, long size, long t0) {
        double s = (System.nanoTime() - t0) / 1e9;
        return String.format(Locale.ROOT, "%s %.0f MB/s", what, size / 1e6 / s);
    }

    /**
     * The big-body backend: {@code POST /up} hashes what arrives and answers
     * {@code "<sha256> <bytes> <framing>"}; {@code GET /down/SIZE/length|chunked} sends a body.
     */
    private static void bodyBackend(HttpServerRequest req) {
        if (req.method() == HttpMethod.POST) {
            String framing = req.headers().contains("transfer-encoding") ? req.getHeader("transfer-encoding")
                    : "length=" + req.getHeader("content-length");
            Digest d = new Digest();
            req.handler(d::update);
            req.exceptionHandler(t -> req.response().setStatusCode(500).end());
            req.endHandler(v -> req.response().end(d.hex() + " " + d.bytes + " " + framing));
            return;
        }
        String[] p = req.path().split("/");  // "", "down", SIZE, framing
        long size = Long.parseLong(p[2]);
        if (p[3].equals("chunked")) req.response().setChunked(true);
        else req.response().putHeader("content-length", Long.toString(size));
        new Pump(req.response(), size, null).start();
    }

    private static Future<String> upload(HttpClient client, int port, long size, boolean chunked) {
        RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port).setURI("/up");
        return client.request(o).compose(req -> {
            if (chunked) req.setChunked(true);
            else req.putHeader("content-length", Long.toString(size));
            new Pump(req, size, null).start();
            return req.response().compose(resp -> resp.body().map(Buffer::toString));
        });
    }

    private static Future<Received> download(HttpClient client, int port, String uri) {
        RequestOptions o = new RequestOptions().setHost("127.0.0.1").setPort(port).setURI(uri);
        // the body handler must be set in the event-loop turn that delivers the response (Vert.x drops
        // chunks that arrive before it): so compose inside the request callback, not on the test thread
        return client.request(o).compose(req -> req.send().compose(resp -> {
            Digest d = new Digest();
            resp.handler(d::update);
            return resp.end().map(v -> new Received(resp.statusCode(), d.bytes, d.md.digest(),
                    resp.getHeader("content-length"), resp.getHeader("transfer-encoding")));
        }));
    }

    record Received(int status, long bytes, byte[] sha256, String contentLength, String transferEncoding) {}

    // ---- a slow reader back-pressures the server ---------------------------------------------

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aClientThatStopsReadingBackPressuresTheServerInsteadOfFillingTheProxy() throws Exception {
        long size = 128 * MiB;
        AtomicLong written = new AtomicLong();
        AtomicBoolean queueFull = new AtomicBoolean();
        fx = new ProxyFixture();
        fx.backend("BE", req -> {
            req.response().putHeader("content-length", Long.toString(size));
            new Pump(req.response(), size, new Pump.Watch(written, queueFull)).start();
        });
        fx.start(BASE + """
                listen app
                    bind 127.0.0.1:${FE}
                    server s1 127.0.0.1:${BE}
                """);
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(64 * 1024);  // before connect: a small, fixed window
            s.connect(new InetSocketAddress("127.0.0.1", fx.port("FE")), 5000);
            s.setSoTimeout(20_000);
            s.getOutputStream().write("GET /big HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            // the client reads nothing for a while; the server writes as fast as it may
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!queueFull.get() && System.nanoTime() < deadline) Thread.sleep(10);
            assertTrue(queueFull.get(), "the server's response stream reported writeQueueFull, so it had to wait for drain");
            // the buffers on the way fill up, then the server stalls: no progress for 1.5 s on end
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            long stalledSince = System.nanoTime(), last = written.get();
            while (System.nanoTime() - stalledSince < TimeUnit.MILLISECONDS.toNanos(1500) && System.nanoTime() < deadline) {
                Thread.sleep(50);
                long now = written.get();
                if (now != last) {
                    last = now;
                    stalledSince = System.nanoTime();
                }
            }
            long stalledMillis = (System.nanoTime() - stalledSince) / 1_000_000;
            long w = written.get();
            System.out.printf(Locale.ROOT, "[StreamingIT] slow reader: server wrote %.1f MiB of %d MiB, then stalled (%d ms without progress) while the client read nothing%n",
                    w / (double) MiB, size / MiB, stalledMillis);
            assertTrue(stalledMillis >= 1500, "the server is stalled while the client does not read: still writing after 10 s, at " + w + " bytes");
            assertTrue(w < size / 4, "what the server could write is bounded by socket buffers, not the body: " + w);

            RawResponse r = RawResponse.read(new BufferedInputStream(s.getInputStream()), false, true);
            assertEquals(200, r.status);
            assertEquals(size, r.bodyBytes);
            assertArrayEquals(Body.sha256(size), r.sha256, "after the pause the whole body arrives byte-exact");
            assertEquals(size, written.get());
        }
    }

    // ---- Expect: 100-continue ------------------------------------------------------------------

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void expect100ContinueIsRelayedBeforeTheClientSendsTheBody() throws Exception {
        fx = new ProxyFixture();
        fx.backend("BE", req -> {
            if (req.path().equals("/refuse")) {  // a server that does not want the body
                req.response().setStatusCode(413).putHeader("connection", "close").end("too big");
                return;
            }
            if ("100-continue".equalsIgnoreCase(req.getHeader("expect"))) req.response().writeContinue();
            req.body().onSuccess(b -> req.response().end("got " + b.length() + ": " + b));
        });
        fx.start(BASE + """
                listen app
                    bind 127.0.0.1:${FE}
                    server s1 127.0.0.1:${BE}
                """);
        try (Socket s = new Socket("127.0.0.1", fx.port("FE"))) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            InputStream in = new BufferedInputStream(s.getInputStream());
            out.write("POST /c HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String interim = RawResponse.readHead(in);
            assertTrue(interim.startsWith("HTTP/1.1 100 Continue\r\n"), interim);
            assertTrue(fx.backends.get(0).seen.size() == 1 && "100-continue".equals(fx.backends.get(0).last().header("expect")),
                    "the 100 came from the server, which saw the Expect header");
            out.write("hello world".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            RawResponse r = RawResponse.read(in, false, false);
            assertEquals(200, r.status);
            assertEquals("got 11: hello world", r.body());

            // the same connection goes on with a plain request
            out.write("GET /next HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            assertEquals("got 2: ok", RawResponse.read(in, false, false).body());
        }
        // a server that answers without 100 Continue: the final answer reaches the client, who never sends the body
        try (Socket s = new Socket("127.0.0.1", fx.port("FE"))) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("POST /refuse HTTP/1.1\r\nHost: a\r\nContent-Length: 1000000\r\nExpect: 100-continue\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            RawResponse r = RawResponse.read(new BufferedInputStream(s.getInputStream()), false, false);
            assertEquals(413, r.status);
            assertEquals("too big", r.body());
        }
    }

    // ---- bodiless responses keep the connection usable ------------------------------------------

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void headAnd204And304CarryNoBodyAndKeepTheConnectionAlive() throws Exception {
        fx = new ProxyFixture();
        fx.backend("BE", req -> {
            switch (req.path()) {
                case "/head" -> req.response().putHeader("content-length", "1234").putHeader("content-type", "text/plain").end();
                case "/head-chunked" -> req.response().setChunked(true).end();
                case "/204" -> {  // Vert.x would add "content-length: 0"; a 204 has none (RFC 9110)
                    req.response().headersEndHandler(v -> req.response().headers().remove("content-length"));
                    req.response().setStatusCode(204).end();
                }
                case "/304" -> req.response().setStatusCode(304).putHeader("etag", "\"v1\"").end();
                default -> req.response().end("body of " + req.path());
            }
        });
        fx.start(BASE + """
                listen app
                    bind 127.0.0.1:${FE}
                    server s1 127.0.0.1:${BE}
                """);
        try (Socket s = new Socket("127.0.0.1", fx.port("FE"))) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            InputStream in = new BufferedInputStream(s.getInputStream());
            String[][] steps = {
                    {"HEAD", "/head", "200"}, {"GET", "/a", "200"}, {"HEAD", "/head-chunked", "200"}, {"GET", "/204", "204"},
                    {"GET", "/b", "200"}, {"GET", "/304", "304"}, {"HEAD", "/head", "200"}, {"GET", "/c", "200"}};
            for (String[] step : steps) {
                out.write((step[0] + " " + step[1] + " HTTP/1.1\r\nHost: a\r\nIf-None-Match: \"v1\"\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                boolean bodiless = !step[2].equals("200") || step[0].equals("HEAD");
                RawResponse r = RawResponse.read(in, step[0].equals("HEAD"), false);
                assertEquals(Integer.parseInt(step[2]), r.status, step[0] + " " + step[1] + ": " + r.head);
                if (bodiless) {
                    assertEquals(0, r.bodyBytes, step[1]);
                    assertNull(r.header("connection"), "no close after " + step[0] + " " + step[1] + ": " + r.head);
                } else {
                    assertEquals("body of " + step[1], r.body());
                }
                if (step[1].equals("/head")) assertEquals("1234", r.header("content-length"), "HEAD keeps the server's content-length");
                if (step[2].equals("204") || step[2].equals("304")) {
                    assertNull(r.header("transfer-encoding"), r.head);
                    assertNull(r.header("content-length"), r.head);
                }
                if (step[2].equals("304")) assertEquals("\"v1\"", r.header("etag"));
            }
            // nothing stray follows the last answer on the connection
            s.setSoTimeout(300);
            try {
                int b = in.read();
                fail("unexpected byte after the last response: " + b);
            } catch (SocketTimeoutException expected) {
                // the connection is idle and open
            }
        }
        assertEquals(8, fx.backends.get(0).seen.size());
    }

    // ---- a server that resets in the middle of a body -----------------------------------------

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aServerResetInTheMiddleOfABodyClosesThatClientOnlyAndNeverFakesACompleteBody() throws Exception {
        fx = new ProxyFixture();
        fx.backend("GOOD", StreamingIT::bodyBackend);
        // sends a head announcing 8 MiB (or a chunked body), 1 MiB of it, then a TCP reset (SO_LINGER 0)
        Buffer part = Buffer.buffer(new byte[(int) MiB]);
        NetServer resetting = ProxyFixture.await(fx.vertx.createNetServer(new NetServerOptions().setSoLinger(0))
                .connectHandler(so -> so.handler(request -> {
                    boolean chunked = request.toString(StandardCharsets.ISO_8859_1).startsWith("GET /chunked");
                    String head = "HTTP/1.1 200 OK\r\n" + (chunked ? "transfer-encoding: chunked\r\n" : "content-length: " + 8 * MiB + "\r\n") + "\r\n";
                    Buffer b = Buffer.buffer(head);
                    if (chunked) b.appendString(Integer.toHexString(part.length()) + "\r\n").appendBuffer(part).appendString("\r\n");
                    else b.appendBuffer(part);
                    so.write(b).onComplete(x -> fx.vertx.setTimer(50, t -> so.close()));
                }))
                .listen(fx.port("RST"), "127.0.0.1"));
        fx.start(BASE + """
                frontend fe
                    bind 127.0.0.1:${FE}
                    use_backend rst if { path_beg /length /chunked }
                    default_backend good
                backend rst
                    retries 0
                    server s1 127.0.0.1:${RST}
                backend good
                    server s1 127.0.0.1:${GOOD}
                """);
        HttpClient other = fx.vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
        long otherSize = 48 * MiB;
        for (String framing : new String[]{"length", "chunked"}) {
            // another client downloads through the same proxy meanwhile
            Future<Received> bystander = download(other, fx.port("FE"), "/down/" + otherSize + "/length");
            long t0 = System.nanoTime();
            try (Socket s = new Socket("127.0.0.1", fx.port("FE"))) {
                s.setSoTimeout(10_000);  // far below timeout client/server (30 s): only the proxy closing ends the read
                s.getOutputStream().write(("GET /" + framing + " HTTP/1.1\r\nHost: a\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                InputStream in = new BufferedInputStream(s.getInputStream());
                String head = RawResponse.readHead(in);
                assertTrue(head.startsWith("HTTP/1.1 200"), head);
                ByteArrayOutputStream rest = new ByteArrayOutputStream();
                boolean closed = false;
                byte[] buf = new byte[64 * 1024];
                try {
                    int n;
                    while ((n = in.read(buf)) > 0) rest.write(buf, 0, n);
                    closed = true;
                } catch (SocketException reset) {
                    closed = true;
                } catch (SocketTimeoutException hang) {
                    fail(framing + ": the proxy left the client hanging after the server reset (" + rest.size() + " body bytes)");
                }
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(closed && ms < 9000, framing + ": client connection closed after " + ms + " ms");
                if (framing.equals("length")) {
                    assertTrue(head.toLowerCase(Locale.ROOT).contains("content-length: " + 8 * MiB), head);
                    assertTrue(rest.size() < 8 * MiB, "fewer bytes than announced: " + rest.size());
                } else {
                    assertTrue(head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked"), head);
                    String tail = new String(rest.toByteArray(), Math.max(0, rest.size() - 16), Math.min(16, rest.size()), StandardCharsets.ISO_8859_1);
                    assertFalse(tail.endsWith("0\r\n\r\n"), "the truncated chunked body must not end with the last-chunk marker: "
                            + rest.size() + " bytes ending " + tail.replace("\r", "\\r").replace("\n", "\\n"));
                }
            }
            Received b = await(bystander, 30);
            assertEquals(otherSize, b.bytes, "the bystander's download completed");
            assertArrayEquals(Body.sha256(otherSize), b.sha256);
            // and a request after it is served (the message says how far it got if it is not)
            int seenBefore = fx.backends.get(0).seen.size();
            RequestOptions post = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(fx.port("FE")).setURI("/up");
            Future<String> after = fx.client.request(post).compose(req -> req.send(Buffer.buffer("ok")).compose(resp -> resp.body().map(Buffer::toString)));
            try {
                assertTrue(after.await(15, TimeUnit.SECONDS).endsWith(" 2 length=2"), "a new request is served");
            } catch (java.util.concurrent.TimeoutException e) {
                fail("after the " + framing + " reset, a new request got no answer in 15 s; the server "
                        + (fx.backends.get(0).seen.size() > seenBefore ? "received it" : "never received it"));
            }
        }
        other.close();
        resetting.close();
    }

    // ---- a client that aborts its chunked upload --------------------------------------------------

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aClientThatAbortsAChunkedUploadNeverDeliversACompleteRequestToTheServer() throws Exception {
        Promise<String> outcome = Promise.promise();
        fx = new ProxyFixture();
        fx.backend("BE", req -> {
            Digest d = new Digest();
            req.handler(d::update);
            req.endHandler(v -> {
                outcome.tryComplete("complete request of " + d.bytes + " bytes");
                req.response().end();
            });
            req.exceptionHandler(t -> outcome.tryComplete("aborted after " + d.bytes + " bytes"));
            req.connection().closeHandler(v -> outcome.tryComplete("closed after " + d.bytes + " bytes"));
        });
        fx.start(BASE + """
                listen app
                    bind 127.0.0.1:${FE}
                    server s1 127.0.0.1:${BE}
                """);
        try (Socket s = new Socket("127.0.0.1", fx.port("FE"))) {
            OutputStream out = s.getOutputStream();
            out.write("POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            byte[] chunk = new byte[16 * 1024];
            for (int i = 0; i < 8; i++) {
                out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            out.flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (fx.backends.get(0).seen.isEmpty() && System.nanoTime() < deadline) Thread.sleep(10);
            assertEquals(1, fx.backends.get(0).seen.size(), "the upload started at the server");
            s.setSoLinger(true, 0);  // close with a reset, mid-body
        }
        String what = await(outcome.future(), 10);
        assertFalse(what.startsWith("complete"), "the server must see the upload cut, not a complete request: " + what);
    }

    // ---- helpers ----------------------------------------------------------------------------------

    /** Waits for a future on the test thread, bounded. */
    static <T> T await(Future<T> f, int seconds) {
        try {
            return f.await(seconds, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("timed out after " + seconds + " s", e);
        }
    }

    /** A deterministic body made on the fly: 64 KiB blocks of seeded random bytes, each stamped with its index. */
    static final class Body {
        static final int BLOCK = 64 * 1024;
        private static final byte[] BASE = new byte[BLOCK];
        private static final Map<Long, byte[]> SHA = new ConcurrentHashMap<>();

        static {
            new Random(42).nextBytes(BASE);
        }

        static byte[] block(long index, int len) {
            byte[] b = Arrays.copyOf(BASE, len);
            for (int i = 0; i < 8 && i < len; i++) b[i] ^= (byte) (index >>> (8 * i));
            return b;
        }

        /** The SHA-256 of the first {@code size} bytes, computed once per size. */
        static byte[] sha256(long size) {
            return SHA.computeIfAbsent(size, n -> {
                MessageDigest md = sha();
                long index = 0;
                for (long done = 0; done < n; ) {
                    int len = (int) Math.min(BLOCK, n - done);
                    md.update(block(index++, len));
                    done += len;
                }
                return md.digest();
            });
        }
    }

    static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Hashes and counts a stream of buffers. */
    static final class Digest {
        final MessageDigest md = sha();
        long bytes;

        void update(Buffer b) {
            md.update(b.getBytes());
            bytes += b.length();
        }

        String hex() {
            return HexFormat.of().formatHex(md.digest());
        }
    }

    /** Writes a {@link Body} to a stream, waiting for drain whenever the stream's queue is full; ends it. */
    static final class Pump {
        record Watch(AtomicLong written, AtomicBoolean queueFull) {}

        private final WriteStream<Buffer> ws;
        private final long size;
        private final Watch watch;
        private long index;
        private long sent;
        private boolean ended;

        Pump(WriteStream<Buffer> ws, long size, Watch watch) {
            this.ws = ws;
            this.size = size;
            this.watch = watch;
        }

        /** Must run on the stream's context (in its handler or callback). */
        void start() {
            if (ended) return;  // a drain that comes after the end
            while (sent < size) {
                if (ws.writeQueueFull()) {
                    if (watch != null) watch.queueFull.set(true);
                    ws.drainHandler(v -> start());
                    return;
                }
                int len = (int) Math.min(Body.BLOCK, size - sent);
                ws.write(Buffer.buffer(Body.block(index++, len)));
                sent += len;
                if (watch != null) watch.written.set(sent);
            }
            ended = true;
            ws.end();
        }
    }

    /** One HTTP/1.1 response read from a raw socket: head, then the body by its framing. */
    static final class RawResponse {
        String head;
        int status;
        long bodyBytes;
        byte[] sha256;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

        String header(String name) {
            Matcher m = Pattern.compile("(?im)^" + Pattern.quote(name) + ":\\s*(.*?)\\s*$").matcher(head);
            return m.find() ? m.group(1) : null;
        }

        String body() {
            return kept.toString(StandardCharsets.ISO_8859_1);
        }

        /** Reads up to the blank line after the headers, byte by byte (the stream is buffered). */
        static String readHead(InputStream in) throws IOException {
            StringBuilder sb = new StringBuilder();
            while (!(sb.length() >= 4 && sb.substring(sb.length() - 4).equals("\r\n\r\n"))) {
                int c = in.read();
                if (c < 0) throw new IOException("connection closed inside a response head: " + sb);
                sb.append((char) c);
                if (sb.length() > 64 * 1024) throw new IOException("response head too long");
            }
            return sb.toString();
        }

        /** Reads one final response; {@code hashOnly} hashes the body instead of keeping it. */
        static RawResponse read(InputStream in, boolean toHead, boolean hashOnly) throws IOException {
            RawResponse r = new RawResponse();
            r.head = readHead(in);
            r.status = Integer.parseInt(r.head.substring(9, 12));
            MessageDigest md = sha();
            boolean bodiless = toHead || r.status == 204 || r.status == 304 || r.status < 200;
            String te = r.header("transfer-encoding");
            String cl = r.header("content-length");
            if (bodiless) {
                // no body
            } else if (te != null && te.equalsIgnoreCase("chunked")) {
                while (true) {
                    String line = readLine(in);
                    int size = Integer.parseInt(line.split(";")[0].trim(), 16);
                    if (size == 0) {
                        while (!readLine(in).isEmpty()) { /* trailers */ }
                        break;
                    }
                    r.copy(in, size, md, hashOnly);
                    readLine(in);
                }
            } else if (cl != null) {
                r.copy(in, Long.parseLong(cl), md, hashOnly);
            } else {
                throw new IOException("response without framing: " + r.head);
            }
            r.sha256 = md.digest();
            return r;
        }

        private void copy(InputStream in, long n, MessageDigest md, boolean hashOnly) throws IOException {
            byte[] buf = new byte[64 * 1024];
            while (n > 0) {
                int k = in.read(buf, 0, (int) Math.min(buf.length, n));
                if (k < 0) throw new IOException("connection closed with " + n + " body bytes missing");
                md.update(buf, 0, k);
                if (!hashOnly) kept.write(buf, 0, k);
                bodyBytes += k;
                n -= k;
            }
        }

        private static String readLine(InputStream in) throws IOException {
            StringBuilder sb = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') if (c != '\r') sb.append((char) c);
            if (c < 0) throw new IOException("connection closed inside a chunked body");
            return sb.toString();
        }
    }

    /**
     * vxlb in a separate JVM ({@code io.vxlb.Main -f FILE}) with small heap and direct-memory
     * caps, a GC log to read the heap it used, and {@code /proc} for its peak RSS.
     */
    static final class ProxyProcess implements AutoCloseable {
        final Process process;
        final Path dir;
        final Path log;
        final Path gcLog;

        private ProxyProcess(Process process, Path dir) {
            this.process = process;
            this.dir = dir;
            this.log = dir.resolve("out.txt");
            this.gcLog = dir.resolve("gc.log");
        }

        static ProxyProcess start(String config, ProxyFixture ports) throws IOException, InterruptedException {
            String text = config;
            Matcher m = Pattern.compile("\\$\\{([A-Z0-9_]+)}").matcher(config);
            while (m.find()) text = text.replace(m.group(), Integer.toString(ports.port(m.group(1))));
            Path dir = Files.createTempDirectory("vxlb-streaming");
            Path cfg = Files.writeString(dir.resolve("vxlb.cfg"), text);
            String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = List.of(java, "-Xmx" + PROXY_MEMORY_MB + "m", "-XX:MaxDirectMemorySize=" + PROXY_MEMORY_MB + "m",
                    "-XX:+ExitOnOutOfMemoryError", "-Xlog:gc:file=" + dir.resolve("gc.log"),
                    "-cp", cp, "io.vxlb.Main", "-f", cfg.toString());
            ProxyProcess p = new ProxyProcess(new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("out.txt").toFile()).start(), dir);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                if (p.output().contains(" started with ")) return p;
                if (!p.process.isAlive()) break;
                Thread.sleep(50);
            }
            String out = p.output();
            p.close();
            throw new AssertionError("the proxy JVM did not start: " + out);
        }

        String output() {
            try {
                return Files.exists(log) ? Files.readString(log) : "";
            } catch (IOException e) {
                return e.toString();
            }
        }

        record Memory(long heapBeforeGcMiB, long heapAfterGcMiB, int gcs, long peakRssKiB) {}

        /** The largest heap before and after a collection from the GC log, and VmHWM. */
        Memory memory() throws IOException {
            long before = 0, after = 0;
            int gcs = 0;
            Matcher m = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)").matcher(Files.readString(gcLog));
            while (m.find()) {
                gcs++;
                before = Math.max(before, Long.parseLong(m.group(1)));
                after = Math.max(after, Long.parseLong(m.group(2)));
            }
            long rss = 0;
            File status = new File("/proc/" + process.pid() + "/status");
            if (status.exists()) {
                for (String line : Files.readAllLines(status.toPath())) {
                    if (line.startsWith("VmHWM:")) rss = Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
            return new Memory(before, after, gcs, rss);
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) Files.deleteIfExists(f);
                Files.deleteIfExists(dir);
            } catch (IOException ignored) {
                // a temp directory left behind is harmless
            }
        }
    }
}
