package io.vxlb.proxy;

import io.vxlb.log.Termination;
import io.vertx.core.Vertx;
import io.vxlb.rules.Txn;
import io.vxlb.runtime.CompiledBackend;
import io.vxlb.runtime.RequestQueue;
import io.vxlb.runtime.ServerRuntime;
import io.vxlb.runtime.Snapshot;

/**
 * The server of one transaction, HTTP or {@code mode tcp} (HAProxy's assign_server_and_queue,
 * queue.c and the retry part of back_handle_st_cer): a direct server (persistence, use-server)
 * or the balancer's choice, a connection slot under the server's {@code maxconn} or a place in
 * the server or backend queue until one is granted or {@code timeout queue} expires, and after
 * a failed connection the retry {@link ConnectRetry} decides. It holds at most one slot and gives
 * it back exactly once. Event-loop confined, like its owner.
 */
final class ServerAssignment {
    /** What the assignment tells the transaction that owns it; every call on the owner's event loop. */
    interface Owner {
        /** What balancers and use-server rules read. */
        Txn txn();

        /** A slot on {@code s} is held: connect to it now. */
        void assigned(ServerRuntime s);

        /** The transaction waits in a queue: of {@code s}, or of the backend ({@code s} null). */
        void waiting(ServerRuntime s);

        /** No server for the transaction ("SC" none usable, "SQ" its queue is full, "sQ" timeout queue). */
        void refused(io.vxlb.log.Termination termination);

        /** A redispatch broke persistence (the cookie's server was full or could not be reached). */
        void persistenceBroken();

        /** The client left while the transaction waited ("CQ"). */
        void abandoned();

        /** True when the client is gone (a grant then is given back). */
        boolean gone();
    }

    private final Snapshot snapshot;
    private final CompiledBackend backend;
    private final Vertx vertx;
    private final Owner owner;
    private ServerRuntime server;
    private boolean holdsSlot;
    private boolean direct;
    private RequestQueue.PendingRequest pending;
    private long queueTimer = -1;
    private long queueLeft;
    private int serverQueuePosition, backendQueuePosition;
    private int retries;
    private boolean redispatched;

    ServerAssignment(Snapshot snapshot, CompiledBackend backend, Vertx vertx, Owner owner) {
        this.snapshot = snapshot;
        this.backend = backend;
        this.vertx = vertx;
        this.owner = owner;
    }

    /** Starts with the server persistence chose ({@code direct}, may be null: the balancer chooses). */
    void start(ServerRuntime directServer) {
        if (directServer != null) {
            direct = true;
            take(directServer);
        } else {
            balance();
        }
    }

    /**
     * The balancer's choice (assign_server): a server with a free slot; none when every usable
     * server is saturated, then the request waits in the backend queue; refused when none is usable.
     */
    private void balance() {
        RequestQueue bq = backendQueue();
        ServerRuntime s = bq != null && bq.length() > 0 && backend.balancer().queuesBehindBackendQueue()
                ? null : backend.balancer().pick(snapshot, owner.txn(), null);
        if (s != null) take(s);
        else if (bq != null && snapshot.nbsrv(backend.name()) > 0) waitInQueue(bq, null);
        else owner.refused(Termination.SERVER_ABORT_CONNECT);
    }

    private RequestQueue backendQueue() {
        return backend.servers().isEmpty() ? null : backend.servers().get(0).backendQueue;
    }

    /** A slot on {@code s}, or a place in its queue (assign_server_and_queue). */
    private void take(ServerRuntime s) {
        if (s.takeSlot()) {
            grant(s);
            return;
        }
        int maxqueue = s.server.maxqueue();
        if (maxqueue > 0 && s.queue.length() >= maxqueue) {
            if (direct && backend.proxy().options().redispatch()) {
                // srv_redispatch_connect(): a full server queue breaks persistence when redispatch is on
                direct = false;
                owner.persistenceBroken();
                balance();
                return;
            }
            s.failedConnections.incrementAndGet();
            server = s;  // for the log's %s and %sc (no slot held)
            owner.refused(Termination.SERVER_ABORT_QUEUE);
            return;
        }
        waitInQueue(s.queue, s);
    }

    private void grant(ServerRuntime s) {
        server = s;
        holdsSlot = true;
        owner.assigned(s);
    }

