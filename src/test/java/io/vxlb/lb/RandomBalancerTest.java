package io.vxlb.lb;

import io.vxlb.config.Balance;
import io.vxlb.config.HashType;
import io.vxlb.runtime.ServerRuntime;
import io.vxlb.runtime.ServerState;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.PrimitiveIterator;
import java.util.function.IntSupplier;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code balance random[(N)]}: draws on the consistent-hash ring, the less busy candidate wins. */
class RandomBalancerTest {
    private static ChashBalancerTest.Backend backend(int w1, int w2) {
        return new ChashBalancerTest.Backend(ChashBalancerTest.Srv.of("s1", 0, w1), ChashBalancerTest.Srv.of("s2", 0, w2));
    }

    /** A 32-bit key that the ring of {@code b} maps to {@code server}. */
    private static int keyOf(ChashBalancerTest.Backend b, String server) {
        ChashBalancer ring = b.chash(new HashKey(new Balance(Balance.Algorithm.RANDOM, null, false, 0, 0, false, 2, -1), HashType.DEFAULT, null));
        for (int k = 0; ; k += 7919) {
            if (ring.serverForHash(Integer.toUnsignedLong(k), null).server.name().equals(server)) return k;
        }
    }

    private static IntSupplier sequence(int... keys) {
        PrimitiveIterator.OfInt it = IntStream.of(keys).iterator();
        return it::nextInt;
    }

    @Test
    void twoDrawsPickTheLessLoadedCandidate() {
        ChashBalancerTest.Backend b = backend(1, 1);
        int k1 = keyOf(b, "s1"), k2 = keyOf(b, "s2");
        ServerRuntime s1 = b.get("s1"), s2 = b.get("s2");
        s1.currentConnections.set(5);
        s2.currentConnections.set(1);
        assertEquals(s2, new RandomBalancer(2, b.servers, b.states, false, sequence(k1, k2)).pick(null, null, null));
        assertEquals(s2, new RandomBalancer(2, b.servers, b.states, false, sequence(k2, k1)).pick(null, null, null));
        // one draw takes what it drew, however busy
        assertEquals(s1, new RandomBalancer(1, b.servers, b.states, false, sequence(k1)).pick(null, null, null));
        // a tie keeps the later draw, as get_server_rnd() does
        s1.currentConnections.set(1);
        assertEquals(s1, new RandomBalancer(2, b.servers, b.states, false, sequence(k2, k1)).pick(null, null, null));
        assertEquals(s2, new RandomBalancer(2, b.servers, b.states, false, sequence(k1, k2)).pick(null, null, null));
    }

    @Test
    void loadIsComparedPerUnitOfWeight() {
        ChashBalancerTest.Backend b = backend(3, 1);
        int k1 = keyOf(b, "s1"), k2 = keyOf(b, "s2");
        b.get("s1").currentConnections.set(2);  // 2 / 3 per weight unit
        b.get("s2").currentConnections.set(1);  // 1 / 1
        assertEquals(b.get("s1"), new RandomBalancer(2, b.servers, b.states, false, sequence(k1, k2)).pick(null, null, null));
        assertEquals(b.get("s1"), new RandomBalancer(2, b.servers, b.states, false, sequence(k2, k1)).pick(null, null, null));
    }

    @Test
    void theServerToAvoidIsNotDrawn() {
        ChashBalancerTest.Backend b = backend(1, 1);
        int k1 = keyOf(b, "s1");
        assertEquals(b.get("s2"), new RandomBalancer(1, b.servers, b.states, false, sequence(k1)).pick(null, null, b.get("s1")));
    }

    @Test
    void oneDrawFollowsTheWeightsAndNoUsableServerGivesNone() {
        ChashBalancerTest.Backend b = backend(1, 3);
        RandomBalancer r = new RandomBalancer(1, b.servers, b.states, false);
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 40_000; i++) counts.merge(r.pick(null, null, null).server.name(), 1, Integer::sum);
        double share = counts.get("s2") / 40_000.0;
        assertTrue(share > 0.68 && share < 0.82, "s2 (weight 3 of 4) got " + share);
        b.set("s1", new ServerState(false, ServerState.Admin.READY, 1)).set("s2", new ServerState(true, ServerState.Admin.MAINT, 3));
        assertNull(new RandomBalancer(2, b.servers, b.states, false).pick(null, null, null));
    }
}
