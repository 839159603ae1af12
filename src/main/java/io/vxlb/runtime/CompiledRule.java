package io.vxlb.runtime;

import io.vertx.core.buffer.Buffer;
import io.vxlb.config.HttpAction;
import io.vxlb.config.Location;
import io.vxlb.rules.CompiledCondition;
import io.vxlb.rules.CompiledLogFormat;
import io.vxlb.rules.CompiledSample;
import io.vxlb.rules.Txn;

import java.util.List;
import java.util.regex.Pattern;

/**
 * An {@code http-request}/{@code http-response} rule ready to run: the action with its
 * log-formats, regex, sample and file body prepared once, and its condition (null = always).
 */
public record CompiledRule(Location location, HttpAction action, CompiledCondition condition,
                           CompiledLogFormat value, Pattern regex, CompiledRedirect redirect,
                           CompiledSample sample, List<CompiledLogFormat> headerValues, Buffer body) {
    public boolean applies(Txn txn) {
        return condition == null || condition.test(txn);
    }
}
