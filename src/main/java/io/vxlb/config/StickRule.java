package io.vxlb.config;

import io.vxlb.rules.Condition;
import io.vxlb.rules.SampleExpr;

/**
 * {@code stick on|match|store-request|store-response PATTERN [table T] [if|unless COND]}: server
 * persistence through a stick table's server_id. {@code table} is null for the proxy's own.
 */
public record StickRule(Kind kind, SampleExpr key, String table, Condition condition, Location location) {
    public enum Kind {
        ON("on"), MATCH("match"), STORE_REQUEST("store-request"), STORE_RESPONSE("store-response");

        public final String word;

        Kind(String word) {
            this.word = word;
        }

        public boolean matches() {
            return this == ON || this == MATCH;
        }

        public boolean storesRequest() {
            return this == ON || this == STORE_REQUEST;
        }
    }
}
