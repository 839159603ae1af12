package io.vxlb.proxy;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.NetSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** WebSocket upgrades tunnelled through the HTTP data plane, with real Vert.x WebSocket peers. */
class WebSocketIT {
    private ProxyFixture fx;
    private WebSocketClient wsClient;

    @AfterEach
    void tearDown() {
        if (fx != null) fx.close();
    }

    private static final String BASE = """
            defaults
                mode http
                timeout connect 2s
                timeout client 5s
                timeout server 5s
            """;

    /** Server-side sockets the echo server accepted. */
    private final BlockingQueue<ServerWebSocket> accepted = new LinkedBlockingQueue<>();

    private HttpServer echoServer(String portName) {
        HttpServer s = fx.vertx.createHttpServer(new HttpServerOptions().addWebSocketSubProtocol("echo-protocol"))
                .webSocketHandler(ws -> {
                    accepted.add(ws);
                    ws.textMessageHandler(t -> ws.writeTextMessage("echo:" + t));
                    ws.binaryMessageHandler(b -> ws.writeBinaryMessage(Buffer.buffer("bin:").appendBuffer(b)));
                });
        return ProxyFixture.await(s.listen(fx.port(portName), "127.0.0.1"));
    }

    private Future<WebSocket> open(String portName, String uri, String host, String... subProtocols) {
        if (wsClient == null) wsClient = fx.vertx.createWebSocketClient();
        WebSocketConnectOptions o = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(fx.port(portName)).setURI(uri);
        if (host != null) o.addHeader("Host", host);
        if (subProtocols.length > 0) o.setSubProtocols(List.of(subProtocols));
        return wsClient.connect(o);
    }

    private static final class Peer {
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Long> closedAt = new CompletableFuture<>();
        final WebSocket ws;

        Peer(WebSocket ws) {
            this.ws = ws;
            ws.textMessageHandler(messages::add);
            ws.binaryMessageHandler(b -> messages.add("B[" + b.toString() + "]"));
            ws.closeHandler(v -> closedAt.complete(System.nanoTime()));
        }

        String next() throws InterruptedException {
            String m = messages.poll(10, TimeUnit.SECONDS);
            assertNotNull(m, "no message within 10 s");
            return m;
        }
    }

    private Peer connectPeer(String portName, String uri, String host, String... subProtocols) {
        return new Peer(ProxyFixture.await(open(portName, uri, host, subProtocols)));
    }

    @Test
    void echoesTextAndBinaryAndPassesTheSubprotocol() throws Exception {
        fx = new ProxyFixture();
        echoServer("BE");
        fx.start(BASE + """
                frontend fe
                    bind 127.0.0.1:${FE}
                    option httplog
                    default_backend be
                backend be
                    server s1 127.0.0.1:${BE}
                """);
        Peer p = connectPeer("FE", "/chat", null, "echo-protocol");
        assertEquals("echo-protocol", p.ws.subProtocol(), "the backend's Sec-WebSocket-Protocol reaches the client");
        ServerWebSocket srv = accepted.poll(5, TimeUnit.SECONDS);
        assertNotNull(srv);
        assertEquals("/chat", srv.path());
        assertEquals("echo-protocol", srv.subProtocol());
        ProxyFixture.await(p.ws.writeTextMessage("hello"));
        assertEquals("echo:hello", p.next());
        ProxyFixture.await(p.ws.writeBinaryMessage(Buffer.buffer("abc")));
        assertEquals("B[bin:abc]", p.next());
        // a larger message, across several TCP reads
        String big = "x".repeat(200_000);
        ProxyFixture.await(p.ws.writeTextMessage(big));
        assertEquals("echo:" + big, p.next());
        // a second tunnel on its own connection
        Peer q = connectPeer("FE", "/other", null);
        ProxyFixture.await(q.ws.writeTextMessage("two"));
        assertEquals("echo:two", q.next());
        ProxyFixture.await(p.ws.close());
        ProxyFixture.await(q.ws.close());
    }

