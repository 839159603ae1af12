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

    /** {@code set-var(SCOPE.NAME) EXPR}. */
    record SetVar(String variable, SampleExpr expr) implements TcpAction {
        public String keyword() { return "set-var"; }
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
}
