package io.vxlb.proxy;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Forwarding as the backend and the client see it: headers, bodies, errors, timeouts. */
class HttpForwardingIT {
    private ProxyFixture fx;

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

    @Test
    void forwardsWithClientHeadersIntactAndHopByHopRemoved() {
        fx = new ProxyFixture();
        fx.backend("BE", req -> req.response()
                .putHeader("Keep-Alive", "timeout=5")
                .putHeader("Connection", "X-Internal")
                .putHeader("X-Internal", "secret")
                .putHeader("X-Kept", "yes")
                .end("ok"));
        fx.start(BASE + """
                frontend fe
                    bind 127.0.0.1:${FE}
                    option forwardfor
                    option originalto
                    default_backend be
                backend be
                    server s1 127.0.0.1:${BE}
                """);
        ProxyFixture.Response r = fx.get("FE", "/a/b?c=d", "Host", "example.com", "X-Custom", "v1",
                "Connection", "keep-alive, X-Drop", "X-Drop", "gone", "Proxy-Connection", "keep-alive", "TE", "trailers");
        assertEquals(200, r.status());
        assertEquals("ok", r.body());
        assertEquals("yes", r.headers().get("x-kept"));
        assertNull(r.headers().get("x-internal"), "headers named in the server's Connection header are hop-by-hop");
        assertNull(r.headers().get("keep-alive"));

        ProxyFixture.Seen seen = fx.backends.get(0).last();
        assertEquals("GET", seen.method());
        assertEquals("/a/b?c=d", seen.uri());
        assertEquals("example.com", seen.header("host"));
        assertEquals("v1", seen.header("x-custom"));
        assertNull(seen.header("x-drop"));
        assertNull(seen.header("proxy-connection"));
        assertNull(seen.header("te"));
        assertEquals("127.0.0.1", seen.header("x-forwarded-for"));
        assertEquals("127.0.0.1", seen.header("x-original-to"));
    }

    @Test
    void forwardforAppendsItsOwnLineAndHonoursIfNoneAndHeaderName() {
        fx = new ProxyFixture();
        fx.backend("BE");
        fx.start(BASE + """
                frontend fe
                    bind 127.0.0.1:${FE}
                    default_backend be
                frontend fe2
                    bind 127.0.0.1:${FE2}
                    default_backend be2
                backend be
                    option forwardfor
                    server s1 127.0.0.1:${BE}
                backend be2
                    option forwardfor header X-Client if-none
                    server s1 127.0.0.1:${BE}
                """);
        fx.get("FE", "/", "X-Forwarded-For", "10.0.0.1");
        ProxyFixture.Seen seen = fx.backends.get(0).last();
        assertEquals(2, seen.count("x-forwarded-for"), "HAProxy adds its own X-Forwarded-For line after the client's");
        assertEquals(List.of("10.0.0.1", "127.0.0.1"), seen.headers().stream().filter(h -> h.getKey().equalsIgnoreCase("x-forwarded-for")).map(Map.Entry::getValue).toList());

        fx.get("FE2", "/", "X-Client", "10.9.9.9");
        assertEquals(1, fx.backends.get(0).last().count("x-client"));
        fx.get("FE2", "/");
        assertEquals("127.0.0.1", fx.backends.get(0).last().header("x-client"));
    }

    @Test
    void requestBodiesPassWithContentLengthAndChunked() {
        fx = new ProxyFixture();
        fx.backend("BE");
        fx.start(BASE + """
                listen app
                    bind 127.0.0.1:${FE}
                    server s1 127.0.0.1:${BE}
                """);
        String body = "x".repeat(100_000);
        assertEquals(200, fx.request(HttpMethod.POST, "FE", "/up", Buffer.buffer(body)).status());
        assertEquals(body, fx.backends.get(0).last().body());
        assertEquals("100000", fx.backends.get(0).last().header("content-length"));
    }

    @Test
    void keepAliveReusesTheClientConnection() throws Exception {
        fx = new ProxyFixture();
        fx.backend("BE");
        fx.start(BASE + """
                listen app
                    bind 127.0.0.1:${FE}
                    server s1 127.0.0.1:${BE}
                """);
        String two = fx.raw("FE", "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n", 1500);
        assertEquals(2, two.split("HTTP/1.1 200", -1).length - 1, two);
    }

    @Test
    void keepAliveSurvivesLocalAnswersAndProxiedAnswersInTurn() {
        fx = new ProxyFixture();
        fx.backend("BE");
        fx.start(BASE + """
                listen app
                    bind 127.0.0.1:${FE}
                    redirect location /elsewhere if { path /r }
                    http-request return status 200 content-type text/plain string local if { path /l }
                    server s1 127.0.0.1:${BE}
                """);
        for (int i = 0; i < 300; i++) {
            switch (i % 3) {
                case 0 -> assertEquals(302, fx.get("FE", "/r").status());
                case 1 -> assertEquals("local", fx.get("FE", "/l").body());
                default -> assertEquals("BE", fx.get("FE", "/p").body());
            }
        }
    }

