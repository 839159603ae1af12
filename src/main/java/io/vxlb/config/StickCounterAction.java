package io.vxlb.config;

import io.vxlb.rules.SampleExpr;

/**
 * A stick counter action of {@code http-request} / {@code http-response}: {@code track-sc<slot>
 * KEY [table T]}, {@code sc-inc-gpc0(<slot>)} / {@code sc-inc-gpc1(<slot>)}, {@code
 * sc-set-gpt0(<slot>) VALUE|EXPR}. {@code key} is the tracked key (TRACK) or the gpt0 expression
 * (SET_GPT0, null when {@code value} is a constant); {@code table} null means the rule's own proxy.
 */
public record StickCounterAction(Op op, int slot, SampleExpr key, String table, int gpc, long value) {
    public enum Op { TRACK, INC_GPC, SET_GPT0 }

    public String keyword() {
        return switch (op) {
            case TRACK -> "track-sc" + slot;
            case INC_GPC -> "sc-inc-gpc" + gpc;
            case SET_GPT0 -> "sc-set-gpt0";
        };
    }
}
