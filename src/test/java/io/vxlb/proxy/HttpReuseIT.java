package io.vxlb.proxy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code http-reuse} as HAProxy 2.6 (the cases of reg-tests/connection/http_reuse_*.vtc): which
 * server connection each request of successive client connections takes. The server answers
 * with the number of the connection the request came on; four event loops make successive
 * client connections land on different loops, so reuse across clients goes through the takeover
 * of another loop's idle connection.
 */
class HttpReuseIT {
    private ProxyFixture fx;
    private final AtomicInteger connections = new AtomicInteger();
    private volatile String lastConnectionHeader;

    @AfterEach
    void tearDown() {
        if (fx != null) fx.close();
    }

    private void start(String backendLines) {
        fx = new ProxyFixture();
        ProxyFixture.await(fx.vertx.createHttpServer()
                .connectionHandler(c -> {
                    int n = connections.incrementAndGet();
                    c.exceptionHandler(t -> { });
                    conn.put(c, n);
                })
                .requestHandler(r -> {
                    lastConnectionHeader = r.getHeader("connection");
                    r.response().end(String.valueOf(conn.get(r.connection())));
                })
                .listen(fx.port("BE"), "127.0.0.1"));
        fx.start("""
                global
                    nbthread 4
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 5s
                    timeout server 5s
                listen px
                    bind 127.0.0.1:${FE}
                """ + backendLines);
    }

    private final java.util.Map<io.vertx.core.http.HttpConnection, Integer> conn = new java.util.concurrent.ConcurrentHashMap<>();

    /** {@code n} keep-alive requests on one client connection: the server connection number of each. */
    private List<Integer> client(int n) throws IOException {
        List<Integer> out = new ArrayList<>();
        try (Socket s = new Socket("127.0.0.1", fx.port("FE"))) {
            s.setSoTimeout(5000);
            InputStream in = s.getInputStream();
            for (int i = 0; i < n; i++) {
                s.getOutputStream().write("GET / HTTP/1.1\r\nhost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.add(Integer.parseInt(response(in)));
            }
        }
        return out;
    }

    /** One response's body (Content-Length framed). */
    private static String response(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) throw new IOException("closed after " + head);
            head.write(b);
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        assertTrue(h.startsWith("HTTP/1.1 200"), h);
        int len = Integer.parseInt(h.replaceAll("(?is).*\r\ncontent-length: *(\\d+).*", "$1"));
        return new String(in.readNBytes(len), StandardCharsets.ISO_8859_1);
    }

    @Test
    void neverKeepsAServerConnectionForItsClientConnectionOnly() throws Exception {
        start("""
                    http-reuse never
                    server s1 127.0.0.1:${BE}
                """);
        List<Integer> a = client(3), b = client(3);
        assertEquals(List.of(a.get(0), a.get(0), a.get(0)), a, "the client connection keeps its server connection");
        assertEquals(List.of(b.get(0), b.get(0), b.get(0)), b);
        assertNotEquals(a.get(0), b.get(0), "another client connection never gets it");
        assertNull(lastConnectionHeader, "the server is not told to close: the connection is kept");
    }

    @Test
    void safeLetsLaterRequestsTakeAnotherClientsIdleConnection() throws Exception {
        start("""
                    http-reuse safe
                    server s1 127.0.0.1:${BE} pool-max-conn 1
                """);
        List<Integer> a = client(3), b = client(3), c = client(3);
        int x = a.get(0);
        assertEquals(List.of(x, x, x), a);
        // a first request never takes an idle connection; the next ones take the pool's (a's)
        assertNotEquals(x, b.get(0));
        assertEquals(List.of(x, x), b.subList(1, 3));
        assertNotEquals(x, c.get(0));
        assertNotEquals(b.get(0), c.get(0), "b's own was closed: the pool (max 1) already held a's");
        assertEquals(List.of(x, x), c.subList(1, 3));
    }

    @Test
    void aggressiveLetsFirstRequestsTakeProvenConnections() throws Exception {
        start("""
                    http-reuse aggressive
                    server s1 127.0.0.1:${BE}
                """);
        List<Integer> a = client(1), b = client(2), c = client(1);
        assertNotEquals(a.get(0), b.get(0), "a's connection served one request only: not proven yet");
        assertTrue(b.get(1) <= 2, "b's second request reuses one of the two: " + b);
        assertEquals(b.get(1), c.get(0), "c's first request takes the connection proven by b's second");
        assertEquals(2, connections.get());
    }

    @Test
    void alwaysGivesAnyIdleConnectionToAnyRequest() throws Exception {
        start("""
                    http-reuse always
                    server s1 127.0.0.1:${BE}
                """);
        List<Integer> a = client(1), b = client(2), c = client(1);
        assertEquals(List.of(a.get(0), a.get(0)), b);
        assertEquals(a, c);
        assertEquals(1, connections.get());
    }

    @Test
    void poolMaxConnZeroKeepsNoIdleConnection() throws Exception {
        start("""
                    http-reuse always
                    server s1 127.0.0.1:${BE} pool-max-conn 0
                """);
        List<Integer> a = client(3);
        assertEquals(3, new java.util.HashSet<>(a).size(), "a new server connection per request: " + a);
    }
}
