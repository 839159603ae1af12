package io.vxlb.lb;

import io.vxlb.config.Balance;
import io.vxlb.config.HashType;
import io.vxlb.config.Location;
import io.vxlb.config.Server;
import io.vxlb.rules.RuleCompiler;
import io.vxlb.rules.SampleExprParser;
import io.vxlb.runtime.ServerRuntime;
import io.vxlb.runtime.ServerState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code hash-type consistent} placed as HAProxy places it. Every golden table below was observed
 * on real HAProxy 2.6.12 (Debian 2.6.12-1+deb12u3, /usr/sbin/haproxy -db) with the backend quoted
 * above it: all servers pointed at one {@code listen} answering {@code http-request return}, the
 * backend added {@code http-response set-header x-srv %[srv_name]}, and a Python http.client
 * script sent each key once on a fresh connection and read {@code x-srv}. Server ids were
 * confirmed with {@code show servers state}. The same keys sent through vxlb itself (same
 * configuration, one origin per server) landed on the same servers, 215 of 215.
 */
class ChashBalancerTest {
    private static final Balance URI = new Balance(Balance.Algorithm.URI, null, false, 0, 0, false, 2, -1);
    private static final HashType CONSISTENT = new HashType(HashType.Method.CONSISTENT, HashType.Function.SDBM, true);

    record Srv(String name, int id, int weight, boolean backup, boolean disabled) {
        static Srv of(String name, int id, int weight) {
            return new Srv(name, id, weight, false, false);
        }
    }

    static Server server(String name, int id, int weight, boolean backup) {
        return new Server(name, new Location("t", 1, 1), "127.0.0.1", 1, id, false, 2000, 2000, 2000, 2, 3, 0, null, false,
                false, weight, 0, 0, 0, backup, false, null, null, null, null, false, 0, null, false, false, null, null, false);
    }

    /** A backend's servers and their states; {@code disabled} ones are in maintenance. */
    static final class Backend {
        final List<ServerRuntime> servers = new ArrayList<>();
        final Map<String, ServerState> states = new HashMap<>();

        Backend(Srv... list) {
            for (Srv s : list) {
                ServerRuntime r = new ServerRuntime("be", server(s.name, s.id, s.weight, s.backup));
                servers.add(r);
                states.put(r.key, new ServerState(true, s.disabled ? ServerState.Admin.MAINT : ServerState.Admin.READY, s.weight));
            }
        }

        ServerRuntime get(String name) {
            return servers.stream().filter(s -> s.server.name().equals(name)).findFirst().orElseThrow();
        }

        Backend set(String name, ServerState state) {
            states.put(get(name).key, state);
            return this;
        }

        ChashBalancer chash(HashKey key) {
            return new ChashBalancer(key, servers, states, false);
        }
    }

