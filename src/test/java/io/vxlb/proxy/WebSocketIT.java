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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

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
        syslog.handler(pk -> lines.add(pk.data().toString()));
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
}