    @Test
    void upgradesAreRoutedByTheUpgradeHeader() throws Exception {
        String text = Files.readString(Path.of("src/test/resources/configs/ws-routing.cfg"));
        text = text.replaceAll("127\\.0\\.0\\.1:(80\\d\\d)", "127.0.0.1:\\${FE$1}").replaceAll("127\\.0\\.0\\.1:(90\\d\\d)", "127.0.0.1:\\${BE$1}");
        fx = new ProxyFixture();
        fx.backend("BE9001");
        echoServer("BE9002");
        fx.start(text);
        // detection frontend: Upgrade: websocket + ws.example.com goes to the socket server
        Peer p = connectPeer("FE8082", "/", "ws.example.com");
        ProxyFixture.await(p.ws.writeTextMessage("routed"));
        assertEquals("echo:routed", p.next());
        // the same host without Upgrade goes to www
        assertEquals("BE9001", fx.get("FE8082", "/", "Host", "ws.example.com").body());
        // URI frontend: /websockets on example.com
        Peer q = connectPeer("FE8081", "/websockets/x", "www.example.com");
        ProxyFixture.await(q.ws.writeTextMessage("uri"));
        assertEquals("echo:uri", q.next());
        // an upgrade to www (a plain HTTP server) is not switched: its answer is relayed as a normal response
        Throwable t = open("FE8082", "/", "www.example.com").toCompletionStage().toCompletableFuture()
                .handle((ws, err) -> err).get(10, TimeUnit.SECONDS);
        assertInstanceOf(UpgradeRejectedException.class, t);
        assertEquals(200, ((UpgradeRejectedException) t).getStatus());
    }

    @Test
    void deniedHandshakeGets403() throws Exception {
        fx = new ProxyFixture();
        echoServer("BE");
        fx.start(BASE + """
                frontend fe
                    bind 127.0.0.1:${FE}
                    default_backend bk_ws
                backend bk_ws
                    acl hdr_connection_upgrade hdr(Connection)                 -i upgrade
                    acl hdr_upgrade_websocket  hdr(Upgrade)                    -i websocket
                    acl hdr_websocket_key      hdr_cnt(Sec-WebSocket-Key)      eq 1
                    acl hdr_websocket_version  hdr_cnt(Sec-WebSocket-Version)  eq 1
                    http-request deny if ! hdr_connection_upgrade ! hdr_upgrade_websocket ! hdr_websocket_key ! hdr_websocket_version
                    acl ws_valid_protocol hdr(Sec-WebSocket-Protocol) echo-protocol
                    http-request deny if ! ws_valid_protocol
                    server s1 127.0.0.1:${BE}
                """);
        Throwable t = open("FE", "/", null, "other-protocol").toCompletionStage().toCompletableFuture()
                .handle((ws, err) -> err).get(10, TimeUnit.SECONDS);
        assertInstanceOf(UpgradeRejectedException.class, t);
        assertEquals(403, ((UpgradeRejectedException) t).getStatus());
        assertTrue(accepted.isEmpty(), "a denied handshake never reaches the server");
        Peer p = connectPeer("FE", "/", null, "echo-protocol");
        assertEquals("echo-protocol", p.ws.subProtocol());
        ProxyFixture.await(p.ws.writeTextMessage("ok"));
        assertEquals("echo:ok", p.next());
    }

    @Test
    void closingEitherSideClosesTheOther() throws Exception {
        fx = new ProxyFixture();
        echoServer("BE");
        fx.start(BASE + """
                frontend fe
                    bind 127.0.0.1:${FE}
                    default_backend be
                backend be
                    server s1 127.0.0.1:${BE}
                """);
        // client closes
        Peer p = connectPeer("FE", "/", null);
        ServerWebSocket srv = accepted.poll(5, TimeUnit.SECONDS);
        assertNotNull(srv);
        CompletableFuture<Void> srvClosed = new CompletableFuture<>();
        srv.closeHandler(v -> srvClosed.complete(null));
        ProxyFixture.await(p.ws.close());
        srvClosed.get(10, TimeUnit.SECONDS);
        // server closes
        Peer q = connectPeer("FE", "/", null);
        ServerWebSocket srv2 = accepted.poll(5, TimeUnit.SECONDS);
        assertNotNull(srv2);
        srv2.close();
        q.closedAt.get(10, TimeUnit.SECONDS);
        // server drops the TCP connection without a close frame
        Peer r = connectPeer("FE", "/", null);
        ServerWebSocket srv3 = accepted.poll(5, TimeUnit.SECONDS);
        assertNotNull(srv3);
        ProxyFixture.await(srv3.close((short) 1000));
        r.closedAt.get(10, TimeUnit.SECONDS);
    }

