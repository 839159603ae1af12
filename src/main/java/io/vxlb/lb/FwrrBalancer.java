package io.vxlb.lb;

import io.vxlb.rules.Txn;
import io.vxlb.runtime.ServerRuntime;
import io.vxlb.runtime.ServerState;
import io.vxlb.runtime.Snapshot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code balance roundrobin} in HAProxy 2.6's own order: its "fast weighted round robin"
 * (lb_fwrr.c), position based, so weights 3/2/1 serve s1 s2 s1 s3 s1 s2 — not nginx's smooth
 * WRR. Active and backup servers form two groups; each has a "current" tree sorted by next
 * position and "init"/"next" trees sorted by weight, exactly as HAProxy's ebtrees (equal keys
 * keep insertion order).
 *
 * <p>The FWRR state lives as long as the backend's server list: a snapshot rebuilt for a health,
 * admin or weight change hands the previous balancer to {@link #of}, which applies the change
 * to the running state the way HAProxy's fwrr_set_server_status_down/up and
 * fwrr_update_server_weight do, so the order continues where it was instead of restarting.
 * Picks are serialised like HAProxy's LB lock; the critical section is a few tree ops.
 */
public final class FwrrBalancer implements Balancer {
    static final int WEIGHT_SCALE = 16;            // BE_WEIGHT_SCALE
    static final int UWGHT_RANGE = 256;            // SRV_UWGHT_RANGE
    static final int EWGHT_MAX = 256 * WEIGHT_SCALE;

    private static final Comparator<Node> ORDER = Comparator.<Node>comparingLong(n -> n.key).thenComparingLong(n -> n.seq);

    /** A server's FWRR bookkeeping (HAProxy's cur_eweight, npos, lpos, rweight, lb_node, lb_tree). */
    private static final class Node {
        final ServerRuntime server;
        final boolean backup;
        /** Effective weight (user weight × 16) and usability applied to the trees. */
        int eweight;
        boolean usable;
        long npos, lpos, rweight;
        long key;
        long seq;
        /** The tree the server was last queued in, null while it is not usable. */
        TreeSet<Node> tree;

        Node(ServerRuntime server, ServerState st) {
            this.server = server;
            this.backup = server.server.backup();
            this.eweight = eweight(st);
            this.usable = st != null && st.usable();
        }
    }

    private static int eweight(ServerState st) {
        return st == null ? 0 : st.weight() * WEIGHT_SCALE;
    }

    private static final class Group {
        final TreeSet<Node> curr = new TreeSet<>(ORDER);
        TreeSet<Node> init = new TreeSet<>(ORDER);
        TreeSet<Node> next = new TreeSet<>(ORDER);
        long currPos, currWeight, nextWeight;
        /** Tree switches so far (to find where a lone server's cycle starts). */
        long switches;
    }

    /**
     * The only server the algorithm can choose at the moment, served without the lock. When it
     * is the only server of an FWRR group, picks still move HAProxy's positions: they are counted
     * and played on the trees before the next change, so the order after it is HAProxy's.
     */
    private record Single(ServerRuntime server, Group group, LongAdder picks) {}

    private final List<ServerRuntime> servers;
    private final boolean allBackups;
    private final List<Node> nodes = new ArrayList<>();
    private final Group active = new Group();
    private final Group backup = new Group();
    private int srvAct, srvBck;
    /** HAProxy's lbprm.fbck: the first usable backup, used alone unless allbackups. */
    private Node fbck;
    private long seq;
    private volatile Single single;
    /** Tests turn it off to check that skipping whole cycles of a lone server changes nothing. */
    boolean skipWholeCycles = true;

    public FwrrBalancer(List<ServerRuntime> servers, Map<String, ServerState> states, boolean allBackups) {
        this.servers = List.copyOf(servers);
        this.allBackups = allBackups;
        long wact = 0, wbck = 0;
        for (ServerRuntime s : servers) {
            Node n = new Node(s, states.get(s.key));
            nodes.add(n);
            if (!n.usable) continue;
            if (n.backup) {
                wbck += n.eweight;
                srvBck++;
                if (fbck == null && !allBackups) fbck = n;
            } else {
                wact += n.eweight;
                srvAct++;
            }
        }
        active.currPos = active.currWeight = active.nextWeight = wact;
        backup.currPos = backup.currWeight = backup.nextWeight = wbck;
        for (Node n : nodes) if (n.usable) queueByWeight(n.backup ? backup.init : active.init, n);
        single = single();
    }

    /**
     * The balancer for a new snapshot: {@code previous} itself, brought to {@code states}, when it
     * is a roundrobin balancer over the same servers (a state change: HAProxy keeps its trees and
     * positions), else a new one (a new server list, as after HAProxy's reload).
     */
    public static FwrrBalancer of(List<ServerRuntime> servers, Map<String, ServerState> states, boolean allBackups, Balancer previous) {
        if (previous instanceof FwrrBalancer f && f.allBackups == allBackups && sameInstances(f.servers, servers)) {
            f.update(states);
            return f;
        }
        return new FwrrBalancer(servers, states, allBackups);
    }

    private static boolean sameInstances(List<ServerRuntime> a, List<ServerRuntime> b) {
        if (a.size() != b.size()) return false;
        for (int i = 0; i < a.size(); i++) if (a.get(i) != b.get(i)) return false;
        return true;
    }

    @Override
    public boolean queuesBehindBackendQueue() {
        return true;
    }

    @Override
    public ServerRuntime pick(Snapshot snapshot, Txn txn, ServerRuntime avoid) {
        // one server: FWRR's order is moot (also when avoided: HAProxy falls back to it too)
        Single one = single;
        if (one != null) {
            if (one.server.full()) return null;
            if (one.picks != null) one.picks.increment();
            return one.server;
        }
        return pickLocked(avoid, false);
    }

    /** The lone server, if the group in use has one (see {@link Single}); under the lock or in the constructor. */
    private Single single() {
        if (srvAct == 0 && fbck != null) return new Single(fbck.server, null, null);  // fixed, no position moves
        if (srvAct > 1 || (srvAct == 0 && srvBck != 1)) return null;
        boolean wantBackup = srvAct == 0;
        for (Node n : nodes) if (n.usable && n.backup == wantBackup) return new Single(n.server, wantBackup ? backup : active, new LongAdder());
        return null;
    }

    /**
     * Plays the picks served lock-free by a lone server on the trees, as HAProxy made them. A
     * lone server's state repeats every {@code currWeight} picks from its first tree switch on,
     * so at most one cycle is played after that switch.
     */
    private void settleSingle() {
        Single one = single;
        single = null;
        if (one == null || one.picks == null) return;
        long n = one.picks.sum();
        Group grp = one.group;
        while (n > 0) {
            long sw = grp.switches;
            pickLocked(null, true);
            n--;
            if (skipWholeCycles && grp.switches != sw && grp.currWeight > 0 && n >= grp.currWeight) n %= grp.currWeight;
        }
    }

    /** Brings the trees to new server states, one server after the other in configuration order. */
    private synchronized void update(Map<String, ServerState> states) {
        settleSingle();
        for (Node n : nodes) {
            ServerState st = states.get(n.server.key);
            boolean usable = st != null && st.usable();
            int eweight = eweight(st);
            if (!n.usable && !usable) n.eweight = eweight;
            else if (!n.usable) setUp(n, eweight, states);
            else if (!usable) setDown(n, eweight, states);
            else if (n.eweight != eweight) updateWeight(n, eweight);
        }
        single = single();
    }

    private Group group(Node n) {
        return n.backup ? backup : active;
    }

    /** fwrr_set_server_status_down(). */
    private void setDown(Node n, int eweight, Map<String, ServerState> states) {
        Group grp = group(n);
        grp.nextWeight -= n.eweight;
        if (n.backup) {
            srvBck--;
            if (n == fbck) {
                // the first backup is gone: the next usable backup after it takes its place
                Node f = null;
                for (int i = nodes.indexOf(n) + 1; i < nodes.size() && f == null; i++) {
                    Node c = nodes.get(i);
                    ServerState st = states.get(c.server.key);
                    if (c.backup && st != null && st.usable()) f = c;
                }
                fbck = f;
            }
        } else {
            srvAct--;
        }
        dequeue(n);
        n.tree = null;
        n.usable = false;
        n.eweight = eweight;
    }

    /** fwrr_set_server_status_up(). */
    private void setUp(Node n, int eweight, Map<String, ServerState> states) {
        Group grp = group(n);
        grp.nextWeight += eweight;
        if (n.backup) {
            srvBck++;
            if (!allBackups && (fbck == null || nodes.indexOf(n) < nodes.indexOf(fbck))) fbck = n;
        } else {
            srvAct++;
        }
        n.usable = true;
        n.eweight = eweight;
        take(grp, n);
        n.npos = grp.currPos + (grp.nextWeight + grp.currWeight - grp.currPos) / eweight;
        queue(grp, n);
    }

    /** fwrr_update_server_weight() for a server that stays usable with another weight. */
    private void updateWeight(Node n, int eweight) {
        Group grp = group(n);
        grp.nextWeight = grp.nextWeight - n.eweight + eweight;
        if (n.tree == grp.init) {
            dequeue(n);
            n.eweight = eweight;
            queueByWeight(grp.init, n);
            return;
        }
        // in "current" or "next": if it has places left in this window, move its next position
        take(grp, n);
        long prevNext = n.npos;
        long step = grp.nextWeight / eweight;
        n.npos = n.lpos + step;
        n.rweight = 0;
        if (n.npos > prevNext) n.npos = prevNext;
        if (n.npos < grp.currPos + 2) n.npos = grp.currPos + step;
        dequeue(n);
        n.eweight = eweight;
        queue(grp, n);
    }

    /** fwrr_get_srv(): prepares a server taken out of its tree. */
    private static void take(Group grp, Node n) {
        if (n.tree == grp.init) {
            n.npos = n.rweight = 0;
        } else if (n.tree == grp.next) {
            n.npos += grp.currWeight;
        } else if (n.tree == null) {
            n.npos = grp.currPos;
        }
    }

    /** fwrr_get_next_server(); {@code replay} ignores maxconn (lone-server picks played afterwards). */
    private synchronized ServerRuntime pickLocked(ServerRuntime avoid, boolean replay) {
        if (!replay) {
            Single one = single;  // became lone since the caller looked: serve it as pick() does
            if (one != null) return one.server.full() ? null : countAndReturn(one);
        }
        Group grp;
        if (srvAct > 0) grp = active;
        else if (fbck != null) return fbck.server.full() ? null : fbck.server;
        else if (srvBck > 0) grp = backup;
        else return null;

        boolean switched = false;
        Node avoided = null;
        List<Node> full = null;  // servers taken out and to be requeued: the avoided one, saturated ones
        Node srv;
        while (true) {
            if (grp.currWeight == 0) grp.currPos = grp.currWeight = grp.nextWeight;
            while (true) {
                srv = fromGroup(grp);
                if (srv != null) break;
                if (switched) {
                    if (avoided != null) {
                        srv = avoided;
                        queue(grp, srv);
                        requeue(grp, full, srv, switched);
                        return srv.server;
                    }
                    requeue(grp, full, null, switched);
                    return null;
                }
                switched = true;
                switchTrees(grp);
            }
            updatePosition(grp, srv);
            dequeue(srv);
            grp.currPos++;
            if (!replay && srv.server.full()) {
                // fwrr_get_next_server(): a saturated server (maxconn) is set aside and requeued after the pick
                if (full == null) full = new ArrayList<>(2);
                full.add(srv);
                continue;
            }
            if (srv.server != avoid || avoided != null) break;
            avoided = srv;
            if (full == null) full = new ArrayList<>(2);
            full.add(srv);
        }
        queue(grp, srv);
        requeue(grp, full, srv, switched);
        return srv.server;
    }

    private static ServerRuntime countAndReturn(Single one) {
        if (one.picks != null) one.picks.increment();
        return one.server;
    }

    /** Requeues set-aside servers, last set aside first (HAProxy chains them as a stack). */
    private void requeue(Group grp, List<Node> full, Node taken, boolean switched) {
        if (full == null) return;
        for (int i = full.size() - 1; i >= 0; i--) {
            Node n = full.get(i);
            if (n == taken) continue;
            if (switched) queueByWeight(grp.init, n);
            else queue(grp, n);
        }
    }

    /** fwrr_get_server_from_group(). */
    private Node fromGroup(Group grp) {
        Node s1 = grp.curr.isEmpty() ? null : grp.curr.first();
        if (s1 != null && s1.eweight > 0 && s1.npos <= grp.currPos) return s1;
        if (!grp.init.isEmpty()) {
            Node s2 = grp.init.first();
            if (s2.eweight > 0) {
                s2.npos = 0;
                s2.rweight = 0;
                return s2;
            }
        }
        return s1;
    }

    /** fwrr_update_position(). */
    private static void updatePosition(Group grp, Node s) {
        if (s.eweight == 0) return;
        if (s.npos == 0) s.npos = grp.currPos;
        s.lpos = s.npos;
        s.npos += grp.nextWeight / s.eweight;
        s.rweight += grp.nextWeight % s.eweight;
        if (s.rweight >= s.eweight) {
            s.rweight -= s.eweight;
            s.npos++;
        }
    }

    /** fwrr_switch_trees(). */
    private static void switchTrees(Group grp) {
        TreeSet<Node> swap = grp.init;
        grp.init = grp.next;
        grp.next = swap;
        grp.currWeight = grp.nextWeight;
        grp.currPos = grp.currWeight;
        grp.switches++;
    }

    /** fwrr_queue_srv(): back into "current" at its next position, or into "next" if beyond the window. */
    private void queue(Group grp, Node s) {
        if (!s.usable) {
            s.tree = null;
        } else if (s.eweight <= 0 || s.npos >= 2 * grp.currWeight || s.npos >= grp.currWeight + grp.nextWeight) {
            s.npos -= grp.currWeight;
            queueByWeight(grp.next, s);
        } else {
            s.key = (long) UWGHT_RANGE * s.npos + (EWGHT_MAX + s.rweight - s.eweight) / WEIGHT_SCALE;
            insert(grp.curr, s);
        }
    }

    /** fwrr_queue_by_weight(): heavier servers first. */
    private void queueByWeight(TreeSet<Node> tree, Node s) {
        s.key = EWGHT_MAX - s.eweight;
        insert(tree, s);
    }

    private void insert(TreeSet<Node> tree, Node s) {
        s.seq = seq++;
        tree.add(s);
        s.tree = tree;
    }

    private static void dequeue(Node s) {
        if (s.tree != null) s.tree.remove(s);
    }
}
