package io.vxlb.lb;

import io.vxlb.config.Balance;
import io.vxlb.config.HashType;
import io.vxlb.rules.Txn;
import io.vxlb.runtime.ServerRuntime;
import io.vxlb.runtime.ServerState;
import io.vxlb.runtime.Snapshot;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;

/**
 * {@code balance random[(N)]}: HAProxy 2.6's power of N choices (get_server_rnd). Each draw
 * looks a random 32-bit key up on the consistent-hash ring, so weights count as in
 * {@code hash-type consistent}; of two different candidates the one serving fewer connections
 * per unit of weight wins, the later draw on a tie. When the pick is saturated (maxconn) the
 * request goes to the backend queue, as in HAProxy.
 */
public final class RandomBalancer implements Balancer {
    private final ChashBalancer ring;
    private final Map<String, ServerState> states;
    private final int draws;
    private final IntSupplier random;

    /** Draws from ThreadLocalRandom, so event loops never contend on a generator. */
    public RandomBalancer(int draws, List<ServerRuntime> servers, Map<String, ServerState> states, boolean allBackups) {
        this(draws, servers, states, allBackups, () -> ThreadLocalRandom.current().nextInt());
    }

    /** With a chosen source of 32-bit keys (tests inject a fixed sequence; it must be thread-safe if shared). */
    public RandomBalancer(int draws, List<ServerRuntime> servers, Map<String, ServerState> states, boolean allBackups, IntSupplier random) {
        this.ring = new ChashBalancer(new HashKey(new Balance(Balance.Algorithm.RANDOM, null, false, 0, 0, false, draws, -1), HashType.DEFAULT, null),
                servers, states, allBackups);
        this.states = states;
        this.draws = Math.max(1, draws);
        this.random = random;
    }

    @Override
    public ServerRuntime pick(Snapshot snapshot, Txn txn, ServerRuntime avoid) {
        ServerRuntime best = null;
        for (int d = 0; d < draws; d++) {
            ServerRuntime prev = best;
            ServerRuntime curr = ring.serverForHash(Integer.toUnsignedLong(random.getAsInt()), avoid);
            if (curr == null) return null;
            // served × weight compared crosswise: less busy per weight unit wins, ties keep the new draw
            if (prev != null && prev != curr
                    && (long) curr.currentConnections.get() * weight(prev) > (long) prev.currentConnections.get() * weight(curr)) {
                curr = prev;
            }
            best = curr;
        }
        // get_server_rnd(): a saturated pick (maxconn) sends the request to the backend queue
        return best != null && best.full() ? null : best;
    }

    private int weight(ServerRuntime s) {
        ServerState st = states.get(s.key);
        return st == null ? 0 : st.weight();
    }
}
