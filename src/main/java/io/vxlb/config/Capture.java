package io.vxlb.config;

/**
 * A capture slot of a frontend, in declaration order per side (its index for
 * {@code capture.req.hdr(N)}, {@code id N} and {@code %hr}/{@code %hs}): {@code capture
 * request|response header NAME len N}, or ({@code header} null) a {@code declare capture} or
 * {@code http-request capture ... len N} slot filled by a capture action.
 */
public record Capture(boolean request, String header, int length) {
}
