package io.vxlb.maps;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * IP address match ({@code map_ip}, ACL {@code -m ip}, {@code src}/{@code dst} ACLs). Keys are
 * addresses or networks: IPv4 {@code a.b.c.d[/bits|/a.b.c.d]}, IPv6 {@code addr[/bits]}.
 * HAProxy 2.6 (pat_idx_tree_ip, pat_match_ip): IPv4 networks with a contiguous mask and all IPv6
 * networks go in prefix trees where the LONGEST prefix containing the sample wins (the first of
 * identical networks); IPv4 networks with a non-contiguous mask go in a list scanned in file
 * order, consulted only when the trees have no answer. An IPv4 sample is looked up in the IPv4
 * tree, then as ::ffff:a.b.c.d in the IPv6 tree, then in the list; an IPv6 sample in the IPv6
 * tree, then — when it is ::a.b.c.d, ::ffff:a.b.c.d or 2002:AABB:CCDD:: — as that IPv4 address
 * in the IPv4 tree and the list. Here each tree is a hash table per prefix length, probed from
 * the longest length present down.
 */
public final class MapIpIndex extends MapIndex {
    private final LongTable[] v4ByLength = new LongTable[33];
    private final int[] v4Lengths;
    private final PairTable[] v6ByLength = new PairTable[129];
    private final int[] v6Lengths;
    private final long[] listAddr;
    private final long[] listMask;
    private final int[] listPositions;
    private final int size;

