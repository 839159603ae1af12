package io.vxlb.lb;

import io.vxlb.config.Balance;
import io.vxlb.config.HashType;
import io.vxlb.rules.Txn;
import io.vxlb.runtime.ServerRuntime;
import io.vxlb.runtime.ServerState;
import io.vxlb.runtime.Snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code balance uri|url_param|hdr|source|hash EXPR} with {@code hash-type map-based} (the default), and
 * {@code static-rr} (the same map walked in order), placed
 * as HAProxy 2.6 does so a mixed fleet sends a key to the same server: the weight map of
 * lb_map.c's recalc_server_map() (weights divided by their GCD, the heaviest "wscore" first,
 * declaration order among equals), indexed by {@code hash % total weight}; key extraction and
 * hash functions of backend.c / hash.c. Without a key it walks the map in order, like
 * map_get_server_rr(); with one usable server it does not hash.
 */
public final class MapHashBalancer implements Balancer {
    private final HashKey key;
    private final ServerRuntime[] map;
    private final boolean single;
    private int rrIndex;

    public MapHashBalancer(Balance balance, HashType hashType, List<ServerRuntime> servers, Map<String, ServerState> states, boolean allBackups) {
        this(new HashKey(balance, hashType, null), servers, states, allBackups);
    }

    /** With the key to hash, which for {@code balance hash EXPR} holds the compiled expression. */
    public MapHashBalancer(HashKey key, List<ServerRuntime> servers, Map<String, ServerState> states, boolean allBackups) {
        this.key = key;
        List<ServerRuntime> used = Balancer.eligible(states, servers, allBackups);
        this.map = buildMap(used, states);
        this.single = used.size() == 1;
    }

    public HashKey hashKey() {
        return key;
    }

    /** recalc_server_map(): a table of total-weight slots, filled by accumulated weight scores. */
    static ServerRuntime[] buildMap(List<ServerRuntime> used, Map<String, ServerState> states) {
        if (used.isEmpty()) return new ServerRuntime[0];
        int gcd = 0;
        for (ServerRuntime s : used) gcd = gcd(gcd, states.get(s.key).weight());
        List<Integer> w = new ArrayList<>();
        int tot = 0;
        for (ServerRuntime s : used) {
            int ew = (states.get(s.key).weight() + gcd - 1) / Math.max(1, gcd);
            w.add(ew);
            tot += ew;
        }
        ServerRuntime[] out = new ServerRuntime[tot];
        int[] wscore = new int[used.size()];
        for (int o = 0; o < tot; o++) {
            int max = 0, best = -1;
            for (int i = 0; i < used.size(); i++) {
                if (tot == 1) {
                    best = i;
                    break;
                }
                wscore[i] += w.get(i);
                int v = (wscore[i] + tot) / tot;
                if (best < 0 || v > max) {
                    max = v;
                    best = i;
                }
            }
            out[o] = used.get(best);
            wscore[best] -= tot;
        }
        return out;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    @Override
    public boolean queuesBehindBackendQueue() {
        return key.balance().algorithm() == Balance.Algorithm.STATIC_RR;
    }

    @Override
    public ServerRuntime pick(Snapshot snapshot, Txn txn, ServerRuntime avoid) {
        if (map.length == 0) return null;
        boolean rr = key.balance().algorithm() == Balance.Algorithm.STATIC_RR;
        if (single) return rr && map[0].full() ? null : map[0];  // tot_used == 1: HAProxy does not hash
        long hash = txn == null || rr ? HashKey.NO_KEY : key.hash(txn);
        if (hash != HashKey.NO_KEY) return map[(int) (hash % map.length)];
        return nextInMap(avoid);
    }

    /**
     * map_get_server_rr(): the next slot of the map, skipping saturated servers (maxconn) and the
     * server to avoid (which is still returned when it is the only one left); null when all are full.
     */
    private synchronized ServerRuntime nextInMap(ServerRuntime avoid) {
        ServerRuntime avoided = null;
        int avoidedNext = rrIndex;
        for (int i = 0; i < map.length; i++) {
            ServerRuntime s = map[rrIndex];
            rrIndex = (rrIndex + 1) % map.length;
            if (s.full()) continue;
            if (s != avoid) return s;
            if (avoided == null) {
                avoided = s;
                avoidedNext = rrIndex;
            }
        }
        rrIndex = avoidedNext;
        return avoided;
    }
}
