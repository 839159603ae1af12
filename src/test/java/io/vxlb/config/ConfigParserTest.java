package io.vxlb.config;

import io.vxlb.rules.CondTerm;
import io.vxlb.rules.Condition;
import io.vxlb.rules.LogFormatPart;
import io.vxlb.rules.MatchMethod;
import io.vxlb.rules.SampleExpr;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The parsed model of valid configurations, keyword family by keyword family. */
class ConfigParserTest {
    /** A defaults section most tests start from (HTTP, all three main timeouts set). */
    private static final String HTTP_DEFAULTS = """
            defaults
              mode http
              timeout connect 5s
              timeout client 30s
              timeout server 30s
            """;

    private static final Map<String, String> ENV = Map.of("VXLB_PORT", "8443", "VXLB_HOST", "10.1.2.3");

    // ---- helpers -------------------------------------------------------------------------

    /** Parses {@code text} (as "test.cfg") and fails with every diagnostic when it has an error. */
    private static Config parse(String text) {
        ParseResult r = result(text);
        assertTrue(r.ok(), () -> "expected no error, got:\n" + r.diagnostics().stream().map(Diagnostic::format).collect(Collectors.joining("\n")));
        return r.config();
    }

    private static ParseResult result(String text) {
        return new ConfigParser(ENV::get).parse("test.cfg", text);
    }

    private static Proxy proxy(Config c, String name) {
        return c.proxy(name).orElseThrow(() -> new AssertionError("no proxy " + name));
    }

    private static Server server(Proxy p, String name) {
        return p.server(name).orElseThrow(() -> new AssertionError("no server " + name + " in " + p.name()));
    }

    /** The warnings at a line, formatted. */
    private static List<String> warningsAt(ParseResult r, int line) {
        return r.warnings().stream().filter(d -> d.location().line() == line).map(Diagnostic::message).toList();
    }

    private static String literalText(io.vxlb.rules.LogFormat f) {
        return f.parts().stream().map(p -> p instanceof LogFormatPart.Literal l ? l.text() : "%[" + ((LogFormatPart.Sample) p).expr().text() + "]")
                .collect(Collectors.joining());
    }

    // ---- sections ------------------------------------------------------------------------

    @Test
    void sectionsKeepFileOrderAndKinds() {
        Config c = parse(HTTP_DEFAULTS + """
                global
                  maxconn 100
                frontend www
                  bind :80
                  default_backend app
                backend app
                  server a1 10.0.0.1:80
                listen both
                  bind :81
                  server b1 10.0.0.2:80
                """);
        assertEquals(List.of("www", "app", "both"), c.proxies().stream().map(Proxy::name).toList());
        assertEquals(List.of(ProxyKind.FRONTEND, ProxyKind.BACKEND, ProxyKind.LISTEN), c.proxies().stream().map(Proxy::kind).toList());
        assertEquals(List.of("www", "both"), c.frontends().stream().map(Proxy::name).toList());
        assertEquals(List.of("app", "both"), c.backends().stream().map(Proxy::name).toList());
        assertTrue(c.backend("www").isEmpty(), "a frontend is no backend");
        assertEquals(new Location("test.cfg", 8, 10), proxy(c, "www").location());
        assertEquals(List.of("test.cfg"), c.files());
        assertEquals(100, c.global().maxconn());
    }

    @Test
    void unnamedDefaultsApplyToTheSectionsThatFollowButNotTheirRulesBindsOrServers() {
        Config c = parse("""
                defaults
                  mode http
                  timeout connect 4s
                  timeout client 40s
                  timeout server 41s
                  retries 5
                  balance leastconn
                  option forwardfor
                  default_backend app
                frontend www
                  bind :80
                  timeout client 10s
                backend app
                  server a1 10.0.0.1:80
                """);
        Proxy www = proxy(c, "www");
        assertEquals(Mode.HTTP, www.mode());
        assertEquals(10_000, www.timeouts().client(), "the section's own line wins over its defaults");
        assertEquals(4_000, www.timeouts().connect());
        assertEquals("app", www.defaultBackend());
        assertEquals(new Location("test.cfg", 9, 19), www.defaultBackendLocation());
        assertEquals("", www.defaultsName());
        Proxy app = proxy(c, "app");
        assertEquals(5, app.retries());
        assertEquals(Balance.Algorithm.LEASTCONN, app.balance().algorithm());
        assertEquals(41_000, app.timeouts().server());
        assertEquals(new ForwardFor(null, "X-Forwarded-For", false), app.options().forwardFor());
        assertNull(app.defaultBackend(), "default_backend only concerns frontends");
    }

    @Test
    void aNewDefaultsSectionStartsFromHaproxysDefaultsNotFromThePreviousOne() {
        // HAProxy: "A defaults section resets all settings to the documented ones"
        Config c = parse("""
                defaults
                  mode http
                  timeout connect 1s
                  balance leastconn
                  default-server weight 20
                defaults
                  timeout client 2s
                backend b
                  server s1 10.0.0.1:80
                """);
        Proxy b = proxy(c, "b");
        assertEquals(Mode.TCP, b.mode());
        assertEquals(0, b.timeouts().connect());
        assertEquals(2_000, b.timeouts().client());
        assertEquals(Balance.Algorithm.ROUNDROBIN, b.balance().algorithm());
        assertEquals(1, server(b, "s1").weight());
    }

    @Test
    void namedDefaultsAndFromInheritance() {
        Config c = parse("""
                defaults web
                  mode http
                  timeout connect 1s
                  timeout client 5s
                  timeout server 6s
                  default-server inter 3s fall 5
                defaults db
                  mode tcp
                  timeout connect 2s
                  timeout client 50s
                  timeout server 60s
                defaults slow from web
                  timeout server 2m
                frontend f_db from db
                  bind :3306
                  default_backend b_db
                backend b_db from db
                  server m1 10.0.0.1:3306
                backend b_web from web
                  server w1 10.0.0.2:80 check
                backend b_slow from slow
                  server s1 10.0.0.3:80 check
                backend b_last
                  server l1 10.0.0.4:80
                """);
        Proxy fdb = proxy(c, "f_db");
        assertEquals("db", fdb.defaultsName());
        assertEquals(Mode.TCP, fdb.mode());
        assertEquals(50_000, fdb.timeouts().client());
        assertEquals(new Timeouts(1_000, 5_000, 6_000, 0, 0, 0, 0, 0, 0, 0, 0), proxy(c, "b_web").timeouts());
        assertEquals(3_000, server(proxy(c, "b_web"), "w1").inter());
        Proxy slow = proxy(c, "b_slow");
        assertEquals("slow", slow.defaultsName());
        assertEquals(Mode.HTTP, slow.mode(), "from a defaults section that took its settings from 'web'");
        assertEquals(120_000, slow.timeouts().server());
        assertEquals(1_000, slow.timeouts().connect());
        assertEquals(5, server(slow, "s1").fall());
        // without "from", a section takes the last defaults section: here 'slow'
        assertEquals("slow", proxy(c, "b_last").defaultsName());
        assertEquals(120_000, proxy(c, "b_last").timeouts().server());
    }

