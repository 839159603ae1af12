package io.vxlb.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vxlb.config.AclLine;
import io.vxlb.config.BackendSwitch;
import io.vxlb.config.ConfigParser;
import io.vxlb.config.HttpRule;
import io.vxlb.config.ParseResult;
import io.vxlb.config.Proxy;
import io.vxlb.config.Redirect;
import io.vxlb.maps.FileMapSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The seeds' routing decisions end to end: the runnable seed configurations are parsed by the
 * real configuration parser, their rules compiled here, and evaluated on transactions.
 */
class SeedRuntimeTest {
    private static final Path CONFIGS = Path.of("src/test/resources/configs");

    /** One proxy section of a seed with its rules compiled. */
    private static final class Frontend {
        final Proxy proxy;
        final Map<String, List<AclDef>> acls = new LinkedHashMap<>();
        final RuleCompiler compiler = new RuleCompiler(new FileMapSource(CONFIGS), p -> {
            try {
                return Files.readAllLines(CONFIGS.resolve(p));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        Frontend(String file, String name) throws IOException {
            ParseResult r = new ConfigParser().parse(file, Files.readString(CONFIGS.resolve(file)));
            assertTrue(r.ok(), () -> r.errors().toString());
            proxy = r.config().proxy(name).orElseThrow();
            for (AclLine a : proxy.acls()) {
                acls.computeIfAbsent(a.name(), k -> new ArrayList<>()).add(a.acl());
            }
        }

        /** use_backend rules in order, then default_backend (what the proxy does). */
        String route(TestTxn t) {
            for (BackendSwitch s : proxy.backendSwitches()) {
                if (s.condition() == null || compiler.compile(s.condition(), acls).test(t)) {
                    return s.dynamic() != null ? compiler.compile(s.dynamic()).format(t) : s.backend();
                }
            }
            return proxy.defaultBackend();
        }

        /** The target of the first redirect rule that applies, or null. */
        String redirect(TestTxn t) {
            for (Redirect r : proxy.redirects()) {
                if (r.condition() == null || compiler.compile(r.condition(), acls).test(t)) {
                    return compiler.compile(r.target()).format(t);
                }
            }
            return null;
        }

        boolean denied(TestTxn t) {
            for (HttpRule r : proxy.httpRequestRules()) {
                if (r.action() instanceof io.vxlb.action.DenyAction
                        && (r.condition() == null || compiler.compile(r.condition(), acls).test(t))) {
                    return true;
                }
            }
            return false;
        }

        String setHeader(String header, TestTxn t) {
            for (HttpRule r : proxy.httpRequestRules()) {
                if (r.action() instanceof io.vxlb.action.SetHeaderAction h && h.name().equalsIgnoreCase(header)) {
                    return compiler.compile(h.value()).format(t);
                }
            }
            return null;
        }
    }

    @Test
    void wtAffinityRoutesTheSessionPrefixToAServerThatIsUp() throws IOException {
        Frontend wt = new Frontend("wt-affinity.cfg", "wt");
        TestTxn both = TestTxn.get("/app?wtd=wt1xyz").servers("bck1", 1).servers("bck2", 1);
        assertEquals("bck1", wt.route(both));
        assertEquals("bck2", wt.route(TestTxn.get("/app?wtd=wt2abc").servers("bck1", 1).servers("bck2", 1)));
        // the server of the session is down: nbsrv(bck1) gt 0 fails, the pool takes over
        assertEquals("bck_lb", wt.route(TestTxn.get("/app?wtd=wt1xyz").servers("bck1", 0).servers("bck2", 1)));
        assertEquals("bck_lb", wt.route(TestTxn.get("/app").servers("bck1", 1).servers("bck2", 1)));
    }

    @Test
    void wtMultidomainRedirectsAndRoutes() throws IOException {
        Frontend fe = new Frontend("wt-multidomain.cfg", "http-in");
        assertEquals("/wt1", fe.redirect(TestTxn.get("/").host("www.sample.com").servers("wt_hp", 1)));
        assertEquals("/wt2", fe.redirect(TestTxn.get("/").host("www.example.com").servers("wt_hp", 1)));
        // already on a Wt path, on a resource, on the dev. host, or Wt down: no redirect
        assertEquals(null, fe.redirect(TestTxn.get("/wt1/x").host("www.sample.com").servers("wt_hp", 1)));
        assertEquals(null, fe.redirect(TestTxn.get("/resources/a.css").host("www.sample.com").servers("wt_hp", 1)));
        assertEquals(null, fe.redirect(TestTxn.get("/").host("DEV.sample.com").servers("wt_hp", 1)));
        assertEquals(null, fe.redirect(TestTxn.get("/").host("www.sample.com")));
        // hdr_end(host) sample.com is case-sensitive (no -i)
        assertEquals(null, fe.redirect(TestTxn.get("/").host("www.SAMPLE.com").servers("wt_hp", 1)));
        assertEquals("apache", fe.route(TestTxn.get("/html/index.html").host("www.sample.com")));
        assertEquals("wt", fe.route(TestTxn.get("/html/index.html").host("www.sample.com").servers("wt_hp", 1)));
    }

    @Test
    void vhostsByHdrEndIgnoringCase() throws IOException {
        Frontend fe = new Frontend("vhost-cookie.cfg", "http-in");
        assertEquals("wedding", fe.route(TestTxn.get("/").host("www.ErinAndTylersWedding.com")));
        assertEquals("urlencode", fe.route(TestTxn.get("/").host("urlenco.de")));
        assertEquals("urlencode", fe.route(TestTxn.get("/").host("other.test")));
    }

    @Test
    void staticSplitByHostPrefixOrPathSuffix() throws IOException {
        Frontend fe = new Frontend("static-split.cfg", "ft_public");
        assertEquals("bk_static", fe.route(TestTxn.get("/x").host("Static.example.com")));
        assertEquals("bk_static", fe.route(TestTxn.get("/x").host("images.example.com")));
        assertEquals("bk_static", fe.route(TestTxn.get("/a/b/logo.PNG").host("www.example.com")));
        assertEquals("bk_static", fe.route(TestTxn.get("/site.css?v=3").host("www.example.com")));
        assertEquals("bk_dynamic", fe.route(TestTxn.get("/app.php").host("www.example.com")));
        assertEquals("bk_dynamic", fe.route(TestTxn.get("/app.php").host("www.static.example.com")));
    }

    @Test
    void mapDomRoutesHostsThroughTheMap() throws IOException {
        Frontend fe = new Frontend("map-dom.cfg", "ft_allapps");
        assertEquals("bk_app1", fe.route(TestTxn.get("/").host("App1.Example.com")));
        assertEquals("bk_app1", fe.route(TestTxn.get("/").host("example.org")));
        assertEquals("bk_app1", fe.route(TestTxn.get("/").host("www.example.org:8080"))); // dom: delimited words
        assertEquals("bk_app2", fe.route(TestTxn.get("/").host("shop.example.net")));
        assertEquals("bk_missing", fe.route(TestTxn.get("/").host("ghost.example.com")));
        assertEquals("bk_default", fe.route(TestTxn.get("/").host("unknown.test")));
        assertEquals("bk_default", fe.route(TestTxn.get("/").host("myexample.org"))); // not a whole word
        // no Host header: the sample is missing, so %[...] is empty (the proxy then uses default_backend)
        assertEquals("", fe.route(TestTxn.get("/")));
        Frontend acl = new Frontend("map-dom.cfg", "ft_allapps_acl");
        assertEquals("bk_app2", acl.route(TestTxn.get("/").host("SHOP.example.net")));
        assertEquals("bk_default", acl.route(TestTxn.get("/").host("app1.example.com.evil")));
    }

    @Test
    void websocketRouting() throws IOException {
        Frontend sub = new Frontend("ws-routing.cfg", "public_sub");
        assertEquals("ws", sub.route(TestTxn.get("/").host("chat.WS.example.com")));
        assertEquals("www", sub.route(TestTxn.get("/").host("www.example.com")));
        Frontend uri = new Frontend("ws-routing.cfg", "public_uri");
        assertEquals("ws", uri.route(TestTxn.get("/WebSockets/chat").host("www.example.com")));
        assertEquals("www", uri.route(TestTxn.get("/WebSockets/chat").host("www.example.net")));
        Frontend detect = new Frontend("ws-routing.cfg", "public_detect");
        TestTxn upgrade = TestTxn.get("/").host("ws.example.com").header("Connection", "Upgrade").header("Upgrade", "websocket");
        assertEquals("ws", detect.route(upgrade));
        assertEquals("www", detect.route(TestTxn.get("/").host("ws.example.com")));
    }

    @Test
    void websocketHandshakeValidation() throws IOException {
        Frontend web = new Frontend("ws-advanced.cfg", "ft_web");
        TestTxn upgrade = TestTxn.get("/").host("www.example.com").header("Connection", "keep-alive, Upgrade")
                .header("Upgrade", "WebSocket");
        assertEquals("bk_ws", web.route(upgrade));
        assertEquals("bk_ws", web.route(TestTxn.get("/").host("WS.example.com")));
        assertEquals("bk_web", web.route(TestTxn.get("/").host("www.example.com")));

        String backendWithDeny = "bk_ws";
        Frontend ws = new Frontend("ws-advanced.cfg", backendWithDeny);
        TestTxn good = TestTxn.get("/").header("Connection", "Upgrade").header("Upgrade", "websocket")
                .header("Sec-WebSocket-Key", "k").header("Sec-WebSocket-Version", "13")
                .header("Sec-WebSocket-Protocol", "echo-protocol");
        assertFalse(ws.denied(good));
        // the first deny needs ALL four checks to fail; the second denies a wrong sub-protocol
        TestTxn noProto = TestTxn.get("/").header("Connection", "Upgrade").header("Upgrade", "websocket");
        assertTrue(ws.denied(noProto));
        TestTxn nothing = TestTxn.get("/").header("Sec-WebSocket-Protocol", "echo-protocol");
        assertTrue(ws.denied(nothing));
    }

    @Test
    void setHeaderWithTwoSamples() throws IOException {
        Frontend fe = new Frontend("balance-hash.cfg", "bk_static_xlb"); // the rule is in the backend
        assertEquals("www.example.com/path/file?q=x",
                fe.setHeader("X-LB", TestTxn.get("/Path/File?Q=X").host("WWW.Example.com")));
        assertEquals("/a", fe.setHeader("X-LB", TestTxn.get("/A")));
    }

    @Test
    void seedExpressionsWithTheCopiedMap() {
        CompiledLogFormat f = Rules.format("%[req.hdr(host),lower,map_dom(hosts.map,bk_default)]");
        assertEquals("bk_app2", f.format(TestTxn.get("/").host("App2.Example.COM")));
        assertEquals("bk_default", f.format(TestTxn.get("/").host("x.test")));
        CompiledLogFormat xlb = Rules.format("%[req.hdr(Host),lower]%[url,lower]");
        assertEquals("a.b/c?d", xlb.format(TestTxn.get("/C?D").host("A.B")));
        assertFalse(xlb.isConstant());
    }
}