    private void waitInQueue(RequestQueue q, ServerRuntime s) {
        if (s != null) server = s;  // for the log; no slot is held until granted
        pending = backend.enqueue(snapshot, q, s, this::granted);
        long t = backend.proxy().timeouts().effectiveQueue();
        if (t > 0) queueTimer = vertx.setTimer(t, id -> {
            queueTimer = -1;
            if (left()) owner.refused(Termination.SERVER_TIMEOUT_QUEUE);
        });
        owner.waiting(s);
    }

    /** A release handed a slot of {@code s} to this transaction (on its event loop). */
    private void granted(ServerRuntime s) {
        stopQueueTimer();
        leftQueue();
        server = s;
        holdsSlot = true;
        if (owner.gone()) {
            release();
            owner.abandoned();
            return;
        }
        owner.assigned(s);
    }

    /** The client left: a queued transaction leaves the queue ("CQ"); true when it was queued. */
    boolean clientLeft() {
        if (!left()) return false;
        owner.abandoned();
        return true;
    }

    /** Out of the queue before a grant: false when it was not queued or a grant is on its way. */
    private boolean left() {
        if (pending == null || !pending.cancel()) return false;
        stopQueueTimer();
        leftQueue();
        return true;
    }

    private void leftQueue() {
        queueLeft = System.nanoTime();
        // %sq / %bq: requests that left the queue before this one, plus one (HAProxy's count)
        if (pending.queue() == backendQueue()) backendQueuePosition = pending.position();
        else serverQueuePosition = pending.position();
    }

    private void stopQueueTimer() {
        if (queueTimer >= 0) {
            vertx.cancelTimer(queueTimer);
            queueTimer = -1;
        }
    }

    /**
     * The connection to the assigned server failed: the next attempt as HAProxy decides it (same
     * server after a turn-around, or a redispatch), or false when the retries are spent (the
     * slot is given back then).
     */
    boolean retry(Throwable cause) {
        server.failedConnections.incrementAndGet();
        return retry(cause, false);
    }

    /**
     * Another attempt after the server answered in a way {@code retry-on} names (an HTTP status,
     * an empty or broken response, a response timeout): the same decision as after a failed
     * connection, without the turn-around (HAProxy's do_l7_retry goes straight back to server
     * assignment). False when no retry is left (the slot is then given back).
     */
    /** A retry is left (HAProxy's {@code retries}). */
    boolean canRetry() {
        return retries < backend.proxy().retries();
    }

    boolean retryResponse(Throwable cause) {
        return retry(cause, true);
    }

    private boolean retry(Throwable cause, boolean l7) {
        ConnectRetry r = ConnectRetry.next(snapshot, backend, owner.txn(), server, retries + 1, direct, cause, l7);
        if (r == null) {
            release();
            return false;
        }
        retries++;
        if (r.redispatched()) {
            release();  // the new server's slot was taken by ConnectRetry
            holdsSlot = true;
            redispatched = true;
            if (direct) {
                direct = false;
                owner.persistenceBroken();
            }
        }
        ServerRuntime target = r.server();
        server = target;
        // the owner's connect sees a client that left during the turn-around ("CC")
        if (r.delayMillis() > 0) vertx.setTimer(r.delayMillis(), id -> owner.assigned(target));
        else owner.assigned(target);
        return true;
    }

    /** Gives the slot back, once (a queued request may get it). */
    void release() {
        if (!holdsSlot) return;
        holdsSlot = false;
        server.releaseSlot(backend.servesBackendQueue(snapshot, server));
    }

    /**
     * The slot's release for later (a tunnel's end), capturing only shared objects; null when no
     * slot is held. The assignment no longer owns the slot afterwards.
     */
    Runnable handOverSlot() {
        if (!holdsSlot) return null;
        holdsSlot = false;
        ServerRuntime s = server;
        CompiledBackend b = backend;
        Snapshot snap = snapshot;
        return () -> s.releaseSlot(b.servesBackendQueue(snap, s));
    }

    ServerRuntime server() { return server; }
    boolean holdsSlot() { return holdsSlot; }
    boolean direct() { return direct; }
    boolean queued() { return pending != null && queueLeft == 0; }
    int retries() { return retries; }
    boolean redispatched() { return redispatched; }
    /** When the transaction left a queue (System.nanoTime), 0 when it never waited. */
    long queueLeft() { return queueLeft; }
    int serverQueuePosition() { return serverQueuePosition; }
    int backendQueuePosition() { return backendQueuePosition; }
}
