package io.vxlb.config;

import io.vxlb.rules.Condition;

/** {@code use-server NAME if|unless cond}: forces a server of this backend, even a weight-0 one. */
public record UseServerRule(Location location, String server, Condition condition) {
}
