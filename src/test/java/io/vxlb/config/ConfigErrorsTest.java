package io.vxlb.config;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One test per error class: every error names the file, line, column, section and keyword, says
 * what is wrong and (in its hint or message) what would be right. Line numbers in the texts
 * below count from 1 at the first line of the text block.
 */
class ConfigErrorsTest {
    private static final String FILE = "haproxy.cfg";
    private static final String HTTP_DEFAULTS = """
            defaults
              mode http
              timeout connect 5s
              timeout client 30s
              timeout server 30s
            """;

    // ---- helpers -------------------------------------------------------------------------

    private static ParseResult check(String text) {
        return new ConfigParser(Map.<String, String>of()::get).parse(FILE, text);
    }

    /** The one error reported at {@code line} (fails when there is none or several). */
    private static Diagnostic errorAt(ParseResult r, int line) {
        List<Diagnostic> at = r.errors().stream().filter(d -> d.location().line() == line).toList();
        assertEquals(1, at.size(), () -> "expected one error at line " + line + ", got:\n" + dump(r));
        return at.get(0);
    }

    private static List<Integer> errorLines(ParseResult r) {
        return r.errors().stream().map(d -> d.location().line()).sorted().toList();
    }

    private static String dump(ParseResult r) {
        return r.diagnostics().stream().map(Diagnostic::format).collect(Collectors.joining("\n"));
    }

    /** Checks every field of an error; {@code hint} null means "no hint", otherwise a fragment of it. */
    private static void assertError(Diagnostic d, int line, int column, String section, String keyword, String message, String hint) {
        assertTrue(d.isError(), d::format);
        assertEquals(new Location(FILE, line, column), d.location(), d::format);
        assertEquals(section, d.section(), d::format);
        assertEquals(keyword, d.keyword(), d::format);
        assertEquals(message, d.message(), d::format);
        if (hint == null) {
            assertNull(d.hint(), d::format);
        } else {
            assertTrue(d.hint() != null && d.hint().contains(hint), () -> "hint should contain '" + hint + "': " + d.format());
        }
    }

    // ---- keywords ------------------------------------------------------------------------

    @Test
    void unknownKeywordSuggestsTheClosestOne() {
        ParseResult r = check(HTTP_DEFAULTS + """
                  timout server 5s
                """);
        assertFalse(r.ok());
        assertNull(r.config(), "no model when there is an error");
        assertError(errorAt(r, 6), 6, 3, "defaults", "timout", "unknown keyword 'timout' in 'defaults' section", "did you mean 'timeout'?");
    }

    /**
     * TLS to a server never silently turns into plaintext: HAProxy 2.6 refuses "ssl" without a CA
     * file or an explicit "verify none" (same wording), and what vxlb cannot do yet is refused, not
     * ignored: a per-request sni expression, the PROXY protocol (send-proxy).
     */
    @Test
    void serverTlsWithoutVerificationOrWithUnsupportedPartsIsRefused() {
        ParseResult r = check(HTTP_DEFAULTS + """
                backend b
                  server s1 10.0.0.1:443 ssl
                  server s2 10.0.0.1:443 ssl verify none sni req.hdr(host)
                  server s3 10.0.0.1:80 send-proxy
                  server s4 10.0.0.1:443 ssl verify none sni str(ok.test)
                """);
        assertFalse(r.ok());
        Diagnostic noCa = errorAt(r, 7);
        assertTrue(noCa.message().contains("verify is enabled by default but no CA file specified"), noCa.toString());
        assertTrue(noCa.hint().contains("ca-file") && noCa.hint().contains("verify none"), noCa.toString());
        assertTrue(errorAt(r, 8).message().contains("only a constant name is supported"), errorAt(r, 8).toString());
        // send-proxy is supported (the PROXY header is sent first): line 9 is fine
        assertTrue(r.errors().stream().noneMatch(d -> d.location().line() == 9), r.errors().toString());
        assertEquals(2, r.errors().size(), r.errors().toString());
    }