    @Test
    void peersUserlistAndResolversAreReportedAndSkipped() {
        ParseResult r = result(HTTP_DEFAULTS + """
                peers mypeers
                  peer a 10.0.0.1:1024
                userlist admins
                  user admin insecure-password secret
                resolvers dns
                  nameserver ns1 10.0.0.53:53
                backend b
                  server s 10.0.0.1:80
                """);
        assertTrue(r.ok(), r.diagnostics()::toString);
        assertEquals(1, warningsAt(r, 6).size());
        assertTrue(warningsAt(r, 6).get(0).contains("'peers' is not supported"));
        assertTrue(warningsAt(r, 8).get(0).contains("'userlist' is not supported"));
        assertTrue(warningsAt(r, 10).get(0).contains("'resolvers' is not supported"));
        assertEquals(List.of("b"), r.config().proxies().stream().map(Proxy::name).toList());
    }

    @Test
    void environmentVariablesExpandInDoubleQuotes() {
        Config c = parse(HTTP_DEFAULTS + """
                frontend f
                  bind "${VXLB_HOST}:${VXLB_PORT}"
                  bind "*:${UNSET_VAR-9000}"
                  default_backend b
                backend b
                  server s "${VXLB_HOST}:80"
                """);
        List<Bind> binds = proxy(c, "f").binds();
        assertEquals("10.1.2.3", binds.get(0).host());
        assertEquals(8443, binds.get(0).port());
        assertEquals(9000, binds.get(1).port());
        assertEquals("10.1.2.3", server(proxy(c, "b"), "s").address());
    }

    // ---- bind ----------------------------------------------------------------------------

    @Test
    void bindAddressForms() {
        Config c = parse(HTTP_DEFAULTS + """
                frontend f
                  bind 127.0.0.1:8080
                  bind *:81
                  bind :82
                  bind ipv6@:83
                  bind :::84
                  bind [::1]:85
                  bind 10.0.0.1:86,10.0.0.2:87
                  bind *:8000-8002
                  bind ipv4@0.0.0.0:88
                  default_backend b
                backend b
                  server s 10.0.0.1:80
                """);
        List<String> got = proxy(c, "f").binds().stream()
                .map(b -> b.host() + "|" + b.port() + "|" + (b.ipv6() ? "v6" : "v4") + "|" + b.listenHost()).toList();
        assertEquals(List.of(
                "127.0.0.1|8080|v4|127.0.0.1",
                "null|81|v4|0.0.0.0",
                "null|82|v4|0.0.0.0",
                "null|83|v6|::",
                "null|84|v6|::",
                "::1|85|v6|::1",
                "10.0.0.1|86|v4|10.0.0.1",
                "10.0.0.2|87|v4|10.0.0.2",
                "null|8000|v4|0.0.0.0",
                "null|8001|v4|0.0.0.0",
                "null|8002|v4|0.0.0.0",
                "null|88|v4|0.0.0.0"), got);
        // every listener remembers its own line (a comma list and a range share it)
        assertEquals(List.of(7, 8, 9, 10, 11, 12, 13, 13, 14, 14, 14, 15),
                proxy(c, "f").binds().stream().map(b -> b.location().line()).toList());
    }

    @Test
    void bindOptionsSslCrtAlpnName() {
        Config c = parse(HTTP_DEFAULTS + """
                frontend f
                  bind *:443 ssl crt /etc/ssl/site.pem crt /etc/ssl/other.pem alpn h2,http/1.1 name https maxconn 500 backlog 64
                  bind *:80 name http
                  default_backend b
                backend b
                  server s 10.0.0.1:80
                """);
        Bind https = proxy(c, "f").binds().get(0);
        assertTrue(https.ssl());
        assertEquals(List.of("/etc/ssl/site.pem", "/etc/ssl/other.pem"), https.certificates());
        assertEquals(List.of("h2", "http/1.1"), https.alpn());
        assertEquals("https", https.name());
        assertEquals(500, https.maxconn());
        assertEquals(64, https.backlog());
        Bind http = proxy(c, "f").binds().get(1);
        assertFalse(http.ssl());
        assertEquals(List.of(), http.certificates());
        assertEquals("http", http.name());
    }

    // ---- proxy settings ------------------------------------------------------------------

    @Test
    void timeoutsTakeUnitsAndDefaultToMilliseconds() {
        Config c = parse("""
                defaults
                  mode http
                  timeout connect 5000
                  timeout client 1m
                  timeout server 30s
                  timeout tunnel 1h
                  timeout http-request 10s
                  timeout http-keep-alive 500ms
                  timeout queue 2d
                  timeout check 1500us
                  timeout tarpit 3s
                  timeout client-fin 1s
                  timeout server-fin 2s
                backend b
                  server s 10.0.0.1:80
                """);
        assertEquals(new Timeouts(5_000, 60_000, 30_000, 3_600_000, 10_000, 500, 172_800_000, 2, 3_000, 1_000, 2_000),
                proxy(c, "b").timeouts());
    }

    @Test
    void timeoutFallbacksFollowHaproxy() {
        Timeouts t = parse("""
                defaults
                  timeout connect 4s
                  timeout client 9s
                backend b
                  server s 10.0.0.1:80
                """).proxy("b").orElseThrow().timeouts();
        assertEquals(9_000, t.effectiveHttpRequest());
        assertEquals(9_000, t.effectiveHttpKeepAlive());
        assertEquals(4_000, t.effectiveQueue());
        assertEquals(4_000, t.effectiveTarpit());
    }

    @Test
    void modeMaxconnBacklogRetriesFullconn() {
        Config c = parse("""
                defaults
                  mode tcp
                  maxconn 2000
                  backlog 128
                  retries 2
                frontend f
                  mode http
                  bind :80
                  maxconn 10000
                  default_backend b
                backend b
                  mode http
                  fullconn 300
                  server s 10.0.0.1:80
                """);
        Proxy f = proxy(c, "f");
        assertEquals(Mode.HTTP, f.mode());
        assertEquals(10_000, f.maxconn());
        assertEquals(128, f.backlog());
        Proxy b = proxy(c, "b");
        assertEquals(2, b.retries());
        assertEquals(300, b.fullconn());
    }

