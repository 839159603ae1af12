package io.vxlb.config;

import io.vxlb.rules.Condition;

/** One {@code tcp-request connection|session|content} or {@code tcp-response content} line. */
public record TcpRule(Location location, TcpAction action, Condition condition) {
}