    /** "server" is enforced: no "not yet enforced" warning for it; an option without a runtime is warned at its use. */
    @Test
    void serverIsEnforcedAndItsUnenforcedOptionsAreWarnedOneByOne() {
        ParseResult plain = check(HTTP_DEFAULTS + """
                backend b
                  server s1 10.0.0.1:80 check weight 10
                """);
        assertTrue(plain.ok());
        assertTrue(plain.diagnostics().stream().noneMatch(d -> d.message().contains("not yet enforced")), plain.diagnostics().toString());
        ParseResult minconn = check(HTTP_DEFAULTS + """
                backend b
                  server s1 10.0.0.1:80 minconn 5
                """);
        assertTrue(minconn.ok());
        assertTrue(minconn.diagnostics().stream().anyMatch(d -> d.message().contains("'minconn' is parsed but not enforced")), minconn.diagnostics().toString());
    }

    @Test
    void unknownOptionSuggestsTheClosestOne() {
        ParseResult r = check(HTTP_DEFAULTS + """
                backend b
                  option httplogg
                  option redispatchh
                  server s 10.0.0.1:80
                """);
        assertError(errorAt(r, 7), 7, 10, "backend b", "option", "unknown 'option' keyword 'httplogg'", "did you mean 'httplog'?");
        assertError(errorAt(r, 8), 8, 10, "backend b", "option", "unknown 'option' keyword 'redispatchh'", "did you mean 'redispatch'?");
    }

    @Test
    void keywordNotAllowedInSection() {
        ParseResult r = check(HTTP_DEFAULTS + """
                  acl is_api path_beg /api
                  bind :80
                frontend f
                  bind :80
                  server s1 10.0.0.1:80
                  nbthread 2
                  default_backend b
                backend b
                  server s 10.0.0.1:80
                """);
        assertError(errorAt(r, 6), 6, 3, "defaults", "acl", "'acl' is not allowed in a 'defaults' section", "it may be used in: frontend | listen | backend");
        assertError(errorAt(r, 7), 7, 3, "defaults", "bind", "'bind' is not allowed in a 'defaults' section", "it may be used in: frontend | listen");
        assertError(errorAt(r, 10), 10, 3, "frontend f", "server", "'server' is not allowed in a 'frontend' section", "it may be used in: listen | backend");
        assertError(errorAt(r, 11), 11, 3, "frontend f", "nbthread", "'nbthread' is not allowed in a 'frontend' section", "it may be used in: global");
        assertEquals(List.of(6, 7, 10, 11), errorLines(r));
    }

    @Test
    void missingArgument() {
        ParseResult r = check(HTTP_DEFAULTS + """
                frontend f
                  bind
                  maxconn
                  timeout client
                  default_backend
                backend b
                  server s 10.0.0.1:80
                """);
        // a missing word is reported where it would start: one blank after the last word
        assertError(errorAt(r, 7), 7, 8, "frontend f", "bind", "'bind' expects an address (e.g. *:80 or 127.0.0.1:8080)", null);
        assertError(errorAt(r, 8), 8, 11, "frontend f", "maxconn", "'maxconn' expects a connection count", null);
        assertError(errorAt(r, 9), 9, 18, "frontend f", "timeout client", "missing duration after 'timeout client'", "e.g. 5s, 300ms, 1m");
        assertError(errorAt(r, 10), 10, 19, "frontend f", "default_backend", "'default_backend' expects a backend name", null);
    }

    @Test
    void extraArgument() {
        ParseResult r = check(HTTP_DEFAULTS + """
                frontend f
                  bind :80
                  maxconn 10 20
                  timeout client 5s 10s
                  default_backend b other
                backend b
                  mode http tcp
                  server s 10.0.0.1:80
                """);
        assertError(errorAt(r, 8), 8, 14, "frontend f", "maxconn", "extra argument '20' after 'maxconn 10'", "remove it");
        assertError(errorAt(r, 9), 9, 21, "frontend f", "timeout client", "extra argument '10s' after 'timeout client 5s'", "remove it");
        assertError(errorAt(r, 10), 10, 21, "frontend f", "default_backend", "'default_backend' takes one name", "use_backend NAME if COND");
        assertError(errorAt(r, 12), 12, 13, "backend b", "mode", "extra argument 'tcp' after 'mode http'", "remove it");
    }

