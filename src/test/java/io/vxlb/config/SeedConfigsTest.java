package io.vxlb.config;

import io.vxlb.rules.CondTerm;
import io.vxlb.rules.SampleExpr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The seeds: (a) the runnable seed configurations of {@code src/test/resources/configs} parse
 * without error into the model their articles describe; (b) every configuration excerpt of the
 * blog texts in {@code src/test/resources/seeds} (verbatim copies of {@code ../shared/seeds}) gets
 * a verdict: complete excerpts pass, excerpts that lost addresses (or other words) in
 * publication fail with errors on exactly the seed lines of the damaged statements.
 */
class SeedConfigsTest {
    private static final Path CONFIGS = Path.of("src/test/resources/configs");
    private static final Path SEEDS = Path.of("src/test/resources/seeds");

    // ---- (a) runnable seed configurations ------------------------------------------------

    static Stream<Path> configFiles() throws IOException {
        try (Stream<Path> s = Files.list(CONFIGS)) {
            return s.filter(p -> p.toString().endsWith(".cfg")).sorted().toList().stream();
        }
    }

    /** Parses a config file given by an absolute path: nothing at parse time depends on the working directory. */
    private static Config config(String name) {
        ParseResult r = new ConfigParser().parseFiles(List.of(CONFIGS.resolve(name).toAbsolutePath()));
        assertTrue(r.ok(), () -> name + ":\n" + r.errors().stream().map(Diagnostic::format).collect(Collectors.joining("\n")));
        return r.config();
    }

    private static Proxy proxy(Config c, String name) {
        return c.proxy(name).orElseThrow(() -> new AssertionError("no proxy " + name));
    }

