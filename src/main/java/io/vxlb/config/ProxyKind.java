package io.vxlb.config;

/** The section kinds that define proxies, in HAProxy's words. */
public enum ProxyKind {
    DEFAULTS, FRONTEND, BACKEND, LISTEN;

    public boolean hasFrontend() {
        return this == FRONTEND || this == LISTEN;
    }

    public boolean hasBackend() {
        return this == BACKEND || this == LISTEN;
    }

    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
