package io.vxlb.config;

/** {@code capture request|response header NAME len N}: logged in {@code {}} in httplog lines. */
public record Capture(boolean request, String header, int length) {
}
