package io.vxlb.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code cookie} persistence (insert, indirect, nocache, rewrite, prefix, preserve, postonly,
 * attributes) through the real proxy, with real backends and clients, and the %tsc cookie letters
 * of the httplog line received over UDP syslog.
 *
 * <p>Every expected header text and log letter below was first recorded from HAProxy 2.6.12
 * (Debian, /usr/sbin/haproxy) with the same sections, Python backends on 127.0.0.1 and
 * {@code curl -sv}; the comments quote it as "HAProxy 2.6.12: ...".
 */
class CookiePersistenceIT {
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
                mode http
                log global
                option httplog
                timeout connect 1s
                timeout client 5s
                timeout server 5s
            """;

    /**
     * Backends answer with their name and follow query parameters, like the Python backends used
     * against HAProxy: {@code sc} adds a Set-Cookie, {@code cc} a Cache-Control, {@code h=Name:Value}
     * any header, {@code status} the status.
     */
    private static Consumer<HttpServerRequest> echo(String name) {
        return req -> req.body().onSuccess(b -> {
            MultiMap q = req.params();
            var resp = req.response().setStatusCode(q.contains("status") ? Integer.parseInt(q.get("status")) : 200);
            for (String v : q.getAll("sc")) resp.headers().add("Set-Cookie", v);
            for (String v : q.getAll("cc")) resp.headers().add("Cache-Control", v);
            for (String v : q.getAll("h")) resp.headers().add(v.substring(0, v.indexOf(':')), v.substring(v.indexOf(':') + 1));
            resp.end(name);
        });
    }

    private void start(String sections, String... backends) {
        fx = new ProxyFixture();
        DatagramSocket syslog = fx.vertx.createDatagramSocket();
        syslog.handler(p -> lines.add(p.data().toString().replaceFirst("\n$", "")));  // HAProxy ends each datagram with a line feed
        ProxyFixture.await(syslog.listen(fx.port("SYSLOG"), "127.0.0.1"));
        for (String b : backends) fx.backend(b, echo(b));
        fx.start(DEFAULTS + sections);
    }

    private static final Pattern HTTPLOG = Pattern.compile(
            ".* (\\S+/\\S+) [-\\d]+/[-\\d]+/[-\\d]+/[-\\d]+/[-\\d]+ (-?\\d+) \\d+ - - (\\S{4}) \\d+/\\d+/\\d+/\\d+/(\\+?\\d+) .*");

    /** "backend/server tsc retries" of the next request's log line (health lines are skipped). */
    private String logged() throws InterruptedException {
        while (true) {
            String l = lines.poll(10, TimeUnit.SECONDS);
            assertNotNull(l, "no log line arrived");
            Matcher m = HTTPLOG.matcher(l);
            if (m.matches()) return m.group(1) + " " + m.group(3) + " " + m.group(4);
        }
    }

    private ProxyFixture.Response get(String fe, String uri, String... headers) {
        return fx.get(fe, uri, headers);
    }

    private ProxyFixture.Backend backend(String name) {
        return fx.backends.stream().filter(b -> b.name.equals(name)).findFirst().orElseThrow();
    }

    private static String percent(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    // ---- insert indirect nocache (seed 002) ------------------------------------------------------

    private static final String INSERT = """
            listen ins
                bind 127.0.0.1:${FE}
                cookie SERVERID insert nocache indirect
                server s1 127.0.0.1:${S1} cookie s1
                server s2 127.0.0.1:${S2} cookie s2
            """;

    @Test
    void insertIndirectNocacheSetsTheCookieOnceAndHidesItFromTheServer() throws Exception {
        start(INSERT, "S1", "S2");
        // HAProxy 2.6.12: "set-cookie: SERVERID=s1; path=/", no cache-control (nothing cacheable), log --NI
        ProxyFixture.Response r = get("FE", "/");
        assertEquals("S1", r.body());
        assertEquals(List.of("SERVERID=s1; path=/"), r.headers().getAll("set-cookie"));
        assertNull(r.headers().get("cache-control"));
        assertEquals("ins/s1 --NI 0", logged());
        r = get("FE", "/");
        assertEquals(List.of("SERVERID=s2; path=/"), r.headers().getAll("set-cookie"));
        assertEquals("ins/s2 --NI 0", logged());

        // a valid cookie wins over round robin; indirect: removed from the request, not set again
        // HAProxy 2.6.12: Cookie "a=1; SERVERID=s2; b=2" -> s2 sees "cookie: a=1; b=2", no set-cookie, --VN
        for (int i = 0; i < 3; i++) {
            r = get("FE", "/", "Cookie", "a=1; SERVERID=s2; b=2");
            assertEquals("S2", r.body());
            assertNull(r.headers().get("set-cookie"));
            assertEquals("a=1; b=2", backend("S2").last().header("cookie"));
            assertEquals("ins/s2 --VN 0", logged());
        }
        // HAProxy 2.6.12: Cookie "SERVERID=s2" alone -> the header is gone
        get("FE", "/", "Cookie", "SERVERID=s2");
        assertEquals(0, backend("S2").last().count("cookie"));
        assertEquals("ins/s2 --VN 0", logged());

        // HAProxy 2.6.12: Cookie "SERVERID=zz; b=2" -> load-balanced, set-cookie for the new server, --II
        r = get("FE", "/", "Cookie", "SERVERID=zz; b=2");
        assertEquals(List.of("SERVERID=" + r.body().toLowerCase() + "; path=/"), r.headers().getAll("set-cookie"));
        assertEquals("b=2", backend(r.body()).last().header("cookie"));
        assertEquals("ins/" + r.body().toLowerCase() + " --II 0", logged());
        // HAProxy 2.6.12: an empty value is invalid too ("SERVERID=; b=2" -> --II)
        r = get("FE", "/", "Cookie", "SERVERID=; b=2");
        assertEquals(1, r.headers().getAll("set-cookie").size());
        assertTrue(logged().endsWith(" --II 0"));
    }

    @Test
    void nocacheMarksOnlyCacheableResponsesPrivate() throws Exception {
        start(INSERT, "S1", "S2");
        // HAProxy 2.6.12 (GET, one line per response, in wire order after the server's headers):
        //   ?cc=max-age=60          -> cache-control: max-age=60 / set-cookie: SERVERID=..; path=/ / cache-control: private
        //   ?cc=public              -> no "private" (public, but neither freshness nor validator)
        //   ?cc=private, no-cache, max-age=0, no-cache="set-cookie" alone -> no "private"
        //   ?cc=s-maxage=10         -> private;   ?h=ETag:"x", Last-Modified, Expires:0 -> private
        //   ?h=ETag:x&h=Pragma:no-cache -> no "private";   ?cc=max-age=5&cc=private -> no "private"
        //   ?cc=private="x", max-age=60 -> private;  ?cc=no-cache="set-cookie", max-age=60 -> private
        //   ?cc=s-maxage=10, max-age=0 -> no "private"
        //   status 404/204/206/501 with max-age=60 -> private; 302 and 201 -> none
        //   POST with max-age=60 -> none; POST with "public, max-age=60" -> private; HEAD -> private
        String[][] cases = {
                {"GET", "?cc=" + percent("max-age=60"), "private"},
                {"GET", "?cc=public", null},
                {"GET", "?cc=private", null},
                {"GET", "?cc=no-cache", null},
                {"GET", "?cc=" + percent("max-age=0"), null},
                {"GET", "?cc=" + percent("no-cache=\"set-cookie\""), null},
                {"GET", "?cc=" + percent("s-maxage=10"), "private"},
                {"GET", "?h=" + percent("ETag:\"x\""), "private"},
                {"GET", "?h=" + percent("Last-Modified:Wed, 21 Oct 2015 07:28:00 GMT"), "private"},
                {"GET", "?h=" + percent("Expires:0"), "private"},
                {"GET", "?h=" + percent("ETag:x") + "&h=" + percent("Pragma:no-cache"), null},
                {"GET", "?cc=" + percent("max-age=5") + "&cc=private", null},
                {"GET", "?cc=" + percent("private=\"x\", max-age=60"), "private"},
                {"GET", "?cc=" + percent("no-cache=\"set-cookie\", max-age=60"), "private"},
                {"GET", "?cc=" + percent("s-maxage=10, max-age=0"), null},
                {"GET", "?cc=" + percent("public, max-age=0"), null},
                {"GET", "?status=404&cc=" + percent("max-age=60"), "private"},
                {"GET", "?status=204&cc=" + percent("max-age=60"), "private"},
                {"GET", "?status=501&cc=" + percent("max-age=60"), "private"},
                {"GET", "?status=302&cc=" + percent("max-age=60"), null},
                {"GET", "?status=201&cc=" + percent("max-age=60"), null},
                {"POST", "?cc=" + percent("max-age=60"), null},
                {"POST", "?cc=" + percent("public, max-age=60"), "private"},
                {"HEAD", "?cc=" + percent("max-age=60"), "private"},
        };
        for (String[] c : cases) {
            ProxyFixture.Response r = fx.request(HttpMethod.valueOf(c[0]), "FE", "/" + c[1], c[0].equals("POST") ? Buffer.buffer("x") : null);
            List<String> cc = r.headers().getAll("cache-control");
            int fromServer = c[1].split("cc=", -1).length - 1;
            boolean addedPrivate = cc.size() == fromServer + 1 && cc.get(fromServer).equals("private");
            assertEquals(c[2] != null, addedPrivate, () -> c[0] + " " + c[1] + " -> " + cc);
            assertEquals(1, r.headers().getAll("set-cookie").size(), c[1]);
            logged();
        }
        // the exact wire order: server headers, then set-cookie, then cache-control
        // HAProxy 2.6.12 (curl -v): cache-control: max-age=60 / content-length: 61 / set-cookie: SERVERID=s1; path=/ / cache-control: private
        String raw = fx.raw("FE", "GET /?cc=max-age%3D60 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 3000);
        assertTrue(Pattern.compile("(?i)cache-control: max-age=60\r\ncontent-length: 2\r\nset-cookie: SERVERID=s[12]; path=/\r\ncache-control: private\r\n").matcher(raw).find(), raw);
    }

    @Test
    void requestCookieHeadersAreRewrittenAsHaproxyDoes() throws Exception {
        start(INSERT, "S1", "S2");
        // {Cookie header(s) sent, server reached, Cookie header(s) the server saw ("" = none)}
        // HAProxy 2.6.12 forwarded exactly these (python backend echoing its request headers)
        String[][] cases = {
                {"a=1; SERVERID=s2; b=2", "S2", "a=1; b=2"},
                {"a=1;SERVERID=s2;b=2", "S2", "a=1; b=2"},
                {"SERVERID=s2; b=2", "S2", "b=2"},
                {"a=1; SERVERID=s2", "S2", "a=1"},
                {"a=1 ; SERVERID=s2 ; b=2", "S2", "a=1; b=2"},
                {"SERVERID=s1, b=2", "S1", "b=2"},
                {"a = 1; SERVERID = s2; $Path=/; c; d=4", "S2", "a=1; c; d=4"},
                {"SERVERID=s1; x=y; SERVERID=s2", "S1", "x=y"},
                {"SERVERID=zz; x=y; SERVERID=s2", "S2", "x=y"},
                {"SERVERID=s2; x=\"a;b\"; y=1", "S2", "x=\"a;b\"; y=1"},
                {"SERVERID=s1; $Path=/", "S1", ""},
        };
        for (String[] c : cases) {
            ProxyFixture.Response r = get("FE", "/", "Cookie", c[0]);
            assertEquals(c[1], r.body(), c[0]);
            String seen = backend(c[1]).last().header("cookie");
            assertEquals(c[2], seen == null ? "" : seen, c[0]);
            // HAProxy 2.6.12: all --VN (a later unknown cookie does not undo a valid one, nor the reverse)
            assertEquals("ins/" + c[1].toLowerCase() + " --VN 0", logged(), c[0]);
        }
        // HAProxy 2.6.12: two Cookie lines "SERVERID=s1; $Path=/" and "x=y; SERVERID=s2" -> s1, server sees "x=y", --VN
        get("FE", "/", "Cookie", "SERVERID=s1; $Path=/", "Cookie", "x=y; SERVERID=s2");
        assertEquals(List.of("x=y"), backend("S1").last().headers().stream()
                .filter(h -> h.getKey().equalsIgnoreCase("cookie")).map(java.util.Map.Entry::getValue).toList());
        assertEquals("ins/s1 --VN 0", logged());
    }

    @Test
    void insertWithoutIndirectForwardsTheCookieAndDeletesTheServersOwn() throws Exception {
        start("""
                listen insplain
                    bind 127.0.0.1:${FE}
                    cookie SERVERID insert
                    server s1 127.0.0.1:${S1} cookie s1
                    server s2 127.0.0.1:${S2} cookie s2
                """, "S1", "S2");
        // HAProxy 2.6.12: Cookie "a=1; SERVERID=s2" -> s2 sees it unchanged, no set-cookie, --VN
        ProxyFixture.Response r = get("FE", "/", "Cookie", "a=1; SERVERID=s2");
        assertNull(r.headers().get("set-cookie"));
        assertEquals("a=1; SERVERID=s2", backend("S2").last().header("cookie"));
        assertEquals("insplain/s2 --VN 0", logged());
        // HAProxy 2.6.12: server sets "SERVERID=app; Path=/x" and "o=1" on a direct hit -> only "set-cookie: o=1", --VD
        r = get("FE", "/?sc=" + percent("SERVERID=app; Path=/x") + "&sc=o%3D1", "Cookie", "SERVERID=s2");
        assertEquals(List.of("o=1"), r.headers().getAll("set-cookie"));
        assertEquals("insplain/s2 --VD 0", logged());
        // HAProxy 2.6.12: same without a cookie -> "set-cookie: o=1" then "set-cookie: SERVERID=s1; path=/", --NI
        r = get("FE", "/?sc=SERVERID%3Dapp&sc=o%3D1");
        assertEquals(List.of("o=1", "SERVERID=s1; path=/"), r.headers().getAll("set-cookie"));
        assertEquals("insplain/s1 --NI 0", logged());
    }

    @Test
    void insertedCookieAttributesAndPostonly() throws Exception {
        start("""
                listen insattrs
                    bind 127.0.0.1:${FE}
                    cookie SERVERID insert nocache httponly secure domain .example.com domain b.example.org attr SameSite=Lax attr Foo postonly
                    server s1 127.0.0.1:${S1} cookie s1
                    server s2 127.0.0.1:${S2}
                """, "S1", "S2");
        // HAProxy 2.6.12: a GET gets nothing with postonly, --NN
        ProxyFixture.Response r = get("FE", "/");
        assertNull(r.headers().get("set-cookie"));
        assertEquals("insattrs/s1 --NN 0", logged());
        // HAProxy 2.6.12 (POST, s2 has no cookie value):
        //   set-cookie: SERVERID=; Expires=Thu, 01-Jan-1970 00:00:01 GMT; path=/; domain=.example.com; domain=b.example.org; HttpOnly; Secure; SameSite=Lax; Foo
        r = fx.request(HttpMethod.POST, "FE", "/?cc=" + percent("max-age=5"), Buffer.buffer("x"));
        assertEquals(List.of("SERVERID=; Expires=Thu, 01-Jan-1970 00:00:01 GMT; path=/; domain=.example.com; domain=b.example.org; HttpOnly; Secure; SameSite=Lax; Foo"),
                r.headers().getAll("set-cookie"));
        assertEquals(List.of("max-age=5"), r.headers().getAll("cache-control"));  // a POST is never cacheable
        assertEquals("insattrs/s2 --NI 0", logged());
        // HAProxy 2.6.12: set-cookie: SERVERID=s1; path=/; domain=.example.com; domain=b.example.org; HttpOnly; Secure; SameSite=Lax; Foo
        r = fx.request(HttpMethod.POST, "FE", "/", Buffer.buffer("x"));
        assertEquals(List.of("SERVERID=s1; path=/; domain=.example.com; domain=b.example.org; HttpOnly; Secure; SameSite=Lax; Foo"),
                r.headers().getAll("set-cookie"));
        assertEquals("insattrs/s1 --NI 0", logged());
    }

    // ---- rewrite and prefix ------------------------------------------------------------------

    @Test
    void rewriteReplacesTheServersValue() throws Exception {
        start("""
                listen rw
                    bind 127.0.0.1:${FE}
                    cookie JSESSIONID rewrite
                    server s1 127.0.0.1:${S1} cookie s1
                    server s2 127.0.0.1:${S2} cookie s2
                """, "S1", "S2");
        // HAProxy 2.6.12: no server cookie -> nothing, --NN
        assertNull(get("FE", "/").headers().get("set-cookie"));
        assertEquals("rw/s1 --NN 0", logged());
        // HAProxy 2.6.12: "JSESSIONID=abc; Path=/; HttpOnly" from s2 -> "JSESSIONID=s2; Path=/; HttpOnly", --NR
        ProxyFixture.Response r = get("FE", "/?sc=" + percent("JSESSIONID=abc; Path=/; HttpOnly"));
        assertEquals(List.of("JSESSIONID=s2; Path=/; HttpOnly"), r.headers().getAll("set-cookie"));
        assertEquals("rw/s2 --NR 0", logged());
        // HAProxy 2.6.12: Cookie "JSESSIONID=s2" -> s2 sees it unchanged; its "JSESSIONID=abc" becomes "JSESSIONID=s2", --VR
        r = get("FE", "/?sc=JSESSIONID%3Dabc", "Cookie", "JSESSIONID=s2");
        assertEquals("S2", r.body());
        assertEquals("JSESSIONID=s2", backend("S2").last().header("cookie"));
        assertEquals(List.of("JSESSIONID=s2"), r.headers().getAll("set-cookie"));
        assertEquals("rw/s2 --VR 0", logged());
        // HAProxy 2.6.12: "JSESSIONID = abc ; path=/" -> "JSESSIONID=s1 ; path=/"; "jsessionid=1" (other case) untouched
        r = get("FE", "/?sc=" + percent("JSESSIONID = abc ; path=/") + "&sc=jsessionid%3D1", "Cookie", "JSESSIONID=s1");
        assertEquals(List.of("JSESSIONID=s1 ; path=/", "jsessionid=1"), r.headers().getAll("set-cookie"));
        assertEquals("rw/s1 --VR 0", logged());
        // HAProxy 2.6.12: Cookie "JSESSIONID=bad; x=1" -> load-balanced, forwarded unchanged, --IN
        get("FE", "/", "Cookie", "JSESSIONID=bad; x=1");
        assertTrue(logged().endsWith(" --IN 0"));
    }

    @Test
    void prefixAddsAndStripsTheServerId() throws Exception {
        start("""
                listen pfx
                    bind 127.0.0.1:${FE}
                    cookie JSESSIONID prefix
                    server s1 127.0.0.1:${S1} cookie s1
                    server s2 127.0.0.1:${S2} cookie s2
                """, "S1", "S2");
        // HAProxy 2.6.12: "JSESSIONID=abc; Path=/; HttpOnly" from s1 -> "JSESSIONID=s1~abc; Path=/; HttpOnly", --NR
        ProxyFixture.Response r = get("FE", "/?sc=" + percent("JSESSIONID=abc; Path=/; HttpOnly"));
        assertEquals(List.of("JSESSIONID=s1~abc; Path=/; HttpOnly"), r.headers().getAll("set-cookie"));
        assertEquals("pfx/s1 --NR 0", logged());
        // HAProxy 2.6.12: Cookie "a=1; JSESSIONID=s2~abc; b=2" -> s2 sees "a=1; JSESSIONID=abc; b=2", --VN
        r = get("FE", "/", "Cookie", "a=1; JSESSIONID=s2~abc; b=2");
        assertEquals("S2", r.body());
        assertEquals("a=1; JSESSIONID=abc; b=2", backend("S2").last().header("cookie"));
        assertEquals("pfx/s2 --VN 0", logged());
        // HAProxy 2.6.12: and its new "JSESSIONID=new" goes out as "JSESSIONID=s2~new", --VR
        r = get("FE", "/?sc=JSESSIONID%3Dnew", "Cookie", "JSESSIONID=s2~abc");
        assertEquals(List.of("JSESSIONID=s2~new"), r.headers().getAll("set-cookie"));
        assertEquals("pfx/s2 --VR 0", logged());
        // HAProxy 2.6.12: unknown prefix "zz~abc" and empty "~abc" are stripped all the same, --IN;
        // no '~' at all ("s1") is matched whole and left as is, --VN
        String[][] cases = {{"JSESSIONID=zz~abc", "JSESSIONID=abc", "IN"}, {"JSESSIONID=~abc", "JSESSIONID=abc", "IN"},
                {"JSESSIONID=s1", "JSESSIONID=s1", "VN"}, {"JSESSIONID=s1~", "JSESSIONID=", "VN"}};
        for (String[] c : cases) {
            r = get("FE", "/", "Cookie", c[0]);
            assertEquals(c[1], backend(r.body()).last().header("cookie"), c[0]);
            assertTrue(logged().endsWith(" --" + c[2] + " 0"), c[0]);
        }
    }

    // ---- servers that cannot take the request --------------------------------------------------

    @Test
    void cookieOfAnUnreachableServerWithoutRedispatchRetriesItThenFails() throws Exception {
        start("""
                listen deadnoredisp
                    bind 127.0.0.1:${FE}
                    retries 2
                    timeout connect 200ms
                    cookie SERVERID insert indirect nocache
                    server s1 127.0.0.1:${S1} cookie s1
                    server dead 127.0.0.1:${DEAD1} cookie d
                """, "S1");
        // HAProxy 2.6.12: 503, log "deadnoredisp/dead ... SCVN 1/1/0/0/2"
        assertEquals(503, get("FE", "/", "Cookie", "SERVERID=d").status());
        assertEquals("deadnoredisp/dead SCVN 2", logged());
    }

    @Test
    void cookieOfAnUnreachableServerWithRedispatchMovesOnAndResetsTheCookie() throws Exception {
        start("""
                listen deadredisp
                    bind 127.0.0.1:${FE}
                    retries 2
                    option redispatch
                    timeout connect 200ms
                    cookie SERVERID insert indirect nocache
                    server s1 127.0.0.1:${S1} cookie s1
                    server dead 127.0.0.1:${DEAD1} cookie d
                """, "S1");
        // HAProxy 2.6.12: 200 from s1, "set-cookie: SERVERID=s1; path=/", log "deadredisp/s1 ... --DI 1/1/0/0/+2"
        ProxyFixture.Response r = get("FE", "/", "Cookie", "SERVERID=d");
        assertEquals("S1", r.body());
        assertEquals(List.of("SERVERID=s1; path=/"), r.headers().getAll("set-cookie"));
        assertEquals("deadredisp/s1 --DI +2", logged());
    }

    @Test
    void cookieOfADownServerIsLoadBalancedEvenWithoutRedispatch() throws Exception {
        start("""
                listen checkeddown
                    bind 127.0.0.1:${FE}
                    cookie SERVERID insert indirect nocache
                    server s1 127.0.0.1:${S1} cookie s1
                    server dead 127.0.0.1:${DEAD1} cookie d check inter 100 fall 1
                """, "S1");
        for (int i = 0; i < 100 && fx.node.snapshot().srvIsUp("checkeddown", "dead"); i++) Thread.sleep(50);
        assertTrue(!fx.node.snapshot().srvIsUp("checkeddown", "dead"), "dead server never marked DOWN");
        // HAProxy 2.6.12: 200 from s1 with "set-cookie: SERVERID=s1; path=/", --DI
        ProxyFixture.Response r = get("FE", "/", "Cookie", "SERVERID=d");
        assertEquals("S1", r.body());
        assertEquals(List.of("SERVERID=s1; path=/"), r.headers().getAll("set-cookie"));
        assertEquals("checkeddown/s1 --DI 0", logged());
        // HAProxy 2.6.12: "SERVERID=d; SERVERID=s1" -> the next cookie names a running server: --VN
        r = get("FE", "/", "Cookie", "SERVERID=d; SERVERID=s1");
        assertNull(r.headers().get("set-cookie"));
        assertEquals("checkeddown/s1 --VN 0", logged());
    }

    @Test
    void maintenanceBreaksPersistenceButWeightZeroDoesNot() throws Exception {
        start("""
                listen adm
                    bind 127.0.0.1:${FE}
                    cookie SERVERID insert indirect nocache
                    server s1 127.0.0.1:${S1} cookie s1
                    server s2 127.0.0.1:${S2} cookie s2 disabled
                    server s3 127.0.0.1:${S3} cookie s3 weight 0
                """, "S1", "S2", "S3");
        // HAProxy 2.6.12 ("set server ins/s2 state maint" on the CLI): cookie s2 -> s1 with a new cookie, --DI
        ProxyFixture.Response r = get("FE", "/", "Cookie", "SERVERID=s2");
        assertEquals("S1", r.body());
        assertEquals(List.of("SERVERID=s1; path=/"), r.headers().getAll("set-cookie"));
        assertEquals("adm/s1 --DI 0", logged());
        // HAProxy 2.6.12 ("set weight ins/s2 0", and "state drain" alike): cookie s2 still served by s2, --VN
        r = get("FE", "/", "Cookie", "SERVERID=s3");
        assertEquals("S3", r.body());
        assertNull(r.headers().get("set-cookie"));
        assertEquals("adm/s3 --VN 0", logged());
        // ... while the balancer never picks it
        for (int i = 0; i < 3; i++) assertEquals("S1", get("FE", "/").body());
    }

    // ---- other modes and interactions ---------------------------------------------------------

    @Test
    void passiveCookieRoutesButTouchesNothingAndLogsDashes() throws Exception {
        start("""
                listen passive
                    bind 127.0.0.1:${FE}
                    cookie SERVERID
                    server s1 127.0.0.1:${S1} cookie s1
                    server s2 127.0.0.1:${S2} cookie s2
                """, "S1", "S2");
        // HAProxy 2.6.12: Cookie "SERVERID=s2" -> s2, forwarded unchanged, log "----"
        for (int i = 0; i < 2; i++) {
            assertEquals("S2", get("FE", "/", "Cookie", "SERVERID=s2").body());
            assertEquals("SERVERID=s2", backend("S2").last().header("cookie"));
            assertEquals("passive/s2 ---- 0", logged());
        }
        // HAProxy 2.6.12: the server's "SERVERID=x" passes untouched
        assertEquals(List.of("SERVERID=x"), get("FE", "/?sc=SERVERID%3Dx").headers().getAll("set-cookie"));
        logged();
    }

    @Test
    void useServerComesFirstAndLeavesTheCookieUnused() throws Exception {
        start("""
                listen usesrv
                    bind 127.0.0.1:${FE}
                    cookie SERVERID insert indirect nocache
                    use-server s2 if { path_beg /two }
                    server s1 127.0.0.1:${S1} cookie s1
                    server s2 127.0.0.1:${S2} cookie s2
                """, "S1", "S2");
        // HAProxy 2.6.12: /two with cookie s1 -> s2, cookie removed, no set-cookie, --UN
        ProxyFixture.Response r = get("FE", "/two", "Cookie", "SERVERID=s1");
        assertEquals("S2", r.body());
        assertNull(r.headers().get("set-cookie"));
        assertNull(backend("S2").last().header("cookie"));
        assertEquals("usesrv/s2 --UN 0", logged());
        // HAProxy 2.6.12: /two without cookie -> no set-cookie either (a use-server hit is direct), --NN
        assertNull(get("FE", "/two").headers().get("set-cookie"));
        assertEquals("usesrv/s2 --NN 0", logged());
    }

    @Test
    void preserveLetsTheServerSetItsOwnCookie() throws Exception {
        start("""
                listen inspreserve
                    bind 127.0.0.1:${FE}
                    cookie SERVERID insert preserve
                    server s1 127.0.0.1:${S1} cookie s1
                    server s2 127.0.0.1:${S2} cookie s2
                """, "S1", "S2");
        // HAProxy 2.6.12: "SERVERID=mine" from the server goes out as is and nothing is inserted, --NP
        assertEquals(List.of("SERVERID=mine"), get("FE", "/?sc=SERVERID%3Dmine").headers().getAll("set-cookie"));
        assertEquals("inspreserve/s1 --NP 0", logged());
        // HAProxy 2.6.12: with a valid cookie too, --VP
        assertEquals(List.of("SERVERID=mine"), get("FE", "/?sc=SERVERID%3Dmine", "Cookie", "SERVERID=s1").headers().getAll("set-cookie"));
        assertEquals("inspreserve/s1 --VP 0", logged());
    }

    @Test
    void deniedAndRedirectedRequestsLogTheCookieLetters() throws Exception {
        start("""
                listen denyl
                    bind 127.0.0.1:${FE}
                    cookie SERVERID insert indirect nocache
                    http-request deny if { path /deny }
                    http-request redirect location /x if { path /redir }
                    server s1 127.0.0.1:${S1} cookie s1
                    server s2 127.0.0.1:${S2} cookie s2
                frontend fe
                    bind 127.0.0.1:${FE2}
                    http-request deny if { path /deny }
                    default_backend nocookie
                backend nocookie
                    server s1 127.0.0.1:${S1}
                """, "S1", "S2");
        // HAProxy 2.6.12: "denyl/s2 0/-1/-1/-1/0 403 ... PRVN", "denyl/<NOSRV> ... 302 ... LRNN", "fe/<NOSRV> ... PR--"
        assertEquals(403, get("FE", "/deny", "Cookie", "SERVERID=s2").status());
        assertEquals("denyl/s2 PRVN 0", logged());
        assertEquals(302, get("FE", "/redir", "Cookie", "SERVERID=s2").status());
        assertEquals("denyl/<NOSRV> LRNN 0", logged());
        assertEquals(403, get("FE2", "/deny", "Cookie", "SERVERID=s2").status());
        assertEquals("fe/<NOSRV> PR-- 0", logged());
        // HAProxy 2.6.12: a backend without cookie: "nocookie/s1 ... ----"
        get("FE2", "/", "Cookie", "SERVERID=s2");
        assertEquals("nocookie/s1 ---- 0", logged());
    }
}
