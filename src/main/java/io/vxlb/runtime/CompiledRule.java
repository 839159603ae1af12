package io.vxlb.runtime;

import io.vxlb.action.CompiledAction;
import io.vxlb.config.Location;
import io.vxlb.rules.CompiledCondition;
import io.vxlb.rules.Txn;

/** An {@code http-request}/{@code http-response} rule ready to run: its condition (null = always) and its action. */
public record CompiledRule(Location location, String keyword, CompiledCondition condition, CompiledAction action) {
    public boolean applies(Txn txn) {
        return condition == null || condition.test(txn);
    }
}
