package io.vxlb.config;

/** {@code option originalto [except NET] [header NAME]}. */
public record OriginalTo(String exceptNetwork, String header) {
    public static final String DEFAULT_HEADER = "X-Original-To";
}