    @Test
    void forwardforAndOriginaltoOptions() {
        Config c = parse(HTTP_DEFAULTS + """
                  option forwardfor except 127.0.0.0/8 header X-Real-IP if-none
                  option originalto except 10.0.0.0/8 header X-Orig-Dst
                backend plain
                  option forwardfor
                  option originalto
                  server s 10.0.0.1:80
                backend inherited
                  server s 10.0.0.1:80
                backend off
                  no option forwardfor
                  no option originalto
                  server s 10.0.0.1:80
                backend ifnone
                  option forwardfor if-none
                  server s 10.0.0.1:80
                """);
        ProxyOptions inherited = proxy(c, "inherited").options();
        assertEquals(new ForwardFor("127.0.0.0/8", "X-Real-IP", true), inherited.forwardFor());
        assertEquals(new OriginalTo("10.0.0.0/8", "X-Orig-Dst"), inherited.originalTo());
        assertEquals(new ForwardFor(null, "X-Forwarded-For", false), proxy(c, "plain").options().forwardFor());
        assertEquals(new OriginalTo(null, "X-Original-To"), proxy(c, "plain").options().originalTo());
        assertNull(proxy(c, "off").options().forwardFor());
        assertNull(proxy(c, "off").options().originalTo());
        assertEquals(new ForwardFor(null, "X-Forwarded-For", true), proxy(c, "ifnone").options().forwardFor());
    }

    @Test
    void httpConnectionModeOptionsLastOneWins() {
        Config c = parse(HTTP_DEFAULTS + """
                  option http-server-close
                backend dflt
                  server s 10.0.0.1:80
                backend close
                  option http-keep-alive
                  option httpclose
                  server s 10.0.0.1:80
                backend ka
                  option httpclose
                  option http-keep-alive
                  server s 10.0.0.1:80
                backend cleared
                  no option http-server-close
                  server s 10.0.0.1:80
                backend untouched
                  no option httpclose
                  server s 10.0.0.1:80
                """);
        assertEquals(HttpConnectionMode.SERVER_CLOSE, proxy(c, "dflt").options().httpMode());
        assertEquals(HttpConnectionMode.CLOSE, proxy(c, "close").options().httpMode());
        assertEquals(HttpConnectionMode.KEEP_ALIVE, proxy(c, "ka").options().httpMode());
        assertNull(proxy(c, "cleared").options().httpMode());
        assertEquals(HttpConnectionMode.KEEP_ALIVE, proxy(c, "cleared").options().effectiveHttpMode(), "keep-alive is HAProxy's default");
        assertEquals(HttpConnectionMode.SERVER_CLOSE, proxy(c, "untouched").options().httpMode(), "'no' only clears its own mode");
        assertEquals(HttpConnectionMode.CLOSE, HttpConnectionMode.strongest(HttpConnectionMode.SERVER_CLOSE, HttpConnectionMode.CLOSE));
    }

    @Test
    void loggingAndOtherOptions() {
        Config c = parse(HTTP_DEFAULTS + """
                  option httplog clf
                  option dontlognull
                  option http-pretend-keepalive
                  option contstats
                frontend f
                  bind :80
                  option tcplog
                  option logasap
                  default_backend b
                backend b
                  option redispatch 2
                  option allbackups
                  option abortonclose
                  server s 10.0.0.1:80
                """);
        ProxyOptions f = proxy(c, "f").options();
        assertTrue(f.tcplog());
        assertFalse(f.httplog(), "tcplog replaces httplog");
        assertTrue(f.dontlognull());
        assertTrue(f.logasap());
        assertTrue(f.contstats());
        ProxyOptions b = proxy(c, "b").options();
        assertTrue(b.httplog());
        assertTrue(b.httplogClf());
        assertTrue(b.httpPretendKeepalive());
        assertTrue(b.redispatch());
        assertEquals(2, b.redispatchInterval());
        assertTrue(b.allbackups());
        assertTrue(b.abortonclose());
    }

    @Test
    void logTargetsInGlobalAndProxies() {
        Config c = parse("""
                global
                  log 127.0.0.1 local0
                  log 10.0.0.1:5514 len 2048 format rfc5424 local1 notice err
                  log stdout format raw daemon
                defaults
                  log global
                  mode http
                frontend f
                  bind :80
                  log 10.0.0.2 local3 info
                  default_backend b
                backend b
                  server s 10.0.0.1:80
                """);
        List<LogTarget> global = c.global().logs();
        assertEquals(new LogTarget(new Location("test.cfg", 2, 7), false, "127.0.0.1", 1024, "local", "local0", null, null), global.get(0));  // HAProxy's default format: "local" (no hostname)
        assertEquals(new LogTarget(new Location("test.cfg", 3, 7), false, "10.0.0.1:5514", 2048, "rfc5424", "local1", "notice", "err"), global.get(1));
        assertEquals(new LogTarget(new Location("test.cfg", 4, 7), false, "stdout", 1024, "raw", "daemon", null, null), global.get(2));
        Proxy f = proxy(c, "f");
        assertTrue(f.logGlobal());
        assertEquals(List.of("10.0.0.2|local3|info"), f.logs().stream().map(l -> l.address() + "|" + l.facility() + "|" + l.level()).toList());
        assertTrue(proxy(c, "b").logGlobal());
        assertEquals(List.of(), proxy(c, "b").logs());
    }

    @Test
    void capturesAndMonitorUri() {
        Config c = parse(HTTP_DEFAULTS + """
                frontend f
                  bind :80
                  capture request header Host len 32
                  capture request header User-Agent len 200
                  capture response header Content-Length len 10
                  monitor-uri /health
                  default_backend b
                backend b
                  server s 10.0.0.1:80
                """);
        Proxy f = proxy(c, "f");
        assertEquals(List.of(new Capture(true, "Host", 32), new Capture(true, "User-Agent", 200), new Capture(false, "Content-Length", 10)), f.captures());
        assertEquals("/health", f.monitorUri());
    }

    @Test
    void statsSettings() {
        Config c = parse(HTTP_DEFAULTS + """
                listen stats
                  bind :8404
                  stats enable
                  stats uri /admin?stats
                  stats realm Haproxy\\ Statistics
                  stats auth admin:secret
                  stats auth ops:other
                  stats refresh 10s
                  stats hide-version
                backend b
                  server s 10.0.0.1:80
                """);
        assertEquals(new StatsSettings(true, "/admin?stats", List.of("admin:secret", "ops:other"), 10_000, "Haproxy Statistics", true),
                proxy(c, "stats").stats());
        assertEquals(StatsSettings.OFF, proxy(c, "b").stats());
    }

    // ---- rules ---------------------------------------------------------------------------

    @Test
    void aclLinesOfOneNameAreKeptInOrder() {
        Config c = parse(HTTP_DEFAULTS + """
                frontend f
                  bind :80
                  acl is_static path_beg -i /static /images
                  acl is_static path_end .css .js
                  acl host_ws hdr_beg(Host) -i ws.
                  acl srv1_up nbsrv(b) gt 0
                  acl hdr_key hdr_cnt(Sec-WebSocket-Key) eq 1
                  default_backend b
                backend b
                  server s 10.0.0.1:80
                """);
        Proxy f = proxy(c, "f");
        assertEquals(List.of("is_static", "is_static", "host_ws", "srv1_up", "hdr_key"), f.acls().stream().map(AclLine::name).toList());
        List<AclLine> statics = f.acl("is_static");
        assertEquals(2, statics.size());
        assertEquals(MatchMethod.BEG, statics.get(0).acl().method());
        assertTrue(statics.get(0).acl().ignoreCase());
        assertEquals(List.of("/static", "/images"), statics.get(0).acl().values());
        assertEquals(MatchMethod.END, statics.get(1).acl().method());
        assertFalse(statics.get(1).acl().ignoreCase());
        assertEquals(new Location("test.cfg", 9, 7), statics.get(1).location());
        SampleExpr host = f.acl("host_ws").get(0).acl().sample();
        assertEquals("req.hdr", host.fetch().name());
        assertEquals(List.of("Host"), host.fetchArgs());
        assertEquals(List.of("b"), f.acl("srv1_up").get(0).acl().sample().backendRefs());
        assertEquals(MatchMethod.INT, f.acl("srv1_up").get(0).acl().method());
    }

