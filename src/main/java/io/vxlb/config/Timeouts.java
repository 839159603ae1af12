package io.vxlb.config;

/**
 * {@code timeout ...} values in milliseconds; 0 means "not set" (HAProxy: infinite or inherited
 * from a fallback, see the accessor methods that implement HAProxy's fallbacks).
 */
public record Timeouts(long connect, long client, long server, long tunnel, long httpRequest,
                       long httpKeepAlive, long queue, long check, long tarpit, long clientFin, long serverFin) {
    public static final Timeouts NONE = new Timeouts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** HAProxy: "timeout http-request" falls back to "timeout client" when unset. */
    public long effectiveHttpRequest() {
        return httpRequest > 0 ? httpRequest : client;
    }

    /** HAProxy: "timeout http-keep-alive" falls back to "timeout http-request", then client. */
    public long effectiveHttpKeepAlive() {
        return httpKeepAlive > 0 ? httpKeepAlive : effectiveHttpRequest();
    }

    /** HAProxy: "timeout queue" falls back to "timeout connect". */
    public long effectiveQueue() {
        return queue > 0 ? queue : connect;
    }

    /** HAProxy: "timeout tarpit" falls back to "timeout connect". */
    public long effectiveTarpit() {
        return tarpit > 0 ? tarpit : connect;
    }
}
