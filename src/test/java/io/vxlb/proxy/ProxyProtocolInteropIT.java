package io.vxlb.proxy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The PROXY protocol between vxlb and a real haproxy 2.6, both ways and both versions: vxlb's
 * {@code send-proxy[-v2]} read by haproxy's {@code accept-proxy}, and haproxy's read by vxlb's,
 * for HTTP and {@code mode tcp}. The client's own address and port must come out at the far end.
 * Skipped where haproxy is not installed, except under CI ({@code .ci/run} installs it); the
 * headers haproxy writes and accepts are also pinned by {@link AfterResponseIT}'s recorded answers.
 */
class ProxyProtocolInteropIT {
    @TempDir
    Path dir;
    private ProxyFixture fx;
    private Process haproxy;

    @AfterEach
    void tearDown() throws InterruptedException {
        if (haproxy != null) {
            haproxy.destroy();
            if (!haproxy.waitFor(5, TimeUnit.SECONDS)) haproxy.destroyForcibly();
        }
        if (fx != null) fx.close();
    }

    private static boolean haproxyInstalled() {
        try {
            Process p = new ProcessBuilder("haproxy", "-v").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private void startHaproxy(String config) throws Exception {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{([A-Z0-9_]+)}").matcher(config);
        StringBuilder sb = new StringBuilder();
        while (m.find()) m.appendReplacement(sb, Integer.toString(fx.port(m.group(1))));
        config = m.appendTail(sb).toString();
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, config);
        haproxy = new ProcessBuilder("haproxy", "-db", "-f", cfg.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("haproxy.log").toFile()).start();
    }

    private String haproxyLog() {
        try {
            return "\nhaproxy: " + Files.readString(dir.resolve("haproxy.log"));
        } catch (IOException e) {
            return "";
        }
    }

    /** Waits until {@code port} accepts connections (bounded). */
    private static void awaitListening(int port) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("nothing listens on " + port);
    }

