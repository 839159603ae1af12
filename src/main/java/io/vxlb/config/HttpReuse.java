package io.vxlb.config;

/**
 * {@code http-reuse}: which idle server connections a request may take (HAProxy 2.6
 * backend.c connect_server). A connection that served one request is "idle", one that served
 * more is "safe" (proven reusable). The first request of a client connection takes: nothing
 * (SAFE), a safe one (AGGRESSIVE), a safe then an idle one (ALWAYS); later requests take an idle
 * then a safe one. NEVER: a server connection belongs to one client connection for its life.
 */
public enum HttpReuse {
    NEVER, SAFE, AGGRESSIVE, ALWAYS;

    public static HttpReuse of(String word) {
        return switch (word) {
            case "never" -> NEVER;
            case "safe" -> SAFE;
            case "aggressive" -> AGGRESSIVE;
            case "always" -> ALWAYS;
            default -> null;
        };
    }
}
