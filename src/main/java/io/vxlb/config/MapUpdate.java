package io.vxlb.config;

/**
 * A {@code dynamic-update} section's {@code update id FILE url URL delay T [timeout T]
 * [retries N] map|acl} line (HAPEE's lb-update, seed 003): fetch a map from a URL periodically.
 */
public record MapUpdate(Location location, String file, String url, long delayMillis, long timeoutMillis,
                        int retries, boolean map) {
}