    @Test
    void tunnelTimeoutReplacesClientTimeout() throws Exception {
        fx = new ProxyFixture();
        echoServer("BE");
        fx.start("""
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 500ms
                    timeout server 500ms
                    timeout tunnel 2500ms
                frontend fe
                    bind 127.0.0.1:${FE}
                    default_backend be
                backend be
                    server s1 127.0.0.1:${BE}
                """);
        Peer p = connectPeer("FE", "/", null);
        Thread.sleep(1200);  // idle past timeout client/server, within timeout tunnel
        assertFalse(p.closedAt.isDone(), "the tunnel outlives timeout client");
        long lastActivity = System.nanoTime();
        ProxyFixture.await(p.ws.writeTextMessage("still here"));
        assertEquals("echo:still here", p.next());
        long closed = p.closedAt.get(10, TimeUnit.SECONDS);
        long idleMs = (closed - lastActivity) / 1_000_000;
        assertTrue(idleMs >= 2000 && idleMs < 6000, "closed after " + idleMs + " ms idle, expected ~2500");
    }

    @Test
    void withoutTunnelTimeoutClientTimeoutApplies() throws Exception {
        fx = new ProxyFixture();
        echoServer("BE");
        fx.start("""
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 700ms
                    timeout server 5s
                frontend fe
                    bind 127.0.0.1:${FE}
                    default_backend be
                backend be
                    server s1 127.0.0.1:${BE}
                """);
        long start = System.nanoTime();
        Peer p = connectPeer("FE", "/", null);
        long closed = p.closedAt.get(10, TimeUnit.SECONDS);
        long ms = (closed - start) / 1_000_000;
        if (ms > 4000) fail("closed after " + ms + " ms, expected ~700");
    }

    @Test
    void httplogLineIsWrittenWhenTheTunnelCloses() throws Exception {
        fx = new ProxyFixture();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        io.vertx.core.datagram.DatagramSocket syslog = fx.vertx.createDatagramSocket();
        syslog.handler(pk -> lines.add(pk.data().toString().replaceFirst("\n$", "")));  // HAProxy ends each datagram with a line feed
        ProxyFixture.await(syslog.listen(fx.port("SYSLOG"), "127.0.0.1"));
        echoServer("BE");
        fx.backend("WWW");
        fx.start("""
                global
                    log 127.0.0.1:${SYSLOG} local0
                defaults
                    mode http
                    log global
                    option httplog
                    timeout connect 2s
                    timeout client 5s
                    timeout server 5s
                frontend fe
                    bind 127.0.0.1:${FE}
                    use_backend www if { path /www }
                    default_backend be
                backend be
                    server s1 127.0.0.1:${BE}
                backend www
                    server w1 127.0.0.1:${WWW}
                """);
        Peer p = connectPeer("FE", "/ws", null);
        ProxyFixture.await(p.ws.writeTextMessage("hi"));
        assertEquals("echo:hi", p.next());
        assertEquals(null, lines.poll(300, TimeUnit.MILLISECONDS), "no log line while the tunnel is open");
        ProxyFixture.await(p.ws.close());
        String line = lines.poll(10, TimeUnit.SECONDS);
        assertNotNull(line, "a log line when the tunnel closes");
        assertTrue(line.matches(".* fe be/s1 \\S+ 101 \\d+ - - ---- .*\"GET /ws HTTP/1\\.1\""), line);
        p.closedAt.get(10, TimeUnit.SECONDS);
        Thread.sleep(200);
        assertEquals(200, fx.get("FE", "/www").status());
        String next = lines.poll(10, TimeUnit.SECONDS);
        assertNotNull(next);
        // the tunnelled connection is no longer counted: actconn is 1 (this request's connection)
        assertTrue(next.matches(".* 200 \\d+ - - ---- 1/1/\\d+/\\d+/0 .*"), next);
    }

    // ---- back-pressure through the tunnel ------------------------------------------------------

    private static final int MiB = 1024 * 1024;
    /** 64 MiB each way: far more than every socket buffer on the way, so the proxy would have to hold it. */
    private static final long BULK = 64L * MiB;
    /**
     * What the writer may get out before it stalls: the kernel socket buffers on the way, which Linux
     * autotunes (here tcp_rmem allows up to 32 MiB per receive buffer), hold 14-19 MiB in practice;
     * vxlb itself holds at most about one 64 KiB write-buffer watermark per side.
     */
    private static final long STALL_LIMIT = 48L * MiB;

