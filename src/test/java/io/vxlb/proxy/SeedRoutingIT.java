package io.vxlb.proxy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every routing decision the seeds' configurations make, through the real proxy: the runnable
 * configs of src/test/resources/configs with their loopback ports swapped for free ones.
 */
class SeedRoutingIT {
    private ProxyFixture fx;

    @AfterEach
    void tearDown() {
        if (fx != null) fx.close();
    }

    /** Loads a seed config, turning 127.0.0.1:80xx / 90xx into placeholders FE80xx / BE90xx. */
    private ProxyFixture seed(String file, String... backendPorts) throws IOException {
        String text = Files.readString(Path.of("src/test/resources/configs", file));
        text = text.replaceAll("127\\.0\\.0\\.1:(80\\d\\d)", "127.0.0.1:\\${FE$1}").replaceAll("127\\.0\\.0\\.1:(90\\d\\d)", "127.0.0.1:\\${BE$1}");
        fx = new ProxyFixture();
        for (String p : backendPorts) fx.backend("BE" + p);
        return fx.start(text);
    }

    private String servedBy(String fe, String uri, String... headers) {
        ProxyFixture.Response r = fx.get(fe, uri, headers);
        assertEquals(200, r.status(), () -> "status for " + uri + ": " + r.body());
        return r.body();
    }

    @Test
    void wtAffinityRoutesSessionPrefixesToTheirServer() throws IOException {
        seed("wt-affinity.cfg", "9001", "9002");
        assertEquals("BE9001", servedBy("FE8080", "/app?wtd=wt1abcdef"));
        assertEquals("BE9002", servedBy("FE8080", "/app?wtd=wt2abcdef"));
        assertEquals("BE9002", servedBy("FE8080", "/app?x=1&wtd=wt2zz"));
        // no session: bck_lb round robin over both
        String a = servedBy("FE8080", "/");
        String b = servedBy("FE8080", "/");
        assertEquals(2, java.util.Set.of(a, b).size());
    }

    @Test
    void staticSplitByHostPrefixOrPathSuffix() throws IOException {
        seed("static-split.cfg", "9001", "9002");
        assertEquals("BE9001", servedBy("FE8080", "/index.html", "Host", "static.example.com"));
        assertEquals("BE9001", servedBy("FE8080", "/a", "Host", "IMAGES.example.com"));
        assertEquals("BE9001", servedBy("FE8080", "/style.CSS", "Host", "www.example.com"));
        assertEquals("BE9002", servedBy("FE8080", "/login", "Host", "www.example.com"));
        assertEquals("127.0.0.1", fx.backends.get(1).last().header("x-forwarded-for"));
    }

    @Test
    void virtualHostsByHostSuffix() throws IOException {
        seed("vhost-cookie.cfg", "9001", "9002");
        assertEquals("BE9001", servedBy("FE8080", "/", "Host", "urlenco.de"));
        assertEquals("BE9002", servedBy("FE8080", "/", "Host", "www.erinandtylerswedding.com"));
        assertEquals("BE9001", servedBy("FE8080", "/", "Host", "other.org"));
    }

    @Test
    void websocketRoutingBySubdomainPathAndUpgradeHeader() throws IOException {
        seed("ws-routing.cfg", "9001", "9002");
        assertEquals("BE9002", servedBy("FE8080", "/", "Host", "ws.example.com"));
        assertEquals("BE9001", servedBy("FE8080", "/", "Host", "www.example.com"));
        assertEquals("BE9002", servedBy("FE8081", "/websockets/chat", "Host", "example.com"));
        assertEquals("BE9001", servedBy("FE8081", "/websockets/chat", "Host", "example.org"));
        assertEquals("BE9002", servedBy("FE8082", "/", "Host", "ws.example.com", "Upgrade", "WebSocket"));
        assertEquals("BE9001", servedBy("FE8082", "/", "Host", "ws.example.com"));
    }

    @Test
    void mapDomRoutesHostsToBackendsAndUnknownNamesToTheDefault() throws IOException {
        String text = Files.readString(Path.of("src/test/resources/configs/map-dom.cfg"))
                .replace("map_dom(hosts.map", "map_dom(src/test/resources/configs/hosts.map");
        Path tmp = Files.createTempDirectory("vxlb-map-dom");
        Files.writeString(tmp.resolve("map-dom.cfg"), text);
        fx = new ProxyFixture();
        fx.backend("BE9001");
        fx.backend("BE9002");
        fx.backend("BE9003");
        fx.start(text.replaceAll("127\\.0\\.0\\.1:(80\\d\\d)", "127.0.0.1:\\${FE$1}").replaceAll("127\\.0\\.0\\.1:(90\\d\\d)", "127.0.0.1:\\${BE$1}"));
        assertEquals("BE9001", servedBy("FE8080", "/", "Host", "APP1.example.com"));
        assertEquals("BE9001", servedBy("FE8080", "/", "Host", "example.org"));
        assertEquals("BE9002", servedBy("FE8080", "/", "Host", "shop.example.net"));
        assertEquals("BE9003", servedBy("FE8080", "/", "Host", "nowhere.example.com"));
        // the map names a backend that does not exist: HAProxy falls back to default_backend, and
        // this frontend has none (stream.c process_switching_rules), so no server: 503
        assertEquals(503, fx.get("FE8080", "/", "Host", "ghost.example.com").status());
        // the ACL spelling of the same routing
        assertEquals("BE9002", servedBy("FE8081", "/", "Host", "app2.example.com"));
        assertEquals("BE9003", servedBy("FE8081", "/", "Host", "nowhere"));
    }

    @Test
    void weightedRoundRobinServesInHaproxysOrder() throws IOException {
        seed("rr-weights.cfg", "9001", "9002", "9003");
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < 12; i++) order.append(servedBy("FE8080", "/")).append(' ');
        // HAProxy 2.6.12 with weights 1/2/3 on w1/w2/w3 (same FWRR as its 3/2/1 order s1 s2 s1 s3 s1 s2)
        assertEquals("BE9003 BE9002 BE9003 BE9001 BE9003 BE9002 BE9003 BE9002 BE9003 BE9001 BE9003 BE9002 ", order.toString());
        StringBuilder alt = new StringBuilder();
        for (int i = 0; i < 4; i++) alt.append(servedBy("FE8081", "/")).append(' ');
        assertEquals("BE9001 BE9002 BE9001 BE9002 ", alt.toString());
    }

    @Test
    void wtMultidomainRedirectsAndUseServer() throws IOException {
        seed("wt-multidomain.cfg", "9001", "9002", "9003");
        ProxyFixture.Response r = fx.get("FE8080", "/", "Host", "www.sample.com");
        assertEquals(302, r.status());
        assertEquals("/wt1", r.headers().get("location"));
        r = fx.get("FE8080", "/", "Host", "example.com");
        assertEquals(302, r.status());
        assertEquals("/wt2", r.headers().get("location"));
        // already on the app path: no redirect; use-server picks Wt_Live unless dev.
        assertEquals("BE9001", servedBy("FE8080", "/wt1/page", "Host", "www.sample.com"));
        assertEquals("BE9002", servedBy("FE8080", "/anything", "Host", "dev.sample.com"));
    }
}
