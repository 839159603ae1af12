package io.vxlb.stick;

import io.vxlb.maps.IpLiteral;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/**
 * A sample turned into a table's key, as HAProxy's smp_to_stkey casts it: an IPv4 table takes
 * IPv4 addresses (and IPv4-mapped IPv6 ones), an IPv6 table maps IPv4 into ::ffff:0:0/96, a
 * string table truncates to its length, a binary table pads with zeros. Null when the sample
 * does not convert (then nothing is tracked or looked up).
 */
public final class StickKeys {
    private StickKeys() {
    }

    public static Object of(StickTable t, Object v) {
        if (v == null) return null;
        if (v instanceof InetAddress a) v = a.getHostAddress();
        return switch (t.spec.type()) {
            case IP -> ipv4(v);
            case IPV6 -> ipv6(v);
            case INTEGER -> integer(v);
            case STRING -> {
                String s = v instanceof byte[] b ? new String(b, StandardCharsets.ISO_8859_1) : v instanceof Boolean x ? (x ? "1" : "0") : v.toString();
                yield s.length() > t.spec.keyLength() ? s.substring(0, t.spec.keyLength()) : s;
            }
            case BINARY -> BinaryKey.of(v instanceof byte[] b ? b : v.toString().getBytes(StandardCharsets.ISO_8859_1), t.spec.keyLength());
        };
    }

    private static String ipv4(Object v) {
        if (v instanceof Long l) return l >= 0 && l <= 0xFFFFFFFFL ? IpLiteral.formatV4(l) : null;
        if (!(v instanceof String s)) return null;
        long x = IpLiteral.v4Strict(s);
        if (x >= 0) return canonicalV4(s) ? s : IpLiteral.formatV4(x);  // the client's address text is already canonical: no copy
        long[] out = new long[2];
        // an IPv4-mapped IPv6 address converts; any other IPv6 address does not fit an ip table
        if (IpLiteral.v6(s, out) && out[0] == 0 && (out[1] >>> 32) == 0xFFFFL) return IpLiteral.formatV4(out[1] & 0xFFFFFFFFL);
        return null;
    }

    /** Dotted decimal without leading zeros (what formatV4 writes), given a valid IPv4 text. */
    private static boolean canonicalV4(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c == '0' && (i == 0 || s.charAt(i - 1) == '.') && i + 1 < n && s.charAt(i + 1) != '.') return false;
            if (c != '.' && (c < '0' || c > '9')) return false;
        }
        return true;
    }

    private static String ipv6(Object v) {
        String v4 = ipv4(v);
        if (v4 != null) return StickTable.ipv6OfV4(v4);
        if (!(v instanceof String s)) return null;
        long[] out = new long[2];
        return IpLiteral.v6(s, out) ? IpLiteral.formatV6(out[0], out[1]) : null;
    }

    private static Long integer(Object v) {
        if (v instanceof Long l) return l;
        if (v instanceof Boolean b) return b ? 1L : 0L;
        if (v instanceof String s) {
            long x = IpLiteral.v4Strict(s);
            if (x >= 0) return x;
            int i = 0;
            boolean neg = false;
            if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) neg = s.charAt(i++) == '-';
            int from = i;
            long r = 0;
            while (i < s.length() && Character.isDigit(s.charAt(i)) && i - from < 18) r = r * 10 + (s.charAt(i++) - '0');
            return i == from ? null : neg ? -r : r;
        }
        return null;
    }

    /** For tests and the admin API: the text of an IPv4 address as a key. */
    static boolean isV4(InetAddress a) {
        return a instanceof Inet4Address;
    }
}
