package io.vxlb.config;

import java.util.List;

/**
 * A proxy's stick table (null when it has none), its stick persistence rules in order, and the
 * names of its {@code non-stick} servers (stick store rules never store them).
 */
public record StickConfig(StickTableSpec table, List<StickRule> rules, java.util.Set<String> nonStickServers) {
    public static final StickConfig NONE = new StickConfig(null, List.of(), java.util.Set.of());

    public StickConfig {
        rules = List.copyOf(rules);
        nonStickServers = java.util.Set.copyOf(nonStickServers);
    }
}
