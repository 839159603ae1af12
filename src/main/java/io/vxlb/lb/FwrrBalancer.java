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

/**
 * {@code balance roundrobin} in HAProxy 2.6's own order: its "fast weighted round robin"
 * (lb_fwrr.c), position based, so weights 3/2/1 serve s1 s2 s1 s3 s1 s2 — not nginx's smooth
 * WRR. Active and backup servers form two groups; each has a "current" tree sorted by next
 * position and "init"/"next" trees sorted by weight, exactly as HAProxy's ebtrees (equal keys
 * keep insertion order). One instance per backend per snapshot; a state change builds a new
 * one. Picks are serialised like HAProxy's LB lock; the critical section is a few tree ops.
 */
public final class FwrrBalancer implements Balancer {
    static final int WEIGHT_SCALE = 16;            // BE_WEIGHT_SCALE
    static final int UWGHT_RANGE = 256;            // SRV_UWGHT_RANGE
    static final int EWGHT_MAX = 256 * WEIGHT_SCALE;

    private static final Comparator<Node> ORDER = Comparator.<Node>comparingLong(n -> n.key).thenComparingLong(n -> n.seq);

    /** A server's FWRR bookkeeping (HAProxy's npos, lpos, rweight, lb_node, lb_tree). */
    private static final class Node {
        final ServerRuntime server;
        final int eweight;
        long npos;
        long rweight;
        long key;
        long seq;
        TreeSet<Node> tree;

        Node(ServerRuntime server, int eweight) {
            this.server = server;
            this.eweight = eweight;
        }
    }

    private static final class Group {
        final TreeSet<Node> curr = new TreeSet<>(ORDER);
        TreeSet<Node> init = new TreeSet<>(ORDER);
        TreeSet<Node> next = new TreeSet<>(ORDER);
        long currPos, currWeight, nextWeight;
    }

    private final Group active = new Group();
    private final Group backup = new Group();
    private final Node firstBackup;
    private final boolean hasActive, hasBackup;
    /** The only server of the group in use, when there is one: FWRR's order is then moot. */
    private final ServerRuntime single;
    private long seq;

    public FwrrBalancer(List<ServerRuntime> servers, Map<String, ServerState> states, boolean allBackups) {
        long wact = 0, wbck = 0;
        Node fbck = null;
        List<Node> nodes = new ArrayList<>();
        for (ServerRuntime s : servers) {
            ServerState st = states.get(s.key);
            if (st == null || !st.usable()) continue;
            Node n = new Node(s, st.weight() * WEIGHT_SCALE);
            nodes.add(n);
            if (s.server.backup()) {
                wbck += n.eweight;
                if (fbck == null) fbck = n;
            } else {
                wact += n.eweight;
            }
        }
        active.currPos = active.currWeight = active.nextWeight = wact;
        backup.currPos = backup.currWeight = backup.nextWeight = wbck;
        for (Node n : nodes) queueByWeight(n.server.server.backup() ? backup.init : active.init, n);
        hasActive = wact > 0;
        hasBackup = wbck > 0;
        firstBackup = allBackups ? null : fbck;
        List<Node> inUse = nodes.stream().filter(n -> n.server.server.backup() == !hasActive).toList();
        single = inUse.size() == 1 ? inUse.get(0).server : null;
    }

    @Override
    public boolean queuesBehindBackendQueue() {
        return true;
    }

    @Override
    public ServerRuntime pick(Snapshot snapshot, Txn txn, ServerRuntime avoid) {
        // one server: FWRR's order is moot (also when avoided: HAProxy falls back to it too)
        if (single != null) return single.full() ? null : single;
        return pickLocked(avoid);
    }

    private synchronized ServerRuntime pickLocked(ServerRuntime avoid) {
        Group grp;
        if (hasActive) grp = active;
        else if (firstBackup != null) return firstBackup.server.full() ? null : firstBackup.server;
        else if (hasBackup) grp = backup;
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
            if (srv.server.full()) {
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

    private void requeue(Group grp, List<Node> full, Node taken, boolean switched) {
        if (full == null) return;
        for (Node n : full) {
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
    }

    /** fwrr_queue_srv(): back into "current" at its next position, or into "next" if beyond the window. */
    private void queue(Group grp, Node s) {
        if (s.eweight <= 0 || s.npos >= 2 * grp.currWeight || s.npos >= grp.currWeight + grp.nextWeight) {
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
