package io.vxlb.config;

import io.vxlb.rules.SampleExpr;

/** What a {@code tcp-request} / {@code tcp-response} rule does. One record per action kind. */
public sealed interface TcpAction {
    /** The keyword as written in the configuration (e.g. "set-var"). */
    String keyword();

    /** {@code accept}: stop evaluating this rule list, let the connection (or data) through. */
    record Accept() implements TcpAction {
        public String keyword() { return "accept"; }
    }

    /** {@code reject}: close the connection at once, without a response. */
    record Reject() implements TcpAction {
        public String keyword() { return "reject"; }
    }

    /** {@code tcp-response content close}: close the server connection once the data went out. */
    record Close() implements TcpAction {
        public String keyword() { return "close"; }
    }

    /** {@code tcp-request connection expect-proxy layer4}: read a PROXY protocol header first. */
    record ExpectProxy() implements TcpAction {
        public String keyword() { return "expect-proxy"; }
    }

    /** {@code set-var(SCOPE.NAME[,COND...]) EXPR} or {@code set-var-fmt(SCOPE.NAME[,COND...]) FMT} (then {@code format} is set). */
    record SetVar(String variable, SampleExpr expr, io.vxlb.rules.LogFormat format, int conditions) implements TcpAction {
        public SetVar(String variable, SampleExpr expr) {
            this(variable, expr, null, 0);
        }

        public String keyword() { return format != null ? "set-var-fmt" : "set-var"; }
    }

    /** {@code unset-var(SCOPE.NAME)}. */
    record UnsetVar(String variable) implements TcpAction {
        public String keyword() { return "unset-var"; }
    }

    /** {@code set-src EXPR} / {@code set-dst EXPR} (an address; the port is kept). */
    record SetAddress(boolean source, SampleExpr expr) implements TcpAction {
        public String keyword() { return source ? "set-src" : "set-dst"; }
    }

    /** {@code set-src-port EXPR} / {@code set-dst-port EXPR}. */
    record SetPort(boolean source, SampleExpr expr) implements TcpAction {
        public String keyword() { return source ? "set-src-port" : "set-dst-port"; }
    }

    /** {@code tcp-request content switch-mode http}: an HTTP frontend is already in HTTP mode; refused in mode tcp. */
    record SwitchModeHttp() implements TcpAction {
        public String keyword() { return "switch-mode"; }
    }

    /** {@code set-log-level LEVEL} (or {@code silent}): the level of this session's log line. */
    record SetLogLevel(String level) implements TcpAction {
        public String keyword() { return "set-log-level"; }
    }

    /**
     * {@code track-sc<slot> KEY [table T]} (vxlb-stick): connection and session rules track on the
     * connection (for its whole life), content rules on the stream. {@code table} is resolved
     * (the rule's proxy when the line names none).
     */
    record TrackSc(int slot, SampleExpr key, String table) implements TcpAction {
        public String keyword() { return "track-sc" + slot; }
    }

    /** {@code sc-inc-gpc0(<slot>)} / {@code sc-inc-gpc1(<slot>)} (vxlb-stick). */
    record ScIncGpc(int slot, int gpc) implements TcpAction {
        public String keyword() { return "sc-inc-gpc" + gpc; }
    }

    /** {@code sc-set-gpt0(<slot>) INT|EXPR} (vxlb-stick): {@code expr} null when {@code value} is the constant. */
    record ScSetGpt0(int slot, SampleExpr expr, long value) implements TcpAction {
        public String keyword() { return "sc-set-gpt0"; }
    }
}
