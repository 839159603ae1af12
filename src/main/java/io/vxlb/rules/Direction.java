package io.vxlb.rules;

/**
 * Which side of the transaction a rule runs on. Only the fetches that HAProxy 2.6 resolves by
 * direction care: {@code hdr()} and {@code cookie()} read the request in request rules
 * ({@code http-request}, {@code use_backend}, ...) and the response in response rules
 * ({@code http-response}). All other fetches name their side ({@code req.hdr}, {@code res.hdr}).
 */
public enum Direction {
    REQUEST,
    RESPONSE
}