    @Test
    void httpcloseClosesTheClientConnectionAfterTheResponse() throws Exception {
        fx = new ProxyFixture();
        fx.backend("BE");
        fx.start(BASE + """
                listen app
                    bind 127.0.0.1:${FE}
                    option httpclose
                    server s1 127.0.0.1:${BE}
                """);
        long t0 = System.nanoTime();
        String out = fx.raw("FE", "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n", 4000);
        assertTrue(out.startsWith("HTTP/1.1 200"), out);
        assertTrue(out.toLowerCase().contains("connection: close"), out);
        assertTrue(System.nanoTime() - t0 < 3_000_000_000L, "the proxy closed the connection itself");
        assertEquals("close", fx.backends.get(0).last().header("connection"));
    }

    @Test
    void serverCloseClosesTheServerSideOnlyAndPretendKeepaliveHidesIt() throws Exception {
        fx = new ProxyFixture();
        fx.backend("BE");
        fx.start(BASE + """
                frontend fe
                    bind 127.0.0.1:${FE}
                    option http-server-close
                    default_backend be
                frontend fe2
                    bind 127.0.0.1:${FE2}
                    option http-server-close
                    option http-pretend-keepalive
                    default_backend be
                backend be
                    server s1 127.0.0.1:${BE}
                """);
        String two = fx.raw("FE", "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n", 1500);
        assertEquals(2, two.split("HTTP/1.1 200", -1).length - 1, "the client side stays keep-alive: " + two);
        assertEquals("close", fx.backends.get(0).last().header("connection"), "the server is told the connection closes");
        fx.get("FE2", "/3");
        assertNull(fx.backends.get(0).last().header("connection"), "pretend-keepalive does not announce the close");
    }

    @Test
    void forwardforExceptSkipsTrustedSources() {
        fx = new ProxyFixture();
        fx.backend("BE");
        fx.start(BASE + """
                listen app
                    bind 127.0.0.1:${FE}
                    option forwardfor except 127.0.0.0/8
                    option originalto except 10.0.0.0/8 header X-Dst
                    server s1 127.0.0.1:${BE}
                """);
        fx.get("FE", "/");
        assertNull(fx.backends.get(0).last().header("x-forwarded-for"), "127.0.0.1 is in the except network");
        assertEquals("127.0.0.1", fx.backends.get(0).last().header("x-dst"));
    }

    @Test
    void redirectPrefixSchemeDropQueryAppendSlashAndCodes() {
        fx = new ProxyFixture();
        fx.start(BASE + """
                frontend fe
                    bind 127.0.0.1:${FE}
                    redirect prefix https://new.example.com code 301 if { path_beg /p/ }
                    redirect prefix /base drop-query append-slash if { path_beg /d }
                    redirect scheme https code 308 if { path_beg /s }
                    http-request redirect location /moved code 307 if { path /h }
                    redirect location /x set-cookie SEEN=1 if { path /c }
                    default_backend none
                backend none
                """);
        ProxyFixture.Response r = fx.get("FE", "/p/a?q=1");
        assertEquals(301, r.status());
        assertEquals("https://new.example.com/p/a?q=1", r.headers().get("location"));
        r = fx.get("FE", "/dir?q=1");
        assertEquals(302, r.status());
        assertEquals("/base/dir/", r.headers().get("location"));
        r = fx.get("FE", "/s/x?y", "Host", "www.example.com");
        assertEquals(308, r.status());
        assertEquals("https://www.example.com/s/x?y", r.headers().get("location"));
        r = fx.get("FE", "/h");
        assertEquals(307, r.status());
        assertEquals("/moved", r.headers().get("location"));
        r = fx.get("FE", "/c");
        assertEquals("SEEN=1; path=/", r.headers().get("set-cookie"));
    }

    @Test
    void noServerGives503WithHaproxyBody() {
        fx = new ProxyFixture();
        fx.start(BASE + """
                frontend fe
                    bind 127.0.0.1:${FE}
                    default_backend empty
                backend empty
                """);
        ProxyFixture.Response r = fx.get("FE", "/");
        assertEquals(503, r.status());
        assertEquals("<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n</body></html>\n", r.body());
        assertEquals("no-cache", r.headers().get("cache-control"));
    }

    @Test
    void refusedConnectionsAreRetriedThenGive503() {
        fx = new ProxyFixture();
        fx.start(BASE + """
                frontend fe
                    bind 127.0.0.1:${FE}
                    default_backend be
                backend be
                    retries 2
                    server dead 127.0.0.1:${DEAD}
                """);
        assertEquals(503, fx.get("FE", "/").status());
    }

