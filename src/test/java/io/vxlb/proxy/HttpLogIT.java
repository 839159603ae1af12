package io.vxlb.proxy;

import io.vertx.core.datagram.DatagramSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code option httplog} lines as HAProxy 2.6 writes them, received over real UDP syslog. The
 * golden lines below were captured from HAProxy 2.6.12 (Debian) with the same configuration;
 * only the values that depend on the run (ports, dates, timers, byte counts) are patterns.
 */
class HttpLogIT {
    private ProxyFixture fx;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    @AfterEach
    void tearDown() {
        if (fx != null) fx.close();
    }

    private static final String HEADER = "<134>\\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d haproxy\\[\\d+\\]: ";
    private static final String CLIENT = "127\\.0\\.0\\.1:\\d+ \\[\\d\\d/\\w{3}/\\d{4}:\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\] ";

    private void start(String config) {
        fx = new ProxyFixture();
        DatagramSocket syslog = fx.vertx.createDatagramSocket();
        syslog.handler(p -> lines.add(p.data().toString().replaceFirst("\n$", "")));  // HAProxy ends each datagram with a line feed
        ProxyFixture.await(syslog.listen(fx.port("SYSLOG"), "127.0.0.1"));
        fx.start(config);
    }

    private String nextLine() throws InterruptedException {
        String l = lines.poll(10, TimeUnit.SECONDS);
        assertNotNull(l, "no log line arrived");
        return l;
    }

    private static void assertMatches(String regex, String line) {
        assertTrue(Pattern.matches(regex, line), () -> "log line\n  " + line + "\ndoes not match\n  " + regex);
    }

    @Test
    void proxiedRequestWithCapturedHeaders() throws Exception {
        fx = null;
        start("""
                global
                    log 127.0.0.1:${SYSLOG} local0
                defaults
                    mode http
                    log global
                    option httplog
                    timeout connect 5s
                    timeout client 5s
                    timeout server 5s
                frontend fe
                    bind 127.0.0.1:${FE}
                    capture request header Host len 32
                    capture request header User-Agent len 10
                    default_backend be
                frontend fe2
                    bind 127.0.0.1:${FE2}
                    default_backend be
                backend be
                    server s1 127.0.0.1:${BE}
                """);
        fx.backend("BE");
        fx.get("FE", "/", "User-Agent", "curl-test-agent", "Host", "127.0.0.1:" + fx.port("FE"));
        // HAProxy 2.6.12: ... fe be/s1 0/0/0/1/1 200 454 - - ---- 1/1/0/0/0 0/0 {127.0.0.1:18090|curl-test-} "GET / HTTP/1.1"
        assertMatches(HEADER + CLIENT + "fe be/s1 \\d+/0/\\d+/\\d+/\\d+ 200 \\d+ - - ---- \\d+/1/0/0/0 0/0 \\{127\\.0\\.0\\.1:"
                + fx.port("FE") + "\\|curl-test-\\} \"GET / HTTP/1\\.1\"", nextLine());
        fx.get("FE2", "/x?y=1");
        // HAProxy 2.6.12: ... fe2 be/s1 0/0/0/4/4 404 500 - - ---- 1/1/0/0/0 0/0 "GET /x?y=1 HTTP/1.1"
        assertMatches(HEADER + CLIENT + "fe2 be/s1 \\d+/0/\\d+/\\d+/\\d+ 200 \\d+ - - ---- \\d+/1/0/0/0 0/0 \"GET /x\\?y=1 HTTP/1\\.1\"", nextLine());
    }

