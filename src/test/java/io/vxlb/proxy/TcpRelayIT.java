package io.vxlb.proxy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.net.NetServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code mode tcp} relaying through vxlb with real sockets: byte-exact bulk transfer both ways,
 * round robin, connect retries and redispatch, close propagation, idle timeouts and the
 * {@code option tcplog} line as HAProxy 2.6 writes it.
 */
class TcpRelayIT {
    private ProxyFixture fx;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<ServerSocket> rawServers = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger echoConnections = new java.util.concurrent.atomic.AtomicInteger();

    @AfterEach
    void tearDown() throws IOException {
        for (ServerSocket s : rawServers) s.close();
        if (fx != null) fx.close();
    }

    private static final String DEFAULTS = """
            global
                log 127.0.0.1:${SYSLOG} local0
            defaults
                mode tcp
                log global
                option tcplog
                timeout connect 5s
                timeout client 5s
                timeout server 5s
            """;

    private void start(String config) {
        fx = new ProxyFixture();
        DatagramSocket syslog = fx.vertx.createDatagramSocket();
        syslog.handler(p -> lines.add(p.data().toString().replaceFirst("\n$", "")));  // HAProxy ends each datagram with a line feed
        ProxyFixture.await(syslog.listen(fx.port("SYSLOG"), "127.0.0.1"));
        fx.start(DEFAULTS + config);
    }

    /** A Vert.x echo server: every byte comes back, with back-pressure (pipe to itself). */
    private void echo(String portName) {
        NetServer s = fx.vertx.createNetServer().connectHandler(sock -> {
            echoConnections.incrementAndGet();
            sock.pipeTo(sock);
        });
        ProxyFixture.await(s.listen(fx.port(portName), "127.0.0.1"));
    }

    /** A server that writes its name to each connection and closes it. */
    private void identity(String portName, String name) {
        NetServer s = fx.vertx.createNetServer().connectHandler(sock -> sock.end(Buffer.buffer(name)));
        ProxyFixture.await(s.listen(fx.port(portName), "127.0.0.1"));
    }

    private ServerSocket rawServer(String portName) throws IOException {
        ServerSocket s = new ServerSocket(fx.port(portName), 50, java.net.InetAddress.getLoopbackAddress());
        s.setSoTimeout(10_000);
        rawServers.add(s);
        return s;
    }

    private Socket connect(String portName) throws IOException {
        Socket s = new Socket("127.0.0.1", fx.port(portName));
        s.setSoTimeout(10_000);
        return s;
    }

