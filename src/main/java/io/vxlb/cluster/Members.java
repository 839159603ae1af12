package io.vxlb.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.spi.cluster.ClusterManager;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The live members of the cluster and what each one published about itself (name, admin
 * address). Membership comes from the cluster manager's node list, polled every
 * {@link #POLL_MS} ms so no listener of Vert.x's own is displaced; a standalone node is its only
 * member. Health-check ownership is rendezvous hashing over the live members: every node computes
 * the same owner for a server from the same member list, and when a member leaves only its
 * servers move.
 */
public final class Members {
    public static final String MEMBERS_MAP = "vxlb.members";
    static final long POLL_MS = 500;

    /** One member: its cluster node id, operator-given name and admin address (host:port or null). */
    public record Member(String id, String name, String admin) {
        public JsonObject toJson() {
            return new JsonObject().put("id", id).put("name", name).put("admin", admin);
        }
    }

    private final Vertx vertx;
    private final ClusterManager clusterManager;
    private final String selfId;
    private volatile List<String> live;
    private volatile Map<String, Member> known = Map.of();
    private long timer = -1;
    private boolean reading;

    public Members(Vertx vertx) {
        this.vertx = vertx;
        this.clusterManager = ((VertxInternal) vertx).clusterManager();
        this.selfId = clusterManager != null ? clusterManager.getNodeId() : "local";
        this.live = List.of(selfId);
    }

    public String selfId() {
        return selfId;
    }

    public boolean clustered() {
        return clusterManager != null;
    }

    /** Publishes this member's name and admin address, then follows membership; {@code changed} runs on every change. */
    public Future<Void> start(String name, String admin, Consumer<List<String>> changed) {
        Member self = new Member(selfId, name, admin);
        known = Map.of(selfId, self);
        return registry().compose(m -> m.put(selfId, self.toJson().encode())).onSuccess(v -> {
            refresh(changed);
            timer = vertx.setPeriodic(POLL_MS, id -> refresh(changed));
            listenToHazelcast(changed);
        });
    }

    /**
     * Hazelcast tells of joins and departures at once; the poll stays as the fallback. The
     * refresh runs a moment later so the cluster manager's own node list has caught up.
     */
    private void listenToHazelcast(Consumer<List<String>> changed) {
        if (!(clusterManager instanceof io.vertx.spi.cluster.hazelcast.HazelcastClusterManager hz) || hz.getHazelcastInstance() == null) return;
        io.vertx.core.Context ctx = vertx.getOrCreateContext();
        hz.getHazelcastInstance().getCluster().addMembershipListener(new com.hazelcast.cluster.MembershipListener() {
            @Override
            public void memberAdded(com.hazelcast.cluster.MembershipEvent e) {
                ctx.runOnContext(x -> vertx.setTimer(50, t -> refresh(changed)));
            }

            @Override
            public void memberRemoved(com.hazelcast.cluster.MembershipEvent e) {
                ctx.runOnContext(x -> vertx.setTimer(50, t -> refresh(changed)));
            }
        });
    }

    public void stop() {
        if (timer >= 0) vertx.cancelTimer(timer);
    }

    private Future<AsyncMap<String, String>> registry() {
        return vertx.sharedData().getAsyncMap(MEMBERS_MAP);
    }

    private void refresh(Consumer<List<String>> changed) {
        List<String> now = clusterManager != null ? List.copyOf(clusterManager.getNodes()) : List.of(selfId);
        List<String> sorted = new ArrayList<>(now);
        sorted.sort(null);
        boolean differs = !sorted.equals(live);
        live = List.copyOf(sorted);
        if (reading) {  // a read of the registry is still out (Hazelcast busy migrating): do not pile up blocking reads
            if (differs) changed.accept(live);
            return;
        }
        reading = true;
        registry().compose(AsyncMap::entries).onComplete(ar -> reading = false).onSuccess(entries -> {
            Map<String, Member> m = new LinkedHashMap<>();
            for (String id : sorted) {
                String json = entries.get(id);
                if (json == null) continue;
                JsonObject j = new JsonObject(json);
                m.put(id, new Member(id, j.getString("name"), j.getString("admin")));
            }
            m.putIfAbsent(selfId, known.get(selfId));
            known = Map.copyOf(m);
            // forget members that left (any node may do it; removal is idempotent)
            for (String id : entries.keySet()) if (!sorted.contains(id)) registry().onSuccess(r -> r.remove(id));
        });
        if (differs) changed.accept(live);
    }

    /** Live member ids, sorted. */
    public List<String> live() {
        return live;
    }

    /** Live members with what they published (one that has not been read yet shows its id as name). */
    public List<Member> members() {
        List<Member> out = new ArrayList<>();
        Map<String, Member> k = known;
        for (String id : live) {
            Member m = k.get(id);
            out.add(m != null ? m : new Member(id, id, null));
        }
        return out;
    }

    public Member byName(String name) {
        for (Member m : members()) if (m.name().equals(name) || m.id().equals(name)) return m;
        return null;
    }

    /** The member that checks {@code serverKey}: highest rendezvous score among {@code members}. */
    public static String owner(String serverKey, List<String> members) {
        String best = null;
        long bestScore = Long.MIN_VALUE;
        for (String m : members) {
            long score = score(m, serverKey);
            if (best == null || score > bestScore || score == bestScore && m.compareTo(best) < 0) {
                best = m;
                bestScore = score;
            }
        }
        return best;
    }

    /** 64-bit FNV-1a of member + key, then a murmur3 finalizer so close inputs spread. */
    static long score(String member, String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : (member + "\u0000" + key).getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