    @Test
    void connectionsWithoutARequestAreBadreqLinesUnlessDontlognull() throws Exception {
        start("""
                global
                    log 127.0.0.1:${SYSLOG} local0
                defaults
                    mode http
                    log global
                    option httplog
                    timeout connect 5s
                    timeout client 5s
                    timeout server 5s
                    timeout http-request 300ms
                frontend fe
                    bind 127.0.0.1:${FE}
                    default_backend be
                frontend fe2
                    bind 127.0.0.1:${FE2}
                    option dontlognull
                    default_backend be
                backend be
                    server s1 127.0.0.1:${BE}
                """);
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", fx.port("FE"))) {
            s.getOutputStream().flush();
        }
        // HAProxy 2.6.12: fe fe/<NOSRV> -1/-1/-1/-1/0 400 0 - - CR-- 1/1/0/0/0 0/0 "<BADREQ>"
        assertMatches(HEADER + CLIENT + "fe fe/<NOSRV> -1/-1/-1/-1/\\d+ 400 0 - - CR-- \\d+/1/0/0/0 0/0 \"<BADREQ>\"", nextLine());
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", fx.port("FE2"))) {
            s.getOutputStream().flush();  // an empty connection: dontlognull keeps it out of the log
        }
        fx.raw("FE2", "GET / HTTP/1.1\r\nHost: a\r\n", 2000);
        // HAProxy 2.6.12: fe2 fe2/<NOSRV> -1/-1/-1/-1/501 408 0 - - cR-- 1/1/0/0/0 0/0 "<BADREQ>"
        assertMatches(HEADER + CLIENT + "fe2 fe2/<NOSRV> -1/-1/-1/-1/\\d+ 408 0 - - cR-- \\d+/1/0/0/0 0/0 \"<BADREQ>\"", nextLine());
        // a head the HTTP/1 layer refuses; HAProxy 2.6.12, same bytes:
        // fe fe/<NOSRV> -1/-1/-1/-1/0 400 0 - - PR-- 1/1/0/0/0 0/0 "<BADREQ>"
        String refused = fx.raw("FE", "GET / HTTP/1.1\r\nHost: a\r\nbad line\r\n\r\n", 2000);
        assertTrue(refused.startsWith("HTTP/1.1 400 Bad request\r\nContent-length: 90\r\n"), refused);
        assertMatches(HEADER + CLIENT + "fe fe/<NOSRV> -1/-1/-1/-1/\\d+ 400 0 - - PR-- \\d+/1/0/0/0 0/0 \"<BADREQ>\"", nextLine());
    }

    @Test
    void localAnswersAndFailuresCarryHaproxyTerminationStates() throws Exception {
        start("""
                global
                    log 127.0.0.1:${SYSLOG} local0
                defaults
                    mode http
                    log global
                    option httplog
                    timeout connect 5s
                    timeout client 5s
                    timeout server 5s
                frontend fe
                    bind 127.0.0.1:${FE}
                    http-request deny if { path /deny }
                    redirect location /new if { path /old }
                    use_backend empty if { path /empty }
                    default_backend dead
                backend empty
                backend dead
                    retries 2
                    server s1 127.0.0.1:${DEAD}
                """);
        fx.get("FE", "/deny");
        // HAProxy 2.6.12: fe fe/<NOSRV> 0/-1/-1/-1/0 403 192 - - PR-- 1/1/0/0/0 0/0 "GET /deny HTTP/1.1"
        assertMatches(HEADER + CLIENT + "fe fe/<NOSRV> \\d+/-1/-1/-1/\\d+ 403 \\d+ - - PR-- \\d+/1/0/0/0 0/0 \"GET /deny HTTP/1\\.1\"", nextLine());
        fx.get("FE", "/old");
        // HAProxy 2.6.12: fe fe/<NOSRV> 0/-1/-1/-1/0 302 85 - - LR-- 1/1/0/0/0 0/0 "GET /old HTTP/1.1"
        assertMatches(HEADER + CLIENT + "fe fe/<NOSRV> \\d+/-1/-1/-1/\\d+ 302 \\d+ - - LR-- \\d+/1/0/0/0 0/0 \"GET /old HTTP/1\\.1\"", nextLine());
        fx.get("FE", "/empty");
        // HAProxy 2.6.12: fe empty/<NOSRV> 0/-1/-1/-1/0 503 217 - - SC-- 1/1/0/0/0 0/0 "GET /empty HTTP/1.1"
        assertMatches(HEADER + CLIENT + "fe empty/<NOSRV> \\d+/-1/-1/-1/\\d+ 503 \\d+ - - SC-- \\d+/1/0/0/0 0/0 \"GET /empty HTTP/1\\.1\"", nextLine());
        fx.get("FE", "/dead");
        // HAProxy 2.6.12: fe dead/s1 0/0/-1/-1/2003 503 217 - - SC-- 1/1/0/0/2 0/0 "GET /dead HTTP/1.1"
        // (two retries, one second apart, as HAProxy pauses before retrying the same server)
        String l = nextLine();
        assertMatches(HEADER + CLIENT + "fe dead/s1 \\d+/0/-1/-1/(\\d+) 503 \\d+ - - SC-- \\d+/1/0/0/2 0/0 \"GET /dead HTTP/1\\.1\"", l);
    }

    @Test
    void serverTimeoutInTheMiddleOfTheBodyIsLoggedSD() throws Exception {
        start("""
                global
                    log 127.0.0.1:${SYSLOG} local0
                defaults
                    mode http
                    log global
                    option httplog
                    timeout connect 2s
                    timeout client 5s
                    timeout server 300ms
                frontend fe
                    bind 127.0.0.1:${FE}
                    default_backend be
                backend be
                    server s1 127.0.0.1:${BE}
                """);
        // a server that sends its head and one chunk, then stalls
        ProxyFixture.await(fx.vertx.createNetServer().connectHandler(so -> so.handler(b ->
                so.write("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n"))).listen(fx.port("BE"), "127.0.0.1"));
        String got = fx.raw("FE", "GET / HTTP/1.1\r\nhost: x\r\n\r\n", 3000);
        assertTrue(got.contains("hello") && !got.contains("0\r\n\r\n"), "the body is cut, without a last chunk: " + got);
        // HAProxy 2.6.12: 127.0.0.1:51172 [22/Nov/2026:07:20:45.683] fe be/s1 0/0/0/0/301 200 63 - - sD-- 1/1/0/0/0 0/0 "GET / HTTP/1.1"
        String line = nextLine();
        assertMatches(HEADER + CLIENT + "fe be/s1 \\d+/0/\\d+/\\d+/(\\d+) 200 \\d+ - - sD-- \\d+/1/0/0/0 0/0 \"GET / HTTP/1\\.1\"", line);
        long ta = Long.parseLong(line.replaceAll(".* \\d+/0/\\d+/\\d+/(\\d+) 200 .*", "$1"));
        assertTrue(ta >= 300 && ta < 1000, "Ta is about the 300 ms timeout: " + line);
    }

    @Test
    void tarpitAnswers500AfterTimeoutTarpitAsHaproxyDoes() throws Exception {
        start("""
                global
                    log 127.0.0.1:${SYSLOG} local0
                defaults
                    mode http
                    log global
                    option httplog
                    timeout connect 2s
                    timeout client 5s
                    timeout server 5s
                    timeout tarpit 300ms
                frontend fe
                    bind 127.0.0.1:${FE}
                    http-request tarpit if { path_beg /bot }
                    default_backend be
                backend be
                    server s1 127.0.0.1:${BE}
                """);
        fx.backend("BE");
        long t0 = System.nanoTime();
        String got = fx.raw("FE", "GET /bot HTTP/1.1\r\nhost: x\r\n\r\n", 3000);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        // HAProxy 2.6.12, byte for byte: the 500 page after timeout tarpit
        assertTrue(got.startsWith("HTTP/1.1 500 Internal Server Error\r\n"), got);
        assertTrue(got.contains("content-length: 97\r\n") && got.contains("cache-control: no-cache\r\n") && got.contains("content-type: text/html\r\n"), got);
        assertTrue(got.endsWith("\r\n\r\n<html><body><h1>500 Internal Server Error</h1>\nAn internal server error occurred.\n</body></html>\n"), got);
        assertTrue(!got.toLowerCase().contains("connection: close"), "HAProxy keeps the connection: " + got);
        assertTrue(ms >= 290, "held for timeout tarpit: " + ms + " ms");
        assertTrue(fx.backends.get(0).seen.isEmpty(), "a tarpitted request never reaches a server");
        // HAProxy 2.6.12: 127.0.0.1:36452 [22/Nov/2026:08:05:53.468] fe fe/<NOSRV> -1/302/-1/-1/301 500 208 - - PT-- 1/1/0/0/0 0/0 "GET /bot HTTP/1.1"
        // (%B: vxlb counts the 205 bytes it wrote; HAProxy logs 3 more for its own error pages)
        assertMatches(HEADER + CLIENT + "fe fe/<NOSRV> -1/(\\d+)/-1/-1/\\d+ 500 \\d+ - - PT-- \\d+/1/0/0/0 0/0 \"GET /bot HTTP/1\\.1\"", nextLine());
    }

    /** Sends a request head in two parts, {@code pauseMs} apart, on a raw connection; returns the response start. */
    private String slowHead(String port, String first, String rest, long pauseMs) throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", fx.port(port))) {
            s.setSoTimeout(3000);
            s.getOutputStream().write(first.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            Thread.sleep(pauseMs);
            s.getOutputStream().write(rest.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            byte[] buf = new byte[4096];
            int n = s.getInputStream().read(buf);
            return n <= 0 ? "" : new String(buf, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void trCountsFromTheRequestsFirstByteToItsCompleteHead() throws Exception {
        start("""
                global
                    log 127.0.0.1:${SYSLOG} local0
                defaults
                    mode http
                    log global
                    option httplog
                    timeout connect 5s
                    timeout client 5s
                    timeout server 5s
                listen app
                    bind 127.0.0.1:${FE}
                    server s1 127.0.0.1:${BE}
                """);
        fx.backend("BE");
        assertTrue(slowHead("FE", "GET /slow HTTP/1.1\r\nho", "st: x\r\n\r\n", 400).startsWith("HTTP/1.1 200"));
        String line = nextLine();
        java.util.regex.Matcher m = Pattern.compile(" app/s1 (\\d+)/(\\d+)/(\\d+)/(\\d+)/(\\d+) 200 ").matcher(line);
        assertTrue(m.find(), line);
        long tr = Long.parseLong(m.group(1)), ta = Long.parseLong(m.group(5));
        assertTrue(tr >= 390 && tr < 3000, "%TR is the 400 ms the head took: " + line);
        assertTrue(ta >= tr, "%Ta includes %TR: " + line);
    }

    @Test
    void customLogFormatWritesItsVariablesSamplesAndQuotes() throws Exception {
        start("""
                global
                    log 127.0.0.1:${SYSLOG} local0
                defaults
                    mode http
                    log global
                    timeout connect 5s
                    timeout client 5s
                    timeout server 5s
                frontend fe
                    bind 127.0.0.1:${FE}
                    log-format "%ci %f %b/%s %ST %{+Q}r %[req.hdr(x-user),lower] %{+Q}HM %HP %HQ %Tq/%TR/%Ti %tsc %ac/%fc/%bc/%sc/%rc %{+Q}b %ms"
                    default_backend be
                frontend clf
                    bind 127.0.0.1:${FE2}
                    option httplog clf
                    default_backend be
                backend be
                    server s1 127.0.0.1:${BE}
                """);
        fx.backend("BE");
        fx.get("FE", "/p/q?x=1", "X-User", "ALICE");
        // without "option httplog" a log-format alone turns logging on, as in HAProxy
        assertMatches(HEADER + "127\\.0\\.0\\.1 fe be/s1 200 \"GET /p/q\\?x=1 HTTP/1\\.1\" alice \"GET\" /p/q \\?x=1 \\d+/\\d+/\\d+ ---- \\d+/1/\\d+/\\d+/0 \"be\" \\d{3}", nextLine());
        fx.get("FE2", "/c");
        // HAProxy 2.6 CLF: "%{+Q}o %{-Q}ci - - [%trg] %r %ST %B \"\" \"\" %cp %ms %ft %b %s %TR %Tw %Tc %Tr %Ta %tsc %ac %fc %bc %sc %rc %sq %bq %CC %CS %hrl %hsl"
        assertMatches(HEADER + "127\\.0\\.0\\.1 - - \\[\\d\\d/\\w{3}/\\d{4}:\\d\\d:\\d\\d:\\d\\d \\+0000\\] \"GET /c HTTP/1\\.1\" 200 \\d+ \"\" \"\" \\d+ \\d{3} \"clf\" \"be\" \"s1\" "
                + "\\d+ 0 \\d+ \\d+ \\d+ ---- \\d+ 1 \\d+ \\d+ 0 0 0 \"-\" \"-\"  ", nextLine());
    }
}
