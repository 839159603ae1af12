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
import static org.junit.jupiter.api.Assertions.assertSame;

class LeastconnFirstBalancerTest {
    private final List<ServerRuntime> servers = new ArrayList<>();
    private final Map<String, ServerState> states = new HashMap<>();

    private ServerRuntime add(String name, int weight, int maxconn) {
        Server s = new Server(name, new Location("t", 1, 1), "127.0.0.1", 1, 0, false, 2000, 2000, 2000, 2, 3, 0, null, false,
                false, weight, maxconn, 0, 0, false, false, null, null, null, null, false, 0, null, false, false, null, null, false);
        ServerRuntime r = new ServerRuntime("be", s);
        servers.add(r);
        states.put(r.key, new ServerState(true, ServerState.Admin.READY, weight));
        return r;
    }

    @Test
    void leastconnPicksTheLeastLoadedRelativeToWeightAndRotatesAmongEquals() {
        ServerRuntime a = add("a", 1, 0), b = add("b", 1, 0), c = add("c", 2, 0);
        LeastconnBalancer lb = new LeastconnBalancer(servers, states, false);
        a.currentConnections.set(3);
        b.currentConnections.set(1);
        c.currentConnections.set(2);   // (2+1)/2 = 1.5 < b's (1+1)/1 = 2
        assertSame(c, lb.pick(null, null, null));
        c.currentConnections.set(5);
        assertSame(b, lb.pick(null, null, null));
        a.currentConnections.set(0);
        b.currentConnections.set(0);
        c.currentConnections.set(0);   // c: 1/2 beats a and b: 1/1
        assertSame(c, lb.pick(null, null, null));
        c.currentConnections.set(1);   // all equal at 1: the picks rotate over a, b, c
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 3; i++) seen.add(lb.pick(null, null, null).server.name());
        assertEquals(3, seen.stream().distinct().count(), seen.toString());
    }

    @Test
    void firstFillsServersInOrderUpToTheirMaxconn() {
        ServerRuntime a = add("a", 1, 2), b = add("b", 1, 2), c = add("c", 1, 0);
        FirstBalancer lb = new FirstBalancer(servers, states, false);
        assertSame(a, lb.pick(null, null, null));
        a.currentConnections.set(2);
        assertSame(b, lb.pick(null, null, null));
        b.currentConnections.set(2);
        assertSame(c, lb.pick(null, null, null));
        a.currentConnections.set(1);
        assertSame(a, lb.pick(null, null, null), "a slot freed on the first server takes the next connection");
    }
}
