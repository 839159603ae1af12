package io.vxlb.config;

import io.vxlb.rules.Condition;
import io.vxlb.rules.LogFormat;

/**
 * {@code use_backend NAME [if|unless cond]} or {@code use_backend %[expr]}: exactly one of
 * {@code backend} (static name) and {@code dynamic} (log-format producing the name) is set.
 * {@code condition} is null when the rule is unconditional.
 */
public record BackendSwitch(Location location, String backend, LogFormat dynamic, Condition condition) {
}