    /** One HTTP/1.1 request on a raw socket; returns the local port used and the response. */
    private static String[] get(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return new String[]{Integer.toString(s.getLocalPort()), new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1)};
        }
    }

    private static String header(String response, String name) {
        for (String line : response.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith(name + ":")) return line.substring(name.length() + 1).trim();
        }
        return null;
    }

    private static final String DEFAULTS = """
            defaults
                mode http
                timeout connect 5s
                timeout client 5s
                timeout server 5s
            """;

    @Test
    void vxlbSendProxyIsReadByHaproxyAcceptProxy() throws Exception {
        io.vxlb.testing.RealServers.assume(haproxyInstalled(), "haproxy", "haproxy");
        fx = new ProxyFixture();
        fx.start(DEFAULTS + """
                frontend fe
                    bind 127.0.0.1:${FE}
                    use_backend v2 if { path_beg /v2 }
                    default_backend v1
                backend v1
                    server h 127.0.0.1:${H1} send-proxy
                backend v2
                    server h 127.0.0.1:${H2} send-proxy-v2
                frontend tcp_fe
                    mode tcp
                    bind 127.0.0.1:${TFE}
                    default_backend tcp_be
                backend tcp_be
                    mode tcp
                    server h 127.0.0.1:${H1} send-proxy-v2
                """);
        startHaproxy(DEFAULTS + """
                frontend h
                    bind 127.0.0.1:${H1} accept-proxy
                    bind 127.0.0.1:${H2} accept-proxy
                    http-request return status 200 hdr x-src "%[src]:%[src_port]" hdr x-dst "%[dst]:%[dst_port]"
                """);
        awaitListening(fx.port("H1"));
        awaitListening(fx.port("H2"));
        for (String portName : new String[]{"FE", "TFE"}) {
            String[] r = get(fx.port(portName));
            assertTrue(r[1].startsWith("HTTP/1.1 200"), () -> r[1] + haproxyLog());
            assertEquals("127.0.0.1:" + r[0], header(r[1], "x-src"), portName);
            assertEquals("127.0.0.1:" + fx.port(portName), header(r[1], "x-dst"), portName);
        }
        try (Socket s = new Socket("127.0.0.1", fx.port("FE"))) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET /v2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String resp = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertEquals("127.0.0.1:" + s.getLocalPort(), header(resp, "x-src"), resp);
        }
        // keep-alive clients one after the other: a server connection made for one client (its
        // PROXY header names it) is never handed to another
        for (int i = 0; i < 3; i++) {
            try (Socket s = new Socket("127.0.0.1", fx.port("FE"))) {
                s.setSoTimeout(5000);
                java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                for (int k = 0; k < 2; k++) {
                    s.getOutputStream().write("GET /v2 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    String src = null, line;
                    int length = 0;
                    while ((line = in.readLine()) != null && !line.isEmpty()) {
                        if (line.startsWith("x-src:")) src = line.substring(6).trim();
                        if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) length = Integer.parseInt(line.substring(15).trim());
                    }
                    for (int b = 0; b < length; b++) in.read();
                    assertEquals("127.0.0.1:" + s.getLocalPort(), src, "client " + i + " request " + k);
                }
            }
        }
    }

    @Test
    void haproxySendProxyIsReadByVxlbAcceptProxy() throws Exception {
        io.vxlb.testing.RealServers.assume(haproxyInstalled(), "haproxy", "haproxy");
        fx = new ProxyFixture();
        fx.start(DEFAULTS + """
                frontend v
                    bind 127.0.0.1:${V1} accept-proxy
                    bind 127.0.0.1:${V2} accept-proxy
                    http-request return status 200
                    http-after-response set-header x-src "%[src]:%[src_port]"
                    http-after-response set-header x-dst "%[dst]:%[dst_port]"
                """);
        startHaproxy(DEFAULTS + """
                frontend fe
                    bind 127.0.0.1:${FE}
                    use_backend v2 if { path_beg /v2 }
                    default_backend v1
                backend v1
                    server v 127.0.0.1:${V1} send-proxy
                backend v2
                    server v 127.0.0.1:${V2} send-proxy-v2
                frontend tcp_fe
                    mode tcp
                    bind 127.0.0.1:${TFE}
                    default_backend tcp_be
                backend tcp_be
                    mode tcp
                    server v 127.0.0.1:${V2} send-proxy-v2
                """);
        awaitListening(fx.port("FE"));
        awaitListening(fx.port("TFE"));
        for (String portName : new String[]{"FE", "TFE"}) {
            String[] r = get(fx.port(portName));
            assertTrue(r[1].startsWith("HTTP/1.1 200"), () -> r[1] + haproxyLog());
            assertEquals("127.0.0.1:" + r[0], header(r[1], "x-src"), portName);
            assertEquals("127.0.0.1:" + fx.port(portName), header(r[1], "x-dst"), portName);
        }
    }

    @Test
    void proxyV2OptionsTlvsAreReadByHaproxy() throws Exception {
        io.vxlb.testing.RealServers.assume(haproxyInstalled(), "haproxy", "haproxy");
        fx = new ProxyFixture();
        fx.start(DEFAULTS + """
                frontend fe
                    bind 127.0.0.1:${FE}
                    unique-id-format TEST-%[req.hdr(in)]
                    default_backend v2
                backend v2
                    server h 127.0.0.1:${H1} send-proxy-v2 proxy-v2-options unique-id,crc32c,authority
                """);
        // haproxy checks the CRC32C (a wrong one closes the connection) and echoes the unique-id
        startHaproxy(DEFAULTS + """
                frontend h
                    bind 127.0.0.1:${H1} accept-proxy
                    http-request return status 200 hdr x-id "%[fc_pp_unique_id]" hdr x-auth "<%[fc_pp_authority]>"
                """);
        awaitListening(fx.port("H1"));
        // two requests on one client connection: each gets a server connection with its own header
        String r = fx.raw("FE", "GET / HTTP/1.1\r\nhost: x\r\nin: foo\r\n\r\nGET / HTTP/1.1\r\nhost: x\r\nin: bar\r\nconnection: close\r\n\r\n", 5000);
        assertTrue(r.contains("x-id: TEST-foo") && r.contains("x-id: TEST-bar"), r + haproxyLog());
        assertTrue(r.contains("x-auth: <>"), "no SNI, no authority TLV: " + r);
    }
}