    // ---- values --------------------------------------------------------------------------

    @Test
    void badAddress() {
        ParseResult r = check(HTTP_DEFAULTS + """
                frontend f
                  bind 10.0.0.1:http
                  bind *:99999
                  bind :80 name http
                  bind name https
                  default_backend b
                backend b
                  server s3 10.0.0.*:80
                  server s4 unix@/run/app.sock
                """);
        assertError(errorAt(r, 7), 7, 8, "frontend f", "bind", "invalid port 'http' in '10.0.0.1:http' (expected 1-65535)", null);
        assertError(errorAt(r, 8), 8, 8, "frontend f", "bind", "invalid port '99999' in '*:99999' (expected 1-65535)", null);
        assertError(errorAt(r, 10), 10, 8, "frontend f", "bind", "missing address before 'name'", "'bind *:80 name ...'");
        assertError(errorAt(r, 13), 13, 13, "backend b", "server",
                "'10.0.0.*:80' is not a valid address (expected HOST:PORT, e.g. 127.0.0.1:8080, *:80 or :::80)", null);
        assertError(errorAt(r, 14), 14, 13, "backend b", "server", "address family 'unix@' is not supported by vxlb (use ipv4@ or ipv6@, or a plain HOST:PORT)", null);
        assertEquals(List.of(7, 8, 10, 13, 14), errorLines(r), "a broken bind line is not also reported as 'no bind line'");
    }

    @Test
    void badDuration() {
        ParseResult r = check(HTTP_DEFAULTS + """
                  timeout connect 5x
                  timeout queue soon
                backend b
                  server s 10.0.0.1:80 check inter 2q
                """);
        assertError(errorAt(r, 6), 6, 19, "defaults", "timeout connect", "unknown unit 'x' in duration '5x' (use us, ms, s, m, h or d)", null);
        assertError(errorAt(r, 7), 7, 17, "defaults", "timeout queue",
                "'soon' is not a duration (expected a number with an optional unit us, ms, s, m, h or d, e.g. 5s)", null);
        assertError(errorAt(r, 9), 9, 36, "backend b", "server", "unknown unit 'q' in duration '2q' (use us, ms, s, m, h or d)", null);
    }

    // ---- references ----------------------------------------------------------------------

    @Test
    void unknownBackendInUseBackendAndDefaultBackend() {
        ParseResult r = check(HTTP_DEFAULTS + """
                frontend f
                  bind :80
                  use_backend apii if { path_beg /api }
                  use_backend f if { path_beg /f }
                  default_backend nowhere
                backend api
                  server s 10.0.0.1:80
                """);
        assertError(errorAt(r, 8), 8, 15, "frontend f", "use_backend", "no backend named 'apii'", "did you mean 'api'?");
        assertError(errorAt(r, 9), 9, 15, "frontend f", "use_backend", "no backend named 'f'", "'f' is a frontend; routing needs a backend or listen section");
        assertError(errorAt(r, 10), 10, 19, "frontend f", "default_backend", "no backend named 'nowhere'", "declare 'backend nowhere'");
    }

    @Test
    void unknownTrackTargets() {
        ParseResult r = check(HTTP_DEFAULTS + """
                backend app
                  server s1 10.0.0.1:80 track nob/s1
                  server s2 10.0.0.2:80 track chk/s99
                  server s3 10.0.0.3:80 track chk/s1
                  server s4 10.0.0.4:80 track chk/nocheck
                backend chk
                  server s1 10.0.0.1:80 check
                  server nocheck 10.0.0.2:80
                """);
        assertError(errorAt(r, 7), 7, 10, "backend app", "track", "server 's1' tracks 'nob/s1' but there is no backend 'nob'", "declare 'backend nob'");
        assertError(errorAt(r, 8), 8, 10, "backend app", "track", "server 's2' tracks 'chk/s99' but backend 'chk' has no server 's99'", "servers of backend 'chk': s1, nocheck");
        assertError(errorAt(r, 10), 10, 10, "backend app", "track", "server 's4' tracks 'chk/nocheck', which has no 'check'",
                "add 'check' to server nocheck in backend chk");
        assertEquals(List.of(7, 8, 10), errorLines(r), "s3 tracks a checked server");
    }

