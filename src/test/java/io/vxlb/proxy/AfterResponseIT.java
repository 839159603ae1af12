package io.vxlb.proxy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code http-after-response}, {@code tcp-request connection|session|content} and
 * {@code accept-proxy} on an HTTP frontend, compared with haproxy 2.6.12: the same configuration
 * ({@code src/test/resources/tcprules/after-response.cfg}) and the same bytes (each
 * {@code after-response/*.req} to the plain bind, {@code *.pp} to the accept-proxy bind), and
 * haproxy's answers recorded beside them ({@code *.haproxy}, re-recorded by
 * {@code src/test/tcprules/record-haproxy.py}). Compared: the status line, and every
 * {@code x-*} header in order (what these rules write), or that the connection was closed
 * without an answer.
 */
class AfterResponseIT {
    private static final Path DIR = Path.of("src/test/resources/tcprules");
    /** The backend's answer, the same as the recorder's. */
    private static final byte[] BACKEND_RESPONSE = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nx-drop: 1\r\nx-rewrite: abc-old\r\n\r\nok".getBytes(StandardCharsets.US_ASCII);
    private ProxyFixture fx;
    private ServerSocket backend;

    @AfterEach
    void tearDown() throws IOException {
        if (backend != null) backend.close();
        if (fx != null) fx.close();
    }

    @Test
    void answersAsHaproxyDoes() throws Exception {
        fx = new ProxyFixture();
        backend = new ServerSocket(fx.port("BE"), 50, java.net.InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::serveBackend, "after-response-backend");
        t.setDaemon(true);
        t.start();
        fx.start(Files.readString(DIR.resolve("after-response.cfg")));
        List<Path> cases;
        try (Stream<Path> s = Files.list(DIR.resolve("after-response"))) {
            cases = s.filter(p -> p.toString().endsWith(".req") || p.toString().endsWith(".pp")).sorted().toList();
        }
        assertTrue(cases.size() >= 8, "cases: " + cases);
        for (Path c : cases) {
            String name = c.getFileName().toString();
            String base = name.substring(0, name.lastIndexOf('.'));
            String expected = summary(Files.readAllBytes(c.resolveSibling(base + ".haproxy")));
            String actual = summary(exchange(fx.port(name.endsWith(".pp") ? "FE_PP" : "FE"), Files.readAllBytes(c)));
            assertEquals(expected, actual, name);
        }
    }

    /** Status line and x-* headers, one per line; "(closed)" when nothing came back. */
    static String summary(byte[] response) {
        String text = new String(response, StandardCharsets.ISO_8859_1);
        if (text.isEmpty()) return "(closed)";
        int end = text.indexOf("\r\n\r\n");
        String[] lines = (end < 0 ? text : text.substring(0, end)).split("\r\n");
        StringBuilder sb = new StringBuilder(lines[0]);
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].toLowerCase(java.util.Locale.ROOT).startsWith("x-")) sb.append('\n').append(lines[i]);
        }
        return sb.toString();
    }

    private static byte[] exchange(int port, byte[] payload) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(payload);
            InputStream in = s.getInputStream();
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) > 0) out.write(buf, 0, n);
            } catch (java.net.SocketException e) {
                // reset after a reject: what came before counts
            }
            return out.toByteArray();
        }
    }

    private void serveBackend() {
        while (!backend.isClosed()) {
            try (Socket c = backend.accept()) {
                c.setSoTimeout(5000);
                InputStream in = c.getInputStream();
                StringBuilder head = new StringBuilder();
                int b;
                while ((b = in.read()) >= 0) {
                    head.append((char) b);
                    if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) break;
                }
                c.getOutputStream().write(BACKEND_RESPONSE);
                c.getOutputStream().flush();
                c.shutdownOutput();
                while (in.read() >= 0) { }
            } catch (IOException e) {
                // closed at the end of the test
            }
        }
    }
}
