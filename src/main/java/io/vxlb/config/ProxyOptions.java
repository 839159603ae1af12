package io.vxlb.config;

/**
 * The {@code option} keywords of a proxy. Null records mean "off". {@code httpMode} is null when
 * no http mode option was written (HAProxy's default is keep-alive). {@code httpReuseNever}:
 * {@code http-reuse never} (server connections are not kept after a response).
 */
public record ProxyOptions(boolean httplog, boolean httplogClf, boolean tcplog, boolean dontlognull,
                           HttpConnectionMode httpMode, boolean httpPretendKeepalive,
                           ForwardFor forwardFor, OriginalTo originalTo,
                           boolean redispatch, long redispatchInterval, boolean contstats, boolean allbackups,
                           boolean logasap, boolean httpUseHtx, boolean abortonclose, boolean httpBufferRequest,
                           boolean splice, boolean httpReuseNever, RetryOn retryOn) {
    public HttpConnectionMode effectiveHttpMode() {
        return httpMode == null ? HttpConnectionMode.KEEP_ALIVE : httpMode;
    }
}