    static Map<String, String> table(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) continue;
            int arrow = line.lastIndexOf(" -> ");
            m.put(line.substring(0, arrow), line.substring(arrow + 4).trim());
        }
        return m;
    }

    static Map<String, String> placements(Balancer b, Map<String, String> golden, Function<String, TestTxn> request) {
        Map<String, String> actual = new LinkedHashMap<>();
        for (String k : golden.keySet()) actual.put(k, b.pick(null, request.apply(k), null).server.name());
        return actual;
    }

    // backend ba
    //     balance uri
    //     hash-type consistent
    //     server s1 127.0.0.1:28090 id 2 weight 1
    //     server s2 127.0.0.1:28090 weight 3        (HAProxy numbers it 3)
    //     server s3 127.0.0.1:28090 weight 2        (4)
    //     server s4 127.0.0.1:28090 id 9 weight 1
    //     server s5 127.0.0.1:28090 weight 1        (6)
    static Backend backendA() {
        return new Backend(Srv.of("s1", 2, 1), Srv.of("s2", 0, 3), Srv.of("s3", 0, 2), Srv.of("s4", 9, 1), Srv.of("s5", 0, 1));
    }

    static final Map<String, String> GOLDEN_URI = table("""
            / -> s1
            /a -> s3
            /b -> s4
            /c -> s1
            /index.html -> s3
            /img/logo.png -> s3
            /x/y/z -> s5
            /a?q=1 -> s3
            /static/app.js -> s4
            /foo -> s2
            /bar -> s3
            /baz -> s2
            /qux -> s1
            /item/0 -> s5
            /item/1 -> s5
            /item/2 -> s2
            /item/3 -> s2
            /item/4 -> s2
            /item/5 -> s2
            /item/6 -> s4
            /item/7 -> s5
            /item/8 -> s5
            /item/9 -> s4
            /item/10 -> s2
            /item/11 -> s3
            /item/12 -> s4
            /item/13 -> s3
            /item/14 -> s3
            /item/15 -> s3
            /item/16 -> s3
            /item/17 -> s4
            /item/18 -> s2
            /item/19 -> s5
            /item/20 -> s1
            /item/21 -> s1
            /item/22 -> s5
            /item/23 -> s4
            /item/24 -> s1
            /p0/q?x=0 -> s2
            /p1/q?x=1 -> s3
            /p2/q?x=2 -> s2
            /p3/q?x=3 -> s5
            /p4/q?x=4 -> s3
            /p5/q?x=5 -> s1
            /p6/q?x=6 -> s3
            /p7/q?x=7 -> s3
            /p8/q?x=8 -> s5
            /p9/q?x=9 -> s3
            /p10/q?x=10 -> s1
            /p11/q?x=11 -> s2
            """);

    // the same backend after "set server ba/s3 state maint" on the CLI
    static final Map<String, String> GOLDEN_URI_S3_MAINT = table("""
            / -> s1
            /a -> s1
            /b -> s4
            /c -> s1
            /index.html -> s2
            /img/logo.png -> s1
            /x/y/z -> s5
            /a?q=1 -> s1
            /static/app.js -> s4
            /foo -> s2
            /bar -> s5
            /baz -> s2
            /qux -> s1
            /item/0 -> s5
            /item/1 -> s5
            /item/2 -> s2
            /item/3 -> s2
            /item/4 -> s2
            /item/5 -> s2
            /item/6 -> s4
            /item/7 -> s5
            /item/8 -> s5
            /item/9 -> s4
            /item/10 -> s2
            /item/11 -> s2
            /item/12 -> s4
            /item/13 -> s5
            /item/14 -> s1
            /item/15 -> s4
            /item/16 -> s4
            /item/17 -> s4
            /item/18 -> s2
            /item/19 -> s5
            /item/20 -> s1
            /item/21 -> s1
            /item/22 -> s5
            /item/23 -> s4
            /item/24 -> s1
            /p0/q?x=0 -> s2
            /p1/q?x=1 -> s5
            /p2/q?x=2 -> s2
            /p3/q?x=3 -> s5
            /p4/q?x=4 -> s2
            /p5/q?x=5 -> s1
            /p6/q?x=6 -> s5
            /p7/q?x=7 -> s4
            /p8/q?x=8 -> s5
            /p9/q?x=9 -> s1
            /p10/q?x=10 -> s1
            /p11/q?x=11 -> s2
            """);

    // the same backend after "set server ba/s3 state ready" and "set server ba/s2 weight 5"
    static final Map<String, String> GOLDEN_URI_S2_WEIGHT_5 = table("""
            / -> s1
            /a -> s3
            /b -> s4
            /c -> s1
            /index.html -> s3
            /img/logo.png -> s3
            /x/y/z -> s2
            /a?q=1 -> s3
            /static/app.js -> s4
            /foo -> s2
            /bar -> s2
            /baz -> s2
            /qux -> s1
            /item/0 -> s5
            /item/1 -> s5
            /item/2 -> s2
            /item/3 -> s2
            /item/4 -> s2
            /item/5 -> s2
            /item/6 -> s2
            /item/7 -> s5
            /item/8 -> s5
            /item/9 -> s4
            /item/10 -> s2
            /item/11 -> s2
            /item/12 -> s2
            /item/13 -> s2
            /item/14 -> s3
            /item/15 -> s2
            /item/16 -> s3
            /item/17 -> s4
            /item/18 -> s2
            /item/19 -> s5
            /item/20 -> s1
            /item/21 -> s2
            /item/22 -> s5
            /item/23 -> s4
            /item/24 -> s1
            /p0/q?x=0 -> s2
            /p1/q?x=1 -> s2
            /p2/q?x=2 -> s2
            /p3/q?x=3 -> s5
            /p4/q?x=4 -> s3
            /p5/q?x=5 -> s1
            /p6/q?x=6 -> s2
            /p7/q?x=7 -> s3
            /p8/q?x=8 -> s2
            /p9/q?x=9 -> s3
            /p10/q?x=10 -> s1
            /p11/q?x=11 -> s2
            """);

    @Test
    void automaticServerIdsAreNumberedAsCfgparseDoes() {
        Backend b = backendA();
        // confirmed with "show servers state": s1 2, s2 3, s3 4, s4 9, s5 6
        assertEquals(List.of(2, 3, 4, 9, 6), java.util.Arrays.stream(ChashBalancer.puids(b.servers)).boxed().toList());
    }

    @Test
    void balanceUriPlacesKeysLikeHaproxy() {
        assertEquals(GOLDEN_URI, placements(backendA().chash(new HashKey(URI, CONSISTENT, null)), GOLDEN_URI, TestTxn::uri));
    }

    @Test
    void aServerInMaintenanceOnlyMovesItsOwnKeysAsInHaproxy() {
        Backend b = backendA().set("s3", new ServerState(true, ServerState.Admin.MAINT, 2));
        Map<String, String> after = placements(b.chash(new HashKey(URI, CONSISTENT, null)), GOLDEN_URI_S3_MAINT, TestTxn::uri);
        assertEquals(GOLDEN_URI_S3_MAINT, after);
        for (String k : GOLDEN_URI.keySet()) {
            if (!GOLDEN_URI.get(k).equals("s3")) assertEquals(GOLDEN_URI.get(k), after.get(k), k + " moved though its server stayed");
        }
    }

    @Test
    void aWeightChangeAddsPointsLikeHaproxy() {
        Backend b = backendA().set("s2", new ServerState(true, ServerState.Admin.READY, 5));
        assertEquals(GOLDEN_URI_S2_WEIGHT_5, placements(b.chash(new HashKey(URI, CONSISTENT, null)), GOLDEN_URI_S2_WEIGHT_5, TestTxn::uri));
    }

    // backend bb
    //     balance hash req.hdr(x-key),lower
    //     hash-type consistent djb2
    //     server s1 127.0.0.1:28090 weight 1
    //     server s2 127.0.0.1:28090 weight 2
    //     server s3 127.0.0.1:28090 weight 1
    //     server s4 127.0.0.1:28090 weight 4
    static final Map<String, String> GOLDEN_HASH_EXPR_DJB2 = table("""
            User-0 -> s3
            User-1 -> s3
            User-2 -> s3
            User-3 -> s3
            User-4 -> s3
            User-5 -> s3
            User-6 -> s3
            User-7 -> s3
            User-8 -> s3
            User-9 -> s3
            User-10 -> s3
            User-11 -> s3
            User-12 -> s3
            User-13 -> s3
            User-14 -> s3
            User-15 -> s3
            User-16 -> s3
            User-17 -> s3
            User-18 -> s3
            User-19 -> s3
            User-20 -> s3
            User-21 -> s3
            User-22 -> s3
            User-23 -> s3
            User-24 -> s3
            User-25 -> s3
            User-26 -> s3
            User-27 -> s3
            User-28 -> s3
            User-29 -> s3
            alice -> s4
            BOB -> s4
            Carol -> s4
            dave@example.com -> s4
            x -> s4
            Key With Spaces -> s2
            12345 -> s4
            ABC -> s4
            abc -> s4
            zz-top -> s1
            """);

    // backend bb again, 40 requests without x-key right after start: chash_get_next_server()
    // walks the ring point by point
    static final List<String> GOLDEN_NO_KEY_WALK = List.of(("s4 s3 s4 s4 s4 s4 s4 s4 s4 s4 s3 s4 s4 s4 s4 s2 s4 s1 s3 s1 "
            + "s4 s4 s1 s2 s3 s1 s1 s4 s1 s2 s2 s3 s1 s4 s3 s3 s2 s3 s4 s4").split(" "));

    @Test
    void withoutAKeyTheRingIsWalkedInHaproxysOrder() {
        Backend b = new Backend(Srv.of("s1", 0, 1), Srv.of("s2", 0, 2), Srv.of("s3", 0, 1), Srv.of("s4", 0, 4));
        ChashBalancer c = b.chash(hashExpr("req.hdr(x-key),lower", new HashType(HashType.Method.CONSISTENT, HashType.Function.DJB2, false)));
        List<String> picks = new ArrayList<>();
        for (int i = 0; i < GOLDEN_NO_KEY_WALK.size(); i++) picks.add(c.pick(null, TestTxn.uri("/nokey"), null).server.name());
        assertEquals(GOLDEN_NO_KEY_WALK, picks);
    }

    @Test
    void balanceHashExprWithDjb2PlacesKeysLikeHaproxy() {
        Backend b = new Backend(Srv.of("s1", 0, 1), Srv.of("s2", 0, 2), Srv.of("s3", 0, 1), Srv.of("s4", 0, 4));
        HashKey key = hashExpr("req.hdr(x-key),lower", new HashType(HashType.Method.CONSISTENT, HashType.Function.DJB2, false));
        assertEquals(GOLDEN_HASH_EXPR_DJB2, placements(b.chash(key), GOLDEN_HASH_EXPR_DJB2, k -> TestTxn.header("x-key", k)));
    }

    // backend bc
    //     balance hash req.hdr(x-key)          (hash-type map-based, the default)
    //     server s1 127.0.0.1:28090 weight 1
    //     server s2 127.0.0.1:28090 weight 2
    //     server s3 127.0.0.1:28090 weight 1
    static final Map<String, String> GOLDEN_HASH_EXPR_MAP = table("""
            User-0 -> s2
            User-1 -> s3
            User-2 -> s1
            User-3 -> s2
            User-4 -> s2
            User-5 -> s3
            User-6 -> s1
            User-7 -> s2
            User-8 -> s2
            User-9 -> s3
            User-10 -> s2
            User-11 -> s2
            User-12 -> s3
            User-13 -> s1
            User-14 -> s2
            User-15 -> s2
            User-16 -> s3
            User-17 -> s1
            User-18 -> s2
            User-19 -> s2
            User-20 -> s1
            User-21 -> s2
            User-22 -> s2
            User-23 -> s3
            User-24 -> s1
            User-25 -> s2
            User-26 -> s2
            User-27 -> s3
            User-28 -> s1
            User-29 -> s2
            alice -> s1
            BOB -> s2
            Carol -> s2
            dave@example.com -> s2
            x -> s1
            Key With Spaces -> s2
            12345 -> s3
            ABC -> s2
            abc -> s2
            zz-top -> s1
            """);

    @Test
    void balanceHashExprMapBasedPlacesKeysLikeHaproxy() {
        Backend b = new Backend(Srv.of("s1", 0, 1), Srv.of("s2", 0, 2), Srv.of("s3", 0, 1));
        MapHashBalancer m = new MapHashBalancer(hashExpr("req.hdr(x-key)", HashType.DEFAULT), b.servers, b.states, false);
        assertEquals(GOLDEN_HASH_EXPR_MAP, placements(m, GOLDEN_HASH_EXPR_MAP, k -> TestTxn.header("x-key", k)));
    }

    // backend bd
    //     balance source
    //     hash-type consistent
    //     server s1 127.0.0.1:28090
    //     server s2 127.0.0.1:28090 weight 2
    //     server s3 127.0.0.1:28090 disabled
    //     server s4 127.0.0.1:28090
    //     server b1 127.0.0.1:28090 backup
    // (clients bound to the source address with source_address=(addr, 0))
    static final Map<String, String> GOLDEN_SOURCE = table("""
            127.0.0.1 -> s2
            127.0.0.2 -> s4
            127.0.0.3 -> s2
            127.0.0.4 -> s1
            127.0.0.5 -> s2
            127.0.0.6 -> s1
            127.0.0.7 -> s4
            127.0.0.8 -> s1
            127.0.0.9 -> s1
            127.0.0.10 -> s2
            127.0.0.11 -> s2
            127.0.0.12 -> s4
            127.0.0.13 -> s4
            127.0.0.14 -> s2
            127.0.0.15 -> s2
            127.0.0.16 -> s1
            127.0.0.17 -> s1
            127.0.0.18 -> s4
            127.0.0.19 -> s1
            127.0.0.20 -> s1
            127.0.0.21 -> s1
            127.0.0.22 -> s4
            127.0.0.23 -> s2
            127.0.0.24 -> s1
            127.0.0.25 -> s1
            127.0.0.26 -> s1
            127.0.0.27 -> s1
            127.0.0.28 -> s4
            127.0.0.29 -> s1
            127.0.0.30 -> s1
            127.0.1.7 -> s1
            127.0.2.7 -> s4
            127.0.3.7 -> s4
            127.0.4.7 -> s2
            127.0.5.7 -> s1
            127.0.6.7 -> s2
            127.0.7.7 -> s2
            127.0.8.7 -> s1
            127.0.9.7 -> s1
            127.0.10.7 -> s2
            127.1.3.4 -> s1
            127.2.3.4 -> s1
            127.3.3.4 -> s1
            127.4.3.4 -> s2
            127.5.3.4 -> s2
            127.6.3.4 -> s4
            127.7.3.4 -> s2
            127.8.3.4 -> s2
            127.9.3.4 -> s2
            127.10.3.4 -> s1
            """);

    @Test
    void balanceSourceSkipsADisabledServerLikeHaproxy() {
        Backend b = new Backend(Srv.of("s1", 0, 1), Srv.of("s2", 0, 2), new Srv("s3", 0, 1, false, true), Srv.of("s4", 0, 1),
                new Srv("b1", 0, 1, true, false));
        Balance source = new Balance(Balance.Algorithm.SOURCE, null, false, 0, 0, false, 2, -1);
        assertEquals(GOLDEN_SOURCE, placements(b.chash(new HashKey(source, CONSISTENT, null)), GOLDEN_SOURCE, TestTxn::source));
    }

    // backend be
    //     balance url_param id
    //     hash-type consistent wt6 avalanche
    //     server s1 127.0.0.1:28090 id 5
    //     server s2 127.0.0.1:28090 id 3
    //     server s3 127.0.0.1:28090 id 1
    static final Map<String, String> GOLDEN_URL_PARAM_WT6 = table("""
            /?id=0 -> s3
            /?id=1 -> s2
            /?id=2 -> s2
            /?id=3 -> s1
            /?id=4 -> s1
            /?id=5 -> s1
            /?id=6 -> s1
            /?id=7 -> s2
            /?id=8 -> s3
            /?id=9 -> s2
            /?id=10 -> s1
            /?id=11 -> s3
            /?id=12 -> s1
            /?id=13 -> s3
            /?id=14 -> s1
            /?id=15 -> s1
            /?id=16 -> s1
            /?id=17 -> s3
            /?id=18 -> s3
            /?id=19 -> s2
            /?id=20 -> s2
            /?id=21 -> s3
            /?id=22 -> s2
            /?id=23 -> s3
            /?id=24 -> s3
            /?id=25 -> s3
            /?id=26 -> s3
            /?id=27 -> s3
            /?id=28 -> s1
            /?id=29 -> s2
            /?x=1&id=abc -> s2
            /?id=hello&y=2 -> s2
            /p?id=zz -> s3
            /?id=user7 -> s3
            /?id= -> s1
            """);

    @Test
    void balanceUrlParamWithWt6AvalancheAndExplicitIdsPlacesKeysLikeHaproxy() {
        Backend b = new Backend(Srv.of("s1", 5, 1), Srv.of("s2", 3, 1), Srv.of("s3", 1, 1));
        Balance param = new Balance(Balance.Algorithm.URL_PARAM, "id", false, 0, 0, false, 2, -1);
        HashKey key = new HashKey(param, new HashType(HashType.Method.CONSISTENT, HashType.Function.WT6, true), null);
        assertEquals(GOLDEN_URL_PARAM_WT6, placements(b.chash(key), GOLDEN_URL_PARAM_WT6, TestTxn::uri));
    }

    @Test
    void takingAServerDownMovesOnlyItsKeysAndAddingOneMovesAboutItsShare() {
        HashKey key = new HashKey(URI, CONSISTENT, null);
        Backend four = new Backend(Srv.of("s1", 0, 1), Srv.of("s2", 0, 1), Srv.of("s3", 0, 1), Srv.of("s4", 0, 1));
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 4000; i++) keys.add("/object/" + i);
        Map<String, String> before = new HashMap<>();
        ChashBalancer all = four.chash(key);
        for (String k : keys) before.put(k, all.pick(null, TestTxn.uri(k), null).server.name());

        ChashBalancer s2Down = four.set("s2", new ServerState(false, ServerState.Admin.READY, 1)).chash(key);
        int moved = 0;
        for (String k : keys) {
            String now = s2Down.pick(null, TestTxn.uri(k), null).server.name();
            assertNotEquals("s2", now);
            if (!before.get(k).equals("s2")) assertEquals(before.get(k), now, k);
            else moved++;
        }
        assertTrue(moved > 700 && moved < 1300, "s2 held " + moved + " of 4000 keys");

        // a fifth server takes about a fifth of the keys, every one of them from another server
        Backend five = new Backend(Srv.of("s1", 0, 1), Srv.of("s2", 0, 1), Srv.of("s3", 0, 1), Srv.of("s4", 0, 1), Srv.of("s5", 0, 1));
        ChashBalancer withS5 = five.chash(key);
        int toS5 = 0;
        for (String k : keys) {
            String now = withS5.pick(null, TestTxn.uri(k), null).server.name();
            if (now.equals("s5")) toS5++;
            else assertEquals(before.get(k), now, k + " moved between old servers");
        }
        assertTrue(toS5 > 4000 / 5 * 6 / 10 && toS5 < 4000 / 5 * 14 / 10, "s5 took " + toS5 + " of 4000 keys");
    }

    @Test
    void theServerToAvoidIsPassedForTheNextOneOnTheRing() {
        ChashBalancer b = backendA().chash(new HashKey(URI, CONSISTENT, null));
        for (String k : GOLDEN_URI.keySet()) {
            ServerRuntime first = b.pick(null, TestTxn.uri(k), null);
            ServerRuntime other = b.pick(null, TestTxn.uri(k), first);
            assertNotEquals(first, other, k);
        }
    }

    @Test
    void withoutAKeyEveryPointOfTheRingIsServedInTurn() {
        Backend b = new Backend(Srv.of("s1", 0, 1), Srv.of("s2", 0, 1), Srv.of("s3", 0, 1));
        Balance param = new Balance(Balance.Algorithm.URL_PARAM, "id", false, 0, 0, false, 2, -1);
        ChashBalancer c = b.chash(new HashKey(param, CONSISTENT, null));
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 48 * 10; i++) counts.merge(c.pick(null, TestTxn.uri("/no-param"), null).server.name(), 1, Integer::sum);
        // 16 points each: ten laps of the 48-point ring serve each server exactly 160 times
        assertEquals(Map.of("s1", 160, "s2", 160, "s3", 160), counts);
    }

    @Test
    void backupsServeOnlyWhenNoActiveServerIsUsable() {
        Backend b = new Backend(Srv.of("s1", 0, 1), new Srv("b1", 0, 1, true, false), new Srv("b2", 0, 1, true, false));
        b.set("s1", new ServerState(false, ServerState.Admin.READY, 1));
        HashKey key = new HashKey(URI, CONSISTENT, null);
        // the first backup takes everything unless "option allbackups"
        for (int i = 0; i < 50; i++) assertEquals("b1", b.chash(key).pick(null, TestTxn.uri("/k" + i), null).server.name());
        ChashBalancer all = new ChashBalancer(key, b.servers, b.states, true);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 50; i++) seen.add(all.pick(null, TestTxn.uri("/k" + i), null).server.name());
        assertEquals(java.util.Set.of("b1", "b2"), seen);
        b.set("b1", new ServerState(false, ServerState.Admin.READY, 1)).set("b2", new ServerState(false, ServerState.Admin.READY, 1));
        assertEquals(null, b.chash(key).pick(null, TestTxn.uri("/"), null));
    }

    static HashKey hashExpr(String expr, HashType type) {
        RuleCompiler rules = new RuleCompiler(path -> {
            throw new IllegalStateException("no maps here");
        }, path -> List.of());
        Balance hash = new Balance(Balance.Algorithm.HASH, expr, false, 0, 0, false, 2, -1);
        return new HashKey(hash, type, rules.compile(SampleExprParser.parse(expr)));
    }
}