    @Test
    void useBackendStaticWithConditionTreeAndDynamicExpression() {
        Config c = parse(HTTP_DEFAULTS + """
                frontend f
                  bind :80
                  acl a path_beg /a
                  acl b2 path_beg /b
                  acl c hdr(host) -i x.example
                  use_backend b if a !b2 or c
                  use_backend b unless { src 10.0.0.0/8 } || ! c
                  use_backend %[req.hdr(host),lower,map_dom(/etc/vxlb/hosts.map,b)]
                  default_backend b
                backend b
                  server s 10.0.0.1:80
                """);
        List<BackendSwitch> sw = proxy(c, "f").backendSwitches();
        assertEquals(3, sw.size());

        BackendSwitch first = sw.get(0);
        assertEquals("b", first.backend());
        assertNull(first.dynamic());
        Condition cond = first.condition();
        assertFalse(cond.unless());
        assertEquals(2, cond.orOfAnds().size());
        assertEquals(List.of("a", "b2"), cond.orOfAnds().get(0).stream().map(CondTerm::aclName).toList());
        assertEquals(List.of(false, true), cond.orOfAnds().get(0).stream().map(CondTerm::negated).toList());
        assertEquals(List.of("c"), cond.orOfAnds().get(1).stream().map(CondTerm::aclName).toList());
        assertEquals(List.of("a", "b2", "c"), cond.aclNames());

        Condition second = sw.get(1).condition();
        assertTrue(second.unless());
        assertEquals(2, second.orOfAnds().size());
        CondTerm anon = second.orOfAnds().get(0).get(0);
        assertNull(anon.aclName());
        assertEquals("src", anon.anonymous().sample().fetch().name());
        assertEquals(List.of("10.0.0.0/8"), anon.anonymous().values());
        assertTrue(second.orOfAnds().get(1).get(0).negated());

        BackendSwitch dyn = sw.get(2);
        assertNull(dyn.backend());
        assertNull(dyn.condition());
        assertEquals(1, dyn.dynamic().sampleExprs().size());
        SampleExpr e = dyn.dynamic().sampleExprs().get(0);
        assertEquals("req.hdr", e.fetch().name());
        assertEquals(List.of("lower", "map_dom"), e.converters().stream().map(cc -> cc.conv().name()).toList());
        assertEquals(List.of("/etc/vxlb/hosts.map"), e.mapFiles());
        assertEquals(List.of("/etc/vxlb/hosts.map", "b"), e.converters().get(1).args());
        assertEquals("b", proxy(c, "f").defaultBackend());
    }

    @Test
    void useServerRules() {
        Config c = parse(HTTP_DEFAULTS + """
                backend b
                  acl dev hdr_beg(host) -i dev.
                  use-server live unless dev
                  use-server test if dev
                  server live 10.0.0.1:80
                  server test 10.0.0.2:80
                """);
        List<UseServerRule> rules = proxy(c, "b").useServerRules();
        assertEquals(List.of("live", "test"), rules.stream().map(UseServerRule::server).toList());
        assertTrue(rules.get(0).condition().unless());
        assertFalse(rules.get(1).condition().unless());
    }

    @Test
    void redirects() {
        Config c = parse(HTTP_DEFAULTS + """
                frontend f
                  bind :80
                  acl main hdr_end(host) sample.com
                  redirect location /wt1 if main
                  redirect prefix https://www.example.com code 301 drop-query
                  redirect scheme https code 308 append-slash if !main
                  default_backend b
                backend b
                  server s 10.0.0.1:80
                """);
        List<Redirect> r = proxy(c, "f").redirects();
        assertEquals(3, r.size());
        assertEquals(Redirect.Type.LOCATION, r.get(0).type());
        assertEquals("/wt1", r.get(0).target().text());
        assertEquals(302, r.get(0).code());
        assertEquals(List.of("main"), r.get(0).condition().aclNames());
        assertEquals(Redirect.Type.PREFIX, r.get(1).type());
        assertEquals(301, r.get(1).code());
        assertTrue(r.get(1).dropQuery());
        assertNull(r.get(1).condition());
        assertEquals(Redirect.Type.SCHEME, r.get(2).type());
        assertEquals(308, r.get(2).code());
        assertTrue(r.get(2).appendSlash());
        assertTrue(r.get(2).condition().orOfAnds().get(0).get(0).negated());
    }