    private static String readAll(Socket s) throws IOException {
        return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    private String nextLine() throws InterruptedException {
        String l = lines.poll(10, TimeUnit.SECONDS);
        assertNotNull(l, "no log line arrived");
        return l;
    }

    private static final String HEADER = "<134>\\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d haproxy\\[\\d+\\]: ";
    private static final String CLIENT = "127\\.0\\.0\\.1:\\d+ \\[\\d\\d/\\w{3}/\\d{4}:\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\] ";

    private static Matcher assertMatches(String regex, String line) {
        Matcher m = Pattern.compile(regex).matcher(line);
        assertTrue(m.matches(), () -> "log line\n  " + line + "\ndoes not match\n  " + regex);
        return m;
    }

    @Test
    void largeTransferIsByteExactBothWays() throws Exception {
        start("""
                frontend fe
                    bind 127.0.0.1:${FE}
                    default_backend be
                backend be
                    server s1 127.0.0.1:${ECHO}
                """);
        echo("ECHO");
        final int total = 64 << 20;
        try (Socket s = connect("FE")) {
            MessageDigest sent = MessageDigest.getInstance("SHA-256");
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
                try {
                    MessageDigest md = MessageDigest.getInstance("SHA-256");
                    InputStream in = s.getInputStream();
                    byte[] buf = new byte[64 * 1024];
                    long got = 0;
                    while (got < total) {
                        int n = in.read(buf);
                        if (n < 0) break;
                        md.update(buf, 0, n);
                        got += n;
                    }
                    assertEquals(total, got, "bytes echoed back");
                    return md.digest();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            long t0 = System.nanoTime();
            Random r = new Random(42);
            byte[] chunk = new byte[256 * 1024];
            OutputStream out = s.getOutputStream();
            for (int off = 0; off < total; off += chunk.length) {
                r.nextBytes(chunk);
                sent.update(chunk);
                out.write(chunk);
            }
            out.flush();
            byte[] back = received.get(60, TimeUnit.SECONDS);
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("mode tcp echo: 64 MiB up and 64 MiB down in %.2f s: %.0f MB/s each way%n", secs, total / 1e6 / secs);
            assertEquals(HexFormat.of().formatHex(sent.digest()), HexFormat.of().formatHex(back));
        }
    }

    @Test
    void roundRobinAlternatesBetweenServers() throws Exception {
        start("""
                listen li
                    bind 127.0.0.1:${FE}
                    balance roundrobin
                    server a 127.0.0.1:${A}
                    server b 127.0.0.1:${B}
                """);
        identity("A", "A");
        identity("B", "B");
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            try (Socket s = connect("FE")) {
                seen.add(readAll(s));
            }
        }
        assertEquals(3, seen.stream().filter("A"::equals).count(), seen.toString());
        assertEquals(3, seen.stream().filter("B"::equals).count(), seen.toString());
        for (int i = 1; i < seen.size(); i++) assertTrue(!seen.get(i).equals(seen.get(i - 1)), "alternates: " + seen);
    }

    @Test
    void connectFailuresAreRedispatchedAtOnceInRoundRobin() throws Exception {
        start("""
                frontend fe
                    bind 127.0.0.1:${FE}
                    default_backend be
                backend be
                    balance roundrobin
                    retries 2
                    option redispatch
                    timeout connect 200ms
                    server dead 127.0.0.1:${DEAD}
                    server live 127.0.0.1:${LIVE}
                """);
        identity("LIVE", "live");
        int redispatchedLines = 0;
        for (int i = 0; i < 4; i++) {
            try (Socket s = connect("FE")) {
                assertEquals("live", readAll(s), "every session ends up on the live server");
            }
            // HAProxy 2.6.12, same config (measured): "fe be/live 1/0/3 4 -- 1/1/0/0/+1 0/0" for each session: with
            // round robin and another active server, a non-persistent session is redispatched on its first retry
            Matcher m = assertMatches(HEADER + CLIENT + "fe be/live \\d+/\\d+/\\d+ 4 -- \\d+/1/0/0/(\\+1|0) 0/0", nextLine());
            if (m.group(1).equals("+1")) redispatchedLines++;
        }
        // the redispatch pick advances round robin too, so how many sessions start on the dead server depends on the balancer
        assertTrue(redispatchedLines >= 2, "sessions first sent to the dead server were redispatched: " + redispatchedLines);
    }

    @Test
    void clientCloseReachesTheServerAndServerCloseReachesTheClient() throws Exception {
        start("""
                frontend fe
                    bind 127.0.0.1:${FE}
                    default_backend be
                backend be
                    server s1 127.0.0.1:${RAW}
                """);
        ServerSocket raw = rawServer("RAW");
        // client closes first
        try (Socket c = connect("FE"); Socket srv = raw.accept()) {
            srv.setSoTimeout(10_000);
            c.getOutputStream().write("ping".getBytes(StandardCharsets.ISO_8859_1));
            byte[] four = srv.getInputStream().readNBytes(4);
            assertEquals("ping", new String(four, StandardCharsets.ISO_8859_1));
            c.close();
            assertEquals(-1, srv.getInputStream().read(), "the server sees the client's close");
        }
        // server closes first, after a last message that must still arrive
        try (Socket c = connect("FE"); Socket srv = raw.accept()) {
            srv.getOutputStream().write("bye".getBytes(StandardCharsets.ISO_8859_1));
            srv.close();
            assertEquals("bye", readAll(c), "the client gets the data, then the close");
        }
    }

    @Test
    void idleTimeoutsCloseTheRelay() throws Exception {
        start("""
                frontend fc
                    bind 127.0.0.1:${FC}
                    timeout client 300ms
                    default_backend be
                frontend fs
                    bind 127.0.0.1:${FS}
                    default_backend short
                frontend ft
                    bind 127.0.0.1:${FT}
                    timeout client 300ms
                    default_backend tunnel
                backend be
                    server s1 127.0.0.1:${ECHO}
                backend short
                    timeout server 300ms
                    server s1 127.0.0.1:${ECHO}
                backend tunnel
                    timeout server 300ms
                    timeout tunnel 2s
                    server s1 127.0.0.1:${ECHO}
                """);
        echo("ECHO");
        for (String fe : List.of("FC", "FS")) {
            try (Socket c = connect(fe)) {
                long t0 = System.nanoTime();
                c.getOutputStream().write('x');
                assertEquals('x', c.getInputStream().read());
                assertEquals(-1, c.getInputStream().read(), fe + ": idle relay closed");
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms >= 250 && ms < 5000, fe + ": closed after " + ms + " ms, timeout 300 ms");
            }
            String l = nextLine();
            assertMatches(HEADER + CLIENT + "f[cs] (be|short)/s1 \\d+/\\d+/\\d+ 1 " + (fe.equals("FC") ? "cD" : "sD") + " \\d+/1/0/0/0 0/0", l);
        }
        // timeout tunnel replaces client and server timeouts once connected
        try (Socket c = connect("FT")) {
            long t0 = System.nanoTime();
            c.getOutputStream().write('y');
            assertEquals('y', c.getInputStream().read());
            Thread.sleep(900);  // three times the client/server timeouts
            c.getOutputStream().write('z');
            assertEquals('z', c.getInputStream().read(), "still open after the client/server timeouts");
            assertEquals(-1, c.getInputStream().read(), "closed by timeout tunnel");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 2500 && ms < 8000, "closed after " + ms + " ms, tunnel timeout 2 s after the last byte");
        }
    }

    @Test
    void tcplogLinesMatchHaproxy() throws Exception {
        start("""
                frontend fe
                    bind 127.0.0.1:${FE}
                    default_backend be
                frontend fe2
                    bind 127.0.0.1:${FE2}
                    default_backend dead
                frontend fe3
                    bind 127.0.0.1:${FE3}
                    option dontlognull
                    default_backend be
                backend be
                    server s1 127.0.0.1:${ECHO}
                backend dead
                    retries 2
                    server s1 127.0.0.1:${DEAD}
                """);
        echo("ECHO");
        try (Socket c = connect("FE")) {
            c.getOutputStream().write("hello world\n".getBytes(StandardCharsets.ISO_8859_1));
            assertEquals("hello world\n", new String(c.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1));
        }
        // HAProxy 2.6.12: 127.0.0.1:57692 [22/Nov/2026:05:43:19.210] fe be/s1 1/0/0 12 -- 1/1/0/0/0 0/0
        assertMatches(HEADER + CLIENT + "fe be/s1 \\d+/\\d+/\\d+ 12 -- \\d+/1/0/0/0 0/0", nextLine());
        try (Socket c = connect("FE2")) {
            assertEquals(-1, c.getInputStream().read(), "closed when no connection can be made");
        }
        // HAProxy 2.6.12: 127.0.0.1:37632 [22/Nov/2026:05:43:19.711] fe2 dead/s1 1/-1/2002 0 SC 1/1/0/0/2 0/0
        // (two retries of the same server, one second apart)
        Matcher m = assertMatches(HEADER + CLIENT + "fe2 dead/s1 \\d+/-1/(\\d+) 0 SC \\d+/1/0/0/2 0/0", nextLine());
        assertTrue(Long.parseLong(m.group(1)) >= 1900, "Tt includes the two 1 s pauses: " + m.group(1));
        awaitFrontendIdle("fe");  // logged just before its counters drop
        int beforeFE = echoConnections.get();
        try (Socket c = connect("FE")) {
            waitForServerConnection(beforeFE);
        }
        // HAProxy 2.6.12: 127.0.0.1:57700 [22/Nov/2026:05:43:22.216] fe be/s1 1/0/0 0 -- 1/1/0/0/0 0/0
        assertMatches(HEADER + CLIENT + "fe be/s1 \\d+/\\d+/\\d+ 0 -- \\d+/1/0/0/0 0/0", nextLine());
        // option dontlognull: a session that sent nothing is not logged, one that did is
        awaitFrontendIdle("fe");
        int beforeFE3 = echoConnections.get();
        try (Socket c = connect("FE3")) {
            waitForServerConnection(beforeFE3);
        }
        // the null session must have ended in vxlb, or it still counts in the next line's feconn/beconn
        awaitFrontendIdle("fe3");
        try (Socket c = connect("FE3")) {
            c.getOutputStream().write('a');
            assertEquals('a', c.getInputStream().read());
        }
        assertMatches(HEADER + CLIENT + "fe3 be/s1 \\d+/\\d+/\\d+ 1 -- \\d+/1/0/0/0 0/0", nextLine());
    }

    private void awaitFrontendIdle(String frontend) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (fx.node.counters().frontend(frontend).get() > 0 && System.nanoTime() < end) Thread.sleep(5);
        assertEquals(0, fx.node.counters().frontend(frontend).get(), "sessions left open on " + frontend);
    }

    /** Lets vxlb connect to the server before the client leaves (a closed client would be logged CC). */
    private void waitForServerConnection(int before) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (echoConnections.get() == before && System.nanoTime() < end) Thread.sleep(5);
        assertTrue(echoConnections.get() > before, "vxlb connected to the echo server");
        Thread.sleep(50);  // margin for vxlb's side of that connection to complete on its event loop
    }

    /** A one-connection raw server run by {@code serve} on its own thread, behind a "listen tcp" section. */
    private void rawListen(java.util.function.Consumer<Socket> serve) throws Exception {
        ServerSocket raw = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        rawServers.add(raw);
        Thread t = new Thread(() -> {
            try (Socket so = raw.accept()) {
                serve.accept(so);
            } catch (IOException e) {
                // the test fails on the client side
            }
        });
        t.setDaemon(true);
        t.start();
        start("""
                listen tcp
                    bind 127.0.0.1:${FE}
                    server s1 127.0.0.1:""" + raw.getLocalPort() + "\n");
    }

    /**
     * A client that sends its request and shuts its write side (shutdown(SHUT_WR), nc -N, many RPC
     * clients) still gets the server's answer: the FIN goes on to the server after the bytes, the
     * server answers and closes, and that close reaches the client, as with HAProxy.
     */
    @Test
    void aHalfClosedClientGetsTheReplyOfAServerThatReadsUntilEnd() throws Exception {
        rawListen(so -> {
            try {
                byte[] got = so.getInputStream().readAllBytes();  // until the client's FIN arrives
                so.getOutputStream().write(("reply:" + new String(got, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1));
            } catch (IOException e) {
                // the test fails on the client side
            }
        });
        try (Socket c = new Socket("127.0.0.1", fx.port("FE"))) {
            c.setSoTimeout(5000);
            c.getOutputStream().write("question".getBytes(StandardCharsets.ISO_8859_1));
            c.shutdownOutput();
            assertEquals("reply:question", new String(c.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1));
        }
        String line = lines.poll(5, TimeUnit.SECONDS);
        assertNotNull(line, "the session is logged once both directions ended");
        assertTrue(line.contains(" tcp tcp/s1 ") && line.contains(" 14 -- "), line);
    }

    /** The same the other way: a server that half-closes after its greeting still receives the client's bytes. */
    @Test
    void aServerThatHalfClosesStillReceivesTheClientsBytes() throws Exception {
        CompletableFuture<String> received = new CompletableFuture<>();
        rawListen(so -> {
            try {
                so.getOutputStream().write("hello".getBytes(StandardCharsets.ISO_8859_1));
                so.shutdownOutput();
                received.complete(new String(so.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1));
            } catch (IOException e) {
                received.completeExceptionally(e);
            }
        });
        try (Socket c = new Socket("127.0.0.1", fx.port("FE"))) {
            c.setSoTimeout(5000);
            assertEquals("hello", new String(c.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1), "the server's FIN reached the client");
            c.getOutputStream().write("still-here".getBytes(StandardCharsets.ISO_8859_1));
            c.shutdownOutput();
            assertEquals("still-here", received.get(5, TimeUnit.SECONDS));
        }
    }
}