    /**
     * @param allowNames as ACL patterns without {@code -n}: abbreviated IPv4 forms ("10.12") and
     *                   host names (resolved now, first IPv4 address) are accepted; map keys never are.
     */
    MapIpIndex(List<String> keys, List<String> values, boolean allowNames) {
        super(values);
        size = keys.size();
        long[] la = new long[keys.size()];
        long[] lm = new long[keys.size()];
        int[] lp = new int[keys.size()];
        int listed = 0;
        long[] v6 = new long[2];
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            int slash = key.lastIndexOf('/');
            String addr = slash < 0 ? key : key.substring(0, slash);
            String mask = slash < 0 ? null : key.substring(slash + 1);
            long a = parseV4(addr, allowNames && key.indexOf(':') < 0);
            if (a >= 0) {
                long m = mask == null ? 0xFFFFFFFFL : mask4(mask, i, key);
                if (contiguous(m)) {
                    int len = Long.bitCount(m);
                    LongTable t = v4ByLength[len];
                    if (t == null) {
                        t = v4ByLength[len] = new LongTable();
                    }
                    t.putIfAbsent(a & m, i);
                } else {
                    la[listed] = a & m;
                    lm[listed] = m;
                    lp[listed++] = i;
                }
                continue;
            }
            if (!IpLiteral.v6(addr, v6)) {
                throw new MapKeyException(i, "'" + key + "' is not a valid IPv4 or IPv6 address");
            }
            int len = 128;
            if (mask != null) {
                if (mask.isEmpty() || mask.length() > 3 || !mask.chars().allMatch(Character::isDigit)
                        || Integer.parseInt(mask) > 128) {
                    throw new MapKeyException(i, "'" + key + "' is not a valid IPv4 or IPv6 address");
                }
                len = Integer.parseInt(mask);
            }
            PairTable t = v6ByLength[len];
            if (t == null) {
                t = v6ByLength[len] = new PairTable();
            }
            t.putIfAbsent(v6[0] & highMask(len), v6[1] & lowMask(len), i);
        }
        listAddr = Arrays.copyOf(la, listed);
        listMask = Arrays.copyOf(lm, listed);
        listPositions = Arrays.copyOf(lp, listed);
        v4Lengths = presentDescending(v4ByLength);
        v6Lengths = presentDescending(v6ByLength);
    }

    /** An index of ACL address patterns (names resolved when {@code allowNames}). */
    public static MapIpIndex ofPatterns(List<String> patterns, boolean allowNames) {
        return new MapIpIndex(patterns, null, allowNames);
    }

    private static int[] presentDescending(Object[] tables) {
        int n = 0;
        for (Object t : tables) {
            if (t != null) {
                n++;
            }
        }
        int[] out = new int[n];
        int j = 0;
        for (int len = tables.length - 1; len >= 0; len--) {
            if (tables[len] != null) {
                out[j++] = len;
            }
        }
        return out;
    }

    private static long parseV4(String addr, boolean allowNames) {
        long a = IpLiteral.v4Strict(addr);
        if (a >= 0 || !allowNames || addr.isEmpty()) {
            return a;
        }
        a = IpLiteral.v4Abbreviated(addr, 0, addr.length());
        if (a >= 0) {
            return a;
        }
        if (!addr.matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")) {
            return -1;
        }
        try {
            for (InetAddress ia : InetAddress.getAllByName(addr)) {
                if (ia instanceof Inet4Address) {
                    byte[] b = ia.getAddress();
                    return ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
                }
            }
        } catch (UnknownHostException e) {
            return -1;
        }
        return -1;
    }

    private static long mask4(String mask, int position, String key) {
        if (mask.indexOf('.') >= 0) {
            long m = IpLiteral.v4Strict(mask);
            if (m < 0) {
                throw new MapKeyException(position, "'" + key + "' is not a valid IPv4 or IPv6 address");
            }
            return m;
        }
        if (mask.isEmpty() || mask.length() > 2 || !mask.chars().allMatch(Character::isDigit)
                || Integer.parseInt(mask) > 32) {
            throw new MapKeyException(position, "'" + key + "' is not a valid IPv4 or IPv6 address");
        }
        int bits = Integer.parseInt(mask);
        return bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
    }

    private static boolean contiguous(long m) {
        long inv = ~m & 0xFFFFFFFFL;
        return (inv & (inv + 1)) == 0;
    }

    private static long v4Mask(int len) {
        return len == 0 ? 0 : (0xFFFFFFFFL << (32 - len)) & 0xFFFFFFFFL;
    }

    private static long highMask(int len) {
        return len >= 64 ? -1L : len == 0 ? 0 : -1L << (64 - len);
    }

    private static long lowMask(int len) {
        return len <= 64 ? 0 : len == 128 ? -1L : -1L << (128 - len);
    }

    @Override
    public int find(String sample) {
        long v4 = IpLiteral.v4(sample);
        if (v4 >= 0) {
            return findV4(v4);
        }
        long[] v6 = new long[2];
        if (!IpLiteral.v6(sample, v6)) {
            return -1;
        }
        return findV6(v6[0], v6[1]);
    }

    /** Looks up an IPv4 address given as an unsigned 32-bit value. */
    public int findV4(long v4) {
        int p = treeV4(v4);
        if (p >= 0) {
            return p;
        }
        p = treeV6(0, 0x0000FFFF00000000L | v4);
        if (p >= 0) {
            return p;
        }
        return listV4(v4);
    }

    /** Looks up an IPv6 address given as its high and low 64 bits. */
    public int findV6(long hi, long lo) {
        int p = treeV6(hi, lo);
        if (p >= 0) {
            return p;
        }
        long v4;
        if (hi == 0 && ((lo >>> 32) == 0 || (lo >>> 32) == 0xFFFF)) {
            v4 = lo & 0xFFFFFFFFL;
        } else if ((hi >>> 48) == 0x2002) {
            v4 = (hi >>> 16) & 0xFFFFFFFFL;
        } else {
            return -1;
        }
        p = treeV4(v4);
        return p >= 0 ? p : listV4(v4);
    }

    private int treeV4(long v4) {
        for (int len : v4Lengths) {
            int p = v4ByLength[len].get(v4 & v4Mask(len));
            if (p >= 0) {
                return p;
            }
        }
        return -1;
    }

    private int treeV6(long hi, long lo) {
        for (int len : v6Lengths) {
            int p = v6ByLength[len].get(hi & highMask(len), lo & lowMask(len));
            if (p >= 0) {
                return p;
            }
        }
        return -1;
    }

    private int listV4(long v4) {
        for (int i = 0; i < listPositions.length; i++) {
            if (((v4 ^ listAddr[i]) & listMask[i]) == 0) {
                return listPositions[i];
            }
        }
        return -1;
    }

    @Override
    public int size() {
        return size;
    }

    /** long → first position, open addressing. */
    private static final class LongTable {
        private long[] keys = new long[8];
        private int[] positions = filled(8);
        private int count;

        private static int[] filled(int n) {
            int[] a = new int[n];
            Arrays.fill(a, -1);
            return a;
        }

        void putIfAbsent(long k, int position) {
            int mask = keys.length - 1;
            int slot = KeyTable.mix(Long.hashCode(k)) & mask;
            while (positions[slot] >= 0) {
                if (keys[slot] == k) {
                    return;
                }
                slot = (slot + 1) & mask;
            }
            keys[slot] = k;
            positions[slot] = position;
            if (++count * 2 > keys.length) {
                long[] oldKeys = keys;
                int[] oldPositions = positions;
                keys = new long[oldKeys.length * 2];
                positions = filled(oldKeys.length * 2);
                count = 0;
                for (int i = 0; i < oldKeys.length; i++) {
                    if (oldPositions[i] >= 0) {
                        putIfAbsent(oldKeys[i], oldPositions[i]);
                    }
                }
            }
        }

        int get(long k) {
            int mask = keys.length - 1;
            int slot = KeyTable.mix(Long.hashCode(k)) & mask;
            while (positions[slot] >= 0) {
                if (keys[slot] == k) {
                    return positions[slot];
                }
                slot = (slot + 1) & mask;
            }
            return -1;
        }
    }

    /** (long, long) → first position, open addressing. */
    private static final class PairTable {
        private long[] his = new long[8];
        private long[] los = new long[8];
        private int[] positions = LongTable.filled(8);
        private int count;

        private static int hash(long hi, long lo) {
            return KeyTable.mix(Long.hashCode(hi) * 31 + Long.hashCode(lo));
        }

        void putIfAbsent(long hi, long lo, int position) {
            int mask = his.length - 1;
            int slot = hash(hi, lo) & mask;
            while (positions[slot] >= 0) {
                if (his[slot] == hi && los[slot] == lo) {
                    return;
                }
                slot = (slot + 1) & mask;
            }
            his[slot] = hi;
            los[slot] = lo;
            positions[slot] = position;
            if (++count * 2 > his.length) {
                long[] oh = his;
                long[] ol = los;
                int[] op = positions;
                his = new long[oh.length * 2];
                los = new long[oh.length * 2];
                positions = LongTable.filled(oh.length * 2);
                count = 0;
                for (int i = 0; i < oh.length; i++) {
                    if (op[i] >= 0) {
                        putIfAbsent(oh[i], ol[i], op[i]);
                    }
                }
            }
        }

        int get(long hi, long lo) {
            int mask = his.length - 1;
            int slot = hash(hi, lo) & mask;
            while (positions[slot] >= 0) {
                if (his[slot] == hi && los[slot] == lo) {
                    return positions[slot];
                }
                slot = (slot + 1) & mask;
            }
            return -1;
        }
    }
}
