package io.vxlb.proxy;

import io.netty.channel.ConnectTimeoutException;
import io.vxlb.config.Balance;
import io.vxlb.config.Proxy;
import io.vxlb.rules.Txn;
import io.vxlb.runtime.CompiledBackend;
import io.vxlb.runtime.ServerRuntime;
import io.vxlb.runtime.Snapshot;

import java.util.concurrent.TimeoutException;

/**
 * What follows a failed connection to a server, for HTTP and {@code mode tcp} alike, as HAProxy
 * 2.6 decides it (backend.c back_handle_st_cer and stream.h stream_choose_redispatch): another
 * attempt while {@code retries} last; with {@code option redispatch} on another server when the
 * failed one is down, on the retries the interval names (default: the last one), and at once
 * on every retry of a non-persistent request when a round-robin backend has other active
 * servers; otherwise on the same server after a turn-around of min(1 s, timeout connect) unless
 * the attempt timed out.
 *
 * <p>The caller holds a slot on the failed server; when the next attempt goes elsewhere, the new
 * server's slot is taken here and the caller gives the old one back.
 */
record ConnectRetry(ServerRuntime server, long delayMillis, boolean redispatched) {

    /**
     * The next attempt after attempt number {@code retriesDone} (already counted) failed with
     * {@code cause}, or null when no retry is left. {@code direct}: the server came from
     * persistence (cookie, use-server).
     */
    static ConnectRetry next(Snapshot snapshot, CompiledBackend backend, Txn txn, ServerRuntime failed, int retriesDone,
                             boolean direct, Throwable cause, boolean l7) {
        Proxy be = backend.proxy();
        if (retriesDone > be.retries()) return null;
        ServerRuntime target = failed;
        boolean redispatched = false;
        if (be.options().redispatch() && redispatchNow(snapshot, backend, failed, retriesDone, direct)) {
            ServerRuntime other = backend.balancer().pick(snapshot, txn, failed);
            // a slot now or not at all: a redispatch never waits in a queue
            if (other != null && other != failed && other.takeSlot()) {
                target = other;
                redispatched = true;
            }
        }
        long delay = 0;
        // a refused or reset connection would likely fail again at once: wait before the same server
        // (and before any server when the balancing is not round robin); a timeout already waited
        if (!l7 && !isTimeout(cause) && (!redispatched || !roundRobin(backend) || snapshot.nbsrv(backend.name()) <= 1)) {
            long connect = be.timeouts().connect();
            delay = connect > 0 && connect < 1000 ? connect : 1000;
        }
        return new ConnectRetry(target, delay, redispatched);
    }

    private static boolean redispatchNow(Snapshot snapshot, CompiledBackend backend, ServerRuntime failed, int retriesDone, boolean direct) {
        Proxy be = backend.proxy();
        if (!snapshot.state(failed).running()) return true;
        long interval = be.options().redispatchInterval();
        if (interval > 0 && retriesDone % interval == 0) return true;
        if (interval < 0) {
            long every = be.retries() + 1 + interval;
            if (every > 0 && retriesDone % every == 0) return true;
        }
        return !direct && snapshot.nbsrv(backend.name()) > 1 && roundRobin(backend);
    }

    /** HAProxy's BE_LB_KIND_RR: the choice of server does not matter to the request. */
    private static boolean roundRobin(CompiledBackend backend) {
        Balance.Algorithm a = backend.proxy().balance().algorithm();
        return a == Balance.Algorithm.ROUNDROBIN || a == Balance.Algorithm.STATIC_RR;
    }

    /** A connect or response timeout (HAProxy's "sC"/"sH") rather than an error ("SC"/"SH"). */
    static boolean isTimeout(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof TimeoutException || c instanceof ConnectTimeoutException) return true;
            String m = c.getMessage();
            if (m != null && (m.contains("timed out") || m.toLowerCase(java.util.Locale.ROOT).contains("timeout"))) return true;
            if (c.getCause() == c) break;
        }
        return false;
    }
}
