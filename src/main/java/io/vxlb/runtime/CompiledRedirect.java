package io.vxlb.runtime;

import io.vxlb.config.Redirect;
import io.vxlb.rules.CompiledCondition;
import io.vxlb.rules.CompiledLogFormat;

/** A {@code redirect} rule with its target format and condition compiled. */
public record CompiledRedirect(Redirect redirect, CompiledLogFormat target, CompiledCondition condition) {
    public boolean applies(io.vxlb.rules.Txn txn) {
        return condition == null || condition.test(txn);
    }
}
