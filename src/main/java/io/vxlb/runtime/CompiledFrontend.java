package io.vxlb.runtime;

import io.vxlb.config.Proxy;

import java.util.List;

/** The frontend half of a {@code frontend} or {@code listen} section, compiled for the request path. */
public record CompiledFrontend(Proxy proxy, List<CompiledRule> requestRules, List<CompiledRule> responseRules,
                               List<CompiledRedirect> redirects, List<CompiledSwitch> backendSwitches,
                               String defaultBackend) {
    public String name() {
        return proxy.name();
    }
}