    @Test
    void httpRequestAndResponseActions() {
        Config c = parse(HTTP_DEFAULTS + """
                frontend f
                  bind :80
                  acl bad path_beg /admin
                  http-request deny if bad
                  http-request deny deny_status 429 if { src 10.0.0.1 }
                  http-request allow
                  http-request set-header X-LB %[req.hdr(Host),lower]%[url,lower]
                  http-request add-header X-Via "vxlb 1"
                  http-request del-header Proxy
                  http-request del-header X-Debug- -m beg
                  http-request replace-header Host (.*):80 \\1
                  http-request redirect scheme https unless { ssl_fc }
                  http-request return status 503 content-type text/plain string "down for maintenance" hdr Retry-After 120
                  http-request set-path /v2%[path]
                  http-request auth realm Private if bad
                  http-request tarpit
                  http-response set-header Strict-Transport-Security max-age=31536000
                  http-response del-header Server
                  http-response set-status 503 reason "Try later"
                  default_backend b
                backend b
                  server s 10.0.0.1:80
                """);
        List<HttpRule> req = proxy(c, "f").httpRequestRules();
        assertEquals(List.of("deny", "deny", "allow", "set-header", "add-header", "del-header", "del-header", "replace-header",
                "redirect", "return", "set-path", "auth", "tarpit"), req.stream().map(r -> r.action().keyword()).toList());
        assertEquals(403, ((io.vxlb.action.DenyAction) req.get(0).action()).status());
        assertEquals(List.of("bad"), req.get(0).condition().aclNames());
        assertEquals(429, ((io.vxlb.action.DenyAction) req.get(1).action()).status());
        assertNull(req.get(2).condition());

        io.vxlb.action.SetHeaderAction lb = assertInstanceOf(io.vxlb.action.SetHeaderAction.class, req.get(3).action());
        assertEquals("X-LB", lb.name());
        assertFalse(lb.add());
        assertEquals(List.of("req.hdr(Host),lower", "url,lower"), lb.value().sampleExprs().stream().map(SampleExpr::text).toList());
        io.vxlb.action.SetHeaderAction via = assertInstanceOf(io.vxlb.action.SetHeaderAction.class, req.get(4).action());
        assertTrue(via.add());
        assertEquals("vxlb 1", literalText(via.value()));
        assertEquals(new io.vxlb.action.DelHeaderAction("Proxy", "str"), req.get(5).action());
        assertEquals(new io.vxlb.action.DelHeaderAction("X-Debug-", "beg"), req.get(6).action());
        io.vxlb.action.ReplaceHeaderAction rh = assertInstanceOf(io.vxlb.action.ReplaceHeaderAction.class, req.get(7).action());
        assertEquals("Host", rh.name());
        assertEquals("(.*):80", rh.regex());
        assertEquals("\\1", rh.replacement().text());
        io.vxlb.action.RedirectAction redirect = assertInstanceOf(io.vxlb.action.RedirectAction.class, req.get(8).action());
        assertEquals(Redirect.Type.SCHEME, redirect.redirect().type());
        assertTrue(redirect.redirect().condition().unless());
        io.vxlb.action.ReturnAction ret = assertInstanceOf(io.vxlb.action.ReturnAction.class, req.get(9).action());
        assertEquals(503, ret.status());
        assertEquals("text/plain", ret.reply().contentType());
        assertEquals(io.vxlb.action.HttpReply.Kind.STRING, ret.reply().kind());
        assertEquals("down for maintenance", ret.reply().body());
        assertEquals(List.of("Retry-After"), ret.reply().headers().stream().map(io.vxlb.action.HttpReply.Header::name).toList());
        io.vxlb.action.SetRequestPartAction path = assertInstanceOf(io.vxlb.action.SetRequestPartAction.class, req.get(10).action());
        assertEquals(io.vxlb.action.SetRequestPartAction.Part.PATH, path.part());
        assertEquals("/v2%[path]", path.value().text());
        assertEquals(new io.vxlb.action.AuthAction("Private"), req.get(11).action());
        assertEquals(new io.vxlb.action.TarpitAction(500), req.get(12).action());

        List<HttpRule> res = proxy(c, "f").httpResponseRules();
        assertEquals(List.of("set-header", "del-header", "set-status"), res.stream().map(r -> r.action().keyword()).toList());
        assertEquals(new io.vxlb.action.SetStatusAction(503, "Try later"), res.get(2).action());
        assertEquals(new Location("test.cfg", 22, 17), res.get(0).location());
    }

    // ---- backends ------------------------------------------------------------------------

    @Test
    void cookiePersistence() {
        Config c = parse(HTTP_DEFAULTS + """
                backend ins
                  cookie SERVERID insert indirect nocache httponly secure domain .example.com maxidle 30m maxlife 8h
                  server s 10.0.0.1:80 cookie s1
                backend pre
                  cookie JSESSIONID prefix
                  server s 10.0.0.1:80
                backend rew
                  cookie SRV rewrite
                  server s 10.0.0.1:80
                backend pas
                  cookie SRV
                  server s 10.0.0.1:80
                """);
        assertEquals(new CookiePersistence("SERVERID", CookiePersistence.Method.INSERT, true, true, false, false, true, true,
                List.of(".example.com"), 1_800_000, 28_800_000, false, List.of()), proxy(c, "ins").cookie());
        assertEquals("s1", server(proxy(c, "ins"), "s").cookie());
        assertEquals(CookiePersistence.Method.PREFIX, proxy(c, "pre").cookie().method());
        assertEquals(CookiePersistence.Method.REWRITE, proxy(c, "rew").cookie().method());
        assertEquals(CookiePersistence.Method.PASSIVE, proxy(c, "pas").cookie().method());
    }

    @Test
    void balanceAlgorithmsAndArguments() {
        StringBuilder cfg = new StringBuilder(HTTP_DEFAULTS);
        String[] lines = {
                "roundrobin", "static-rr", "leastconn", "first", "source", "random", "random(3)", "uri", "uri whole len 12 depth 3",
                "url_param id", "url_param sid check_post 64", "hdr(Host)", "hdr(host) use_domain_only", "hash req.cook(sid),lower"};
        for (int i = 0; i < lines.length; i++) {
            cfg.append("backend b").append(i).append("\n  balance ").append(lines[i]).append("\n  server s 10.0.0.1:80\n");
        }
        Config c = parse(cfg.toString());
        List<Balance> got = c.proxies().stream().map(Proxy::balance).toList();
        assertEquals(List.of(
                new Balance(Balance.Algorithm.ROUNDROBIN, null, false, 0, 0, false, 2, -1),
                new Balance(Balance.Algorithm.STATIC_RR, null, false, 0, 0, false, 2, -1),
                new Balance(Balance.Algorithm.LEASTCONN, null, false, 0, 0, false, 2, -1),
                new Balance(Balance.Algorithm.FIRST, null, false, 0, 0, false, 2, -1),
                new Balance(Balance.Algorithm.SOURCE, null, false, 0, 0, false, 2, -1),
                new Balance(Balance.Algorithm.RANDOM, null, false, 0, 0, false, 2, -1),
                new Balance(Balance.Algorithm.RANDOM, null, false, 0, 0, false, 3, -1),
                new Balance(Balance.Algorithm.URI, null, false, 0, 0, false, 2, -1),
                new Balance(Balance.Algorithm.URI, null, true, 12, 3, false, 2, -1),
                new Balance(Balance.Algorithm.URL_PARAM, "id", false, 0, 0, false, 2, -1),
                new Balance(Balance.Algorithm.URL_PARAM, "sid", false, 0, 0, false, 2, 64),
                new Balance(Balance.Algorithm.HDR, "Host", false, 0, 0, false, 2, -1),
                new Balance(Balance.Algorithm.HDR, "host", false, 0, 0, true, 2, -1),
                new Balance(Balance.Algorithm.HASH, "req.cook(sid),lower", false, 0, 0, false, 2, -1)), got);
        assertTrue(got.get(4).isHashBased());
        assertFalse(got.get(0).isHashBased());
    }

    @Test
    void hashType() {
        Config c = parse(HTTP_DEFAULTS + """
                backend dflt
                  balance uri
                  server s 10.0.0.1:80
                backend cons
                  balance uri
                  hash-type consistent
                  server s 10.0.0.1:80
                backend full
                  balance source
                  hash-type map-based djb2 avalanche
                  server s 10.0.0.1:80
                """);
        assertEquals(HashType.DEFAULT, proxy(c, "dflt").hashType());
        // HAProxy 2.6 (cfgparse-listen.c): a bare "hash-type consistent" implies sdbm avalanche
        assertEquals(new HashType(HashType.Method.CONSISTENT, HashType.Function.SDBM, true), proxy(c, "cons").hashType());
        assertEquals(new HashType(HashType.Method.MAP_BASED, HashType.Function.DJB2, true), proxy(c, "full").hashType());
    }

