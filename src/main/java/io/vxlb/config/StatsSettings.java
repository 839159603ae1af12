package io.vxlb.config;

import io.vxlb.rules.Condition;

import java.util.List;

/**
 * {@code stats enable|uri|auth|refresh|realm|hide-version|show-legends|admin}: the stats page
 * (io.vxlb.admin.cli.StatsPage). {@code admin} is the {@code stats admin if|unless COND}
 * condition (null: no admin actions on the page); {@code scopes} the {@code stats scope} proxies
 * the page shows ("." is its own proxy; empty: all).
 */
public record StatsSettings(boolean enabled, String uri, List<String> auth, long refreshMillis, String realm,
                            boolean hideVersion, boolean showLegends, Condition admin, List<String> scopes) {
    public static final StatsSettings OFF = new StatsSettings(false, "/haproxy?stats", List.of(), 0, null, false);

    public StatsSettings {
        auth = List.copyOf(auth);
        scopes = List.copyOf(scopes);
    }

    public StatsSettings(boolean enabled, String uri, List<String> auth, long refreshMillis, String realm, boolean hideVersion) {
        this(enabled, uri, auth, refreshMillis, realm, hideVersion, false, null, List.of());
    }
}
