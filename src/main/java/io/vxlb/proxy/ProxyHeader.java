package io.vxlb.proxy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The PROXY protocol header (haproxy's doc/proxy-protocol.txt), v1 text and v2 binary, read as
 * strictly as HAProxy 2.6's conn_recv_proxy: an exact v1 line of at most 107 bytes, v2 with its
 * signature, version 2, command LOCAL or PROXY, TLVs that fill the announced length exactly and a
 * CRC32C TLV that must match. A header for an address family HAProxy does not take (UNKNOWN, UDP,
 * unix, LOCAL) keeps the connection's own addresses. Also writes the headers for
 * {@code send-proxy} / {@code send-proxy-v2}.
 */
public final class ProxyHeader {
    /** The v2 signature: {@code \r\n\r\n\0\r\nQUIT\n}. */
    static final byte[] V2_SIGNATURE = {0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a};
    private static final int V1_MAX = 107;
    private static final int PP2_TYPE_AUTHORITY = 0x02, PP2_TYPE_CRC32C = 0x03, PP2_TYPE_UNIQUE_ID = 0x05;

    /**
     * A parsed header: its length in bytes, the client's and the destination's address (null
     * with their ports 0 when the header keeps the connection's own), and the v2 authority and
     * unique-id TLVs (null when absent).
     */
    public record Parsed(int length, String srcAddress, int srcPort, String dstAddress, int dstPort, byte[] authority, byte[] uniqueId) {
        public boolean hasAddresses() {
            return srcAddress != null;
        }
    }

    /** Not a header, or a malformed one: the connection is closed. */
    public static final class Invalid extends Exception {
        Invalid(String why) {
            super(why, null, false, false);
        }
    }

    private ProxyHeader() {
    }

    /** The header at the start of {@code b[0..n)}; null when more bytes are needed. */
    public static Parsed parse(byte[] b, int n) throws Invalid {
        if (n == 0) return null;
        if (b[0] == 'P') return parseV1(b, n);
        if (b[0] == V2_SIGNATURE[0]) return parseV2(b, n);
        throw new Invalid("not a PROXY protocol header");
    }

    private static Parsed parseV1(byte[] b, int n) throws Invalid {
        byte[] magic = "PROXY ".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < Math.min(n, magic.length); i++) if (b[i] != magic[i]) throw new Invalid("not a PROXY protocol header");
        int lf = -1;
        for (int i = 0; i < Math.min(n, V1_MAX); i++) {
            if (b[i] == '\n') {
                lf = i;
                break;
            }
        }
        if (lf < 0) {
            if (n >= V1_MAX) throw new Invalid("PROXY v1 line longer than 107 bytes");
            return null;
        }
        if (lf < 1 || b[lf - 1] != '\r') throw new Invalid("PROXY v1 line does not end with CRLF");
        String line = new String(b, 6, lf - 1 - 6, StandardCharsets.US_ASCII);
        if (line.startsWith("UNKNOWN")) return new Parsed(lf + 1, null, 0, null, 0, null, null);  // the rest of the line is ignored
        String[] f = line.split(" ", -1);
        if (f.length != 5) throw new Invalid("PROXY v1 line needs 'TCP4|TCP6 SRC DST SPORT DPORT'");
        boolean v6;
        if (f[0].equals("TCP4")) v6 = false;
        else if (f[0].equals("TCP6")) v6 = true;
        else throw new Invalid("PROXY v1 protocol '" + f[0] + "' is not TCP4, TCP6 or UNKNOWN");
        String src = address(f[1], v6), dst = address(f[2], v6);
        return new Parsed(lf + 1, src, port(f[3]), dst, port(f[4]), null, null);
    }

    /** A literal address of the family only (no names, no other family), canonical text. */
    private static String address(String s, boolean v6) throws Invalid {
        boolean ok = !s.isEmpty() && (v6 ? s.indexOf(':') >= 0 && s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')
                : s.matches("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}"));
        if (!ok) throw new Invalid("invalid address '" + s + "' in PROXY v1 line");
        try {
            InetAddress a = InetAddress.getByName(s);  // a literal: no lookup
            if (v6 != (a instanceof Inet6Address)) throw new Invalid("address '" + s + "' is not of the line's family");
            return v6 ? compress(a.getHostAddress()) : a.getHostAddress();
        } catch (UnknownHostException e) {
            throw new Invalid("invalid address '" + s + "' in PROXY v1 line");
        }
    }

    private static int port(String s) throws Invalid {
        if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(Character::isDigit)) throw new Invalid("invalid port '" + s + "' in PROXY v1 line");
        int p = Integer.parseInt(s);
        if (p > 65535) throw new Invalid("invalid port '" + s + "' in PROXY v1 line");
        return p;
    }

    private static Parsed parseV2(byte[] b, int n) throws Invalid {
        for (int i = 0; i < Math.min(n, V2_SIGNATURE.length); i++) if (b[i] != V2_SIGNATURE[i]) throw new Invalid("not a PROXY protocol header");
        if (n < 16) return null;
        int verCmd = b[12] & 0xff, fam = b[13] & 0xff;
        int len = (b[14] & 0xff) << 8 | (b[15] & 0xff);
        if ((verCmd & 0xf0) != 0x20) throw new Invalid("PROXY v2 header with version " + (verCmd >> 4));
        int cmd = verCmd & 0x0f;
        if (cmd > 1) throw new Invalid("PROXY v2 header with unknown command " + cmd);
        if (n < 16 + len) return null;
        int total = 16 + len;
        if (cmd == 0) return new Parsed(total, null, 0, null, 0, null, null);  // LOCAL: the connection's own addresses
        String src = null, dst = null;
        int sp = 0, dp = 0, tlv;
        try {
            switch (fam) {
                case 0x11 -> {  // TCP over IPv4
                    if (len < 12) throw new Invalid("PROXY v2 TCP4 header too short");
                    src = Inet4Address.getByAddress(slice(b, 16, 4)).getHostAddress();
                    dst = Inet4Address.getByAddress(slice(b, 20, 4)).getHostAddress();
                    sp = u16(b, 24);
                    dp = u16(b, 26);
                    tlv = 28;
                }
                case 0x21 -> {  // TCP over IPv6
                    if (len < 36) throw new Invalid("PROXY v2 TCP6 header too short");
                    src = compress(InetAddress.getByAddress(slice(b, 16, 16)).getHostAddress());
                    dst = compress(InetAddress.getByAddress(slice(b, 32, 16)).getHostAddress());
                    sp = u16(b, 48);
                    dp = u16(b, 50);
                    tlv = 52;
                }
                default -> tlv = total;  // UNSPEC, UDP, unix: keep the connection's addresses, skip the rest
            }
        } catch (UnknownHostException e) {
            throw new Invalid("PROXY v2 address: " + e.getMessage());
        }
        byte[] authority = null, uniqueId = null;
        while (tlv < total) {
            if (tlv + 3 > total) throw new Invalid("PROXY v2 TLV header crosses the end of the header");
            int type = b[tlv] & 0xff, tlen = u16(b, tlv + 1);
            int v = tlv + 3;
            if (v + tlen > total) throw new Invalid("PROXY v2 TLV crosses the end of the header");
            switch (type) {
                case PP2_TYPE_AUTHORITY -> authority = slice(b, v, tlen);
                case PP2_TYPE_UNIQUE_ID -> {
                    if (tlen > 128) throw new Invalid("PROXY v2 unique id longer than 128 bytes");
                    uniqueId = slice(b, v, tlen);
                }
                case PP2_TYPE_CRC32C -> {
                    if (tlen != 4) throw new Invalid("PROXY v2 CRC32C TLV of " + tlen + " bytes");
                    long expected = (long) u16(b, v) << 16 | u16(b, v + 2);
                    byte[] copy = slice(b, 0, total);
                    for (int i = 0; i < 4; i++) copy[v + i] = 0;  // the checksum is computed with its own field zeroed
                    CRC32C crc = new CRC32C();
                    crc.update(copy, 0, total);
                    if (crc.getValue() != expected) throw new Invalid("PROXY v2 CRC32C mismatch");
                }
                default -> { }  // other TLVs (ALPN, SSL, NETNS, ...) are skipped
            }
            tlv = v + tlen;
        }
        return new Parsed(total, src, sp, dst, dp, authority, uniqueId);
    }

    private static int u16(byte[] b, int i) {
        return (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
    }

    private static byte[] slice(byte[] b, int from, int len) {
        byte[] out = new byte[len];
        System.arraycopy(b, from, out, 0, len);
        return out;
    }

    /**
     * {@code send-proxy}: the v1 line for a connection from {@code src:sp} to {@code dst:dp};
     * {@code PROXY UNKNOWN} when either is not an IP address or the families differ (HAProxy
     * then writes the client's family for both only when they agree).
     */
    public static byte[] v1(String src, int sp, String dst, int dp) {
        InetAddress s = literal(src), d = literal(dst);
        if (s == null || d == null) return "PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII);
        if (s instanceof Inet4Address != d instanceof Inet4Address) {
            // mixed families: both as IPv6, as HAProxy's make_proxy_line_v1 does
            s = asV6(s);
            d = asV6(d);
        }
        String fam = s instanceof Inet4Address ? "TCP4" : "TCP6";
        return ("PROXY " + fam + " " + text(s) + " " + text(d) + " " + sp + " " + dp + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code send-proxy-v2}: command PROXY over TCP4/TCP6, or LOCAL with no address when the addresses are unknown. */
    public static byte[] v2(String src, int sp, String dst, int dp) {
        InetAddress s = literal(src), d = literal(dst);
        if (s == null || d == null) {
            byte[] out = new byte[16];
            System.arraycopy(V2_SIGNATURE, 0, out, 0, 12);
            out[12] = 0x20;  // version 2, LOCAL
            return out;
        }
        if (s instanceof Inet4Address != d instanceof Inet4Address) {
            s = asV6(s);
            d = asV6(d);
        }
        boolean v4 = s instanceof Inet4Address;
        int alen = v4 ? 12 : 36;
        byte[] out = new byte[16 + alen];
        System.arraycopy(V2_SIGNATURE, 0, out, 0, 12);
        out[12] = 0x21;  // version 2, PROXY
        out[13] = (byte) (v4 ? 0x11 : 0x21);
        out[14] = 0;
        out[15] = (byte) alen;
        byte[] sa = s.getAddress(), da = d.getAddress();
        System.arraycopy(sa, 0, out, 16, sa.length);
        System.arraycopy(da, 0, out, 16 + sa.length, da.length);
        int p = 16 + 2 * sa.length;
        out[p] = (byte) (sp >> 8);
        out[p + 1] = (byte) sp;
        out[p + 2] = (byte) (dp >> 8);
        out[p + 3] = (byte) dp;
        return out;
    }

    /**
     * A v2 header with the TLVs {@code proxy-v2-options} asks for, in HAProxy's order
     * (make_proxy_line_v2): CRC32C, AUTHORITY, UNIQUE_ID; a null value leaves its TLV out. The
     * CRC32C covers the whole header with its own field zero.
     */
    public static byte[] v2(String src, int sp, String dst, int dp, boolean crc32c, byte[] authority, byte[] uniqueId) {
        byte[] base = v2(src, sp, dst, dp);
        int extra = (crc32c ? 3 + 4 : 0) + (authority != null ? 3 + authority.length : 0) + (uniqueId != null ? 3 + uniqueId.length : 0);
        if (extra == 0) return base;
        byte[] out = java.util.Arrays.copyOf(base, base.length + extra);
        int p = base.length, crcAt = -1;
        if (crc32c) {
            crcAt = p + 3;
            p = tlv(out, p, PP2_TYPE_CRC32C, new byte[4]);
        }
        if (authority != null) p = tlv(out, p, PP2_TYPE_AUTHORITY, authority);
        if (uniqueId != null) p = tlv(out, p, PP2_TYPE_UNIQUE_ID, uniqueId);
        int len = out.length - 16;
        out[14] = (byte) (len >> 8);
        out[15] = (byte) len;
        if (crcAt >= 0) {
            CRC32C c = new CRC32C();
            c.update(out, 0, out.length);
            long v = c.getValue();
            out[crcAt] = (byte) (v >>> 24);
            out[crcAt + 1] = (byte) (v >>> 16);
            out[crcAt + 2] = (byte) (v >>> 8);
            out[crcAt + 3] = (byte) v;
        }
        return out;
    }

    private static int tlv(byte[] out, int p, int type, byte[] value) {
        out[p] = (byte) type;
        out[p + 1] = (byte) (value.length >> 8);
        out[p + 2] = (byte) value.length;
        System.arraycopy(value, 0, out, p + 3, value.length);
        return p + 3 + value.length;
    }

    private static InetAddress literal(String a) {
        if (a == null || a.isEmpty() || !(a.indexOf(':') >= 0 || Character.isDigit(a.charAt(0)))) return null;
        try {
            return InetAddress.getByName(a);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static InetAddress asV6(InetAddress a) {
        if (!(a instanceof Inet4Address)) return a;
        byte[] v6 = new byte[16];
        v6[10] = (byte) 0xff;
        v6[11] = (byte) 0xff;
        System.arraycopy(a.getAddress(), 0, v6, 12, 4);
        try {
            return Inet6Address.getByAddress(null, v6, -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(InetAddress a) {
        if (a instanceof Inet6Address && a.getAddress()[10] == (byte) 0xff && a.getAddress()[11] == (byte) 0xff && isMapped(a.getAddress())) {
            byte[] b = a.getAddress();
            return "::ffff:" + (b[12] & 0xff) + "." + (b[13] & 0xff) + "." + (b[14] & 0xff) + "." + (b[15] & 0xff);
        }
        String s = a.getHostAddress();
        return a instanceof Inet6Address ? compress(s) : s;
    }

    private static boolean isMapped(byte[] b) {
        for (int i = 0; i < 10; i++) if (b[i] != 0) return false;
        return true;
    }

    /** RFC 5952 text for an IPv6 address (the JDK writes every group: 0:0:0:0:0:0:0:1). */
    static String compress(String full) {
        int pct = full.indexOf('%');
        if (pct >= 0) full = full.substring(0, pct);
        String[] g = full.split(":");
        int bestStart = -1, bestLen = 0;
        for (int i = 0; i < g.length; ) {
            if (g[i].equals("0")) {
                int j = i;
                while (j < g.length && g[j].equals("0")) j++;
                if (j - i > bestLen && j - i > 1) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestStart < 0) return String.join(":", g);
        String left = String.join(":", java.util.Arrays.copyOfRange(g, 0, bestStart));
        String right = String.join(":", java.util.Arrays.copyOfRange(g, bestStart + bestLen, g.length));
        return left + "::" + right;
    }
}