    @Test
    void trackLoop() {
        ParseResult r = check(HTTP_DEFAULTS + """
                backend app
                  server a 10.0.0.1:80 track b
                  server b 10.0.0.2:80 track app/a
                """);
        assertError(errorAt(r, 7), 7, 10, "backend app", "track", "server 'a' is in a tracking loop through 'app/a'", "must have 'check'");
        assertError(errorAt(r, 8), 8, 10, "backend app", "track", "server 'b' is in a tracking loop through 'app/b'", "must have 'check'");
    }

    @Test
    void trackAndCheckOnOneServer() {
        ParseResult r = check(HTTP_DEFAULTS + """
                backend app
                  server s1 10.0.0.1:80 check
                  server s2 10.0.0.2:80 check track s1
                """);
        assertError(errorAt(r, 8), 8, 25, "backend app", "server", "server 's2' has both 'check' and 'track'",
                "a tracking server mirrors the state of app/s1; remove 'check' (or 'track')");
    }

    @Test
    void unknownAclInCondition() {
        ParseResult r = check(HTTP_DEFAULTS + """
                frontend f
                  bind :80
                  acl is_static path_end .css .js
                  use_backend b if is_statik
                  http-request deny if !is_admin
                  default_backend b
                backend b
                  use-server s if is_static
                  server s 10.0.0.1:80
                """);
        assertError(errorAt(r, 9), 9, 15, "frontend f", "use_backend", "no ACL named 'is_statik' in frontend 'f'", "did you mean 'is_static'?");
        assertError(errorAt(r, 10), 10, 16, "frontend f", "http-request deny", "no ACL named 'is_admin' in frontend 'f'",
                "declare 'acl is_admin ...' in frontend f");
        // ACLs are per section: the frontend's is_static does not exist in the backend
        assertError(errorAt(r, 13), 13, 14, "backend b", "use-server", "no ACL named 'is_static' in backend 'b'",
                "ACLs belong to the section that declares them");
    }

    @Test
    void unknownFetchNamesWhatExists() {
        ParseResult r = check(HTTP_DEFAULTS + """
                backend b
                  http-request set-header X-LB %[req.hdr(Host),lower]%[req.uri,lower]
                  acl api req.path_beg /api
                  server s 10.0.0.1:80
                """);
        Diagnostic uri = errorAt(r, 7);
        assertError(uri, 7, 32, "backend b", "http-request set-header", "in sample expression at position 23 of the log-format: unknown fetch method 'req.uri'",
                "use 'url' for the request URI with its query string");
        Diagnostic acl = errorAt(r, 8);
        assertEquals(new Location(FILE, 8, 11), acl.location());
        assertTrue(acl.message().contains("unknown fetch method 'req.path_beg'"), acl::format);
    }

    @Test
    void duplicateProxyNames() {
        ParseResult r = check(HTTP_DEFAULTS + """
                frontend www
                  bind :80
                  default_backend app
                frontend www
                  bind :81
                  default_backend app
                backend app
                  server s 10.0.0.1:80
                listen app
                  bind :82
                  server s 10.0.0.1:80
                backend www
                  server s 10.0.0.1:80
                """);
        assertError(errorAt(r, 9), 9, 10, "frontend www", "frontend", "proxy name 'www' is already used by the frontend at haproxy.cfg:6:10",
                "give each frontend and listen section its own name");
        assertError(errorAt(r, 14), 14, 8, "listen app", "listen", "proxy name 'app' is already used by the backend at haproxy.cfg:12:9",
                "give each backend and listen section its own name");
        // HAProxy permits a frontend and a backend of the same name
        assertEquals(List.of(9, 14), errorLines(r));
    }

