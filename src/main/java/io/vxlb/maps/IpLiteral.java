package io.vxlb.maps;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Textual IPv4 and IPv6 addresses, parsed and printed the way HAProxy 2.6 does, without
 * allocating for IPv4. An IPv4 address is a long in [0, 2^32); an IPv6 address is two longs
 * (high and low 64 bits).
 */
public final class IpLiteral {
    private IpLiteral() {
    }

    /**
     * HAProxy's buf2ip (used by string-to-address casts): exactly four dotted decimal octets,
     * leading zeros allowed, parsing stops at the first character that is neither a digit nor a
     * dot. Returns -1 when it is not an IPv4 address.
     */
    public static long v4(CharSequence s) {
        int n = s.length();
        long value = 0;
        int octet = 0;
        int octets = 0;
        boolean sawDigit = false;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                octet = octet * 10 + (c - '0');
                if (octet > 255) {
                    return -1;
                }
                if (!sawDigit) {
                    if (++octets > 4) {
                        return -1;
                    }
                    sawDigit = true;
                }
            } else if (c == '.' && sawDigit) {
                if (octets == 4) {
                    return -1;
                }
                value = (value << 8) | octet;
                octet = 0;
                sawDigit = false;
            } else if (c == '.') {
                return -1;
            } else {
                break;
            }
        }
        if (octets < 4 || !sawDigit) {
            return -1;
        }
        return (value << 8) | octet;
    }

    /**
     * inet_pton(AF_INET): exactly four dotted decimal octets over the whole range, no leading
     * zero (except "0" itself). Returns -1 when invalid.
     */
    public static long v4Strict(CharSequence s, int from, int to) {
        long value = 0;
        int octets = 0;
        int i = from;
        while (i < to) {
            int start = i;
            int octet = 0;
            while (i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                octet = octet * 10 + (s.charAt(i) - '0');
                if (octet > 255 || i - start >= 3) {
                    return -1;
                }
                i++;
            }
            if (i == start || (i - start > 1 && s.charAt(start) == '0')) {
                return -1;
            }
            value = (value << 8) | octet;
            octets++;
            if (i < to) {
                if (s.charAt(i) != '.' || octets == 4 || i + 1 == to) {
                    return -1;
                }
                i++;
            }
        }
        return octets == 4 ? value : -1;
    }

    public static long v4Strict(CharSequence s) {
        return v4Strict(s, 0, s.length());
    }

    /**
     * IPv4 with the abbreviated forms HAProxy accepts in ACL patterns when names may be resolved
     * (section 7.1.6): "10.12" is 10.0.0.12, "192.168.1" is 192.168.0.1 — the last part fills
     * the remaining bytes, as inet_aton does. Decimal only. Returns -1 when invalid.
     */
    public static long v4Abbreviated(CharSequence s, int from, int to) {
        long[] parts = new long[4];
        int count = 0;
        int i = from;
        while (i < to) {
            if (count == 4) {
                return -1;
            }
            int start = i;
            long v = 0;
            while (i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                v = v * 10 + (s.charAt(i) - '0');
                if (v > 0xFFFFFFFFL) {
                    return -1;
                }
                i++;
            }
            if (i == start) {
                return -1;
            }
            parts[count++] = v;
            if (i < to) {
                if (s.charAt(i) != '.' || i + 1 == to) {
                    return -1;
                }
                i++;
            }
        }
        if (count == 0) {
            return -1;
        }
        long value = 0;
        for (int p = 0; p < count - 1; p++) {
            if (parts[p] > 255) {
                return -1;
            }
            value |= parts[p] << (24 - 8 * p);
        }
        long last = parts[count - 1];
        int lastBits = 32 - 8 * (count - 1);
        if (lastBits < 32 && last >= (1L << lastBits)) {
            return -1;
        }
        return value | last;
    }

    /**
     * inet_pton(AF_INET6), with an optional "%zone" suffix ignored. Fills {@code out[0]} (high)
     * and {@code out[1]} (low) and returns true when valid.
     */
    public static boolean v6(CharSequence s, int from, int to, long[] out) {
        int pct = -1;
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == '%') {
                pct = i;
                break;
            }
        }
        if (pct >= 0) {
            to = pct;
        }
        if (to - from < 2) {
            return false;
        }
        int[] words = new int[8];
        int count = 0;
        int gap = -1;
        int i = from;
        if (s.charAt(i) == ':') {
            if (s.charAt(i + 1) != ':') {
                return false;
            }
            gap = 0;
            i += 2;
            if (i == to) {
                out[0] = 0;
                out[1] = 0;
                return true;
            }
        }
        while (i < to) {
            if (count == 8) {
                return false;
            }
            int start = i;
            int word = 0;
            while (i < to && hex(s.charAt(i)) >= 0) {
                word = (word << 4) | hex(s.charAt(i));
                i++;
                if (i - start > 4) {
                    return false;
                }
            }
            if (i < to && s.charAt(i) == '.') {
                // embedded IPv4 in the last 32 bits
                long v4 = v4Strict(s, start, to);
                if (v4 < 0 || count > 6) {
                    return false;
                }
                words[count++] = (int) (v4 >>> 16);
                words[count++] = (int) (v4 & 0xFFFF);
                i = to;
                break;
            }
            if (i == start) {
                return false;
            }
            words[count++] = word;
            if (i == to) {
                break;
            }
            if (s.charAt(i) != ':') {
                return false;
            }
            i++;
            if (i < to && s.charAt(i) == ':') {
                if (gap >= 0) {
                    return false;
                }
                gap = count;
                i++;
                if (i == to) {
                    break;
                }
            } else if (i == to) {
                return false; // trailing single ':'
            }
        }
        int[] full = new int[8];
        if (gap >= 0) {
            if (count == 8) {
                return false;
            }
            int tail = count - gap;
            System.arraycopy(words, 0, full, 0, gap);
            System.arraycopy(words, gap, full, 8 - tail, tail);
        } else {
            if (count != 8) {
                return false;
            }
            System.arraycopy(words, 0, full, 0, 8);
        }
        long hi = 0;
        long lo = 0;
        for (int w = 0; w < 4; w++) {
            hi = (hi << 16) | full[w];
            lo = (lo << 16) | full[w + 4];
        }
        out[0] = hi;
        out[1] = lo;
        return true;
    }

    public static boolean v6(CharSequence s, long[] out) {
        return v6(s, 0, s.length(), out);
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** True when {@code s} is an IPv4 (buf2ip) or IPv6 (inet_pton) address. */
    public static boolean isAddress(CharSequence s) {
        return v4(s) >= 0 || s.length() > 0 && v6(s, new long[2]);
    }

    public static String formatV4(long v) {
        return ((v >>> 24) & 0xFF) + "." + ((v >>> 16) & 0xFF) + "." + ((v >>> 8) & 0xFF) + "." + (v & 0xFF);
    }

    /** inet_ntop(AF_INET6) as glibc writes it: the longest run of two or more zero words is "::". */
    public static String formatV6(long hi, long lo) {
        int[] w = new int[8];
        for (int i = 0; i < 4; i++) {
            w[i] = (int) ((hi >>> (48 - 16 * i)) & 0xFFFF);
            w[i + 4] = (int) ((lo >>> (48 - 16 * i)) & 0xFFFF);
        }
        int bestBase = -1;
        int bestLen = 0;
        int curBase = -1;
        int curLen = 0;
        for (int i = 0; i < 8; i++) {
            if (w[i] == 0) {
                if (curBase < 0) {
                    curBase = i;
                    curLen = 1;
                } else {
                    curLen++;
                }
            } else if (curBase >= 0) {
                if (bestBase < 0 || curLen > bestLen) {
                    bestBase = curBase;
                    bestLen = curLen;
                }
                curBase = -1;
            }
        }
        if (curBase >= 0 && (bestBase < 0 || curLen > bestLen)) {
            bestBase = curBase;
            bestLen = curLen;
        }
        if (bestBase >= 0 && bestLen < 2) {
            bestBase = -1;
        }
        StringBuilder sb = new StringBuilder(40);
        for (int i = 0; i < 8; i++) {
            if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
                if (i == bestBase) {
                    sb.append(':');
                }
                continue;
            }
            if (i != 0) {
                sb.append(':');
            }
            if (i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && w[5] == 0xFFFF))) {
                sb.append(formatV4(lo & 0xFFFFFFFFL));
                break;
            }
            sb.append(Integer.toHexString(w[i]));
        }
        if (bestBase >= 0 && bestBase + bestLen == 8) {
            sb.append(':');
        }
        return sb.toString();
    }

    /** The canonical text of an address (inet_ntop), or null when {@code s} is not one. */
    public static String canonical(CharSequence s) {
        long v4 = v4(s);
        if (v4 >= 0) {
            return formatV4(v4);
        }
        long[] v6 = new long[2];
        return v6(s, v6) ? formatV6(v6[0], v6[1]) : null;
    }

    /** The address as an InetAddress (no name resolution), or null when {@code s} is not one. */
    public static InetAddress toInetAddress(CharSequence s) {
        try {
            long v4 = v4(s);
            if (v4 >= 0) {
                return InetAddress.getByAddress(new byte[] {(byte) (v4 >>> 24), (byte) (v4 >>> 16),
                        (byte) (v4 >>> 8), (byte) v4});
            }
            long[] v6 = new long[2];
            if (!v6(s, v6)) {
                return null;
            }
            byte[] b = new byte[16];
            for (int i = 0; i < 8; i++) {
                b[i] = (byte) (v6[0] >>> (56 - 8 * i));
                b[i + 8] = (byte) (v6[1] >>> (56 - 8 * i));
            }
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            return null; // cannot happen with a 4 or 16 byte array
        }
    }

    /** The 4 or 16 network-order bytes of an address, or null when {@code s} is not one. */
    public static byte[] toBytes(CharSequence s) {
        InetAddress a = toInetAddress(s);
        return a == null ? null : a.getAddress();
    }
}
