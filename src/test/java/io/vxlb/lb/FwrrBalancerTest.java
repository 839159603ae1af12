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
                false, weight, 0, 0, 0, backup, false, null, null, null, null, false, false, null, false, false);
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
}
