package io.vxlb.runtime;

import io.vxlb.config.Location;
import io.vxlb.config.TcpAction;
import io.vxlb.rules.CompiledCondition;
import io.vxlb.rules.CompiledSample;
import io.vxlb.rules.Txn;

import java.util.List;

/** A proxy's {@code tcp-request} / {@code tcp-response} rules compiled for the data path (see {@link io.vxlb.config.TcpRules}). */
public record CompiledTcpRules(long inspectDelay, List<Rule> connection, List<Rule> session, List<Rule> content,
                               long responseInspectDelay, List<Rule> responseContent) {
    public static final CompiledTcpRules NONE = new CompiledTcpRules(0, List.of(), List.of(), List.of(), 0, List.of());

    public CompiledTcpRules {
        connection = List.copyOf(connection);
        session = List.copyOf(session);
        content = List.copyOf(content);
        responseContent = List.copyOf(responseContent);
    }

    /** One rule: its action, its condition (null: always) and the sample its action computes (set-var, set-src...; else null). */
    public record Rule(Location location, TcpAction action, CompiledCondition condition, CompiledSample sample,
                       io.vxlb.rules.CompiledLogFormat format) {
        public Rule(Location location, TcpAction action, CompiledCondition condition, CompiledSample sample) {
            this(location, action, condition, sample, null);
        }

        /** What a set-var / set-var-fmt stores: the sample, or the format's text. */
        public Object value(Txn t) {
            return format != null ? format.format(t) : sample.eval(t);
        }

        public boolean applies(Txn t) {
            return condition == null || condition.test(t);
        }
    }
}
