package io.vxlb.config;

import java.util.List;

/**
 * One listening address of a {@code bind} line ({@code bind A:80,B:81-82} gives several).
 * {@code host} is null for "any address" ({@code *:80}, {@code :80}); {@code ipv6} says the
 * wildcard or address is IPv6 ({@code ipv6@}, {@code :::80}); {@code acceptProxy}: every connection
 * starts with a PROXY protocol header ({@code accept-proxy}).
 */
public record Bind(Location location, String host, int port, boolean ipv6, String name, boolean ssl,
                   List<String> certificates, List<String> alpn, int maxconn, int backlog, Tls tls, boolean acceptProxy) {
    public Bind {
        certificates = List.copyOf(certificates);
        alpn = List.copyOf(alpn);
        if (tls == null) tls = Tls.NONE;
    }

    public Bind(Location location, String host, int port, boolean ipv6, String name, boolean ssl,
                List<String> certificates, List<String> alpn, int maxconn, int backlog) {
        this(location, host, port, ipv6, name, ssl, certificates, alpn, maxconn, backlog, Tls.NONE, false);
    }

    /**
     * TLS settings of a bind beyond {@code crt}: {@code crt-list} files (read when the listener
     * starts, see proxy/BindCertificates), {@code ca-file} and {@code verify} for client
     * certificates. {@code verify} is "none" (no certificate asked, HAProxy's default),
     * "optional" or "required". {@code crtBase}: the global {@code crt-base}, for the relative
     * certificate paths inside crt-list files. {@code strictSni}: a handshake whose SNI matches
     * no certificate (or that has none) is refused instead of getting the default one.
     */
    public record Tls(List<String> crtLists, String caFile, String verify, String crtBase, boolean strictSni) {
        public static final Tls NONE = new Tls(List.of(), null, "none", null, false);

        public Tls {
            crtLists = List.copyOf(crtLists);
        }
    }

    /** Address to hand to the socket layer. */
    public String listenHost() {
        if (host != null) return host;
        return ipv6 ? "::" : "0.0.0.0";
    }

    /** The same bind noted at another place (compares binds across configuration texts). */
    public Bind withLocation(Location where) {
        return new Bind(where, host, port, ipv6, name, ssl, certificates, alpn, maxconn, backlog, tls, acceptProxy);
    }
}
