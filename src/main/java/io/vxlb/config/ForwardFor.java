package io.vxlb.config;

/** {@code option forwardfor [except NET] [header NAME] [if-none]}; {@code except} is null or a CIDR. */
public record ForwardFor(String exceptNetwork, String header, boolean ifNone) {
    public static final String DEFAULT_HEADER = "X-Forwarded-For";
}
