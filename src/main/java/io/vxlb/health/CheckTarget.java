package io.vxlb.health;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;

/**
 * Where and how long a check may take: the check address and port (server's, or its
 * {@code addr}/{@code port} overrides), {@code inter} and the backend's {@code timeout connect}
 * and {@code timeout check} (0 = unset), and the clients to use (sslClient may be null).
 *
 * <p>Deadlines as in HAProxy 2.6 (src/tcpcheck.c, tcpcheck_eval_connect and tcpcheck_main): the
 * connection may take {@code inter}, or min(inter, timeout connect) when {@code timeout check}
 * is set; once connected the rest of the check gets {@code timeout check} if set, else whatever
 * is left of {@code inter}.
 */
public record CheckTarget(Vertx vertx, NetClient client, NetClient sslClient, String host, int port,
                          long inter, long timeoutConnect, long timeoutCheck, int proxyVersion) {
    /** Without a PROXY header ({@code proxyVersion} 0; else 1 or 2: a check connection starts with one). */
    public CheckTarget(Vertx vertx, NetClient client, NetClient sslClient, String host, int port,
                       long inter, long timeoutConnect, long timeoutCheck) {
        this(vertx, client, sslClient, host, port, inter, timeoutConnect, timeoutCheck, 0);
    }

    /**
     * The PROXY header a check sends first: as HAProxy's checks, which carry no client, "PROXY
     * UNKNOWN" (v1) or the LOCAL command (v2); null without send-proxy.
     */
    io.vertx.core.buffer.Buffer proxyHeader() {
        if (proxyVersion == 0) return null;
        return io.vertx.core.buffer.Buffer.buffer(proxyVersion == 2 ? io.vxlb.proxy.ProxyHeader.v2(null, 0, null, 0) : io.vxlb.proxy.ProxyHeader.v1(null, 0, null, 0));
    }

    long connectBound() {
        return timeoutCheck > 0 && timeoutConnect > 0 ? Math.min(inter, timeoutConnect) : inter;
    }
}