    @Test
    void theRunnableConfigsAreTheOnesWeKnow() throws IOException {
        assertEquals(List.of("balance-hash.cfg", "map-dom.cfg", "mysql-tcp.cfg", "redis-tcp.cfg", "rr-weights.cfg", "static-split.cfg", "vhost-cookie.cfg",
                        "ws-advanced.cfg", "ws-routing.cfg", "wt-affinity.cfg", "wt-basic.cfg", "wt-multidomain.cfg"),
                configFiles().map(p -> p.getFileName().toString()).toList());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configFiles")
    void everyRunnableConfigParsesWithoutError(Path file) {
        ParseResult r = new ConfigParser().parseFiles(List.of(file));
        assertTrue(r.ok(), () -> r.errors().stream().map(Diagnostic::format).collect(Collectors.joining("\n")));
        assertFalse(r.config().frontends().isEmpty(), "every seed config listens somewhere");
        for (Proxy p : r.config().frontends()) {
            assertTrue(p.binds().stream().allMatch(b -> "127.0.0.1".equals(b.host())), file + ": binds stay on loopback");
        }
    }

    @Test
    void wtAffinityRoutesOnSessionPrefixesAndTracksChecks() {
        Config c = config("wt-affinity.cfg");
        Proxy wt = proxy(c, "wt");
        assertEquals(2, wt.backendSwitches().size());
        assertEquals(List.of("bck1", "bck2"), wt.backendSwitches().stream().map(BackendSwitch::backend).toList());
        assertEquals(List.of("srv1_up", "srv1"), wt.backendSwitches().get(0).condition().aclNames());
        assertEquals(List.of("srv2_up", "srv2"), wt.backendSwitches().get(1).condition().aclNames());
        assertEquals(List.of("bck1"), wt.acl("srv1_up").get(0).acl().sample().backendRefs());
        assertEquals("nbsrv", wt.acl("srv1_up").get(0).acl().sample().fetch().name());
        assertEquals(List.of("bck2"), wt.acl("srv2_up").get(0).acl().sample().backendRefs());
        assertEquals(List.of("wtd=wt1"), wt.acl("srv1").get(0).acl().values());
        assertEquals("bck_lb", wt.defaultBackend());
        // contimeout/clitimeout/srvtimeout of the article
        assertEquals(new Timeouts(5_000, 50_000, 50_000, 0, 0, 0, 0, 0, 0, 0, 0), wt.timeouts());
        assertEquals(HttpConnectionMode.SERVER_CLOSE, wt.options().httpMode());
        assertTrue(wt.options().httpPretendKeepalive());
        assertTrue(wt.options().forwardFor() != null && wt.options().originalTo() != null);

        Proxy lb = proxy(c, "bck_lb");
        assertEquals(List.of("bck1/srv1", "bck2/srv2"), lb.servers().stream().map(s -> s.trackBackend() + "/" + s.trackServer()).toList());
        assertTrue(lb.servers().stream().noneMatch(Server::check));
        assertTrue(proxy(c, "bck1").server("srv1").orElseThrow().check());
        assertTrue(proxy(c, "bck2").server("srv2").orElseThrow().check());
    }

    @Test
    void redisTcpSendsPingInfoQuitWithLineEndings() {
        Config c = config("redis-tcp.cfg");
        Proxy be = proxy(c, "bk_redis");
        assertEquals("REDIS", be.defaultsName());
        assertEquals(Mode.TCP, be.mode());
        assertEquals(CheckSettings.Kind.TCP_CHECK, be.checks().kind());
        List<CheckStep> steps = be.checks().tcpCheckSteps();
        assertEquals(6, steps.size());
        assertArrayEquals("PING\r\n".getBytes(StandardCharsets.US_ASCII), ((CheckStep.Send) steps.get(0)).data());
        assertEquals("+PONG", ((CheckStep.Expect) steps.get(1)).pattern());
        assertArrayEquals("info replication\r\n".getBytes(StandardCharsets.US_ASCII), ((CheckStep.Send) steps.get(2)).data());
        assertEquals("role:master", ((CheckStep.Expect) steps.get(3)).pattern());
        assertArrayEquals("QUIT\r\n".getBytes(StandardCharsets.US_ASCII), ((CheckStep.Send) steps.get(4)).data());
        assertEquals("+OK", ((CheckStep.Expect) steps.get(5)).pattern());
        assertEquals(List.of(1_000L, 1_000L), be.servers().stream().map(Server::inter).toList());
        assertEquals("redis", proxy(c, "ft_redis").binds().get(0).name());
        assertEquals(4_000, proxy(c, "ft_redis").timeouts().connect());
    }

    @Test
    void mysqlTcpBalancesTwoServersWithTheMysqlCheck() {
        Config c = config("mysql-tcp.cfg");
        Proxy mysql = proxy(c, "mysql");
        assertEquals(Mode.TCP, mysql.mode());
        assertEquals(Balance.Algorithm.ROUNDROBIN, mysql.balance().algorithm());
        assertEquals(CheckSettings.Kind.MYSQL, mysql.checks().kind());
        assertEquals(List.of("mysql1", "mysql2"), mysql.servers().stream().map(Server::name).toList());
        assertTrue(mysql.servers().stream().allMatch(Server::check));
        assertEquals(List.of("127.0.0.1", "127.0.0.1"), mysql.servers().stream().map(Server::source).toList());
        assertTrue(mysql.options().tcplog());
    }

    @Test
    void wsAdvancedChecksWithAWebsocketHandshake() {
        Config c = config("ws-advanced.cfg");
        Proxy ws = proxy(c, "bk_ws");
        HttpCheckRequest chk = ws.checks().httpRequest();
        assertEquals("GET", chk.method());
        assertEquals("/", chk.uri());
        assertEquals("HTTP/1.1", chk.version());
        assertEquals(List.of("Host: ws.domain.com", "Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Key: haproxy",
                        "Sec-WebSocket-Version: 13", "Sec-WebSocket-Protocol: echo-protocol"),
                chk.headers().stream().map(h -> h.name() + ": " + h.value()).toList());
        assertEquals(List.of(new CheckStep.Expect(new Location(CONFIGS.resolve("ws-advanced.cfg").toAbsolutePath().toString(), 83, 14),
                false, CheckStep.ExpectKind.STATUS, "101")), ws.checks().httpCheckSteps());
        // the handshake validation: deny unless all four ACLs match, then deny unknown protocols
        assertEquals(2, ws.httpRequestRules().size());
        List<CondTerm> terms = ws.httpRequestRules().get(0).condition().orOfAnds().get(0);
        assertEquals(List.of("hdr_connection_upgrade", "hdr_upgrade_websocket", "hdr_websocket_key", "hdr_websocket_version"),
                terms.stream().map(CondTerm::aclName).toList());
        assertTrue(terms.stream().allMatch(CondTerm::negated));
        assertEquals(List.of(3_000L, 3_000L), ws.servers().stream().map(Server::inter).toList(), "default-server inter 3s");
        assertEquals(List.of(30_000, 30_000), ws.servers().stream().map(Server::maxconn).toList());
        assertEquals(3_600_000, ws.timeouts().tunnel());
        assertEquals(10_000, ws.backlog());
        Proxy front = proxy(c, "ft_web");
        assertEquals(60_000, front.maxconn());
        assertEquals(List.of("bk_ws", "bk_ws"), front.backendSwitches().stream().map(BackendSwitch::backend).toList());
        assertEquals(new HttpCheckRequest("HEAD", "/", "HTTP/1.0", List.of()), proxy(c, "bk_web").checks().httpRequest());
    }

    @Test
    void mapDomRoutesWithOneDynamicUseBackend() {
        Config c = config("map-dom.cfg");
        List<BackendSwitch> sw = proxy(c, "ft_allapps").backendSwitches();
        assertEquals(1, sw.size());
        assertNull(sw.get(0).backend());
        SampleExpr e = sw.get(0).dynamic().sampleExprs().get(0);
        assertEquals("req.hdr(host),lower,map_dom(hosts.map,bk_default)", e.text());
        assertEquals(List.of("lower", "map_dom"), e.converters().stream().map(cc -> cc.conv().name()).toList());
        // kept as written: like HAProxy, a relative map path is resolved when the map is loaded (not at parse time)
        assertEquals(List.of("hosts.map"), e.mapFiles());
        assertEquals(List.of("hosts.map", "bk_default"), e.converters().get(1).args());
        Proxy old = proxy(c, "ft_allapps_acl");
        assertEquals(List.of("app1.example.com", "example.org"),
                old.backendSwitches().get(0).condition().anonymousAcls().get(0).values());
        assertEquals("bk_default", old.defaultBackend());
    }

    @Test
    void balanceHashBackends() {
        Config c = config("balance-hash.cfg");
        Map<String, String> algos = new LinkedHashMap<>();
        for (Proxy p : c.backends()) {
            Balance b = p.balance();
            algos.put(p.name(), b.algorithm().word + (b.parameter() != null ? " " + b.parameter() : "") + (b.whole() ? " whole" : ""));
            assertEquals(HashType.Method.CONSISTENT, p.hashType().method(), p.name());
            assertEquals(3, p.servers().size());
        }
        assertEquals(Map.of("bk_static_uri", "uri", "bk_static_uri_whole", "uri whole", "bk_static_param", "url_param id",
                "bk_static_hdr", "hdr Host", "bk_static_xlb", "hdr X-LB"), algos);
        io.vxlb.action.SetHeaderAction xlb = (io.vxlb.action.SetHeaderAction) proxy(c, "bk_static_xlb").httpRequestRules().get(0).action();
        assertEquals(List.of("req.hdr(Host),lower", "url,lower"), xlb.value().sampleExprs().stream().map(SampleExpr::text).toList());
    }

    @Test
    void staticSplitAndWeights() {
        Config split = config("static-split.cfg");
        Proxy pub = proxy(split, "ft_public");
        assertEquals(2, pub.backendSwitches().get(0).condition().orOfAnds().size(), "static_domain or static_content");
        assertEquals(List.of("static.", "images."), pub.acl("static_domain").get(0).acl().values());
        assertEquals(List.of(".jpg", ".png", ".gif", ".css", ".js"), pub.acl("static_content").get(0).acl().values());
        assertTrue(proxy(split, "bk_static").options().forwardFor() != null);

        Config rr = config("rr-weights.cfg");
        assertEquals(List.of(1, 2, 3), proxy(rr, "bk_rr").servers().stream().map(Server::weight).toList());
        assertEquals(List.of(10, 10), proxy(rr, "bk_rr10").servers().stream().map(Server::weight).toList());
    }

    @Test
    void vhostCookieAndWsRoutingAndWtBasic() {
        Config v = config("vhost-cookie.cfg");
        for (String be : List.of("urlencode", "wedding")) {
            Proxy p = proxy(v, be);
            assertEquals(new CookiePersistence("SERVERID", CookiePersistence.Method.INSERT, true, true, false, false, false, false,
                    List.of(), 0, 0, false, List.of()), p.cookie());
            assertEquals(new HttpCheckRequest("HEAD", "/check.txt", "HTTP/1.0", List.of()), p.checks().httpRequest());
            assertEquals(HttpConnectionMode.CLOSE, p.options().httpMode());
            assertEquals("Local", p.server("Local").orElseThrow().cookie());
            assertFalse(p.server("Local").orElseThrow().check(), "httpchk configured, but no server has 'check'");
        }
        assertEquals(4096, v.global().maxconn());

        Config ws = config("ws-routing.cfg");
        assertEquals(List.of("public_sub", "public_uri", "public_detect"), ws.frontends().stream().map(Proxy::name).toList());
        assertEquals(600_000, proxy(ws, "ws").timeouts().server());
        assertEquals(30_000, proxy(ws, "www").timeouts().server());

        Config basic = config("wt-basic.cfg");
        Proxy listen = proxy(basic, "wt_basic");
        assertEquals(ProxyKind.LISTEN, listen.kind());
        assertEquals(8080, listen.binds().get(0).port());
        assertTrue(listen.server("srv1").orElseThrow().check());
    }

    @Test
    void wtMultidomainRedirectsAndUseServer() {
        Config c = config("wt-multidomain.cfg");
        Proxy in = proxy(c, "http-in");
        assertEquals(List.of("/wt1", "/wt2"), in.redirects().stream().map(r -> r.target().text()).toList());
        List<CondTerm> main = in.redirects().get(0).condition().orOfAnds().get(0);
        assertEquals(List.of("is_wt_Main", "wt_path", "wt_srv_up", "apache_path", "wt_resource", "is_dev_URL"),
                main.stream().map(CondTerm::aclName).toList());
        assertEquals(List.of(false, true, false, true, true, true), main.stream().map(CondTerm::negated).toList());
        assertEquals(2, in.acl("wt_path").size());
        assertEquals(3, in.acl("wt_resource").size());
        Proxy wt = proxy(c, "wt");
        assertEquals(List.of("Wt_Live", "Wt_Dev"), wt.useServerRules().stream().map(UseServerRule::server).toList());
        assertEquals(List.of("wt_hp/Wt_Live", "wt_dev/Wt_Dev"), wt.servers().stream().map(s -> s.trackBackend() + "/" + s.trackServer()).toList());
        assertEquals(10_000, proxy(c, "apache").timeouts().connect());
    }

    // ---- (b) excerpts of the blog texts --------------------------------------------------

    /**
     * One configuration excerpt of a seed text: the seed file's number, what the excerpt is,
     * its line ranges (inclusive; every other line is blanked so that line numbers stay the
     * seed's own), optional context lines written on blank seed lines, the expected errors
     * (seed line → fragment of the message; empty = the excerpt must pass) and expected
     * warnings (seed line → fragment).
     */
    record Excerpt(String seed, String what, List<int[]> ranges, Map<Integer, String> context,
                   Map<Integer, String> errors, Map<Integer, String> warnings) {
        Excerpt fails(int line, String fragment) {
            Map<Integer, String> e = new TreeMap<>(errors);
            e.put(line, fragment);
            return new Excerpt(seed, what, ranges, context, e, warnings);
        }

        Excerpt warns(int line, String fragment) {
            Map<Integer, String> w = new TreeMap<>(warnings);
            w.put(line, fragment);
            return new Excerpt(seed, what, ranges, context, errors, w);
        }

        /** The article shows a statement out of its section: name the section on the blank seed line above. */
        Excerpt inSection(int blankLine, String header) {
            Map<Integer, String> c = new TreeMap<>(context);
            c.put(blankLine, header);
            return new Excerpt(seed, what, ranges, c, errors, warnings);
        }

        @Override
        public String toString() {
            return "seed " + seed + " " + ranges.stream().map(r -> r[0] + "-" + r[1]).collect(Collectors.joining(",")) + ": " + what;
        }
    }

    /** An excerpt made of line ranges given as pairs: {@code lines(12, 37)} or {@code lines(5, 25, 37, 42)}. */
    private static Excerpt excerpt(String seed, String what, int... pairs) {
        List<int[]> ranges = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) ranges.add(new int[] {pairs[i], pairs[i + 1]});
        return new Excerpt(seed, what, ranges, Map.of(), Map.of(), Map.of());
    }

