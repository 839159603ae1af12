package io.vxlb.lb;

import io.vxlb.config.Balance;
import io.vxlb.config.HashType;
import io.vxlb.config.Location;
import io.vxlb.config.Server;
import io.vxlb.rules.LogVariable;
import io.vxlb.rules.Txn;
import io.vxlb.runtime.ServerRuntime;
import io.vxlb.runtime.ServerState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Map-based hashing placed as HAProxy 2.6.12 places it: every expected server below was observed
 * on real HAProxy (Debian 2.6.12) with the same backend, so a mixed fleet agrees on each key.
 */
class MapHashBalancerTest {
    private static Server server(String name, int weight) {
        return new Server(name, new Location("t", 1, 1), "127.0.0.1", 1, 0, false, 2000, 2000, 2000, 2, 3, 0, null, false,
                false, weight, 0, 0, 0, false, false, null, null, null, null, false, 0, null, false, false, null, null, false);
    }

    private static MapHashBalancer balancer(Balance balance, int... weights) {
        List<ServerRuntime> servers = new ArrayList<>();
        Map<String, ServerState> states = new HashMap<>();
        for (int i = 0; i < weights.length; i++) {
            ServerRuntime s = new ServerRuntime("be", server("s" + (i + 1), weights[i]));
            servers.add(s);
            states.put(s.key, new ServerState(true, ServerState.Admin.READY, weights[i]));
        }
        return new MapHashBalancer(balance, HashType.DEFAULT, servers, states, false);
    }

    private static Txn uri(String uri) {
        return request(uri, null);
    }

    private static Txn host(String host) {
        return request("/", host);
    }

    private static Txn request(String uri, String host) {
        return new Txn() {
            public String srcAddress() { return "127.0.0.1"; }
            public int srcPort() { return 1; }
            public String dstAddress() { return "127.0.0.1"; }
            public int dstPort() { return 80; }
            public boolean ssl() { return false; }
            public String sni() { return null; }
            public String frontendName() { return "fe"; }
            public String backendName() { return "be"; }
            public String method() { return "GET"; }
            public String uri() { return uri; }
            public String version() { return "1.1"; }
            public int requestHeaderCount() { return host == null ? 0 : 1; }
            public String requestHeaderName(int i) { return "Host"; }
            public String requestHeaderValue(int i) { return host; }
            public int status() { return 0; }
            public int responseHeaderCount() { return 0; }
            public String responseHeaderName(int i) { throw new IndexOutOfBoundsException(); }
            public String responseHeaderValue(int i) { throw new IndexOutOfBoundsException(); }
            public int nbsrv(String backend) { return 0; }
            public boolean srvIsUp(String backend, String server) { return false; }
            public Object variable(String name) { return null; }
            public void setVariable(String name, Object value) { }
            public void appendLogVariable(LogVariable v, StringBuilder out) { }
        };
    }

    @Test
    void balanceUriWithWeightsPlacesKeysLikeHaproxy() {
        // backend: balance uri; s1, s2 weight 2, s3
        MapHashBalancer b = balancer(new Balance(Balance.Algorithm.URI, null, false, 0, 0, false, 2, -1), 1, 2, 1);
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("/a", "s2");
        expected.put("/b", "s3");
        expected.put("/c", "s1");
        expected.put("/index.html", "s2");
        expected.put("/img/logo.png", "s2");
        expected.put("/x/y/z", "s2");
        expected.put("/a?q=1", "s2");
        expected.put("/static/app.js", "s1");
        expected.put("/foo", "s3");
        expected.put("/bar", "s1");
        expected.put("/baz", "s1");
        expected.put("/qux", "s2");
        Map<String, String> actual = new LinkedHashMap<>();
        for (String u : expected.keySet()) actual.put(u, b.pick(null, uri(u), null).server.name());
        assertEquals(expected, actual);
    }

    @Test
    void balanceUrlParamPlacesKeysLikeHaproxy() {
        MapHashBalancer b = balancer(new Balance(Balance.Algorithm.URL_PARAM, "id", false, 0, 0, false, 2, -1), 1, 1, 1);
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("/?id=1", "s2");
        expected.put("/?id=2", "s3");
        expected.put("/?id=3", "s1");
        expected.put("/?x=1&id=abc", "s3");
        expected.put("/?id=hello&y=2", "s3");
        expected.put("/?id=42", "s1");
        expected.put("/p?id=zz", "s2");
        expected.put("/?id=user7", "s1");
        Map<String, String> actual = new LinkedHashMap<>();
        for (String u : expected.keySet()) actual.put(u, b.pick(null, uri(u), null).server.name());
        assertEquals(expected, actual);
    }

    @Test
    void balanceHdrWithAndWithoutUseDomainOnlyPlacesKeysLikeHaproxy() {
        MapHashBalancer full = balancer(new Balance(Balance.Algorithm.HDR, "Host", false, 0, 0, false, 2, -1), 1, 1, 1);
        MapHashBalancer domain = balancer(new Balance(Balance.Algorithm.HDR, "Host", false, 0, 0, true, 2, -1), 1, 1, 1);
        String[] hosts = {"a.example.com", "b.example.com", "www.example.org", "api.test", "foo.bar.example.net", "localhost"};
        // HAProxy 2.6.12, balance hdr(Host) / balance hdr(Host) use_domain_only, three servers
        String[] expectedFull = {"s2", "s2", "s1", "s2", "s2", "s1"};
        String[] expectedDomain = {"s2", "s2", "s2", "s2", "s2", "s1"};
        for (int i = 0; i < hosts.length; i++) {
            assertEquals(expectedFull[i], full.pick(null, host(hosts[i]), null).server.name(), hosts[i]);
            assertEquals(expectedDomain[i], domain.pick(null, host(hosts[i]), null).server.name(), hosts[i] + " use_domain_only");
        }
        assertEquals("example", HashKey.domainOnly("www.example.org"));
        assertEquals("bar", HashKey.domainOnly("foo.bar.example"));
    }

    @Test
    void staticRoundRobinWalksHaproxysWeightMap() {
        MapHashBalancer b = balancer(new Balance(Balance.Algorithm.STATIC_RR, null, false, 0, 0, false, 2, -1), 3, 2, 1);
        List<String> picks = new ArrayList<>();
        for (int i = 0; i < 12; i++) picks.add(b.pick(null, uri("/"), null).server.name());
        // HAProxy 2.6.12, balance static-rr, weights 3/2/1
        assertEquals(List.of("s1", "s1", "s2", "s1", "s2", "s3", "s1", "s1", "s2", "s1", "s2", "s3"), picks);
    }

    @Test
    void aMissingParameterFallsBackToTheMapInRoundRobinOrder() {
        MapHashBalancer b = balancer(new Balance(Balance.Algorithm.URL_PARAM, "id", false, 0, 0, false, 2, -1), 1, 1, 1);
        List<String> picks = new ArrayList<>();
        for (int i = 0; i < 6; i++) picks.add(b.pick(null, uri("/nothing"), null).server.name());
        assertEquals(List.of("s1", "s2", "s3", "s1", "s2", "s3"), picks);
    }
}
