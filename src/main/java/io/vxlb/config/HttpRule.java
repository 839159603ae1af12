package io.vxlb.config;

import io.vxlb.action.HttpAction;
import io.vxlb.rules.Condition;

/** One {@code http-request} or {@code http-response} line: an action and an optional condition. */
public record HttpRule(Location location, HttpAction action, Condition condition) {
}