    static Stream<Excerpt> excerpts() {
        return Stream.of(
                // ---- seed 000: Wt documentation, "Using HAproxy as a reverse proxy"
                excerpt("000", "Basic setup: global, defaults and 'listen 0.0.0.0:8181' (an address where the name goes, no bind)", 12, 37)
                        .fails(36, "listen '0.0.0.0:8181' has no 'bind' line")
                        .warns(32, "'contimeout' is deprecated; treated as 'timeout connect 5000'")
                        .warns(18, "'daemon' means nothing on the JVM"),
                excerpt("000", "Using session affinity: url_sub + nbsrv routing, bck_lb servers tracking bck1/bck2", 47, 92),
                excerpt("000", "Running multiple apps for multiple domains: use-server in backend wt uses the frontend's ACL", 107, 202)
                        .fails(184, "no ACL named 'is_dev_URL' in backend 'wt'")
                        .fails(187, "no ACL named 'is_dev_URL' in backend 'wt'"),

                // ---- seed 001: Wt blog, the same affinity config with its global/defaults headers, bind and addresses lost
                excerpt("001", "HAproxy + Wt: session affinity config without section headers, bind or server addresses", 28, 65)
                        .fails(28, "'log' appears before any section")
                        .fails(45, "frontend 'wt' has no 'bind' line")
                        .fails(56, "server 'srv1' has no address: 'track' is a server option")
                        .fails(57, "server 'srv2' has no address: 'track' is a server option")
                        .fails(61, "server 'srv1' has no address: 'check' is a server option")
                        .fails(65, "server 'srv2' has no address: 'check' is a server option"),

                // ---- seed 002: haproxy and WSGI (complete; its Unix-process keywords are warnings)
                excerpt("002", "Urlenco.de virtual hosting: hdr_end ACLs, cookie insert, httpchk, legacy timeouts", 11, 56)
                        .warns(18, "'nbproc' means nothing on the JVM")
                        .warns(17, "'chroot' means nothing on the JVM"),

                // ---- seed 003: HAProxy Technologies blog archive
                // "<frontend settings>" and "<parameters ...>" are the article's placeholders. Verdict:
                // they are parsed as written (an operator pasting them gets an error on each), and
                // what they stand for is then missing: the frontend has no bind, bk_dynamic is not
                // declared. The article's req.hdr_beg is refused as HAProxy 2.6 does (the use_backend
                // of that ACL then names an ACL that does not exist, as in HAProxy).
                excerpt("003", "Content switching sniplet with placeholders", 53, 60)
                        .fails(53, "frontend 'ft_public' has no 'bind' line")
                        .fails(54, "unknown keyword '<frontend' in 'frontend' section")
                        .fails(55, "unknown fetch method 'req.hdr_beg'")
                        .fails(57, "no ACL named 'static_domain'")
                        .fails(58, "no backend named 'bk_dynamic'")
                        .fails(60, "unknown keyword '<parameters' in 'backend' section"),
                // Backend fragments with no server: complete as fragments. With no defaults they are
                // TCP backends, so the L7 hashes warn (HAProxy 2.6 warns the same way).
                excerpt("003", "balance uri + hash-type consistent", 91, 93).warns(91, "'balance uri' needs HTTP"),
                excerpt("003", "balance uri whole", 99, 101).warns(99, "'balance uri' needs HTTP"),
                excerpt("003", "balance url_param id", 109, 111).warns(109, "'balance url_param' needs HTTP"),
                excerpt("003", "balance hdr(Host)", 118, 120).warns(118, "'balance hdr' needs HTTP"),
                excerpt("003", "X-LB header from req.hdr(Host) and req.uri (no such fetch in HAProxy 2.6)", 129, 132)
                        .fails(130, "unknown fetch method 'req.uri'"),
                // "The old way": the host names were lost ("{ hdr(Host) -i }"), which HAProxy accepts
                // as an ACL that never matches (a warning); the fragment declares neither a bind nor
                // its backends.
                excerpt("003", "The old way of mapping: acl + use_backend per host", 166, 169)
                        .fails(166, "frontend 'ft_allapps' has no 'bind' line")
                        .fails(167, "no backend named 'bk_app1'")
                        .fails(168, "no backend named 'bk_app2'")
                        .fails(169, "no backend named 'bk_default'")
                        .warns(167, "so it will never match")
                        .warns(168, "so it will never match"),
                excerpt("003", "The new way: one dynamic use_backend with map_dom (the map file name was lost)", 185, 186)
                        .fails(185, "frontend 'ft_allapps' has no 'bind' line")
                        .fails(186, "converter 'map_dom': '/etc/hapee-1.5/' is a directory, not a map file"),
                // A statement to "add in your configuration", i.e. in HAPEE's dynamic-update section.
                excerpt("003", "map auto update statement (map file and URL lost)", 204, 204)
                        .inSection(203, "dynamic-update")
                        .fails(204, "missing the map file after 'id'"),
                excerpt("003", "Redis advanced health check (bind and server addresses, backslashes lost)", 245, 264)
                        .fails(252, "missing address before 'name'")
                        .fails(259, "unexpected 'replicationrn'")
                        .fails(263, "server 'R1' has no address: 'check' is a server option")
                        .fails(264, "server 'R2' has no address: 'check' is a server option")
                        .warns(257, "'PINGrn' ends with 'rn'")
                        .warns(261, "'QUITrn' ends with 'rn'"),
                // The global header and the log address were lost: " log local2" is an orphan line.
                excerpt("003", "syslog-ng article's minimal HAProxy configuration", 293, 313)
                        .fails(293, "'log' appears before any section")
                        .fails(296, "missing address before 'ssl'")
                        .fails(313, "server 'srv1' has no address")
                        .warns(311, "'option httplog' is ignored because backend 'bk_http' has no frontend capability"),
                // (lines 321-349 are syslog-ng's configuration language, not HAProxy's: not parsed)
                // The article shows server lines "to add"; they belong to the MySQL backend.
                excerpt("003", "MySQL: several source IPs (server addresses and source IPs lost)", 468, 469)
                        .inSection(467, "backend bk_mysql")
                        .fails(468, "server 'mysql1' has no address: 'check' is a server option")
                        .fails(469, "server 'mysql1_bis' has no address: 'check' is a server option"),
                excerpt("003", "MySQL: HAProxy manages the source ports (addresses lost)", 480, 481)
                        .inSection(479, "backend bk_mysql")
                        .fails(480, "server 'mysql1' has no address: 'check' is a server option")
                        .fails(481, "server 'mysql1_bis' has no address: 'check' is a server option"),
                // Both websocket configurations lost their "defaults" header line (the frontend and
                // backend headers survived): the defaults body is one orphan block, reported once.
                excerpt("003", "Websockets, simple configuration", 588, 617)
                        .fails(588, "'mode' appears before any section")
                        .fails(610, "missing address before 'name'")
                        .fails(616, "server 'websrv1' has no address: 'maxconn' is a server option")
                        .fails(617, "server 'websrv2' has no address: 'maxconn' is a server option"),
                excerpt("003", "Websockets, advanced configuration (also a line wrapped inside an ACL name, httpchk backslashes lost)", 626, 689)
                        .fails(626, "'mode' appears before any section")
                        .fails(648, "missing address before 'name'")
                        .fails(665, "server 'websrv1' has no address: 'maxconn' is a server option")
                        .fails(666, "server 'websrv2' has no address: 'maxconn' is a server option")
                        .fails(676, "no ACL named 'hdr_w' in backend 'bk_ws'")
                        .fails(677, "unknown keyword 'ebsocket_key' in 'backend' section")
                        .fails(685, "invalid HTTP version 'HTTP/1.1rnHost: ws.domain.comrnConnection: Upgrade'")
                        .fails(688, "server 'websrv1' has no address: 'maxconn' is a server option")
                        .fails(689, "server 'websrv2' has no address: 'maxconn' is a server option"),

                // ---- seed 004: Proxying WebSockets with HAProxy. The article's "top portion" (global
                // and defaults) precedes each frontend; the backends of example 1 "will not change"
                // and are left out of examples 2 and 3, so they are read with them.
                excerpt("004", "the top portion: global and defaults", 5, 25),
                excerpt("004", "1. proxy based on sub-domain, with the www and ws backends", 5, 25, 32, 42),
                excerpt("004", "2. proxy based on URI", 5, 25, 37, 42, 48, 53),
                excerpt("004", "3. proxy using WebSocket detection", 5, 25, 37, 42, 57, 62));
    }

