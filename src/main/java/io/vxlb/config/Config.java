package io.vxlb.config;

import java.util.List;
import java.util.Optional;

/**
 * A whole parsed and validated configuration: the global section, every proxy (frontends,
 * backends and listens in file order; defaults sections are folded into them), map auto-updates,
 * and the warnings found on the way.
 */
public record Config(List<String> files, GlobalSection global, List<Proxy> proxies, List<MapUpdate> mapUpdates,
                     List<Diagnostic> warnings) {
    public Config {
        files = List.copyOf(files);
        proxies = List.copyOf(proxies);
        mapUpdates = List.copyOf(mapUpdates);
        warnings = List.copyOf(warnings);
    }

    public Optional<Proxy> proxy(String name) {
        for (Proxy p : proxies) if (p.name().equals(name)) return Optional.of(p);
        return Optional.empty();
    }

    /** A proxy that can receive traffic routed to a backend: {@code backend} or {@code listen}. */
    public Optional<Proxy> backend(String name) {
        return proxy(name).filter(p -> p.kind().hasBackend());
    }

    public List<Proxy> frontends() {
        return proxies.stream().filter(p -> p.kind().hasFrontend()).toList();
    }

    public List<Proxy> backends() {
        return proxies.stream().filter(p -> p.kind().hasBackend()).toList();
    }
}
