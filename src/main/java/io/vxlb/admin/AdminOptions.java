package io.vxlb.admin;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * Where the admin API listens, how callers prove who they are, and the names it answers to. A
 * bearer token and/or basic credentials may always be set; on an address other than loopback
 * one of them is required (refused at start otherwise), so the API is never open to the network
 * by accident. The command line goes further (see {@code Main}): it makes a token by default,
 * also on loopback, and wants TLS ({@code --admin-cert}) off loopback. Options built in code
 * with no credentials (tests, embedding, {@code --admin-no-auth}) are the explicit choice of no
 * authentication.
 *
 * <p>{@code certPath}/{@code keyPath}: PEM certificate chain and key (one file may hold both) to
 * serve HTTPS. {@code hostNames}: DNS names the API may be called by besides IP literals,
 * localhost and this machine's name (the Host header check against DNS rebinding).
 */
public record AdminOptions(String host, int port, String token, String basicUser, String basicPassword, int bodyLimit,
                           String certPath, String keyPath, List<String> hostNames) {
    public static final int DEFAULT_BODY_LIMIT = 8 * 1024 * 1024;

    public AdminOptions(String host, int port, String token, String basicUser, String basicPassword, int bodyLimit) {
        this(host, port, token, basicUser, basicPassword, bodyLimit, null, null, List.of());
    }

    public AdminOptions {
        if (bodyLimit <= 0) bodyLimit = DEFAULT_BODY_LIMIT;
        if (token != null && token.isEmpty()) token = null;
        hostNames = hostNames == null ? List.of() : List.copyOf(hostNames);
        if (!loopback(host) && token == null && basicUser == null) {
            throw new IllegalArgumentException("admin API on " + host + ":" + port + " is not on loopback: set a bearer token "
                    + "(VXLB_ADMIN_TOKEN or --admin-token-file) or basic credentials (VXLB_ADMIN_BASIC=user:password)");
        }
    }

    public static AdminOptions loopback(int port) {
        return new AdminOptions("127.0.0.1", port, null, null, null, 0);
    }

    /** The same serving HTTPS with this PEM certificate (and key; null: in the certificate file). */
    public AdminOptions withCert(String cert, String key) {
        return new AdminOptions(host, port, token, basicUser, basicPassword, bodyLimit, cert, key, hostNames);
    }

    /** The same also answering to these DNS names. */
    public AdminOptions withHostNames(List<String> names) {
        return new AdminOptions(host, port, token, basicUser, basicPassword, bodyLimit, certPath, keyPath, names);
    }

    /** "host:port" as other nodes reach it. */
    public String address() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    public boolean authRequired() {
        return token != null || basicUser != null;
    }

    public boolean onLoopback() {
        return loopback(host);
    }

    /** Whether a request's Host header (its host part) names this API: an IP literal, localhost, this machine or a configured name. */
    public boolean hostAllowed(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".")) n = n.substring(0, n.length() - 1);
        if (n.equals("localhost") || n.matches("[0-9.]+") || n.matches("[0-9a-f:.]+") && n.contains(":")) return true;
        for (String h : hostNames) if (h.equalsIgnoreCase(n)) return true;
        return n.equals(LOCAL_NAME) || host.equalsIgnoreCase(n);
    }

    private static final String LOCAL_NAME = localName();

    private static String localName() {
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** "HOST:PORT", "[V6]:PORT" or "PORT" (loopback). */
    public static AdminOptions parse(String spec, String token, String basic) {
        String host = "127.0.0.1";
        String port = spec;
        int colon = spec.lastIndexOf(':');
        if (colon >= 0) {
            host = spec.substring(0, colon);
            port = spec.substring(colon + 1);
            if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("admin address '" + spec + "' needs a port, e.g. 127.0.0.1:9900");
        }
        if (p < 0 || p > 65535) throw new IllegalArgumentException("admin port " + p + " is out of range");
        String user = null, pass = null;
        if (basic != null && !basic.isEmpty()) {
            int i = basic.indexOf(':');
            if (i <= 0) throw new IllegalArgumentException("basic credentials must be written user:password");
            user = basic.substring(0, i);
            pass = basic.substring(i + 1);
        }
        return new AdminOptions(host, p, token, user, pass, 0);
    }

    static boolean loopback(String host) {
        if (host == null || host.equals("localhost")) return true;
        try {
            // literal addresses only: a name is not resolved here and counts as not loopback
            if (!host.matches("[0-9.]+|[0-9a-fA-F:]+")) return false;
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public String toString() {  // never print credentials
        return "AdminOptions[" + address() + (authRequired() ? ", auth required" : "") + (certPath != null ? ", https" : "") + "]";
    }
}