    /** The byte at offset i of the test stream: a pattern that does not repeat at 2^n boundaries. */
    private static void fill(byte[] b, long offset) {
        for (int i = 0; i < b.length; i++) {
            long x = offset + i;
            b[i] = (byte) (x * 31 + (x >>> 11) * 7 + (x >>> 23));
        }
    }

    private static byte[] sha256OfPattern(long size) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] chunk = new byte[64 * 1024];
        for (long off = 0; off < size; off += chunk.length) {
            fill(chunk, off);
            md.update(chunk, 0, (int) Math.min(chunk.length, size - off));
        }
        return md.digest();
    }

    /**
     * A backend that accepts any Upgrade with a 101 and hands the raw socket to the test. It is a
     * generic upgraded connection rather than a WebSocket so that the bytes can be counted
     * exactly; vxlb relays both the same way.
     */
    private void upgradeBackend(String portName, BlockingQueue<NetSocket> sockets, boolean pausedAtStart) {
        HttpServer s = fx.vertx.createHttpServer().requestHandler(req -> {
            req.response().putHeader("upgrade", req.getHeader("upgrade")).putHeader("connection", "upgrade");
            req.toNetSocket().onSuccess(ns -> {
                if (pausedAtStart) ns.pause();
                sockets.add(ns);
            });
        });
        ProxyFixture.await(s.listen(fx.port(portName), "127.0.0.1"));
    }

    /** Opens an upgraded connection through the proxy with a raw socket and reads the 101 head. */
    private Socket openRaw(String portName, int receiveBuffer) throws IOException {
        Socket c = new Socket();
        if (receiveBuffer > 0) c.setReceiveBufferSize(receiveBuffer);  // before connect: a small, fixed window
        c.connect(new InetSocketAddress("127.0.0.1", fx.port(portName)), 5000);
        c.setSoTimeout(20_000);
        c.getOutputStream().write("GET /bulk HTTP/1.1\r\nHost: a\r\nUpgrade: bulk-test\r\nConnection: Upgrade\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        InputStream in = c.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) throw new IOException("closed in the response head: " + head);
            head.append((char) b);
        }
        assertTrue(head.toString().startsWith("HTTP/1.1 101"), head.toString());
        return c;
    }

    private String bulkConfig() {
        return """
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 30s
                    timeout server 30s
                frontend fe
                    bind 127.0.0.1:${FE}
                    default_backend be
                backend be
                    server s1 127.0.0.1:${BE}
                """;
    }

    /** Waits until {@code progress} has not moved for 1.5 s (at most 15 s); returns its value then. */
    private static long waitForStall(AtomicLong progress) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        long stalledSince = System.nanoTime(), last = progress.get();
        while (System.nanoTime() - stalledSince < TimeUnit.MILLISECONDS.toNanos(1500) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            long now = progress.get();
            if (now != last) {
                last = now;
                stalledSince = System.nanoTime();
            }
        }
        assertTrue(System.nanoTime() - stalledSince >= TimeUnit.MILLISECONDS.toNanos(1500),
                "the writer is stalled while the reader does not read: still writing after 15 s, at " + progress.get() + " bytes");
        return last;
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aServerThatStopsReadingBackPressuresTheClientThroughTheTunnel() throws Exception {
        fx = new ProxyFixture();
        BlockingQueue<NetSocket> sockets = new LinkedBlockingQueue<>();
        upgradeBackend("BE", sockets, true);
        fx.start(bulkConfig());
        try (Socket c = openRaw("FE", 0)) {
            NetSocket srv = sockets.poll(5, TimeUnit.SECONDS);
            assertNotNull(srv);
            AtomicLong received = new AtomicLong();
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            CompletableFuture<byte[]> done = new CompletableFuture<>();
            srv.handler(b -> {
                md.update(b.getBytes());
                if (received.addAndGet(b.length()) == BULK) done.complete(md.digest());
            });
            // the client writes 64 MiB as fast as it may while the server reads nothing
            AtomicLong written = new AtomicLong();
            AtomicReference<Throwable> writeError = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = c.getOutputStream();
                    byte[] chunk = new byte[64 * 1024];
                    for (long off = 0; off < BULK; off += chunk.length) {
                        fill(chunk, off);
                        out.write(chunk);
                        written.addAndGet(chunk.length);
                    }
                    out.flush();
                } catch (Throwable t) {
                    writeError.set(t);
                }
            }, "bulk-writer");
            writer.setDaemon(true);
            writer.start();
            long stalledAt = waitForStall(written);
            System.out.printf(Locale.ROOT, "[WebSocketIT] server not reading: the client wrote %.1f MiB of %d MiB, then stalled%n",
                    stalledAt / (double) MiB, BULK / MiB);
            assertEquals(0, received.get(), "the paused server read nothing");
            // the socket buffers on the way (client send, proxy receive and send, server receive) hold
            // what was written; a proxy that kept reading would have taken all 64 MiB
            assertTrue(stalledAt <= STALL_LIMIT, "what the client could write is bounded by socket buffers, not the 64 MiB: " + stalledAt);
            srv.resume();
            assertArrayEquals(sha256OfPattern(BULK), done.get(60, TimeUnit.SECONDS), "after the pause every byte arrives, in order");
            writer.join(10_000);
            assertEquals(null, writeError.get());
            assertEquals(BULK, received.get());
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aClientThatStopsReadingBackPressuresTheServerThroughTheTunnel() throws Exception {
        fx = new ProxyFixture();
        BlockingQueue<NetSocket> sockets = new LinkedBlockingQueue<>();
        upgradeBackend("BE", sockets, false);
        fx.start(bulkConfig());
        try (Socket c = openRaw("FE", 64 * 1024)) {
            NetSocket srv = sockets.poll(5, TimeUnit.SECONDS);
            assertNotNull(srv);
            // the server writes 64 MiB, waiting for drain whenever its queue is full, while the client reads nothing
            AtomicLong written = new AtomicLong();
            fx.vertx.runOnContext(v -> new Object() {
                long off;

                void pump() {
                    byte[] chunk = new byte[64 * 1024];
                    while (off < BULK && !srv.writeQueueFull()) {
                        fill(chunk, off);
                        srv.write(Buffer.buffer(chunk));
                        off += chunk.length;
                        written.set(off);
                    }
                    if (off < BULK) srv.drainHandler(x -> pump());
                }
            }.pump());
            long stalledAt = waitForStall(written);
            System.out.printf(Locale.ROOT, "[WebSocketIT] client not reading: the server wrote %.1f MiB of %d MiB, then stalled%n",
                    stalledAt / (double) MiB, BULK / MiB);
            assertTrue(stalledAt <= STALL_LIMIT, "what the server could write is bounded by socket buffers, not the 64 MiB: " + stalledAt);
            // now the client reads everything
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            InputStream in = c.getInputStream();
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            while (total < BULK) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, BULK - total));
                if (n < 0) break;
                md.update(buf, 0, n);
                total += n;
            }
            assertEquals(BULK, total, "every byte arrives");
            assertArrayEquals(sha256OfPattern(BULK), md.digest(), "byte-exact, in order");
            assertEquals(BULK, written.get());
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void bytesTheServerSendsWithIts101ReachTheClientFirst() throws Exception {
        fx = new ProxyFixture();
        // a raw server: the 101 head and the first tunnel bytes in one write, then an echo
        io.vertx.core.net.NetServer raw = fx.vertx.createNetServer().connectHandler(so -> {
            StringBuilder head = new StringBuilder();
            so.handler(b -> {
                if (head.indexOf("\r\n\r\n") < 0) {
                    head.append(b.toString(StandardCharsets.ISO_8859_1));
                    if (head.indexOf("\r\n\r\n") >= 0) {
                        so.write(Buffer.buffer("HTTP/1.1 101 Switching Protocols\r\nUpgrade: bulk-test\r\nConnection: Upgrade\r\n\r\nEARLY|"));
                    }
                    return;
                }
                so.write(Buffer.buffer("echo:").appendBuffer(b));
            });
        });
        ProxyFixture.await(raw.listen(fx.port("BE"), "127.0.0.1"));
        fx.start(bulkConfig());
        try (Socket c = openRaw("FE", 0)) {
            InputStream in = c.getInputStream();
            byte[] early = in.readNBytes(6);
            assertEquals("EARLY|", new String(early, StandardCharsets.ISO_8859_1));
            c.getOutputStream().write("ping".getBytes(StandardCharsets.ISO_8859_1));
            assertEquals("echo:ping", new String(in.readNBytes(9), StandardCharsets.ISO_8859_1));
        }
    }
}
