package io.vxlb.config;

import java.util.List;

/** {@code stats enable|uri|auth|refresh|realm|hide-version|show-legends}. */
public record StatsSettings(boolean enabled, String uri, List<String> auth, long refreshMillis, String realm,
                            boolean hideVersion) {
    public static final StatsSettings OFF = new StatsSettings(false, "/haproxy?stats", List.of(), 0, null, false);

    public StatsSettings {
        auth = List.copyOf(auth);
    }
}
