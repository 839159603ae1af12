package io.vxlb.proxy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * vxlb's own server connections ({@link ServerConnection}, {@link ServerPool}) against servers
 * that speak raw bytes: the cases a pooled HTTP/1.1 client gets wrong most easily.
 */
class ServerPoolIT {
    private static final String BASE = """
            defaults
                mode http
                timeout connect 2s
                timeout client 5s
                timeout server 5s
            """;

    private ProxyFixture fx;

    @AfterEach
    void tearDown() {
        if (fx != null) fx.close();
    }

    /**
     * A raw server on {@code BE}: {@code onRequest} gets the socket and the request number on that
     * connection (1, 2...) for every request head it reads; bodies are not expected.
     */
    private AtomicInteger rawServer(BiConsumer<NetSocket, String[]> onRequest) {
        AtomicInteger connections = new AtomicInteger();
        ProxyFixture.await(fx.vertx.createNetServer().connectHandler(so -> {
            connections.incrementAndGet();
            StringBuilder in = new StringBuilder();
            int[] n = {0};
            so.handler(b -> {
                in.append(b.toString(java.nio.charset.StandardCharsets.ISO_8859_1));
                int end;
                while ((end = in.indexOf("\r\n\r\n")) >= 0) {
                    String head = in.substring(0, end);
                    in.delete(0, end + 4);
                    n[0]++;
                    onRequest.accept(so, new String[]{head, Integer.toString(n[0])});
                }
            });
        }).listen(fx.port("BE"), "127.0.0.1"));
        return connections;
    }

    private void start() {
        fx.start(BASE + """
                listen app
                    bind 127.0.0.1:${FE}
                    server s1 127.0.0.1:${BE}
                """);
    }

    @Test
    void aKeptAliveConnectionTheServerClosedAsTheRequestCameIsResentOnANewOne() {
        fx = new ProxyFixture();
        // each connection answers its first request with keep-alive, then closes on the next one
        // unanswered: the race of a server's keep-alive timeout with the proxy's next request
        AtomicInteger connections = rawServer((so, r) -> {
            if (r[1].equals("1")) so.write(Buffer.buffer("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"));
            else so.close();
        });
        start();
        for (int i = 0; i < 3; i++) {
            ProxyFixture.Response r = fx.get("FE", "/" + i);
            assertEquals(200, r.status(), "request " + i + ": " + r.body());
            assertEquals("ok", r.body());
        }
        assertEquals(3, connections.get(), "one new server connection per resent request");
    }

    @Test
    void aHeadResponseHasNoBodyWhateverItsLengthAndTheConnectionServesTheNextRequest() throws Exception {
        fx = new ProxyFixture();
        AtomicInteger connections = rawServer((so, r) -> {
            if (r[0].startsWith("HEAD ")) so.write(Buffer.buffer("HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n"));
            else so.write(Buffer.buffer("HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n0123456789"));
        });
        start();
        String out = fx.raw("FE", "HEAD /a HTTP/1.1\r\nhost: x\r\n\r\nGET /b HTTP/1.1\r\nhost: x\r\n\r\n", 1500);
        assertEquals(2, out.split("HTTP/1.1 200", -1).length - 1, out);
        assertTrue(out.endsWith("\r\n\r\n0123456789"), "the GET's body follows the HEAD's bodiless response: " + out);
        assertEquals(1, connections.get(), "one server connection for both");
    }

    @Test
    void aCloseDelimitedResponseBodyReachesTheClientWholeAndChunked() throws Exception {
        fx = new ProxyFixture();
        rawServer((so, r) -> so.write(Buffer.buffer("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nhello, "))
                .compose(v -> so.write(Buffer.buffer("world")))
                .onComplete(v -> so.close()));
        start();
        ProxyFixture.Response r = fx.get("FE", "/");
        assertEquals(200, r.status());
        assertEquals("hello, world", r.body());
        assertEquals("chunked", r.headers().get("transfer-encoding"), "the client's connection stays usable");
        assertEquals("hello, world", fx.get("FE", "/again").body(), "and the next request gets a new server connection");
    }

    @Test
    void aResponseCutBeforeItsLengthIsNotPassedOffAsWhole() throws Exception {
        fx = new ProxyFixture();
        rawServer((so, r) -> so.write(Buffer.buffer("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly this")).onComplete(v -> so.close()));
        start();
        String out = fx.raw("FE", "GET / HTTP/1.1\r\nhost: x\r\n\r\n", 1500);
        assertTrue(out.startsWith("HTTP/1.1 200"), out);
        assertTrue(out.endsWith("only this"), "what came is relayed, then the client connection closes short of 100 bytes: " + out);
        assertTrue(fx.raw("FE", "GET /next HTTP/1.1\r\nhost: x\r\n\r\n", 1500).startsWith("HTTP/1.1 200"), "the proxy serves the next client");
    }

    @Test
    void anHttp10RequestIsForwardedAsHttp10AndTheConnectionClosesAfterIt() throws Exception {
        fx = new ProxyFixture();
        java.util.List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicInteger connections = rawServer((so, r) -> {
            int eol = r[0].indexOf('\r');
            lines.add(eol < 0 ? r[0] : r[0].substring(0, eol));
            so.write(Buffer.buffer("HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")).onComplete(v -> so.close());
        });
        start();
        String out = fx.raw("FE", "GET /old HTTP/1.0\r\n\r\n", 1500);
        assertTrue(out.startsWith("HTTP/1.") && out.contains(" 200 ") && out.endsWith("ok"), out);
        assertEquals(java.util.List.of("GET /old HTTP/1.0"), lines, "no Host to add: the server gets the client's version");
        fx.raw("FE", "GET /old2 HTTP/1.0\r\n\r\n", 1500);
        assertEquals(2, connections.get(), "a connection the server closed is not reused");
    }
}
