package io.vxlb.config;

import java.util.List;

/**
 * The request of {@code option httpchk [METHOD] [URI] [VERSION]}. Old configurations hide
 * headers after the version ({@code HTTP/1.1\r\nHost:\ x}); they are split out into
 * {@code headers}, which HAProxy 2.6 still honours (with a deprecation warning we repeat).
 */
public record HttpCheckRequest(String method, String uri, String version, List<CheckStep.Header> headers) {
    public static final HttpCheckRequest DEFAULT = new HttpCheckRequest("OPTIONS", "/", "HTTP/1.0", List.of());

    public HttpCheckRequest {
        headers = List.copyOf(headers);
    }
}
