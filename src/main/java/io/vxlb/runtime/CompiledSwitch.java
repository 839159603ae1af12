package io.vxlb.runtime;

import io.vxlb.rules.CompiledCondition;
import io.vxlb.rules.CompiledLogFormat;

/** A {@code use_backend} (static {@code backend} or {@code dynamic} name) or {@code use-server} rule. */
public record CompiledSwitch(String target, CompiledLogFormat dynamic, CompiledCondition condition) {
    public boolean applies(io.vxlb.rules.Txn txn) {
        return condition == null || condition.test(txn);
    }
}