    @Test
    void optionHttpchkForms() {
        ParseResult r = result(HTTP_DEFAULTS + """
                backend none
                  option httpchk
                  server s 10.0.0.1:80 check
                backend uri
                  option httpchk /health
                  server s 10.0.0.1:80 check
                backend meth
                  option httpchk HEAD /check.txt
                  server s 10.0.0.1:80 check
                backend ver
                  option httpchk HEAD /check.txt HTTP/1.0
                  server s 10.0.0.1:80 check
                backend hdrs
                  option httpchk GET / HTTP/1.1\\r\\nHost:\\ ws.domain.com\\r\\nConnection:\\ Upgrade
                  server s 10.0.0.1:80 check
                backend off
                  option httpchk
                  no option httpchk
                  server s 10.0.0.1:80 check
                """);
        assertTrue(r.ok(), r.diagnostics()::toString);
        Config c = r.config();
        assertEquals(CheckSettings.Kind.HTTP, proxy(c, "none").checks().kind());
        assertEquals(new HttpCheckRequest("OPTIONS", "/", "HTTP/1.0", List.of()), proxy(c, "none").checks().httpRequest());
        assertEquals(new HttpCheckRequest("OPTIONS", "/health", "HTTP/1.0", List.of()), proxy(c, "uri").checks().httpRequest());
        assertEquals(new HttpCheckRequest("HEAD", "/check.txt", "HTTP/1.0", List.of()), proxy(c, "meth").checks().httpRequest());
        assertEquals(new HttpCheckRequest("HEAD", "/check.txt", "HTTP/1.0", List.of()), proxy(c, "ver").checks().httpRequest());
        assertEquals(new HttpCheckRequest("GET", "/", "HTTP/1.1", List.of(
                new CheckStep.Header("Host", "ws.domain.com"), new CheckStep.Header("Connection", "Upgrade"))), proxy(c, "hdrs").checks().httpRequest());
        assertEquals(List.of("headers hidden at the end of the httpchk version string are deprecated (HAProxy 2.2+); accepted"), warningsAt(r, 19));
        assertEquals(CheckSettings.Kind.CONNECT, proxy(c, "off").checks().kind());
        assertNull(proxy(c, "off").checks().httpRequest());
    }

    @Test
    void httpCheckRules() {
        Config c = parse(HTTP_DEFAULTS + """
                backend b
                  option httpchk
                  http-check connect port 8080
                  http-check send meth GET uri /health ver HTTP/1.1 hdr Host www.example.com hdr X-Probe 1
                  http-check expect status 200-399
                  http-check expect ! string maintenance
                  http-check expect rstatus ^2
                  http-check disable-on-404
                  server s 10.0.0.1:80 check
                """);
        CheckSettings checks = proxy(c, "b").checks();
        assertEquals(CheckSettings.Kind.HTTP, checks.kind());
        assertTrue(checks.disableOn404());
        List<CheckStep> steps = checks.httpCheckSteps();
        assertEquals(5, steps.size());
        CheckStep.Connect connect = assertInstanceOf(CheckStep.Connect.class, steps.get(0));
        assertEquals(8080, connect.port());
        CheckStep.HttpSend send = assertInstanceOf(CheckStep.HttpSend.class, steps.get(1));
        assertEquals("GET", send.method());
        assertEquals("/health", send.uri());
        assertEquals("HTTP/1.1", send.version());
        assertEquals(List.of(new CheckStep.Header("Host", "www.example.com"), new CheckStep.Header("X-Probe", "1")), send.headers());
        assertNull(send.body());
        assertEquals(new CheckStep.Expect(new Location("test.cfg", 10, 14), false, CheckStep.ExpectKind.STATUS, "200-399"), steps.get(2));
        assertEquals(new CheckStep.Expect(new Location("test.cfg", 11, 14), true, CheckStep.ExpectKind.STRING, "maintenance"), steps.get(3));
        assertEquals(new CheckStep.Expect(new Location("test.cfg", 12, 14), false, CheckStep.ExpectKind.RSTATUS, "^2"), steps.get(4));
    }

    @Test
    void tcpCheckRulesDecodeEscapesAndHex() {
        Config c = parse("""
                defaults REDIS
                  mode tcp
                  timeout connect 4s
                  timeout server 30s
                  timeout client 30s
                backend redis
                  option tcp-check
                  tcp-check connect port 6379
                  tcp-check send PING\\r\\n
                  tcp-check expect string +PONG
                  tcp-check send info\\ replication\\r\\n
                  tcp-check expect rstring role:master
                  tcp-check send-binary 50494e470d0a
                  tcp-check expect binary 2b504f4e47
                  tcp-check comment "final step"
                  server r1 10.0.0.1:6379 check inter 1s
                backend r2
                  option redis-check
                  server r 10.0.0.2:6379 check
                """);
        CheckSettings checks = proxy(c, "redis").checks();
        assertEquals(CheckSettings.Kind.TCP_CHECK, checks.kind());
        List<CheckStep> steps = checks.tcpCheckSteps();
        assertEquals(8, steps.size());
        assertEquals(6379, assertInstanceOf(CheckStep.Connect.class, steps.get(0)).port());
        CheckStep.Send ping = assertInstanceOf(CheckStep.Send.class, steps.get(1));
        assertArrayEquals("PING\r\n".getBytes(StandardCharsets.US_ASCII), ping.data());
        assertFalse(ping.binary());
        assertEquals(new CheckStep.Expect(new Location("test.cfg", 10, 13), false, CheckStep.ExpectKind.STRING, "+PONG"), steps.get(2));
        assertArrayEquals("info replication\r\n".getBytes(StandardCharsets.US_ASCII), ((CheckStep.Send) steps.get(3)).data());
        assertEquals(CheckStep.ExpectKind.RSTRING, ((CheckStep.Expect) steps.get(4)).kind());
        CheckStep.Send bin = assertInstanceOf(CheckStep.Send.class, steps.get(5));
        assertTrue(bin.binary());
        assertArrayEquals("PING\r\n".getBytes(StandardCharsets.US_ASCII), bin.data());
        assertEquals(CheckStep.ExpectKind.BINARY, ((CheckStep.Expect) steps.get(6)).kind());
        assertEquals("final step", assertInstanceOf(CheckStep.Comment.class, steps.get(7)).text());
        assertEquals(CheckSettings.Kind.REDIS, proxy(c, "r2").checks().kind());
    }

