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
 *
 * <p>Only vxlb nodes count as members: a Hazelcast member is one when its entry in the members
 * map opens with the cluster secret. Another process that joins Hazelcast (the cluster name is
 * no secret) is not given health checks to own, is not waited for by {@code ?wait=all}, and does
 * not count towards a write majority.
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

    public static final String MEMBER = "vxlb-member-v1";
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(Members.class.getName());
    private final Vertx vertx;
    private final ClusterSecret secret;
    private final ClusterManager clusterManager;
    /** Cluster nodes, sorted (what the cluster manager lists, vxlb or not). */
    private volatile List<String> nodes;
    /** Hazelcast members whose entry did not open with the secret (logged once each). */
    private final java.util.Set<String> foreign = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final String selfId;
    private volatile List<String> live;
    private volatile Map<String, Member> known = Map.of();
    private long timer = -1;
    private boolean reading;

    public Members(Vertx vertx, ClusterSecret secret) {
        this.vertx = vertx;
        this.secret = secret;
        this.clusterManager = ((VertxInternal) vertx).clusterManager();
        this.selfId = clusterManager != null ? clusterManager.getNodeId() : "local";
        this.live = List.of(selfId);
        this.nodes = List.of(selfId);
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
        return registry().compose(m -> m.put(selfId, secret.seal(MEMBER, self.toJson()).encode())).onSuccess(v -> {
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

    private volatile Consumer<List<String>> changed = l -> {};

    /**
     * Reads the registry now (not at the next poll), so a member that finished starting a moment
     * ago is counted: {@code ?wait=all} calls it before it collects acknowledgements.
     */
    public Future<Void> sync() {
        List<String> now = clusterManager != null ? List.copyOf(clusterManager.getNodes()) : List.of(selfId);
        List<String> sorted = new ArrayList<>(now);
        sorted.sort(null);
        nodes = List.copyOf(sorted);
        Map<String, Member> k = known;
        boolean unread = false;
        for (String id : sorted) unread |= !k.containsKey(id) && !foreign.contains(id);
        return unread ? read(changed) : Future.succeededFuture();  // every member read already: nothing to wait for
    }

    private void refresh(Consumer<List<String>> changed) {
        this.changed = changed;
        List<String> now = clusterManager != null ? List.copyOf(clusterManager.getNodes()) : List.of(selfId);
        List<String> sorted = new ArrayList<>(now);
        sorted.sort(null);
        nodes = List.copyOf(sorted);
        recompute(changed);
        if (reading) return;  // a read of the registry is still out (Hazelcast busy migrating): do not pile up blocking reads
        reading = true;
        read(changed).onComplete(ar -> reading = false);
    }

    private Future<Void> read(Consumer<List<String>> changed) {
        return registry().compose(AsyncMap::entries).map(entries -> {
            Map<String, Member> m = new LinkedHashMap<>();
            for (String id : nodes) {
                String text = entries.get(id);
                if (text == null) continue;
                ClusterSecret.Opened o = secret.open(MEMBER, text);
                if (o.payload() == null || !id.equals(o.payload().getString("id"))) {
                    if (foreign.add(id)) {
                        LOG.warning("Hazelcast member " + id + " is not a vxlb node of this cluster (" + (o.payload() == null ? o.refusal() : "entry of another member")
                                + "): it owns no checks and counts for no majority");
                    }
                    continue;
                }
                JsonObject j = o.payload();
                m.put(id, new Member(id, j.getString("name"), j.getString("admin")));
            }
            m.putIfAbsent(selfId, known.get(selfId));
            // our own entry lost (removed by the other side during a split, by Hazelcast's merge) or overwritten: publish it again
            String mine = entries.get(selfId);
            ClusterSecret.Opened own = mine == null ? null : secret.open(MEMBER, mine);
            if ((own == null || own.payload() == null || !selfId.equals(own.payload().getString("id"))) && known.get(selfId) != null) {
                registry().onSuccess(r -> r.put(selfId, secret.seal(MEMBER, known.get(selfId).toJson()).encode()));
            }
            known = Map.copyOf(m);
            // forget members that left (any node may do it; removal is idempotent)
            for (String id : entries.keySet()) if (!nodes.contains(id)) registry().onSuccess(r -> r.remove(id));
            recompute(changed);
            return null;
        });
    }

    /** Live = cluster nodes whose entry opened with the secret (and this node). */
    private synchronized void recompute(Consumer<List<String>> changed) {
        Map<String, Member> k = known;
        List<String> next = new ArrayList<>();
        for (String id : nodes) if (id.equals(selfId) || k.containsKey(id)) next.add(id);
        if (!next.contains(selfId)) next.add(selfId);
        next.sort(null);
        boolean differs = !next.equals(live);
        live = List.copyOf(next);
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
