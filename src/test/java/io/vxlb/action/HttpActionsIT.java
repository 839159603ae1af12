package io.vxlb.action;

import io.vxlb.config.KeywordTable;
import io.vxlb.config.Support;
import io.vxlb.proxy.ProxyFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every registered {@code http-request}/{@code http-response} action, through the proxy, as the
 * client and the server see it. A keyword registered as supported without a case here fails
 * {@link #everySupportedActionIsProvedHere()}.
 */
class HttpActionsIT {
    /** The actions the cases below prove. */
    private static final Set<String> PROVED = Set.of(
            "http-request allow", "http-request deny", "http-request tarpit", "http-request auth", "http-request redirect",
            "http-request set-header", "http-request add-header", "http-request del-header", "http-request replace-header",
            "http-request replace-value", "http-request set-path", "http-request set-query", "http-request set-uri",
            "http-request set-method", "http-request replace-path", "http-request replace-uri", "http-request return",
            "http-request set-pathq", "http-request replace-pathq", "http-request normalize-uri",
            "http-request set-var", "http-request set-src", "http-request set-dst", "http-request set-src-port",
            "http-request set-dst-port", "http-request reject", "http-request set-timeout",
            // proved in VarsIT
            "http-request set-var-fmt", "http-request unset-var", "http-response set-var-fmt", "http-response unset-var",
            // proved in io.vxlb.proxy.BodyWaitIT
            "http-request wait-for-body",
            "http-response allow", "http-response deny", "http-response redirect", "http-response set-header",
            "http-response add-header", "http-response del-header", "http-response replace-header", "http-response replace-value",
            "http-response return", "http-response set-var", "http-response set-status",
            // proved against HAProxy's recorded answers in CaptureActionIT
            "http-request capture", "http-response capture",
            // vxlb-stick: proved in io.vxlb.stick.StickRateLimitIT and StickParityIT
            "http-request track-sc0", "http-request track-sc1", "http-request track-sc2", "http-request sc-inc-gpc0",
            "http-request sc-inc-gpc1", "http-request sc-set-gpt0", "http-response track-sc0", "http-response track-sc1",
            "http-response track-sc2", "http-response sc-inc-gpc0", "http-response sc-inc-gpc1", "http-response sc-set-gpt0");

    private ProxyFixture fx;

    @AfterEach
    void tearDown() {
        if (fx != null) fx.close();
    }

    @Test
    void everySupportedActionIsProvedHere() {
        Set<String> registered = new TreeSet<>();
        for (var k : KeywordTable.instance().all()) {
            if ((k.name().startsWith("http-request ") || k.name().startsWith("http-response ")) && k.support() == Support.SUPPORTED) {
                registered.add(k.name());
            }
        }
        assertEquals(new TreeSet<>(PROVED), registered);
    }

    private static final String BASE = """
            defaults
                mode http
                timeout connect 2s
                timeout client 5s
                timeout server 5s
                timeout tarpit 50ms
            frontend fe
                bind 127.0.0.1:${FE}
                default_backend be
            """;

    @Test
    void requestRewritesReachTheServer() throws Exception {
        fx = new ProxyFixture();
        fx.backend("BE");
        fx.start(BASE + """
                backend be
                    http-request set-header X-Set %[req.hdr(x-in)]-set
                    http-request add-header X-Add one
                    http-request add-header X-Add two
                    http-request del-header X-Gone
                    http-request del-header ^X-Pre -m reg
                    http-request replace-header X-Rh ^(a+)(b*)$ \\2\\1
                    http-request replace-value X-Rv ^v(.)$ w\\1
                    http-request set-method POST if { path /method }
                    http-request set-path /p%[path] if { path_beg /path }
                    http-request set-query q=1 if { path /query }
                    http-request set-uri /uri?x if { path /uri }
                    http-request replace-path ^/rp/(.*)$ /replaced/\\1
                    http-request replace-uri ^/ru(.*)$ /uri-replaced\\1
                    http-request set-pathq /pq%[path]?z=1 if { path_beg /pq }
                    http-request replace-pathq ^/rq/([^?]*)\\?(.*)$ /\\2/\\1 if { path_beg /rq }
                    http-request set-var(txn.copy) req.hdr(x-in)
                    http-request set-header X-Var %[var(txn.copy)]
                    server s1 127.0.0.1:${BE}
                """);
        assertEquals(200, fx.get("FE", "/x", "X-In", "in", "X-Gone", "1", "X-Prefixed", "1", "X-Rh", "aab", "X-Rv", "v1, v2,x").status());
        ProxyFixture.Seen s = fx.backends.get(0).last();
        assertEquals("in-set", s.header("x-set"));
        assertEquals(2, s.count("x-add"));
        assertNull(s.header("x-gone"));
        assertNull(s.header("x-prefixed"));
        assertEquals("baa", s.header("x-rh"));
        assertEquals("w1, w2,x", s.header("x-rv"));
        assertEquals("in", s.header("x-var"));

        fx.get("FE", "/method");
        assertEquals("POST", fx.backends.get(0).last().method());
        fx.get("FE", "/path/a?k=v");
        assertEquals("/p/path/a?k=v", fx.backends.get(0).last().uri());
        // an absolute URI keeps its scheme and authority (HAProxy 2.6: reg-tests/http-rules/path_and_pathq.vtc)
        fx.raw("FE", "GET http://example.com/path/a?k=v HTTP/1.1\r\nhost: example.com\r\nconnection: close\r\n\r\n", 3000);
        assertEquals("http://example.com/p/path/a?k=v", fx.backends.get(0).last().uri());
        fx.get("FE", "/query?old");
        assertEquals("/query?q=1", fx.backends.get(0).last().uri());
        fx.get("FE", "/uri");
        assertEquals("/uri?x", fx.backends.get(0).last().uri());
        fx.get("FE", "/rp/a/b?z");
        assertEquals("/replaced/a/b?z", fx.backends.get(0).last().uri());
        fx.get("FE", "/ru-tail");
        assertEquals("/uri-replaced-tail", fx.backends.get(0).last().uri());
        fx.get("FE", "/pq/a?old=1");
        assertEquals("/pq/pq/a?z=1", fx.backends.get(0).last().uri());
        fx.get("FE", "/rq/a?b=c");
        assertEquals("/b=c/a", fx.backends.get(0).last().uri());
    }

    @Test
    void normalizeUriRewritesWhatTheServerReceives() throws Exception {
        fx = new ProxyFixture();
        fx.backend("BE");
        fx.start(BASE + """
                backend be
                    http-request normalize-uri path-merge-slashes
                    http-request normalize-uri path-strip-dot
                    http-request normalize-uri path-strip-dotdot full
                    http-request normalize-uri percent-decode-unreserved
                    http-request normalize-uri percent-to-uppercase strict
                    http-request normalize-uri query-sort-by-name
                    server s1 127.0.0.1:${BE}
                """);
        fx.raw("FE", "GET //a/./b/../%7euser//x?z=1&a=%2f HTTP/1.1\r\nhost: a\r\nconnection: close\r\n\r\n", 3000);
        assertEquals("/a/~user/x?a=%2F&z=1", fx.backends.get(0).last().uri());
        fx.raw("FE", "GET http://example.com//p/../q?b&a HTTP/1.1\r\nhost: example.com\r\nconnection: close\r\n\r\n", 3000);
        assertEquals("http://example.com/q?a&b", fx.backends.get(0).last().uri(), "an absolute URI keeps its authority");
        String bad = fx.raw("FE", "GET /%zz HTTP/1.1\r\nhost: a\r\nconnection: close\r\n\r\n", 3000);
        assertTrue(bad.startsWith("HTTP/1.1 400"), "strict: an invalid escape is a bad request: " + bad);
    }

    @Test
    void connectionActionsMoveTheAddressesOrCloseTheConnection() throws Exception {
        fx = new ProxyFixture();
        fx.backend("BE");
        fx.start("""
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 5s
                    timeout server 5s
                frontend fe
                    bind 127.0.0.1:${FE}
                    option forwardfor
                    http-request reject if { path /reject }
                    http-request set-src req.hdr(x-real-ip) if { req.hdr(x-real-ip) -m found }
                    http-request set-src-port int(4242) if { req.hdr(x-real-ip) -m found }
                    http-request set-dst str(10.9.8.7) if { path /dst }
                    http-request set-dst-port int(99999) if { path /dst }
                    http-request set-src str(not-an-address) if { path /bad }
                    http-request set-header x-seen "%[src]:%[src_port] %[dst]:%[dst_port]"
                    default_backend be
                backend be
                    server s1 127.0.0.1:${BE}
                """);
        assertEquals(200, fx.get("FE", "/", "X-Real-IP", "192.0.2.7").status());
        ProxyFixture.Seen s = fx.backends.get(0).last();
        assertTrue(s.header("x-seen").startsWith("192.0.2.7:4242 127.0.0.1:"), s.header("x-seen"));
        assertEquals("192.0.2.7", s.header("x-forwarded-for"), "the moved address is the one forwarded");
        // an IPv6 address is printed as HAProxy's inet_ntop does
        fx.get("FE", "/", "X-Real-IP", "2001:db8:0:0:0:0:0:1");
        assertTrue(fx.backends.get(0).last().header("x-seen").startsWith("2001:db8::1:4242 "), fx.backends.get(0).last().header("x-seen"));
        assertEquals("2001:db8::1", fx.backends.get(0).last().header("x-forwarded-for"));
        // set-dst keeps the port; a port out of range changes nothing
        String raw = fx.raw("FE", "GET /dst HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n", 3000);
        assertTrue(raw.startsWith("HTTP/1.1 200"), raw);
        String seen = fx.backends.get(0).last().header("x-seen");
        assertTrue(seen.contains(" 10.9.8.7:" + fx.port("FE")), seen);
        // a sample that is no address changes nothing
        fx.raw("FE", "GET /bad HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n", 3000);
        assertTrue(fx.backends.get(0).last().header("x-seen").startsWith("127.0.0.1:"), fx.backends.get(0).last().header("x-seen"));
        // reject: closed at once, no byte of answer
        assertEquals("", fx.raw("FE", "GET /reject HTTP/1.1\r\nhost: x\r\n\r\n", 3000));
    }

    @Test
    void requestAnswersStopTheRuleList() {
        fx = new ProxyFixture();
        fx.backend("BE");
        fx.start(BASE + """
                backend be
                    http-request allow if { path /allowed }
                    http-request deny deny_status 429 if { path_beg /deny } || { path /allowed }
                    http-request tarpit deny_status 503 if { path /tarpit }
                    http-request auth realm Inside if { path /auth }
                    http-request redirect code 308 location /elsewhere if { path /redirect }
                    http-request return status 201 content-type text/plain string made hdr X-R %[path] if { path /return }
                    server s1 127.0.0.1:${BE}
                """);
        assertEquals(200, fx.get("FE", "/allowed").status(), "allow skips the deny below it");
        assertEquals(429, fx.get("FE", "/deny").status());
        assertEquals(503, fx.get("FE", "/tarpit").status());
        ProxyFixture.Response auth = fx.get("FE", "/auth");
        assertEquals(401, auth.status());
        assertEquals("Basic realm=\"Inside\"", auth.headers().get("www-authenticate"));
        ProxyFixture.Response redirect = fx.get("FE", "/redirect");
        assertEquals(308, redirect.status());
        assertEquals("/elsewhere", redirect.headers().get("location"));
        ProxyFixture.Response ret = fx.get("FE", "/return");
        assertEquals(201, ret.status());
        assertEquals("made", ret.body());
        assertEquals("/return", ret.headers().get("x-r"));
        assertEquals(1, fx.backends.get(0).seen.size(), "only /allowed reached the server");
    }

    @Test
    void responseRulesRewriteOrReplaceTheServersAnswer() {
        fx = new ProxyFixture();
        fx.backend("BE", req -> req.response().putHeader("X-Gone", "1").putHeader("X-Rh", "aab").putHeader("X-Rv", "v1, v2")
                .putHeader("X-Src", req.path()).end("from server"));
        fx.start(BASE + """
                backend be
                    http-response set-var(txn.src) res.hdr(x-src)
                    http-response set-header X-Set %[var(txn.src)]
                    http-response add-header X-Add one
                    http-response del-header X-Gone
                    http-response replace-header X-Rh ^(a+)(b*)$ \\2\\1
                    http-response replace-value X-Rv ^v(.)$ w\\1
                    http-response set-status 299 reason Fine if { var(txn.src) -m str /status }
                    http-response allow if { var(txn.src) -m str /allowed }
                    http-response deny if { var(txn.src) -m str /deny } || { var(txn.src) -m str /allowed }
                    http-response redirect location /moved if { var(txn.src) -m str /redirect }
                    http-response return status 202 content-type text/plain string replaced if { var(txn.src) -m str /return }
                    server s1 127.0.0.1:${BE}
                """);
        ProxyFixture.Response r = fx.get("FE", "/status");
        assertEquals(299, r.status());
        assertEquals("from server", r.body());
        assertEquals("/status", r.headers().get("x-set"));
        assertEquals("one", r.headers().get("x-add"));
        assertNull(r.headers().get("x-gone"));
        assertEquals("baa", r.headers().get("x-rh"));
        assertEquals("w1, w2", r.headers().get("x-rv"));
        assertEquals(200, fx.get("FE", "/allowed").status(), "allow skips the deny below it");
        assertEquals(502, fx.get("FE", "/deny").status());
        ProxyFixture.Response moved = fx.get("FE", "/redirect");
        assertEquals(302, moved.status());
        assertEquals("/moved", moved.headers().get("location"));
        ProxyFixture.Response ret = fx.get("FE", "/return");
        assertEquals(202, ret.status());
        assertEquals("replaced", ret.body());
    }

    @Test
    void setTimeoutChangesThisStreamsServerTimeout() throws Exception {
        fx = new ProxyFixture();
        fx.backend("BE", req -> {
            if (req.path().equals("/slow")) fx.vertx.setTimer(1500, t -> req.response().end("late"));
            else req.response().end("ok");
        });
        fx.start(BASE + """
                backend be
                    http-request set-timeout server 200ms if { path /slow }
                    http-request set-timeout server req.hdr(x-t) if { req.hdr(x-t) -m found }
                    http-request set-timeout tunnel 7s
                    http-response set-header x-defbe %[fe_defbe]
                    http-response set-header x-t "%[be_server_timeout] %[cur_server_timeout] %[be_tunnel_timeout] %[cur_tunnel_timeout] %[fe_client_timeout]"
                    server s1 127.0.0.1:${BE}
                """);
        ProxyFixture.Response r = fx.get("FE", "/fast", "X-T", "3000");
        assertEquals(200, r.status());
        // the backend has no tunnel timeout: be_tunnel_timeout is 0, the stream's is 7 s
        assertEquals("5000 3000 0 7000 5000", r.headers().get("x-t"));
        assertEquals("be", r.headers().get("x-defbe"));
        long t0 = System.nanoTime();
        assertEquals(504, fx.get("FE", "/slow").status(), "200 ms, not the backend's 5 s");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 1400, "answered after " + ms + " ms");
    }

    @Test
    void lastRuleNamesTheRuleThatEndedAList() throws Exception {
        fx = new ProxyFixture();
        fx.backend("BE");
        // BASE is 9 lines: the backend's rules are on lines 11-14
        fx.start(BASE + """
                backend be
                    http-request set-var(txn.x) str(1)
                    http-request allow if { path /allow }
                    http-request deny if { path /deny }
                    http-response redirect location /moved if { path /moved }
                    http-after-response set-header x-lr "%[last_rule_file]:%[last_rule_line]"
                    server s1 127.0.0.1:${BE}
                """);
        assertEquals(":", fx.get("FE", "/none").headers().get("x-lr"), "no rule ended a list: no sample");
        String allow = fx.get("FE", "/allow").headers().get("x-lr");
        assertTrue(allow.equals("test.cfg:12"), allow);
        String deny = fx.get("FE", "/deny").headers().get("x-lr");
        assertTrue(deny.equals("test.cfg:13"), deny);
        ProxyFixture.Response moved = fx.get("FE", "/moved");
        assertEquals(302, moved.status());
        assertEquals("test.cfg:14", moved.headers().get("x-lr"));
    }
}