    @Test
    void redispatchSendsTheLastRetryToAnotherServer() {
        fx = new ProxyFixture();
        fx.backend("BE");
        fx.start(BASE + """
                frontend fe
                    bind 127.0.0.1:${FE}
                    default_backend be
                backend be
                    retries 1
                    option redispatch
                    server dead 127.0.0.1:${DEAD}
                    server live 127.0.0.1:${BE}
                """);
        for (int i = 0; i < 4; i++) assertEquals(200, fx.get("FE", "/" + i).status());
    }

    @Test
    void slowServerGives504AfterTimeoutServer() {
        fx = new ProxyFixture();
        fx.backend("BE", req -> { /* never answers */ });
        fx.start("""
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 5s
                    timeout server 300ms
                listen app
                    bind 127.0.0.1:${FE}
                    server s1 127.0.0.1:${BE}
                """);
        ProxyFixture.Response r = fx.get("FE", "/slow");
        assertEquals(504, r.status());
        assertTrue(r.body().contains("504 Gateway Time-out"), r.body());
    }

    @Test
    void garbageFromTheServerGives502AndOtherClientsAreUnharmed() throws Exception {
        fx = new ProxyFixture();
        fx.backend("GOOD");
        var garbage = fx.vertx.createNetServer().connectHandler(so -> so.handler(b -> so.write("THIS IS NOT HTTP\r\n\r\n").onComplete(x -> so.close())))
                .listen(fx.port("BAD"), "127.0.0.1").await();
        fx.start(BASE + """
                frontend fe
                    bind 127.0.0.1:${FE}
                    use_backend bad if { path_beg /bad }
                    default_backend good
                backend bad
                    retries 0
                    server s1 127.0.0.1:${BAD}
                backend good
                    server s1 127.0.0.1:${GOOD}
                """);
        assertEquals(502, fx.get("FE", "/bad").status());
        assertEquals(200, fx.get("FE", "/good").status());
        garbage.close();
    }

    @Test
    void incompleteRequestHeadGets408AfterTimeoutHttpRequest() throws Exception {
        fx = new ProxyFixture();
        fx.backend("BE");
        fx.start("""
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 10s
                    timeout server 5s
                    timeout http-request 300ms
                listen app
                    bind 127.0.0.1:${FE}
                    server s1 127.0.0.1:${BE}
                """);
        long t0 = System.nanoTime();
        String out = fx.raw("FE", "GET / HTTP/1.1\r\nHost: slowloris\r\nX-A: ", 5000);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(out.startsWith("HTTP/1.1 408 Request Time-out\r\n"), out);
        assertTrue(out.endsWith("<html><body><h1>408 Request Time-out</h1>\nYour browser didn't send a complete request in time.\n</body></html>\n"), out);
        assertTrue(ms < 4000, "answered by the http-request timer, not the client timeout: " + ms + " ms");
        assertTrue(fx.backends.get(0).seen.isEmpty());
    }

    @Test
    void malformedRequestGets400AndTheProxyKeepsServing() throws Exception {
        fx = new ProxyFixture();
        fx.backend("BE");
        fx.start(BASE + """
                listen app
                    bind 127.0.0.1:${FE}
                    server s1 127.0.0.1:${BE}
                """);
        String out = fx.raw("FE", "GET / HTTP/1.1\r\nHost: a\r\nBroken header line\r\n\r\n", 2000);
        assertTrue(out.startsWith("HTTP/1.1 400"), out);
        String big = fx.raw("FE", "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + "b".repeat(40_000) + "\r\n\r\n", 2000);
        assertTrue(big.startsWith("HTTP/1.1 431"), big);
        assertEquals(200, fx.get("FE", "/").status());
        assertFalse(fx.backends.get(0).seen.isEmpty());
    }

    /**
     * http-response set-status: the given reason, else the new status's standard one, never the
     * server's reason phrase with another code (HAProxy's http_res_set_status).
     */
    @Test
    void setStatusWritesItsReasonOrTheStandardOne() throws Exception {
        fx = new ProxyFixture();
        fx.backend("BE", req -> req.response().setStatusCode(200).setStatusMessage("Fine").end("ok"));
        fx.start(BASE + """
                frontend fe
                    bind 127.0.0.1:${FE}
                    default_backend be
                backend be
                    http-response set-status 503 reason "Try later" if { path /a }
                    http-response set-status 404 if { path /b }
                    server s1 127.0.0.1:${BE}
                """);
        assertTrue(fx.raw("FE", "GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 3000).startsWith("HTTP/1.1 503 Try later\r\n"));
        assertTrue(fx.raw("FE", "GET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 3000).startsWith("HTTP/1.1 404 Not Found\r\n"));
        assertTrue(fx.raw("FE", "GET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 3000).startsWith("HTTP/1.1 200 Fine\r\n"));
    }
}
