package io.vxlb.proxy;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The strict HTTP/1 layer ({@link H1FrontLayer}) end to end, with raw bytes on both sides: a
 * raw server records every request exactly as it arrived, so the tests see the framing the
 * proxy really sent, and a raw client sees the proxy's exact answer and when it closes.
 */
class H1FrontLayerIT {
    private static final String CONFIG = """
            defaults
                mode http
                timeout connect 2s
                timeout client 5s
                timeout server 5s
                timeout http-request 2s
            frontend fe
                bind 127.0.0.1:${FE}
                http-request deny if { path_beg /admin }
                default_backend be
            backend be
                server s1 127.0.0.1:${BE}
            """;

    /** HAProxy 2.6.12's 400 page, byte for byte as it answered a bad header line on this machine. */
    static final String HAPROXY_400 = "HTTP/1.1 400 Bad request\r\nContent-length: 90\r\nCache-Control: no-cache\r\n"
            + "Connection: close\r\nContent-Type: text/html\r\n\r\n"
            + "<html><body><h1>400 Bad request</h1>\nYour browser sent an invalid request.\n</body></html>\n";

    private ProxyFixture fx;
    /** Every request the raw server read, head and body as they came. */
    private final List<String> seen = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() {
        if (fx != null) fx.close();
    }

    /** A raw server: reads requests framed by content-length or chunked, answers each with {@code answer}. */
    private void rawServer(Function<String, String> answer) {
        ProxyFixture.await(fx.vertx.createNetServer().connectHandler(so -> {
            StringBuilder in = new StringBuilder();
            so.handler(b -> {
                in.append(b.toString(StandardCharsets.ISO_8859_1));
                String req;
                while ((req = nextRequest(in)) != null) {
                    seen.add(req);
                    so.write(Buffer.buffer(answer.apply(req)));
                }
            });
        }).listen(fx.port("BE"), "127.0.0.1"));
    }

