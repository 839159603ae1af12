package io.vxlb.lb;

import io.vxlb.config.Balance;
import io.vxlb.rules.Txn;
import io.vxlb.runtime.ServerRuntime;
import io.vxlb.runtime.ServerState;
import io.vxlb.runtime.Snapshot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code hash-type consistent} for {@code balance source|uri|url_param|hdr|hash EXPR}, placed as
 * HAProxy 2.6 places it (lb_chash.c), so a mixed fleet sends a key to the same server and a
 * server going away only moves its own keys. Each usable server owns {@code weight × 16}
 * (BE_WEIGHT_SCALE) points on a 32-bit ring, at {@code full_hash(puid × 4096 + i)} where 4096 is
 * SRV_EWGHT_RANGE and puid the server's {@code id} (automatic ids numbered as cfgparse.c does).
 * Active and backup servers form two rings, as HAProxy's two trees. A lookup takes the point
 * nearest to the hash on either side (chash_get_server_hash: the one after unless the one before
 * is at least as close), then walks on past the server to avoid. Without a key it walks the
 * ring node by node (chash_get_next_server). Rings are built per snapshot and only read on the
 * request path; {@code hash-balance-factor} (bounded loads) is not implemented.
 */
public final class ChashBalancer implements Balancer {
    static final int WEIGHT_SCALE = 16;                 // BE_WEIGHT_SCALE
    static final int EWGHT_RANGE = 256 * WEIGHT_SCALE;  // SRV_EWGHT_RANGE

    /** One tree of HAProxy: point keys (unsigned 32-bit, ascending) and the server owning each. */
    static final class Ring {
        final long[] keys;
        final ServerRuntime[] owners;
        final int servers;

        Ring(long[] keys, ServerRuntime[] owners, int servers) {
            this.keys = keys;
            this.owners = owners;
            this.servers = servers;
        }

        boolean isEmpty() {
            return keys.length == 0;
        }

        /** chash_get_server_hash() on this tree: the nearest point, then onwards past {@code avoid}. */
        ServerRuntime nearest(long hash, ServerRuntime avoid) {
            int n = keys.length;
            int next = Arrays.binarySearch(keys, hash);
            if (next < 0) next = -next - 1;
            if (next == n) next = 0;                      // eb32_lookup_ge() found none: wrap
            int prev = next == 0 ? n - 1 : next - 1;
            long dp = (hash - keys[prev]) & 0xFFFFFFFFL;  // unsigned distances, as on the ring
            long dn = (keys[next] - hash) & 0xFFFFFFFFL;
            int at = dp <= dn ? prev : next;
            ServerRuntime s = owners[at];
            int loop = 0;
            while (s == avoid) {
                if (++at == n) {
                    at = 0;
                    if (++loop > 1) break;  // every point belongs to avoid
                }
                s = owners[at];
            }
            return s;
        }
    }

    private final HashKey key;
    private final Ring active;
    private final Ring backup;
    /** The first usable backup, used alone when no active server is usable (no allbackups). */
    private final ServerRuntime firstBackup;
    private Ring lastRing;
    private int last = -1;  // lbprm.chash.last: the point the round-robin walk stopped at

    public ChashBalancer(HashKey key, List<ServerRuntime> servers, Map<String, ServerState> states, boolean allBackups) {
        this.key = key;
        int[] puids = puids(servers);
        List<ServerRuntime> act = new ArrayList<>(), bck = new ArrayList<>();
        List<Integer> actIds = new ArrayList<>(), bckIds = new ArrayList<>();
        ServerRuntime fbck = null;
        for (int i = 0; i < servers.size(); i++) {
            ServerRuntime s = servers.get(i);
            ServerState st = states.get(s.key);
            if (st == null || !st.usable()) continue;
            if (s.server.backup()) {
                bck.add(s);
                bckIds.add(puids[i]);
                if (fbck == null) fbck = s;
            } else {
                act.add(s);
                actIds.add(puids[i]);
            }
        }
        this.active = ring(act, actIds, states);
        this.backup = ring(bck, bckIds, states);
        this.firstBackup = allBackups ? null : fbck;
    }

    public HashKey hashKey() {
        return key;
    }

