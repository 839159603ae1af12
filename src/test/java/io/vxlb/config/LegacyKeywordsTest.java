package io.vxlb.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * vxlb is kinder than HAProxy 2.6 with old configurations: spellings with one modern meaning are
 * rewritten (with a warning naming the modern form) into exactly the model of the modern text;
 * keywords without a safe modern meaning are errors naming their replacement. Each legacy text
 * below keeps the line layout of its modern twin, so that locations compare equal too.
 */
class LegacyKeywordsTest {

    // ---- helpers -------------------------------------------------------------------------

    private static ParseResult check(String text) {
        return new ConfigParser(Map.<String, String>of()::get).parse("test.cfg", text);
    }

    private static Config parse(String text) {
        ParseResult r = check(text);
        assertTrue(r.ok(), () -> r.diagnostics().stream().map(Diagnostic::format).collect(Collectors.joining("\n")));
        return r.config();
    }

    private static List<Diagnostic> warningsAt(ParseResult r, int line) {
        return r.warnings().stream().filter(d -> d.location().line() == line).toList();
    }

    /** Every record component of two proxies is equal, except those named in {@code except}. */
    private static void assertSameProxy(Proxy expected, Proxy actual, String... except) {
        Set<String> skip = Set.of(except);
        for (RecordComponent c : Proxy.class.getRecordComponents()) {
            if (skip.contains(c.getName())) continue;
            try {
                assertEquals(c.getAccessor().invoke(expected), c.getAccessor().invoke(actual), "proxy " + expected.name() + ": " + c.getName());
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
    }

    private static Bind withoutLocation(Bind b) {
        return new Bind(null, b.host(), b.port(), b.ipv6(), b.name(), b.ssl(), b.certificates(), b.alpn(), b.maxconn(), b.backlog(), b.tls(), b.acceptProxy());
    }

    // ---- accepted with a warning ---------------------------------------------------------

    @Test
    void oldTimeoutKeywordsAreTheModernTimeouts() {
        String legacy = """
                defaults
                    mode http
                    contimeout 5000
                    clitimeout 50000
                    srvtimeout 50s
                frontend f
                    bind :80
                    clitimeout 1m
                    default_backend b
                backend b
                    srvtimeout 2m
                    server s 10.0.0.1:80
                """;
        String modern = """
                defaults
                    mode http
                    timeout connect 5000
                    timeout client 50000
                    timeout server 50s
                frontend f
                    bind :80
                    timeout client 1m
                    default_backend b
                backend b
                    timeout server 2m
                    server s 10.0.0.1:80
                """;
        ParseResult r = check(legacy);
        assertTrue(r.ok(), r.diagnostics()::toString);
        Config m = parse(modern);
        assertEquals(m.proxies(), r.config().proxies());
        assertEquals(new Timeouts(5_000, 60_000, 50_000, 0, 0, 0, 0, 0, 0, 0, 0), r.config().proxy("f").orElseThrow().timeouts());
        assertEquals(120_000, r.config().proxy("b").orElseThrow().timeouts().server());

        Diagnostic con = warningsAt(r, 3).get(0);
        assertEquals(new Location("test.cfg", 3, 5), con.location());
        assertEquals("contimeout", con.keyword());
        assertEquals("defaults", con.section());
        assertEquals("'contimeout' is deprecated; treated as 'timeout connect 5000'", con.message());
        assertEquals("write 'timeout connect 5000'", con.hint());
        assertEquals("'clitimeout' is deprecated; treated as 'timeout client 50000'", warningsAt(r, 4).get(0).message());
        assertEquals("'srvtimeout' is deprecated; treated as 'timeout server 50s'", warningsAt(r, 5).get(0).message());
        assertEquals("'clitimeout' is deprecated; treated as 'timeout client 1m'", warningsAt(r, 8).get(0).message());
        assertEquals("frontend f", warningsAt(r, 8).get(0).section());
        assertEquals("write 'timeout server 2m'", warningsAt(r, 11).get(0).hint());
    }

    @Test
    void listenWithAnAddressIsListenPlusBind() {
        String legacy = """
                defaults
                  mode http
                  timeout connect 5s
                  timeout client 30s
                  timeout server 30s
                listen webfarm 127.0.0.1:8080
                  # (the address is on the listen line)
                  balance roundrobin
                  server srv1 10.0.0.1:9090 check
                """;
        String modern = """
                defaults
                  mode http
                  timeout connect 5s
                  timeout client 30s
                  timeout server 30s
                listen webfarm
                  bind 127.0.0.1:8080
                  balance roundrobin
                  server srv1 10.0.0.1:9090 check
                """;
        ParseResult r = check(legacy);
        assertTrue(r.ok(), r.diagnostics()::toString);
        Proxy old = r.config().proxy("webfarm").orElseThrow();
        Proxy now = parse(modern).proxy("webfarm").orElseThrow();
        assertSameProxy(now, old, "binds");
        assertEquals(now.binds().stream().map(LegacyKeywordsTest::withoutLocation).toList(),
                old.binds().stream().map(LegacyKeywordsTest::withoutLocation).toList());
        assertEquals(new Location("test.cfg", 6, 16), old.binds().get(0).location(), "the bind points at the address on the listen line");
        assertEquals("127.0.0.1", old.binds().get(0).host());
        assertEquals(8080, old.binds().get(0).port());

        Diagnostic w = warningsAt(r, 6).get(0);
        assertEquals(new Location("test.cfg", 6, 16), w.location());
        assertEquals("listen webfarm", w.section());
        assertEquals("listen", w.keyword());
        assertEquals("the address on a 'listen' line is a HAProxy 1.x form; treated as 'bind 127.0.0.1:8080'", w.message());
        assertEquals("write 'listen webfarm' and a 'bind 127.0.0.1:8080' line below it", w.hint());
    }

    @Test
    void listenWithABadAddressPointsAtTheAddress() {
        ParseResult r = check("""
                listen webfarm 127.0.0.1:http
                  server srv1 10.0.0.1:9090
                """);
        List<Diagnostic> errors = r.errors();
        assertEquals(1, errors.size(), r.diagnostics()::toString);
        assertEquals(new Location("test.cfg", 1, 16), errors.get(0).location());
        assertEquals("invalid port 'http' in '127.0.0.1:http' (expected 1-65535)", errors.get(0).message());
    }

    @Test
    void bareRedispatchIsOptionRedispatch() {
        String legacy = """
                defaults
                  mode http
                  redispatch
                backend b
                  server s 10.0.0.1:80
                """;
        String modern = """
                defaults
                  mode http
                  option redispatch
                backend b
                  server s 10.0.0.1:80
                """;
        ParseResult r = check(legacy);
        assertTrue(r.ok(), r.diagnostics()::toString);
        assertEquals(parse(modern).proxies(), r.config().proxies());
        assertTrue(r.config().proxy("b").orElseThrow().options().redispatch());
        Diagnostic w = warningsAt(r, 3).get(0);
        assertEquals("'redispatch' is deprecated; treated as 'option redispatch'", w.message());
        assertEquals("write 'option redispatch'", w.hint());
        assertEquals(new Location("test.cfg", 3, 3), w.location());
    }

    @Test
    void httpchkWithHeadersInTheVersionStringKeepsWorking() {
        // seed 003 (websocket health check), with its backslashes restored
        String escaped = """
                backend bk_ws
                  mode http
                  option httpchk GET / HTTP/1.1\\r\\nHost:\\ ws.domain.com\\r\\nConnection:\\ Upgrade\\r\\nUpgrade:\\ websocket\\r\\nSec-WebSocket-Key:\\ haproxy\\r\\nSec-WebSocket-Version:\\ 13\\r\\nSec-WebSocket-Protocol:\\ echo-protocol
                  http-check expect status 101
                  server websrv1 10.0.0.1:80 check
                """;
        String quoted = """
                backend bk_ws
                  mode http
                  option httpchk GET / "HTTP/1.1\\r\\nHost: ws.domain.com\\r\\nConnection: Upgrade\\r\\nUpgrade: websocket\\r\\nSec-WebSocket-Key: haproxy\\r\\nSec-WebSocket-Version: 13\\r\\nSec-WebSocket-Protocol: echo-protocol"
                  http-check expect status 101
                  server websrv1 10.0.0.1:80 check
                """;
        ParseResult r = check(escaped);
        assertTrue(r.ok(), r.diagnostics()::toString);
        CheckSettings checks = r.config().proxy("bk_ws").orElseThrow().checks();
        assertEquals(CheckSettings.Kind.HTTP, checks.kind());
        assertEquals(new HttpCheckRequest("GET", "/", "HTTP/1.1", List.of(
                new CheckStep.Header("Host", "ws.domain.com"),
                new CheckStep.Header("Connection", "Upgrade"),
                new CheckStep.Header("Upgrade", "websocket"),
                new CheckStep.Header("Sec-WebSocket-Key", "haproxy"),
                new CheckStep.Header("Sec-WebSocket-Version", "13"),
                new CheckStep.Header("Sec-WebSocket-Protocol", "echo-protocol"))), checks.httpRequest());
        assertEquals(parse(quoted).proxies(), r.config().proxies(), "escaped spaces and a quoted version string are the same request");
        Diagnostic w = warningsAt(r, 3).get(0);
        assertEquals("headers hidden at the end of the httpchk version string are deprecated (HAProxy 2.2+); accepted", w.message());
        assertEquals("use 'http-check send hdr NAME VALUE' lines", w.hint());
        assertEquals(new Location("test.cfg", 3, 24), w.location());
    }

    @Test
    void httpchkWhoseBackslashesWereLostIsAnError() {
        // seed 003 as published: "HTTP/1.1rnHost:\ ws.domain.comrnConnection:\ Upgrade\r\n..."
        ParseResult r = check("""
                backend bk_ws
                  option httpchk GET / HTTP/1.1rnHost:\\ ws.domain.comrnConnection:\\ Upgrade\\r\\nUpgrade:\\ websocket
                  server websrv1 10.0.0.1:80 check
                """);
        Diagnostic e = r.errors().get(0);
        assertEquals(1, r.errors().size());
        assertEquals(new Location("test.cfg", 2, 24), e.location());
        assertEquals("option httpchk", e.keyword());
        assertEquals("invalid HTTP version 'HTTP/1.1rnHost: ws.domain.comrnConnection: Upgrade'", e.message());
        assertEquals("escape line breaks as \\r\\n (the backslashes seem lost: 'rn')", e.hint());
    }

    @Test
    void aWholeOldConfigurationEqualsItsModernRewrite() {
        // seed 002 (haproxy and WSGI), as written in 2010 and as written for HAProxy 2.6
        String legacy = """
                global
                    maxconn         4096
                    ulimit-n        16384
                    nbproc          4
                    daemon
                defaults
                    log global
                    mode http
                    option httplog
                    option dontlognull
                    retries 3
                    redispatch
                    maxconn 2000
                    contimeout 5000
                    clitimeout 50000
                    srvtimeout 50000
                listen http-in 127.0.0.1:8080
                    # (bind on the listen line)
                    acl is_wedding hdr_end(host) -i erinandtylerswedding.com
                    use_backend wedding if is_wedding
                    balance roundrobin
                    cookie SERVERID insert nocache indirect
                    option httpchk HEAD /check.txt HTTP/1.0
                    option httpclose
                    option forwardfor
                    server Local 127.0.0.1:8181 cookie Local
                backend wedding
                    server Local 127.0.0.1:8081 cookie Local
                """;
        String modern = """
                global
                    maxconn         4096
                    # (ulimit-n: set by the service manager)
                    # (nbproc: removed in 2.5)
                    # (daemon: set by the service manager)
                defaults
                    log global
                    mode http
                    option httplog
                    option dontlognull
                    retries 3
                    option redispatch
                    maxconn 2000
                    timeout connect 5000
                    timeout client 50000
                    timeout server 50000
                listen http-in
                    bind 127.0.0.1:8080
                    acl is_wedding hdr_end(host) -i erinandtylerswedding.com
                    use_backend wedding if is_wedding
                    balance roundrobin
                    cookie SERVERID insert nocache indirect
                    option httpchk HEAD /check.txt HTTP/1.0
                    option httpclose
                    option forwardfor
                    server Local 127.0.0.1:8181 cookie Local
                backend wedding
                    server Local 127.0.0.1:8081 cookie Local
                """;
        ParseResult r = check(legacy);
        assertTrue(r.ok(), r.diagnostics()::toString);
        Config old = r.config();
        Config now = parse(modern);
        assertEquals(now.global(), old.global());
        assertSameProxy(now.proxy("http-in").orElseThrow(), old.proxy("http-in").orElseThrow(), "binds");
        assertSameProxy(now.proxy("wedding").orElseThrow(), old.proxy("wedding").orElseThrow());
        // the legacy lines are each reported, at their own line
        assertEquals(List.of(3, 4, 5, 12, 14, 15, 16, 17), r.warnings().stream()
                .filter(d -> !d.message().startsWith("keywords parsed and validated"))
                .map(d -> d.location().line()).distinct().sorted().toList());
    }

    // ---- refused, naming the replacement -------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            appsession JSESSIONID len 52 timeout 3h     | 'appsession' is no longer supported | use 'cookie NAME insert' (or prefix) persistence
            reqrep ^([^\\ :]*)\\ /static/(.*) \\1\\ /\\2 | 'reqrep' is no longer supported     | use 'http-request replace-header', 'replace-path' or 'replace-uri'
            reqirep ^Host:\\ www Host:\\ web           | 'reqirep' is no longer supported    | use 'http-request replace-header', 'replace-path' or 'replace-uri'
            reqadd X-Proto:\\ SSL                      | 'reqadd' is no longer supported     | use 'http-request add-header NAME VALUE'
            reqdel ^X-Forwarded-For:.*                | 'reqdel' is no longer supported     | use 'http-request del-header NAME'
            reqallow ^GET                             | 'reqallow' is no longer supported   | use 'http-request allow if COND'
            reqdeny ^DELETE                           | 'reqdeny' is no longer supported    | use 'http-request deny if COND'
            reqtarpit ^.*evil                         | 'reqtarpit' is no longer supported  | use 'http-request tarpit if COND'
            reqsetbe ^Host:\\ api api                 | 'reqsetbe' is no longer supported   | use 'use_backend NAME if COND'
            block if { src 10.0.0.1 }                 | 'block' is no longer supported      | use 'http-request deny if COND'
            rspadd X-Frame-Options:\\ DENY            | 'rspadd' is no longer supported     | use 'http-response add-header NAME VALUE'
            rsprep ^Server:.* Server:\\ x             | 'rsprep' is no longer supported     | use 'http-response replace-header'
            rspdel ^Server:.*                         | 'rspdel' is no longer supported     | use 'http-response del-header NAME'
            rspideny ^Set-Cookie:.*                   | 'rspideny' is no longer supported   | use 'http-response deny if COND'
            monitor-net 10.0.0.0/8                    | 'monitor-net' is no longer supported | use 'monitor-uri' or 'http-request return status 200 if { src NET }'
            option forceclose                         | 'option forceclose' is no longer supported | use 'option httpclose'
            option http-tunnel                        | 'option http-tunnel' is no longer supported | WebSocket upgrades are tunnelled automatically
            """)
    void keywordsWithoutASafeModernMeaningAreErrorsNamingTheReplacement(String line, String message, String hint) {
        ParseResult r = check("""
                defaults
                  mode http
                listen legacy
                  bind :80
                  %s
                  server s 10.0.0.1:80
                """.formatted(line));
        assertFalse(r.ok());
        assertEquals(1, r.errors().size(), r.diagnostics()::toString);
        Diagnostic e = r.errors().get(0);
        assertEquals(new Location("test.cfg", 5, 3), e.location());
        assertEquals("listen legacy", e.section());
        assertEquals(line.split(" ")[0].equals("option") ? "option " + line.split(" ")[1] : line.split(" ")[0], e.keyword());
        assertEquals(message, e.message());
        assertTrue(e.hint().contains(hint), e::format);
        assertTrue(e.hint().startsWith("removed in HAProxy") || e.hint().startsWith("misspelt"), e::format);
    }

    @Test
    void obsoleteOptionIsIgnoredWithAWarning() {
        ParseResult r = check("""
                defaults
                  mode http
                  option http-use-htx
                backend b
                  server s 10.0.0.1:80
                """);
        assertTrue(r.ok(), r.diagnostics()::toString);
        Diagnostic w = warningsAt(r, 3).get(0);
        assertEquals("'option http-use-htx' is obsolete and ignored", w.message());
        assertEquals("remove the line", w.hint());
        assertNotEquals(0, r.warnings().size());
    }

    @Test
    void legacyWarningsAreNotErrorsAndKeepTheKeywordTableHonest() {
        // the README table is generated from the registry: legacy spellings say what they become
        Map<String, Keyword> byName = KeywordTable.instance().all().stream().collect(Collectors.toMap(Keyword::name, k -> k));
        for (String legacy : List.of("contimeout", "clitimeout", "srvtimeout", "redispatch")) {
            assertEquals(Support.LEGACY, byName.get(legacy).support(), legacy);
            assertTrue(byName.get(legacy).note().startsWith("= "), legacy);
        }
        for (String rejected : Arrays.asList("appsession", "block", "reqrep", "reqadd", "rspadd", "monitor-net", "option forceclose")) {
            assertEquals(Support.REJECTED, byName.get(rejected).support(), rejected);
        }
    }
}