    @Test
    void mysqlCheckUserAndPacketVersion() {
        Config c = parse("""
                defaults
                  mode tcp
                  option mysql-check user haproxy
                backend inherits
                  server m 10.0.0.1:3306 check
                backend pre
                  option mysql-check user hap pre-41
                  server m 10.0.0.1:3306 check
                backend bare
                  option mysql-check
                  server m 10.0.0.1:3306 check
                backend off
                  no option mysql-check
                  server m 10.0.0.1:3306 check
                """);
        assertEquals(CheckSettings.Kind.MYSQL, proxy(c, "inherits").checks().kind());
        assertEquals(new CheckSettings.Mysql("haproxy", true), proxy(c, "inherits").checks().mysql());
        assertEquals(new CheckSettings.Mysql("hap", false), proxy(c, "pre").checks().mysql());
        assertEquals(CheckSettings.Mysql.NO_USER, proxy(c, "bare").checks().mysql());
        assertEquals(CheckSettings.Kind.CONNECT, proxy(c, "off").checks().kind());
        assertNull(proxy(c, "off").checks().mysql());
        for (String[] bad : new String[][] {
                {"option mysql-check usr haproxy", "only supports optional values: 'user' (got 'usr')"},
                {"option mysql-check user", "expects <username>"},
                {"option mysql-check user haproxy post-42", "only supports 'post-41' and 'pre-41' (got 'post-42')"},
                {"option mysql-check user haproxy post-41 x", "too many arguments"}}) {
            ParseResult r = result("backend b\n  mode tcp\n  " + bad[0] + "\n  server m 10.0.0.1:3306 check\n");
            assertFalse(r.ok(), bad[0]);
            assertTrue(r.errors().get(0).message().contains(bad[1]), () -> bad[0] + ": " + r.errors().get(0).message());
        }
    }

    @Test
    void defaultServerSettingsFlowIntoServers() {
        Config c = parse(HTTP_DEFAULTS + """
                  default-server inter 3s rise 4 fall 5 weight 20 maxconn 100
                backend b
                  default-server fall 7
                  server a 10.0.0.1:80 check
                  server b 10.0.0.2:80 check weight 5 inter 1s fastinter 500ms
                  default-server weight 50
                  server c 10.0.0.3:80
                backend d
                  server s 10.0.0.4:80
                """);
        Server a = server(proxy(c, "b"), "a");
        assertEquals(3_000, a.inter());
        assertEquals(3_000, a.fastinter(), "fastinter defaults to inter");
        assertEquals(3_000, a.downinter(), "downinter defaults to inter");
        assertEquals(4, a.rise());
        assertEquals(7, a.fall(), "the backend's default-server line adds to the defaults section's");
        assertEquals(20, a.weight());
        assertEquals(100, a.maxconn());
        Server b = server(proxy(c, "b"), "b");
        assertEquals(1_000, b.inter());
        assertEquals(500, b.fastinter());
        assertEquals(1_000, b.downinter());
        assertEquals(5, b.weight());
        assertEquals(50, server(proxy(c, "b"), "c").weight(), "a later default-server line applies to the servers after it");
        Server s = server(proxy(c, "d"), "s");
        assertEquals(3_000, s.inter());
        assertEquals(5, s.fall());
        assertEquals(20, s.weight());
    }

    @Test
    void serverAddressesAndOptions() {
        Config c = parse(HTTP_DEFAULTS + """
                backend b
                  server full 10.0.0.1:8080 check inter 2s fastinter 1s downinter 5s rise 3 fall 2 weight 30 maxconn 200 minconn 10 maxqueue 50 cookie c1 id 7 source 10.0.0.200 port 9000 addr 10.0.0.9 observe layer7
                  server bak 10.0.0.2:80 backup disabled
                  server noport 10.0.0.3
                  server named app.internal:81
                  server v6 [2001:db8::1]:443 ssl verify none sni str(example.com)
                  server any 0.0.0.0:9090
                  server trk 10.0.0.4:80 track full
                  server trk2 10.0.0.5:80 track b/full
                """);
        Proxy b = proxy(c, "b");
        Server full = server(b, "full");
        assertEquals(new Server("full", new Location("test.cfg", 7, 10), "10.0.0.1", 8080, 7, true, 2_000, 1_000, 5_000, 3, 2,
                9000, "10.0.0.9", false, false, 30, 200, 10, 50, false, false, null, null, "c1", "10.0.0.200",
                false, 0, null, false, true, null, null, false), full);
        Server bak = server(b, "bak");
        assertTrue(bak.backup());
        assertTrue(bak.disabled());
        assertFalse(bak.check());
        assertEquals(0, server(b, "noport").port(), "no port: the client's destination port is used");
        assertEquals("app.internal:81", server(b, "named").endpoint());
        Server v6 = server(b, "v6");
        assertEquals("2001:db8::1", v6.address());
        assertEquals(443, v6.port());
        assertEquals("[2001:db8::1]:443", v6.endpoint());
        assertTrue(v6.ssl());
        assertTrue(v6.verifyNone());
        assertEquals("example.com", v6.sni(), "the constant of sni str(NAME)");
        assertEquals("0.0.0.0", server(b, "any").address());
        Server trk = server(b, "trk");
        assertTrue(trk.tracks());
        assertEquals("b", trk.trackBackend(), "track SERVER means a server of the same backend");
        assertEquals("full", trk.trackServer());
        assertEquals("b", server(b, "trk2").trackBackend());
        assertEquals(List.of("full", "bak", "noport", "named", "v6", "any", "trk", "trk2"), b.servers().stream().map(Server::name).toList());
    }

    // ---- global and other sections -------------------------------------------------------

    @Test
    void globalSettingsAndProcessKeywordsWarnings() {
        ParseResult r = result("""
                global
                  maxconn 20000
                  nbthread 4
                  maxconnrate 500
                  hard-stop-after 30s
                  log-tag vxlb
                  tune.bufsize 32768
                  tune.ssl.default-dh-param 2048
                  daemon
                  user haproxy
                  group haproxy
                  uid 200
                  gid 200
                  chroot /var/empty
                  ulimit-n 16384
                  nbproc 4
                  stats socket /run/haproxy.sock mode 660 level admin
                """);
        assertTrue(r.ok(), r.diagnostics()::toString);
        GlobalSection g = r.config().global();
        assertEquals(20_000, g.maxconn());
        assertEquals(4, g.nbthread());
        assertEquals(500, g.maxconnrate());
        assertEquals(30_000, g.hardStopAfterMillis());
        assertEquals("vxlb", g.logTag());
        assertEquals(Map.of("tune.bufsize", "32768", "tune.ssl.default-dh-param", "2048"), g.tune());
        assertEquals(List.of(new GlobalSection.StatsSocket(new Location("test.cfg", 17, 16), "/run/haproxy.sock", List.of("mode", "660", "level", "admin"))),
                g.statsSockets());
        // one warning per ignored line, naming the keyword, none silently dropped
        assertEquals(List.of("'tune.bufsize' is ignored: the JVM and Netty size their own buffers"), warningsAt(r, 7));
        Diagnostic tune = r.warnings().stream().filter(d -> d.location().line() == 8).findFirst().orElseThrow();
        assertEquals("tune.ssl.default-dh-param", tune.keyword());
        assertEquals("global", tune.section());
        String[] process = {"daemon", "user", "group", "uid", "gid", "chroot", "ulimit-n", "nbproc"};
        for (int i = 0; i < process.length; i++) {
            assertEquals(List.of("'" + process[i] + "' means nothing on the JVM and is ignored"), warningsAt(r, 9 + i), process[i]);
        }
        assertEquals(List.of(), warningsAt(r, 17), "stats socket is HAProxy's runtime API (io.vxlb.admin.cli), not ignored");
        assertFalse(warningsAt(r, 16).isEmpty());
        assertTrue(r.warnings().stream().filter(d -> d.location().line() == 16).findFirst().orElseThrow().hint().contains("removed in HAProxy 2.5"));
    }