    @Test
    void serverWithoutAddressIsAClearErrorNotACrash() {
        ParseResult r = check(HTTP_DEFAULTS + """
                backend b
                  server srv1 check
                  server srv2
                  server R1 check inter 1s
                  server mysql1 check source
                  server websrv1 maxconn 100 weight 10 cookie websrv1 check
                """);
        assertError(errorAt(r, 7), 7, 15, "backend b", "server", "server 'srv1' has no address: 'check' is a server option",
                "write 'server srv1 ADDRESS[:PORT] check'");
        assertError(errorAt(r, 8), 8, 15, "backend b", "server", "server 'srv2' has no address",
                "write 'server srv2 ADDRESS[:PORT] [options]', e.g. 'server srv2 10.0.0.1:80 check'");
        assertError(errorAt(r, 9), 9, 13, "backend b", "server", "server 'R1' has no address: 'check' is a server option",
                "write 'server R1 ADDRESS[:PORT] check inter 1s'");
        assertError(errorAt(r, 10), 10, 17, "backend b", "server", "server 'mysql1' has no address: 'check' is a server option",
                "write 'server mysql1 ADDRESS[:PORT] check source'");
        assertError(errorAt(r, 11), 11, 18, "backend b", "server", "server 'websrv1' has no address: 'maxconn' is a server option",
                "write 'server websrv1 ADDRESS[:PORT] maxconn 100 weight 10 cookie websrv1 check'");
    }

    @Test
    void serverSourceWithoutAddress() {
        ParseResult r = check(HTTP_DEFAULTS + """
                backend b
                  server m1 10.0.0.1:3306 check source
                  server m2 10.0.0.2:3306 source check
                """);
        assertError(errorAt(r, 7), 7, 40, "backend b", "server", "'source' expects an address (e.g. 10.0.0.2 or 10.0.0.2:1025-65000)", null);
        assertError(errorAt(r, 8), 8, 27, "backend b", "server", "'source' needs an address, found option 'check'", "e.g. 'source 10.0.0.2'");
    }

    @Test
    void linesBeforeAnySectionAreReportedOnceAndSkipped() {
        ParseResult r = check("""
                    log local0
                    maxconn 4096
                    mode http
                frontend f
                  bind :80
                  default_backend b
                backend b
                  server s 10.0.0.1:80
                """);
        assertEquals(List.of(1), errorLines(r));
        assertError(errorAt(r, 1), 1, 5, "", "log", "'log' appears before any section; lines up to the next section are skipped",
                "start with a section line ('global', 'defaults', 'frontend NAME', 'backend NAME' or 'listen NAME')");
    }

    @Test
    void unmatchedQuote() {
        ParseResult r = check(HTTP_DEFAULTS + """
                backend b
                  http-request set-header X-Note "unterminated value
                  server s 10.0.0.1:80
                """);
        assertError(errorAt(r, 7), 7, 34, "backend b", "", "unmatched double quote (close it, or escape it with a backslash)", null);
        assertEquals(List.of(7), errorLines(r), "the next line parses normally");
    }

    @Test
    void httpFrontendCannotUseTcpBackend() {
        ParseResult r = check(HTTP_DEFAULTS + """
                frontend f
                  bind :80
                  use_backend redis if { path_beg /r }
                  default_backend redis
                backend redis
                  mode tcp
                  server r 10.0.0.1:6379
                """);
        assertError(errorAt(r, 8), 8, 15, "frontend f", "use_backend", "HTTP frontend 'f' cannot use TCP backend 'redis'",
                "put 'mode http' in backend 'redis' (or its defaults)");
        assertError(errorAt(r, 9), 9, 19, "frontend f", "default_backend", "HTTP frontend 'f' cannot use TCP backend 'redis'", "put 'mode http'");
    }