    private static Path seedFile(String number) throws IOException {
        try (Stream<Path> s = Files.list(SEEDS)) {
            return s.filter(p -> p.getFileName().toString().startsWith(number + "_")).findFirst()
                    .orElseThrow(() -> new AssertionError("no seed " + number));
        }
    }

    /** The excerpt's text: seed lines in its ranges, context on its blank lines, every other line empty. */
    private static String text(Excerpt x, List<String> seedLines) {
        StringBuilder sb = new StringBuilder();
        for (int n = 1; n <= seedLines.size(); n++) {
            final int line = n;
            boolean kept = x.ranges().stream().anyMatch(r -> line >= r[0] && line <= r[1]);
            String context = x.context().get(line);
            if (context != null) {
                assertFalse(kept, "context line " + line + " overlaps the excerpt");
                assertTrue(seedLines.get(line - 1).isBlank(), "context replaces only blank seed lines, not line " + line);
            }
            sb.append(kept ? seedLines.get(line - 1) : context != null ? context : "").append('\n');
        }
        return sb.toString();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("excerpts")
    void seedExcerptGetsItsVerdict(Excerpt x) throws IOException {
        Path seed = seedFile(x.seed());
        List<String> lines = Arrays.asList(Files.readString(seed, StandardCharsets.UTF_8).split("\r?\n", -1));
        String file = "seeds/" + seed.getFileName();
        ParseResult r = new ConfigParser(name -> null).parse(file, text(x, lines));
        String all = r.diagnostics().stream().map(Diagnostic::format).collect(Collectors.joining("\n"));

        assertEquals(new TreeSet<>(x.errors().keySet()), r.errors().stream().map(d -> d.location().line()).collect(Collectors.toCollection(TreeSet::new)),
                () -> "error lines of " + x + ":\n" + all);
        assertEquals(x.errors().isEmpty(), r.ok(), all);
        for (Map.Entry<Integer, String> e : x.errors().entrySet()) {
            List<Diagnostic> at = r.errors().stream().filter(d -> d.location().line() == e.getKey()).toList();
            assertEquals(1, at.size(), () -> "one error at seed line " + e.getKey() + ":\n" + all);
            assertTrue(at.get(0).message().contains(e.getValue()), () -> "seed line " + e.getKey() + " should say '" + e.getValue() + "':\n" + all);
            assertEquals(file, at.get(0).location().file());
            assertTrue(at.get(0).location().column() >= 1);
        }
        for (Map.Entry<Integer, String> w : x.warnings().entrySet()) {
            assertTrue(r.warnings().stream().anyMatch(d -> d.location().line() == w.getKey() && d.message().contains(w.getValue())),
                    () -> "seed line " + w.getKey() + " should warn '" + w.getValue() + "':\n" + all);
        }
    }

    @Test
    void seedTextsAreVerbatimCopies() throws IOException {
        // the shared originals may be absent in a standalone clone: compare only when present
        Path shared = Path.of("..", "shared", "seeds");
        assumeTrue(Files.isDirectory(shared), "../shared/seeds is not beside this clone");
        try (Stream<Path> s = Files.list(SEEDS)) {
            for (Path p : s.sorted().toList()) {
                assertEquals(Files.readString(shared.resolve(p.getFileName())), Files.readString(p), p.toString());
            }
        }
    }
}
