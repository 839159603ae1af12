package io.vxlb.config;

/**
 * A network address as HAProxy writes it: {@code [ipv4@|ipv6@|udp@|tcp@]HOST[:PORT[-END]]},
 * {@code *:PORT}, {@code :PORT}, {@code :::PORT}, {@code [v6]:PORT}. {@code host} is null for the
 * wildcard; {@code port} is 0 when absent.
 */
record Address(String host, int port, int portEnd, boolean ipv6) {

    static Address parse(String text, boolean portRequired) {
        String s = text;
        boolean ipv6 = false;
        int at = s.indexOf('@');
        if (at >= 0) {
            String prefix = s.substring(0, at);
            switch (prefix) {
                case "ipv4", "tcp", "tcp4", "udp", "udp4" -> {}
                case "ipv6", "tcp6", "udp6" -> ipv6 = true;
                default -> throw new IllegalArgumentException("address family '" + prefix + "@' is not supported by vxlb (use ipv4@ or ipv6@, or a plain HOST:PORT)");
            }
            s = s.substring(at + 1);
        }
        if (s.startsWith("/") || s.startsWith("unix@") || s.startsWith("abns@")) {
            throw new IllegalArgumentException("UNIX socket address '" + text + "' is not supported by vxlb (use HOST:PORT)");
        }
        String host;
        String portText;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) throw new IllegalArgumentException("unmatched '[' in address '" + text + "'");
            host = s.substring(1, close);
            ipv6 = true;
            String rest = s.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) throw new IllegalArgumentException("unexpected '" + rest + "' after ']' in '" + text + "'");
            portText = rest.isEmpty() ? "" : rest.substring(1);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon < 0) {
                host = s;
                portText = "";
            } else {
                host = s.substring(0, colon);
                portText = s.substring(colon + 1);
                if (host.indexOf(':') >= 0) ipv6 = true;  // "::1:80", ":::80": HAProxy takes the last colon as port separator
            }
        }
        if (host.equals("*") || host.isEmpty() || (ipv6 && host.equals("::"))) host = null;
        else if (host.equals("0.0.0.0")) host = null;
        if (host != null && !validHost(host)) {
            throw new IllegalArgumentException("'" + text + "' is not a valid address (expected HOST:PORT, e.g. 127.0.0.1:8080, *:80 or :::80)");
        }
        int port = 0, end = 0;
        if (portText.isEmpty()) {
            if (portRequired) throw new IllegalArgumentException("missing port in '" + text + "' (expected HOST:PORT, e.g. *:80)");
        } else {
            int dash = portText.indexOf('-');
            port = port(portText.substring(0, dash < 0 ? portText.length() : dash), text);
            end = dash < 0 ? port : port(portText.substring(dash + 1), text);
            if (end < port) throw new IllegalArgumentException("port range '" + portText + "' ends before it starts");
        }
        return new Address(host, port, end, ipv6);
    }

    private static int port(String p, String text) {
        if (p.startsWith("+") || p.startsWith("-")) {
            throw new IllegalArgumentException("relative ports ('" + p + "') are not supported by vxlb; give the server's port");
        }
        try {
            int v = Integer.parseInt(p);
            if (v < 1 || v > 65535) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid port '" + p + "' in '" + text + "' (expected 1-65535)");
        }
    }

    /** IPv4, IPv6 or host name characters; the resolver checks the rest at startup. */
    private static boolean validHost(String h) {
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == ':' || c == '_' || c == '%')) return false;
        }
        return true;
    }

    /** True when the word cannot be a host name or address (e.g. a keyword mistaken for one). */
    static boolean looksLikeAddress(String w) {
        return w.indexOf(':') >= 0 || w.indexOf('.') >= 0 || w.indexOf('@') >= 0 || w.startsWith("*") || w.startsWith("[") || w.startsWith("$");
    }
}
