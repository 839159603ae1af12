package io.vxlb.config;

/**
 * Mutable server settings while a {@code server} or {@code default-server} line is parsed.
 * A server starts as a copy of its proxy's default-server, as in HAProxy.
 */
final class ServerBuilder {
    String name;
    Location location;
    String address;
    int port;
    int id;
    boolean check;
    long inter = 2000, fastinter, downinter;
    int rise = 2, fall = 3;
    int checkPort;
    String checkAddress;
    boolean checkSsl, agentCheck;
    int weight = 1, maxconn, minconn, maxqueue;
    boolean backup, disabled;
    String trackBackend, trackServer;
    String cookie, source;
    boolean ssl, verifyNone, observeLayer7;
    /** PROXY protocol version sent first on every server connection (send-proxy 1, send-proxy-v2 2), 0 for none. */
    int sendProxy;
    /** proxy-v2-options: Server.PP2_* bits. */
    int proxyV2Options;
    /** pool-max-conn: idle connections kept for the server, -1 unbounded, 0 none. */
    int poolMaxConn = -1;
    /** check-send-proxy: health checks start with a PROXY header even without send-proxy. */
    boolean checkSendProxy;
    String sni, caFile, verifyHost, crt;
    /** vxlb-stick: {@code non-stick}, kept by the proxy's StickConfig (stick store rules skip the server). */
    boolean nonStick;

    ServerBuilder copy() {
        ServerBuilder b = new ServerBuilder();
        b.check = check;
        b.inter = inter;
        b.fastinter = fastinter;
        b.downinter = downinter;
        b.rise = rise;
        b.fall = fall;
        b.checkPort = checkPort;
        b.checkAddress = checkAddress;
        b.checkSsl = checkSsl;
        b.agentCheck = agentCheck;
        b.weight = weight;
        b.maxconn = maxconn;
        b.minconn = minconn;
        b.maxqueue = maxqueue;
        b.backup = backup;
        b.disabled = disabled;
        b.cookie = cookie;
        b.source = source;
        b.ssl = ssl;
        b.sendProxy = sendProxy;
        b.verifyNone = verifyNone;
        b.observeLayer7 = observeLayer7;
        b.sni = sni;
        b.caFile = caFile;
        b.verifyHost = verifyHost;
        b.crt = crt;
        b.checkSendProxy = checkSendProxy;
        b.proxyV2Options = proxyV2Options;
        b.poolMaxConn = poolMaxConn;
        b.nonStick = nonStick;
        return b;
    }

    Server build() {
        return new Server(name, location, address, port, id, check, inter, fastinter > 0 ? fastinter : inter,
                downinter > 0 ? downinter : inter, rise, fall, checkPort, checkAddress, checkSsl, agentCheck,
                weight, maxconn, minconn, maxqueue, backup, disabled, trackBackend, trackServer, cookie, source,
                ssl, sendProxy, sni, verifyNone, observeLayer7, caFile, verifyHost, crt, checkSendProxy, proxyV2Options, poolMaxConn);
    }
}
