package io.vxlb.config;

/**
 * The {@code option} keywords of a proxy. Null records mean "off". {@code httpMode} is null when
 * no http mode option was written (HAProxy's default is keep-alive). {@code httpReuse}:
 * the {@code http-reuse} mode (HAProxy's default: safe).
 */
public record ProxyOptions(boolean httplog, boolean httplogClf, boolean tcplog, boolean dontlognull,
                           HttpConnectionMode httpMode, boolean httpPretendKeepalive,
                           ForwardFor forwardFor, OriginalTo originalTo,
                           boolean redispatch, long redispatchInterval, boolean contstats, boolean allbackups,
                           boolean logasap, boolean httpUseHtx, boolean abortonclose, boolean httpBufferRequest,
                           boolean splice, HttpReuse httpReuse, RetryOn retryOn) {
    public HttpConnectionMode effectiveHttpMode() {
        return httpMode == null ? HttpConnectionMode.KEEP_ALIVE : httpMode;
    }
}
