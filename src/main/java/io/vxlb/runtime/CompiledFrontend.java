package io.vxlb.runtime;

import io.vxlb.config.Proxy;

import java.util.List;

/** The frontend half of a {@code frontend} or {@code listen} section, compiled for the request path. */
public record CompiledFrontend(Proxy proxy, List<CompiledRule> requestRules, List<CompiledRule> responseRules,
                               List<CompiledRedirect> redirects, List<CompiledSwitch> backendSwitches,
                               String defaultBackend, io.vxlb.rules.CompiledLogFormat logLine, ErrorReplies errorReplies,
                               io.vxlb.rules.CompiledLogFormat uniqueId, CompiledTcpRules tcpRules, List<CompiledRule> afterResponseRules) {
    public CompiledFrontend(Proxy proxy, List<CompiledRule> requestRules, List<CompiledRule> responseRules,
                            List<CompiledRedirect> redirects, List<CompiledSwitch> backendSwitches,
                            String defaultBackend, io.vxlb.rules.CompiledLogFormat logLine, ErrorReplies errorReplies) {
        this(proxy, requestRules, responseRules, redirects, backendSwitches, defaultBackend, logLine, errorReplies, null, CompiledTcpRules.NONE, List.of());
    }

    public CompiledFrontend(Proxy proxy, List<CompiledRule> requestRules, List<CompiledRule> responseRules,
                            List<CompiledRedirect> redirects, List<CompiledSwitch> backendSwitches,
                            String defaultBackend, io.vxlb.rules.CompiledLogFormat logLine) {
        this(proxy, requestRules, responseRules, redirects, backendSwitches, defaultBackend, logLine, ErrorReplies.NONE);
    }

    /**
     * The frontend's log line when it is not the built-in httplog one: its {@code log-format},
     * or {@code option httplog clf}'s; null otherwise (the fast {@code HttpLogLine}, or no log).
     */
    public io.vxlb.rules.CompiledLogFormat logLine() {
        return logLine;
    }

    /** Whether requests of this frontend are logged at all (httplog, or a log-format). */
    public boolean logs() {
        return proxy.options().httplog() || logLine != null;
    }

    public String name() {
        return proxy.name();
    }
}