    @Test
    void frontendWithoutBind() {
        ParseResult r = check(HTTP_DEFAULTS + """
                frontend f
                  default_backend b
                listen 0.0.0.0:8181
                  server s 10.0.0.1:80
                backend b
                  server s 10.0.0.1:80
                """);
        assertError(errorAt(r, 6), 6, 10, "frontend f", "frontend", "frontend 'f' has no 'bind' line, so it would accept no connection", "add a 'bind ADDR:PORT' line");
        // seed 000's "listen 0.0.0.0:8181": a listen section named like an address
        assertError(errorAt(r, 8), 8, 8, "listen 0.0.0.0:8181", "listen", "listen '0.0.0.0:8181' has no 'bind' line, so it would accept no connection",
                "write 'listen NAME' and 'bind 0.0.0.0:8181'");
    }

    @Test
    void unknownDefaultsInFrom() {
        ParseResult r = check("""
                defaults web
                  mode http
                backend b from wbe
                  server s 10.0.0.1:80
                backend c from nothing
                  server s 10.0.0.1:80
                """);
        assertError(errorAt(r, 3), 3, 16, "backend b", "backend", "no defaults section named 'wbe' declared before this line", "did you mean 'web'?");
        assertError(errorAt(r, 5), 5, 16, "backend c", "backend", "no defaults section named 'nothing' declared before this line",
                "declare 'defaults nothing' above this section");
    }

    @Test
    void mapFileNameThatIsADirectory() {
        // seed 003: map_dom(/etc/hapee-1.5/,bk_default) lost its file name
        ParseResult r = check(HTTP_DEFAULTS + """
                frontend ft_allapps
                  bind :80
                  use_backend %[req.hdr(host),lower,map_dom(/etc/hapee-1.5/,bk_default)]
                backend bk_default
                  server s 10.0.0.1:80
                """);
        assertError(errorAt(r, 8), 8, 15, "frontend ft_allapps", "use_backend",
                "in sample expression at position 1 of the log-format: converter 'map_dom': '/etc/hapee-1.5/' is a directory, not a map file",
                "write e.g. map_dom(/etc/hapee-1.5/hosts.map,bk_default)");
    }

    // ---- all errors of a file ------------------------------------------------------------

    @Test
    void everyErrorOfAFileIsReportedNotOnlyTheFirst() {
        ParseResult r = check("""
                global
                  nbthread two
                defaults
                  mode http
                  timeout connect 5s
                  timeout client 30s
                  timeout server 30s
                  timout tunnel 1h
                frontend f
                  bind :80
                  acl api path_beg /api
                  use_backend apis if api
                  use_backend app if nothere
                  default_backend app
                backend app
                  balance roundrobinn
                  server s1 check
                  server s2 10.0.0.2:80 weight 300
                  server s3 10.0.0.3:80 track s4
                  server s4 10.0.0.4:80
                """);
        assertFalse(r.ok());
        assertEquals(List.of(2, 8, 12, 13, 16, 17, 18, 19), errorLines(r), dump(r));
        assertEquals("'two' is not a valid thread count (expected a non-negative integer)", errorAt(r, 2).message());
        assertEquals("unknown balance algorithm 'roundrobinn'", errorAt(r, 16).message());
        assertEquals("did you mean 'roundrobin'?", errorAt(r, 16).hint());
        assertEquals("weight 300 is out of range", errorAt(r, 18).message());
        // parse errors come in file order, then the cross-checks
        List<Integer> inReportOrder = r.errors().stream().map(d -> d.location().line()).toList();
        assertEquals(List.of(2, 8, 16, 17, 18, 12, 13, 19), inReportOrder);
    }

    @Test
    void diagnosticsRenderLikeHaproxy() {
        ParseResult r = check(HTTP_DEFAULTS + """
                backend bck1
                  server srv1 check
                  contimeout 5000
                """);
        assertEquals("[ALERT] haproxy.cfg:7:15 : [backend bck1] 'server': server 'srv1' has no address: 'check' is a server option"
                + " -- write 'server srv1 ADDRESS[:PORT] check'", errorAt(r, 7).format());
        Diagnostic warning = r.warnings().get(0);
        assertTrue(warning.format().startsWith("[WARNING] haproxy.cfg:"), warning::format);
    }
}