    private void rawServer() {
        rawServer(r -> "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
    }

    /** One complete request off the front of {@code in}, or null. */
    static String nextRequest(StringBuilder in) {
        int end = in.indexOf("\r\n\r\n");
        if (end < 0) return null;
        String head = in.substring(0, end + 4).toLowerCase(java.util.Locale.ROOT);
        int total;
        if (head.contains("\r\ntransfer-encoding: chunked\r\n")) {
            int last = in.indexOf("\r\n0\r\n\r\n", end + 2);
            if (last < 0) return null;
            total = last + 7;
        } else {
            int cl = head.indexOf("\r\ncontent-length: ");
            long n = cl < 0 ? 0 : Long.parseLong(head.substring(cl + 18, head.indexOf("\r\n", cl + 2)).trim());
            if (in.length() < end + 4 + n) return null;
            total = (int) (end + 4 + n);
        }
        String r = in.substring(0, total);
        in.delete(0, total);
        return r;
    }

    /** Writes {@code bytes}, reads until the proxy closes (or {@code millis} pass): returns what came and whether it closed. */
    private Answer send(String bytes, int millis, boolean halfClose) throws Exception {
        try (Socket s = new Socket("127.0.0.1", fx.port("FE"))) {
            s.setSoTimeout(millis);
            s.getOutputStream().write(bytes.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            if (halfClose) s.shutdownOutput();
            InputStream in = s.getInputStream();
            StringBuilder sb = new StringBuilder();
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) > 0) sb.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                return new Answer(sb.toString(), true);
            } catch (java.net.SocketTimeoutException e) {
                return new Answer(sb.toString(), false);
            }
        }
    }

    record Answer(String text, boolean closed) {
        int count(String what) {
            return text.split(java.util.regex.Pattern.quote(what), -1).length - 1;
        }
    }

    private void start() {
        fx = new ProxyFixture();
        rawServer();
        fx.start(CONFIG);
    }

    @Test
    void contentLengthWithTransferEncodingIsForwardedChunkedOnlyAndTheConnectionCloses() throws Exception {
        start();
        for (String order : new String[]{"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n", "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n"}) {
            seen.clear();
            Answer a = send("POST /a HTTP/1.1\r\nHost: x\r\n" + order + "\r\n"
                    + "0\r\n\r\nGET /admin/smuggled HTTP/1.1\r\nHost: x\r\n\r\n", 3000, false);
            assertEquals(1, a.count("HTTP/1.1 200"), a.text());
            assertTrue(a.closed(), "closed after the response, as HAProxy: " + a.text());
            assertEquals(1, seen.size(), seen.toString());
            String r = seen.get(0).toLowerCase(java.util.Locale.ROOT);
            assertFalse(r.contains("content-length"), r);
            assertTrue(r.contains("transfer-encoding: chunked\r\n"), r);
            assertTrue(r.endsWith("\r\n\r\n0\r\n\r\n"), r);
        }
    }

    @Test
    void aConnectionHeaderCannotRemoveTheFramingOrHost() throws Exception {
        start();
        Answer a = send("POST /a HTTP/1.1\r\nHost: x\r\nConnection: content-length, host\r\nContent-Length: 38\r\n\r\n"
                + "GET /admin/smuggled HTTP/1.1\r\nHost: x\r\n\r\n", 1500, false);
        assertEquals(1, a.count("HTTP/1.1 200"), a.text());
        assertEquals(1, seen.size(), seen.toString());
        assertTrue(seen.get(0).startsWith("POST /a HTTP/1.1\r\nHost: x\r\n"), seen.get(0));
        assertTrue(seen.get(0).contains("Content-Length: 38\r\n"), seen.get(0));
    }

    @Test
    void chunkExtensionsAreAcceptedAndTrailersDropped() throws Exception {
        start();
        Answer a = send("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;a=b\r\nhello\r\n3 ; x=\"y z\"\r\nabc\r\n0\r\nX-Trailer: t\r\n\r\n", 1500, false);
        assertEquals(1, a.count("HTTP/1.1 200"), a.text());
        assertEquals(1, seen.size(), seen.toString());
        assertTrue(seen.get(0).endsWith("\r\n\r\n5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n"), seen.get(0));
    }

    @Test
    void aBadChunkSizeIsA400AndTheServerNeverSeesACompleteRequest() throws Exception {
        start();
        Answer a = send("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\nzz\r\n0\r\n\r\nGET /admin/smuggled HTTP/1.1\r\nHost: x\r\n\r\n", 3000, false);
        assertEquals(HAPROXY_400, a.text());
        assertTrue(a.closed());
        assertTrue(seen.isEmpty(), seen.toString());
    }

    @Test
    void anOverflowingChunkSizeIsA400() throws Exception {
        start();
        Answer a = send("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "100000000000000000000005\r\nhello\r\n0\r\n\r\n", 3000, false);
        assertEquals(HAPROXY_400, a.text());
        assertTrue(seen.isEmpty(), seen.toString());
    }

    @Test
    void aPipelinedBadRequestIsAnsweredAfterTheGoodOnesInOrder() throws Exception {
        start();
        Answer a = send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\nGET /3 HTTP/1.1\r\nHost: x\r\nbad line\r\n\r\n"
                + "GET /4 HTTP/1.1\r\nHost: x\r\n\r\n", 3000, false);
        assertTrue(a.closed(), a.text());
        assertEquals(2, a.count("HTTP/1.1 200"), a.text());
        assertTrue(a.text().endsWith(HAPROXY_400), a.text());
        assertEquals(2, seen.size(), seen.toString());
    }

    @Test
    void aClientThatHalfClosesWithoutAByteGets400AndOneThatHalfClosesAfterARequestGetsItsAnswer() throws Exception {
        start();
        Answer empty = send("", 3000, true);
        assertEquals(HAPROXY_400, empty.text());
        Answer after = send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\n", 3000, true);
        assertTrue(after.text().startsWith("HTTP/1.1 200 OK\r\n"), after.text());
        assertTrue(after.text().endsWith("ok"), after.text());
        assertTrue(after.closed());
    }

    @Test
    void anH2cUpgradeGoesOnAsAPlainRequestWithoutItsUpgradeHeaders() throws Exception {
        start();
        Answer a = send("GET /a HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\nConnection: Upgrade, HTTP2-Settings\r\n\r\n", 1500, false);
        assertEquals(1, a.count("HTTP/1.1 200"), a.text());
        String r = seen.get(0).toLowerCase(java.util.Locale.ROOT);
        assertFalse(r.contains("upgrade"), r);
        assertFalse(r.contains("http2-settings"), r);
    }

    @Test
    void twoDifferentHostsAndAnAuthorityOtherThanHostAre400() throws Exception {
        start();
        assertEquals(HAPROXY_400, send("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 3000, false).text());
        assertEquals(HAPROXY_400, send("GET http://b/ HTTP/1.1\r\nHost: a\r\n\r\n", 3000, false).text());
        assertTrue(seen.isEmpty(), seen.toString());
    }

    // ---- the response side -----------------------------------------------------------------------

    private void startWith(Function<String, String> answer) {
        fx = new ProxyFixture();
        rawServer(answer);
        fx.start(CONFIG);
    }

    @Test
    void aResponseWithContentLengthAndChunkedReachesTheClientOneWayOnly() throws Exception {
        startWith(r -> r.startsWith("GET /1 ")
                ? "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"
                : "HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\ntwo");
        Answer a = send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n", 1500, false);
        assertEquals(2, a.count("HTTP/1.1 200"), a.text());
        assertTrue(a.text().endsWith("two"), a.text());
        assertFalse(a.text().toLowerCase(java.util.Locale.ROOT).contains("content-length: 100"), a.text());
    }

    @Test
    void twoDifferentContentLengthsFromAServerAre502() throws Exception {
        startWith(r -> "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok!");
        Answer a = send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\n", 1500, false);
        assertTrue(a.text().startsWith("HTTP/1.1 502 Bad Gateway\r\n"), a.text());
    }

    @Test
    void bytesAServerSendsAfterItsResponseNeverBecomeAnotherResponse() throws Exception {
        startWith(r -> r.startsWith("GET /1 ")
                ? "HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\none" + "HTTP/1.1 200 OK\r\ncontent-length: 6\r\n\r\nforged"
                : "HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\ntwo");
        Answer first = send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\n", 1000, false);
        assertEquals(1, first.count("HTTP/1.1 200"), first.text());
        assertTrue(first.text().endsWith("one"), first.text());
        Answer second = send("GET /2 HTTP/1.1\r\nHost: x\r\n\r\n", 1000, false);
        assertTrue(second.text().endsWith("two"), second.text());
        assertFalse(second.text().contains("forged"), second.text());
    }

    @Test
    void aBadChunkFromAServerCutsTheClientConnectionInsteadOfEndingTheResponse() throws Exception {
        startWith(r -> "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\nzz\r\n0\r\n\r\n");
        Answer a = send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\n", 3000, false);
        assertTrue(a.closed(), a.text());
        assertFalse(a.text().endsWith("0\r\n\r\n"), "the client must not take a cut body for a whole one: " + a.text());
    }
}