    /**
     * The servers' puids: an explicit {@code id}, else cfgparse.c's numbering — a counter that
     * starts at 1, moves past ids already taken, and steps once per server whether or not that
     * server had its own id (so "s1 id 2, s2, s3" numbers s2 3 and s3 4).
     */
    static int[] puids(List<ServerRuntime> servers) {
        java.util.Set<Integer> used = new java.util.HashSet<>();
        for (ServerRuntime s : servers) if (s.server.id() > 0) used.add(s.server.id());
        int[] out = new int[servers.size()];
        int next = 1;
        for (int i = 0; i < servers.size(); i++) {
            int id = servers.get(i).server.id();
            if (id <= 0) {
                while (used.contains(next)) next++;
                id = next;
                used.add(id);
            }
            out[i] = id;
            next++;
        }
        return out;
    }

    /** chash_init_server_tree() + chash_queue_dequeue_srv(): eweight points per server. */
    static Ring ring(List<ServerRuntime> servers, List<Integer> puids, Map<String, ServerState> states) {
        int total = 0;
        for (ServerRuntime s : servers) total += nodes(states.get(s.key).weight());
        long[] packed = new long[total];
        int k = 0;
        for (int i = 0; i < servers.size(); i++) {
            int nodes = nodes(states.get(servers.get(i).key).weight());
            int base = puids.get(i) * EWGHT_RANGE;  // unsigned int arithmetic, wraps as in C
            for (int node = 0; node < nodes; node++) {
                long point = Integer.toUnsignedLong(HashFunctions.fullHash(base + node));
                packed[k++] = (point << 31) | i;    // 32-bit key above a 31-bit server index
            }
        }
        Arrays.sort(packed);
        long[] keys = new long[total];
        ServerRuntime[] owners = new ServerRuntime[total];
        for (int j = 0; j < total; j++) {
            keys[j] = packed[j] >>> 31;
            owners[j] = servers.get((int) (packed[j] & Integer.MAX_VALUE));
        }
        return new Ring(keys, owners, servers.size());
    }

    /** next_eweight = uweight × BE_WEIGHT_SCALE, capped at the 256 × 16 points HAProxy allocates. */
    private static int nodes(int weight) {
        return Math.min(Math.max(weight, 0), 256) * WEIGHT_SCALE;
    }

    /** The ring in use: actives, else backups (unless a single first backup takes it all). */
    private Ring used() {
        if (!active.isEmpty()) return active;
        if (firstBackup != null) return null;
        return backup;
    }

    @Override
    public ServerRuntime pick(Snapshot snapshot, Txn txn, ServerRuntime avoid) {
        Ring ring = used();
        if (ring == null) return firstBackup;
        if (ring.isEmpty()) return null;
        if (ring.servers == 1) return ring.owners[0];  // tot_used == 1: HAProxy does not hash
        long hash = txn == null ? HashKey.NO_KEY : key.hash(txn);
        if (hash != HashKey.NO_KEY) return ring.nearest(hash, avoid);
        return nextServer(ring, avoid);
    }

    /** chash_get_server_hash(): the server for a 32-bit hash, null when no server is usable. */
    public ServerRuntime serverForHash(long hash, ServerRuntime avoid) {
        Ring ring = used();
        if (ring == null) return firstBackup;
        if (ring.isEmpty()) return null;
        return ring.nearest(hash & 0xFFFFFFFFL, avoid);
    }

    /**
     * chash_get_next_server(): the owner of the point after the last one served, skipping the
     * server to avoid unless it is the only one and saturated servers (maxconn; null when all
     * are). Serialised like HAProxy's LB write lock. A hashed pick (serverForHash) is never
     * skipped: when saturated the request waits in that server's queue, as in HAProxy 2.6.
     */
    private synchronized ServerRuntime nextServer(Ring ring, ServerRuntime avoid) {
        int n = ring.keys.length;
        if (lastRing != ring) {
            lastRing = ring;
            last = -1;
        }
        int start = last < 0 ? 0 : (last + 1) % n;
        int avoidedAt = -1;
        for (int i = 0; i < n; i++) {
            int at = (start + i) % n;
            ServerRuntime s = ring.owners[at];
            if (s.full()) continue;
            if (s != avoid) {
                last = at;
                return s;
            }
            if (avoidedAt < 0) avoidedAt = at;
        }
        if (avoidedAt < 0) return null;  // every server is saturated: the backend queue
        last = avoidedAt;
        return ring.owners[last];
    }

    /** True for the algorithms this balancer serves with {@code hash-type consistent}. */
    public static boolean supports(Balance.Algorithm a) {
        return switch (a) {
            case SOURCE, URI, URL_PARAM, HDR, HASH -> true;
            default -> false;
        };
    }
}
