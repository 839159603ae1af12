package io.vxlb.proxy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tcp-request} / {@code tcp-response} rules and the PROXY protocol in {@code mode tcp},
 * with real sockets: SNI routing of real TLS connections to two TLS servers, payload rules that
 * wait for their bytes (and give up at inspect-delay), connection rejects, accept-proxy and
 * send-proxy headers.
 */
class TcpRulesIT {
    @TempDir
    Path dir;
    private ProxyFixture fx;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    @AfterEach
    void tearDown() {
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
        syslog.handler(p -> lines.add(p.data().toString()));
        ProxyFixture.await(syslog.listen(fx.port("SYSLOG"), "127.0.0.1"));
        fx.start(DEFAULTS + config);
    }

    /** A server that writes its name to each connection (after TLS when {@code pem} is set) and closes it. */
    private void identity(String portName, String name, Path pem) {
        NetServerOptions o = new NetServerOptions();
        if (pem != null) o.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(pem.toString()).setKeyPath(pem.toString()));
        NetServer s = fx.vertx.createNetServer(o).connectHandler(sock -> sock.end(Buffer.buffer(name)));
        ProxyFixture.await(s.listen(fx.port(portName), "127.0.0.1"));
    }

    private void echo(String portName) {
        NetServer s = fx.vertx.createNetServer().connectHandler(sock -> sock.pipeTo(sock));
        ProxyFixture.await(s.listen(fx.port(portName), "127.0.0.1"));
    }

    private Path selfSigned() throws Exception {
        boolean openssl;
        try {
            openssl = new ProcessBuilder("openssl", "version").start().waitFor() == 0;
        } catch (IOException e) {
            openssl = false;
        }
        io.vxlb.testing.RealServers.assume(openssl, "openssl", "openssl");
        Path key = dir.resolve("k.pem"), crt = dir.resolve("c.pem");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", key.toString(), "-out", crt.toString(), "-days", "2", "-subj", "/CN=example.com").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "openssl failed");
        Path pem = dir.resolve("both.pem");
        java.nio.file.Files.write(pem, (java.nio.file.Files.readString(crt) + java.nio.file.Files.readString(key)).getBytes(StandardCharsets.US_ASCII));
        return pem;
    }

    /** A TLS connection through vxlb with {@code sni}; returns what the server wrote before closing. */
    private static String tlsRead(int port, String sni) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[]{new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] c, String a) { }
            public void checkServerTrusted(X509Certificate[] c, String a) { }
            public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
        }}, null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            SSLParameters params = s.getSSLParameters();
            params.setServerNames(List.of(new SNIHostName(sni)));
            s.setSSLParameters(params);
            s.startHandshake();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void sniRoutesTlsConnectionsToTheirBackendWithoutDecryptingThem() throws Exception {
        Path pem = selfSigned();
        start("""
                frontend fe
                    bind 127.0.0.1:${FE}
                    tcp-request inspect-delay 5s
                    tcp-request content accept if { req.ssl_hello_type 1 }
                    use_backend be_a if { req.ssl_sni -i a.example.com }
                    use_backend be_b if { req.ssl_sni -m end .b.example.com }
                    default_backend be_other
                backend be_a
                    server a 127.0.0.1:${A}
                backend be_b
                    server b 127.0.0.1:${B}
                backend be_other
                    server o 127.0.0.1:${O}
                """);
        identity("A", "server-a", pem);
        identity("B", "server-b", pem);
        identity("O", "server-other", pem);
        int fe = fx.port("FE");
        assertEquals("server-a", tlsRead(fe, "A.example.com"));
        assertEquals("server-b", tlsRead(fe, "www.b.example.com"));
        assertEquals("server-other", tlsRead(fe, "c.example.com"));
    }

    @Test
    void payloadRulesWaitForTheirBytesAndRejectTheRest() throws Exception {
        start("""
                listen redis
                    bind 127.0.0.1:${FE}
                    tcp-request inspect-delay 500ms
                    tcp-request content accept if { req.len eq 14 } { req.payload(0,14) -m str "*1\\r\\n\\$4\\r\\nPING\\r\\n" }
                    tcp-request content reject
                    server s 127.0.0.1:${ECHO}
                """);
        echo("ECHO");
        int fe = fx.port("FE");
        // the command in two writes: the rule waits for the 14 bytes, then the server gets them all
        try (Socket s = new Socket("127.0.0.1", fe)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write("*1\r\n$4\r".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(150);
            out.write("\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals("*1\r\n$4\r\nPING\r\n", new String(s.getInputStream().readNBytes(14), StandardCharsets.US_ASCII));
        }
        // a client that sends its command and shuts its side (a health check does) still gets the answer
        try (Socket s = new Socket("127.0.0.1", fe)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            assertEquals("*1\r\n$4\r\nPING\r\n", new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        }
        lines.poll(5, TimeUnit.SECONDS);
        String accepted = lines.poll(5, TimeUnit.SECONDS);
        assertNotNull(accepted);
        assertTrue(accepted.contains(" redis redis/s "), accepted);
        // other bytes: rejected at once, closed without an answer, logged "PR"
        try (Socket s = new Socket("127.0.0.1", fe)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("*1\r\n$4\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(-1, s.getInputStream().read());
        }
        String rejected = lines.poll(5, TimeUnit.SECONDS);
        assertNotNull(rejected);
        assertTrue(rejected.contains(" redis redis/<NOSRV> -1/-1/") && rejected.contains(" PR "), rejected);
        // too few bytes: the wait ends at inspect-delay, then the reject rule holds
        long t0 = System.nanoTime();
        try (Socket s = new Socket("127.0.0.1", fe)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("*1\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(-1, s.getInputStream().read());
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 450 && ms < 4000, "closed after " + ms + " ms");
    }

    @Test
    void connectionRejectClosesAtOnceAndLogsNothing() throws Exception {
        start("""
                listen li
                    bind 127.0.0.1:${FE}
                    tcp-request connection reject if { src 127.0.0.1 }
                    server s 127.0.0.1:${ECHO}
                listen other
                    bind 127.0.0.1:${FE2}
                    tcp-request connection accept if { src 127.0.0.2 }
                    tcp-request connection set-var(sess.seen) src
                    tcp-request content reject unless { var(sess.seen) -m ip 127.0.0.1 }
                    server s 127.0.0.1:${ECHO}
                """);
        echo("ECHO");
        // reset, not closed: HAProxy 2.6.12 closes a connection rule's reject with an RST (session.c's nolinger)
        try (Socket s = new Socket("127.0.0.1", fx.port("FE"))) {
            s.setSoTimeout(5000);
            java.net.SocketException e = org.junit.jupiter.api.Assertions.assertThrows(java.net.SocketException.class, () -> s.getInputStream().read());
            assertTrue(e.getMessage().contains("reset"), e.getMessage());
        } catch (java.net.SocketException e) {
            assertTrue(e.getMessage().contains("reset"), e.getMessage());  // the reset came before the connect returned
        }
        // a session variable set at accept is seen by the content rules: echoed
        try (Socket s = new Socket("127.0.0.1", fx.port("FE2"))) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            assertEquals("hello", new String(s.getInputStream().readNBytes(5), StandardCharsets.US_ASCII));
        }
        String line = lines.poll(5, TimeUnit.SECONDS);
        assertNotNull(line);
        assertTrue(line.contains(" other other/s "), "only the second connection is logged: " + line);
        assertNull(lines.poll(300, TimeUnit.MILLISECONDS));
    }

    @Test
    void acceptProxyTakesTheClientAddressFromTheHeaderAndClosesOnABadOne() throws Exception {
        start("""
                listen li
                    bind 127.0.0.1:${FE} accept-proxy
                    tcp-request content reject unless { src 192.0.2.7 }
                    server s 127.0.0.1:${ECHO}
                """);
        echo("ECHO");
        int fe = fx.port("FE");
        try (Socket s = new Socket("127.0.0.1", fe)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("PROXY TCP4 192.0.2.7 198.51.100.1 40000 443\r\nping".getBytes(StandardCharsets.US_ASCII));
            assertEquals("ping", new String(s.getInputStream().readNBytes(4), StandardCharsets.US_ASCII));
        }
        String line = lines.poll(5, TimeUnit.SECONDS);
        assertNotNull(line);
        assertTrue(line.contains(": 192.0.2.7:40000 ["), line);
        // v2, with a TLV to skip
        byte[] v2 = HexFormat("0d0a0d0a000d0a515549540a" + "21" + "11" + "0014" + "c0000207" + "c6336401" + "9c40" + "01bb" + "0200053132333435");
        try (Socket s = new Socket("127.0.0.1", fe)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(v2);
            out.write("pong".getBytes(StandardCharsets.US_ASCII));
            assertEquals("pong", new String(s.getInputStream().readNBytes(4), StandardCharsets.US_ASCII));
        }
        // malformed: closed, nothing relayed
        for (String bad : List.of("PROXY TCP4 192.0.2.7 198.51.100.1 40000\r\nping", "PROXY TCP4 192.0.2.777 198.51.100.1 1 2\r\n", "GET / HTTP/1.0\r\n\r\n")) {
            try (Socket s = new Socket("127.0.0.1", fe)) {
                s.setSoTimeout(5000);
                s.getOutputStream().write(bad.getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                assertEquals(-1, in.read(), bad);
            }
        }
    }

    @Test
    void sendProxyWritesTheClientsAddressesFirst() throws Exception {
        start("""
                listen v1
                    bind 127.0.0.1:${FE1}
                    server s 127.0.0.1:${RAW} send-proxy
                listen v2
                    bind 127.0.0.1:${FE2}
                    server s 127.0.0.1:${RAW} send-proxy-v2
                """);
        try (ServerSocket raw = new ServerSocket(fx.port("RAW"), 5, java.net.InetAddress.getLoopbackAddress())) {
            raw.setSoTimeout(10_000);
            try (Socket c = new Socket("127.0.0.1", fx.port("FE1"))) {
                c.getOutputStream().write("x".getBytes(StandardCharsets.US_ASCII));
                try (Socket srv = raw.accept()) {
                    srv.setSoTimeout(5000);
                    String expect = "PROXY TCP4 127.0.0.1 127.0.0.1 " + c.getLocalPort() + " " + fx.port("FE1") + "\r\nx";
                    assertEquals(expect, new String(srv.getInputStream().readNBytes(expect.length()), StandardCharsets.US_ASCII));
                }
            }
            try (Socket c = new Socket("127.0.0.1", fx.port("FE2"))) {
                c.getOutputStream().write("y".getBytes(StandardCharsets.US_ASCII));
                try (Socket srv = raw.accept()) {
                    srv.setSoTimeout(5000);
                    byte[] got = srv.getInputStream().readNBytes(29);
                    int cp = c.getLocalPort(), fp = fx.port("FE2");
                    String hex = "0d0a0d0a000d0a515549540a" + "21" + "11" + "000c" + "7f000001" + "7f000001"
                            + String.format("%04x%04x", cp, fp) + "79";
                    assertEquals(hex, java.util.HexFormat.of().formatHex(got));
                }
            }
        }
    }

    @Test
    void responseRulesInspectTheServersFirstBytes() throws Exception {
        start("""
                listen good
                    bind 127.0.0.1:${FE1}
                    tcp-response inspect-delay 2s
                    tcp-response content reject if { res.payload(0,3) -m str BAD }
                    tcp-response content accept if { res.len ge 4 }
                    server s 127.0.0.1:${GOOD}
                listen bad
                    bind 127.0.0.1:${FE2}
                    tcp-response inspect-delay 2s
                    tcp-response content reject if { res.payload(0,3) -m str BAD }
                    tcp-response content accept if { res.len ge 4 }
                    server s 127.0.0.1:${BAD}
                """);
        identity("GOOD", "GOOD-banner", null);
        identity("BAD", "BAD-banner", null);
        try (Socket s = new Socket("127.0.0.1", fx.port("FE1"))) {
            s.setSoTimeout(5000);
            assertEquals("GOOD-banner", new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        }
        try (Socket s = new Socket("127.0.0.1", fx.port("FE2"))) {
            s.setSoTimeout(5000);
            assertEquals("", new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII), "a rejected response sends nothing");
        }
    }

    @Test
    void healthChecksOfSendProxyServersStartWithAHeader() throws Exception {
        start("""
                backend v1
                    server s 127.0.0.1:${RAW1} check inter 300ms send-proxy
                backend v2
                    server s 127.0.0.1:${RAW2} check inter 300ms check-send-proxy send-proxy-v2
                backend none
                    server s 127.0.0.1:${RAW3} check inter 300ms send-proxy port ${RAW3}
                """);
        // as HAProxy's: a check carries no client, so v1 says UNKNOWN and v2 the LOCAL command;
        // a check sent to another port than the traffic's ('port') has no header
        String[][] expected = {{"RAW1", "50524f585920554e4b4e4f574e0d0a"}, {"RAW2", "0d0a0d0a000d0a515549540a20000000"}, {"RAW3", ""}};
        for (String[] e : expected) {
            try (ServerSocket raw = new ServerSocket(fx.port(e[0]), 5, java.net.InetAddress.getLoopbackAddress())) {
                raw.setSoTimeout(10_000);
                try (Socket c = raw.accept()) {
                    c.setSoTimeout(e[1].isEmpty() ? 300 : 5000);
                    byte[] got;
                    try {
                        got = c.getInputStream().readNBytes(e[1].length() / 2);
                    } catch (java.net.SocketTimeoutException ex) {
                        got = new byte[0];
                    }
                    assertEquals(e[1], java.util.HexFormat.of().formatHex(got), e[0]);
                    if (e[1].isEmpty()) {
                        try {
                            assertTrue(c.getInputStream().read() <= 0, "no header");
                        } catch (java.net.SocketTimeoutException ex) {
                            // nothing sent: right
                        }
                    }
                }
            }
        }
    }

    private static byte[] HexFormat(String hex) {
        return java.util.HexFormat.of().parseHex(hex);
    }
}
