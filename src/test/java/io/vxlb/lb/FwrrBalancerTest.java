package io.vxlb.lb;

import io.vxlb.config.Location;
import io.vxlb.config.Server;
import io.vxlb.runtime.ServerRuntime;
import io.vxlb.runtime.ServerState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** HAProxy's FWRR order, pinned: sequences observed on HAProxy 2.6 and derived from lb_fwrr.c. */
class FwrrBalancerTest {
    private static Server server(String name, int weight, boolean backup) {
        return new Server(name, new Location("t", 1, 1), "127.0.0.1", 1, 0, false, 2000, 2000, 2000, 2, 3, 0, null, false,
                false, weight, 0, 0, 0, backup, false, null, null, null, null, false, 0, null, false, false, null, null, false);
    }

    private static List<String> picks(int n, Object... spec) {
        List<ServerRuntime> servers = new ArrayList<>();
        Map<String, ServerState> states = new HashMap<>();
        boolean allBackups = false;
        for (int i = 0; i < spec.length; i += 3) {
            ServerRuntime s = new ServerRuntime("be", server((String) spec[i], (Integer) spec[i + 1], (Boolean) spec[i + 2]));
            servers.add(s);
            states.put(s.key, new ServerState(true, ServerState.Admin.READY, (Integer) spec[i + 1]));
        }
        FwrrBalancer b = new FwrrBalancer(servers, states, allBackups);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ServerRuntime s = b.pick(null, null, null);
            out.add(s == null ? null : s.server.name());
        }
        return out;
    }

    @Test
    void weights321FollowHaproxysPositionBasedOrder() {
        assertEquals(List.of("s1", "s2", "s1", "s3", "s1", "s2", "s1", "s2", "s1", "s3", "s1", "s2"),
                picks(12, "s1", 3, false, "s2", 2, false, "s3", 1, false));
    }

    @Test
    void equalWeightsAlternateStrictly() {
        // seed 003: two websocket servers with "weight 10"
        assertEquals(List.of("a", "b", "a", "b", "a", "b"), picks(6, "a", 10, false, "b", 10, false));
    }

    @Test
    void weightsAreHonouredOverAWholeCycle() {
        List<String> p = picks(60, "w1", 1, false, "w2", 2, false, "w3", 3, false);
        assertEquals(10, p.stream().filter("w1"::equals).count());
        assertEquals(20, p.stream().filter("w2"::equals).count());
        assertEquals(30, p.stream().filter("w3"::equals).count());
    }

    @Test
    void backupsServeOnlyWithoutActivesAndTheFirstOneAlone() {
        assertEquals(List.of("a", "a", "a"), picks(3, "a", 1, false, "b1", 1, true, "b2", 1, true));
        assertEquals(List.of("b1", "b1", "b1"), picks(3, "a", 0, false, "b1", 1, true, "b2", 1, true));
    }

    @Test
    void noUsableServerGivesNull() {
        assertNull(picks(1, "a", 0, false).get(0));
    }

    /** HAProxy 2.6.12's order across weight and admin changes (stats socket), state carried over like lb_fwrr.c. */
    @Test
    void runtimeChangesContinueHaproxysOrder() {
        for (FwrrGolden.Scenario sc : FwrrGolden.SCENARIOS) assertEquals(sc.expected(), replay(sc), sc.name());
    }

    static List<String> replay(FwrrGolden.Scenario sc) {
        List<ServerRuntime> servers = new ArrayList<>();
        Map<String, ServerState> states = new HashMap<>();
        for (int i = 0; i < sc.servers().size(); i++) {
            ServerRuntime s = new ServerRuntime("be", server(sc.servers().get(i), sc.weights().get(i), false));
            servers.add(s);
            states.put(s.key, new ServerState(true, ServerState.Admin.READY, sc.weights().get(i)));
        }
        Balancer b = FwrrBalancer.of(servers, states, false, null);
        List<String> out = new ArrayList<>();
        for (FwrrGolden.Step step : sc.steps()) {
            if (step instanceof FwrrGolden.Requests r) {
                for (int i = 0; i < r.count(); i++) out.add(b.pick(null, null, null).server.name());
            } else if (step instanceof FwrrGolden.Change c) {
                String key = "be/" + c.server();
                ServerState st = states.get(key);
                states.put(key, c.field().equals("weight") ? new ServerState(st.up(), st.admin(), (Integer) c.value())
                        : new ServerState(st.up(), ServerState.Admin.valueOf(((String) c.value()).toUpperCase()), st.weight()));
                Balancer next = FwrrBalancer.of(servers, Map.copyOf(states), false, b);
                org.junit.jupiter.api.Assertions.assertSame(b, next, "the same servers keep their FWRR state");
                b = next;
                out.add("|");
            }
        }
        return out;
    }

    /** A lone server's picks are played after the fact, whole cycles skipped: the same order as playing them all. */
    @Test
    void loneServerCyclesSkippedGiveTheSameOrder() {
        for (int[] w : new int[][]{{1, 1, 1}, {2, 1, 3}, {5, 3, 7}, {256, 1, 2}}) {
            for (int n = 0; n < 400; n += (n < 40 ? 1 : 17)) {
                assertEquals(loneThenBack(w, n, false), loneThenBack(w, n, true), "weights " + java.util.Arrays.toString(w) + ", " + n + " lone picks");
            }
        }
    }

    private static List<String> loneThenBack(int[] w, int lonePicks, boolean skip) {
        List<ServerRuntime> servers = new ArrayList<>();
        Map<String, ServerState> states = new HashMap<>();
        for (int i = 0; i < w.length; i++) {
            ServerRuntime s = new ServerRuntime("be", server("s" + (i + 1), w[i], false));
            servers.add(s);
            states.put(s.key, new ServerState(true, ServerState.Admin.READY, w[i]));
        }
        FwrrBalancer b = FwrrBalancer.of(servers, Map.copyOf(states), false, null);
        b.skipWholeCycles = skip;
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 3; i++) out.add(b.pick(null, null, null).server.name());
        states.put("be/s1", new ServerState(true, ServerState.Admin.MAINT, w[0]));
        states.put("be/s3", new ServerState(false, ServerState.Admin.READY, w[2]));
        FwrrBalancer.of(servers, Map.copyOf(states), false, b);
        for (int i = 0; i < lonePicks; i++) out.add(b.pick(null, null, null).server.name());
        states.put("be/s3", new ServerState(true, ServerState.Admin.READY, w[2]));
        FwrrBalancer.of(servers, Map.copyOf(states), false, b);
        for (int i = 0; i < 10; i++) out.add(b.pick(null, null, null).server.name());
        states.put("be/s1", new ServerState(true, ServerState.Admin.READY, w[0]));
        FwrrBalancer.of(servers, Map.copyOf(states), false, b);
        for (int i = 0; i < 40; i++) out.add(b.pick(null, null, null).server.name());
        return out;
    }
}