    @Test
    void dynamicUpdateSectionCollectsMapUpdates() {
        Config c = parse("""
                dynamic-update
                  update id /etc/hapee-1.5/hosts.map url http://10.0.0.1/hosts.map delay 60s timeout 5s retries 3 map
                  update id /etc/vxlb/blocked.lst url https://lists.example.com/blocked delay 5m acl
                """);
        assertEquals(List.of(
                new MapUpdate(new Location("test.cfg", 2, 13), "/etc/hapee-1.5/hosts.map", "http://10.0.0.1/hosts.map", 60_000, 5_000, 3, true),
                new MapUpdate(new Location("test.cfg", 3, 13), "/etc/vxlb/blocked.lst", "https://lists.example.com/blocked", 300_000, 5_000, 3, false)),
                c.mapUpdates());
    }

    @Test
    void frontendKeywordInABackendIsIgnoredWithAWarningAsHaproxyDoes() {
        // seed 003 puts "option httplog" in a backend; HAProxy 2.6 warns "directive is ignored in backends"
        ParseResult r = result(HTTP_DEFAULTS + """
                backend b
                  option httplog
                  timeout client 5s
                  server s 10.0.0.1:80
                """);
        assertTrue(r.ok(), r.diagnostics()::toString);
        assertEquals(List.of("'option httplog' is ignored because backend 'b' has no frontend capability"), warningsAt(r, 7));
        assertEquals(List.of("'timeout client' is ignored because backend 'b' has no frontend capability"), warningsAt(r, 8));
        assertFalse(proxy(r.config(), "b").options().httplog());
        assertEquals(30_000, proxy(r.config(), "b").timeouts().client(), "the ignored line changed nothing");
    }

    @Test
    void aclAndConditionWarningsFromTheRuleLanguageAreReported() {
        // seed 003 lost the host names: "{ hdr(Host) -i }" is accepted but never matches
        ParseResult r = result(HTTP_DEFAULTS + """
                frontend f
                  bind :80
                  acl nothing hdr(host) -i
                  use_backend b if { hdr(Host) -i }
                  default_backend b
                backend b
                  server s 10.0.0.1:80
                """);
        assertTrue(r.ok(), r.diagnostics()::toString);
        assertEquals(1, warningsAt(r, 8).size());
        assertTrue(warningsAt(r, 8).get(0).contains("never match"), warningsAt(r, 8)::toString);
        assertEquals(1, warningsAt(r, 9).size());
        assertTrue(warningsAt(r, 9).get(0).contains("never match"), warningsAt(r, 9)::toString);
    }

    @Test
    void parsedButNotEnforcedKeywordsAreListedOnce() {
        ParseResult r = result(HTTP_DEFAULTS + """
                backend b
                  fullconn 10
                  server s 10.0.0.1:80
                """);
        List<Diagnostic> notYet = r.warnings().stream().filter(d -> d.message().startsWith("keywords parsed and validated but not yet enforced")).toList();
        assertEquals(1, notYet.size());
        assertTrue(notYet.get(0).message().contains("fullconn"), notYet.get(0).message());
    }

    @Test
    void sourcePortsAreParsedWithAWarning() {
        ParseResult r = result(HTTP_DEFAULTS + """
                backend b
                  server a 10.0.0.1:80 source 10.0.0.200
                  server r 10.0.0.2:80 source 10.0.0.200:1025-65000
                """);
        assertTrue(r.ok(), r.diagnostics()::toString);
        Server a = server(proxy(r.config(), "b"), "a");
        Server ranged = server(proxy(r.config(), "b"), "r");
        assertEquals("10.0.0.200", Server.sourceHost(a.source()));
        assertEquals("10.0.0.200", Server.sourceHost(ranged.source()));
        int line = ranged.location().line();
        assertTrue(warningsAt(r, line - 1).stream().noneMatch(w -> w.contains("source port")), warningsAt(r, line - 1)::toString);
        assertEquals(1, warningsAt(r, line).size(), warningsAt(r, line)::toString);
        assertTrue(warningsAt(r, line).get(0).contains("source port range 1025-65000 is not applied"), warningsAt(r, line)::toString);
        assertEquals(null, Server.sourceHost(null));
        assertEquals(null, Server.sourceHost("0.0.0.0"));
    }

    @Test
    void dispatchIsTheBackendsOnlyServer() {
        Proxy p = proxy(parse(HTTP_DEFAULTS + """
                listen fe
                  bind :80
                  dispatch 127.0.0.1:8081
                """), "fe");
        assertEquals(1, p.servers().size());
        Server s = server(p, "dispatch");
        assertEquals("127.0.0.1", s.address());
        assertEquals(8081, s.port());
        assertFalse(s.check());
        for (String[] bad : new String[][] {
                {"  server s1 127.0.0.1:8082\n  dispatch 127.0.0.1:8081\n", "'dispatch' in a backend that has servers"},
                {"  dispatch 127.0.0.1:8081\n  server s1 127.0.0.1:8082\n", "a server line in a backend with 'dispatch'"},
                {"  dispatch 127.0.0.1\n", "needs a host and one port"},
        }) {
            ParseResult r = result(HTTP_DEFAULTS + "backend be\n" + bad[0]);
            assertFalse(r.ok(), bad[0]);
            assertTrue(r.errors().get(0).message().contains(bad[1]), () -> bad[0] + ": " + r.errors().get(0).message());
        }
    }

    @Test
    void aNamedDefaultsSectionsCaptureSlotsComeFirstInItsFrontends() {
        Config c = parse("""
                defaults base
                  mode http
                  timeout connect 1s
                  timeout client 1s
                  timeout server 1s
                  http-request capture hdr(Host) len 64
                  http-request capture hdr(X-req-1) len 32
                frontend fe1 from base
                  bind :80
                  declare capture request len 32
                  http-request capture hdr(X-req-2) id 2
                  default_backend be
                defaults
                  mode http
                backend be
                  server s1 127.0.0.1:81
                """);
        List<Capture> caps = proxy(c, "fe1").captures();
        assertEquals(3, caps.size());
        assertEquals(64, caps.get(0).length());
        assertEquals(32, caps.get(2).length());
        ParseResult r = result("""
                defaults base
                  mode http
                  http-request capture hdr(Host) len 64
                backend be from base
                  server s1 127.0.0.1:81
                """);
        assertFalse(r.ok());
        assertTrue(r.errors().get(0).message().contains("declares capture slots"), r.errors().get(0).message());
    }
}
