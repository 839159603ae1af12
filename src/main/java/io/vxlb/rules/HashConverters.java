package io.vxlb.rules;

import io.vxlb.lb.HashFunctions;
import io.vxlb.maps.IpLiteral;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Converters of HAProxy 2.6's sample.c that hash, date or mask a value: {@code crc32},
 * {@code xxh32}, {@code http_date}, {@code ipmask}; and the {@code hdr_ip} fetches' conversion.
 */
final class HashConverters {
    private HashConverters() {}

    /**
     * crc32, djb2, sdbm, wt6 ([avalanche]): HAProxy's hash of the bytes (the functions hash-type
     * uses, lb/HashFunctions), full_hash() on top with avalanche, as an unsigned 32-bit integer.
     */
    static final class Hash32 extends CompiledConverter {
        private final String function;
        private final boolean avalanche;

        Hash32(String function, boolean avalanche) {
            this.function = function;
            this.avalanche = avalanche;
        }

        @Override
        Object apply(Txn t, Object v) {
            byte[] b = (byte[]) v;
            int h = switch (function) {
                case "crc32" -> HashFunctions.crc32(b);
                case "crc32c" -> {
                    java.util.zip.CRC32C c = new java.util.zip.CRC32C();  // the JDK's CRC-32C, as hash_crc32c()
                    c.update(b);
                    yield (int) c.getValue();
                }
                case "djb2" -> HashFunctions.djb2(b);
                case "sdbm" -> HashFunctions.sdbm(b);
                default -> HashFunctions.wt6(b);
            };
            if (avalanche) h = HashFunctions.fullHash(h);
            return h & 0xffffffffL;
        }
    }

    /** xxh32([seed]): the 32-bit xxHash of the bytes (XXH32, as HAProxy's import/xxhash.h). */
    static final class Xxh32 extends CompiledConverter {
        private static final int P1 = 0x9E3779B1, P2 = 0x85EBCA77, P3 = 0xC2B2AE3D, P4 = 0x27D4EB2F, P5 = 0x165667B1;
        private final int seed;

        Xxh32(int seed) {
            this.seed = seed;
        }

        @Override
        Object apply(Txn t, Object v) {
            return hash((byte[]) v, seed) & 0xffffffffL;
        }

        static int hash(byte[] b, int seed) {
            int len = b.length, i = 0, h;
            if (len >= 16) {
                int v1 = seed + P1 + P2, v2 = seed + P2, v3 = seed, v4 = seed - P1;
                for (; i <= len - 16; i += 16) {
                    v1 = round(v1, le(b, i));
                    v2 = round(v2, le(b, i + 4));
                    v3 = round(v3, le(b, i + 8));
                    v4 = round(v4, le(b, i + 12));
                }
                h = Integer.rotateLeft(v1, 1) + Integer.rotateLeft(v2, 7) + Integer.rotateLeft(v3, 12) + Integer.rotateLeft(v4, 18);
            } else {
                h = seed + P5;
            }
            h += len;
            for (; i <= len - 4; i += 4) h = Integer.rotateLeft(h + le(b, i) * P3, 17) * P4;
            for (; i < len; i++) h = Integer.rotateLeft(h + (b[i] & 0xff) * P5, 11) * P1;
            h ^= h >>> 15;
            h *= P2;
            h ^= h >>> 13;
            h *= P3;
            h ^= h >>> 16;
            return h;
        }

        private static int round(int acc, int in) {
            return Integer.rotateLeft(acc + in * P2, 13) * P1;
        }

        static int le32(byte[] b, int i) {
            return le(b, i);
        }

        private static int le(byte[] b, int i) {
            return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24;
        }
    }

    /** xxh3([seed]): XXH3's 64-bit hash of the bytes, as a signed 64-bit integer (HAProxy's sint). */
    static final class Xxh3 extends CompiledConverter {
        private final net.openhft.hashing.LongHashFunction fn;

        Xxh3(long seed) {
            this.fn = net.openhft.hashing.LongHashFunction.xx3(seed);
        }

        @Override
        Object apply(Txn t, Object v) {
            return fn.hashBytes((byte[]) v);
        }
    }

    /** xxh64([seed]): the 64-bit xxHash of the bytes, as a signed 64-bit integer (HAProxy's sint). */
    static final class Xxh64 extends CompiledConverter {
        private static final long P1 = 0x9E3779B185EBCA87L, P2 = 0xC2B2AE3D27D4EB4FL, P3 = 0x165667B19E3779F9L,
                P4 = 0x85EBCA77C2B2AE63L, P5 = 0x27D4EB2F165667C5L;
        private final long seed;

        Xxh64(long seed) {
            this.seed = seed;
        }

        @Override
        Object apply(Txn t, Object v) {
            return hash((byte[]) v, seed);
        }

        static long hash(byte[] b, long seed) {
            int len = b.length, i = 0;
            long h;
            if (len >= 32) {
                long v1 = seed + P1 + P2, v2 = seed + P2, v3 = seed, v4 = seed - P1;
                for (; i <= len - 32; i += 32) {
                    v1 = round(v1, le64(b, i));
                    v2 = round(v2, le64(b, i + 8));
                    v3 = round(v3, le64(b, i + 16));
                    v4 = round(v4, le64(b, i + 24));
                }
                h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
                h = merge(h, v1);
                h = merge(h, v2);
                h = merge(h, v3);
                h = merge(h, v4);
            } else {
                h = seed + P5;
            }
            h += len;
            for (; i <= len - 8; i += 8) h = Long.rotateLeft(h ^ round(0, le64(b, i)), 27) * P1 + P4;
            if (i <= len - 4) {
                h = Long.rotateLeft(h ^ ((Xxh32.le32(b, i) & 0xffffffffL) * P1), 23) * P2 + P3;
                i += 4;
            }
            for (; i < len; i++) h = Long.rotateLeft(h ^ ((b[i] & 0xff) * P5), 11) * P1;
            h ^= h >>> 33;
            h *= P2;
            h ^= h >>> 29;
            h *= P3;
            h ^= h >>> 32;
            return h;
        }

        private static long round(long acc, long in) {
            return Long.rotateLeft(acc + in * P2, 31) * P1;
        }

        private static long merge(long h, long v) {
            return (h ^ round(0, v)) * P1 + P4;
        }

        private static long le64(byte[] b, int i) {
            return (Xxh32.le32(b, i) & 0xffffffffL) | ((long) Xxh32.le32(b, i + 4) << 32);
        }
    }

    /** http_date([offset[,unit]]): an epoch time (s, ms or us) as an IMF-fixdate, with the fraction for ms/us. */
    static final class HttpDate extends CompiledConverter {
        private static final DateTimeFormatter FMT = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss", Locale.ENGLISH).withZone(ZoneOffset.UTC);
        private final long offset;
        private final long perSecond;

        HttpDate(long offset, String unit) {
            this.offset = offset;
            this.perSecond = switch (unit) {
                case "", "s" -> 1;
                case "ms" -> 1000;
                case "us" -> 1_000_000;
                default -> throw new RuleException("http_date: unknown unit '" + unit + "'", "use s, ms or us");
            };
        }

        @Override
        Object apply(Txn t, Object v) {
            long d = (Long) v + offset;
            long frac = d % perSecond;
            long sec = (d / perSecond) & 0x007fffffffffffffL;
            String s = FMT.format(Instant.ofEpochSecond(sec));
            if (perSecond == 1000) return s + String.format(".%03d GMT", frac);
            if (perSecond == 1_000_000) return s + String.format(".%06d GMT", frac);
            return s + " GMT";
        }
    }

    /** ipmask(mask4[,mask6]): the address with its host bits cleared; IPv6 needs mask6. */
    static final class IpMask extends CompiledConverter {
        private final long mask4;
        private final long hi6, lo6;
        private final boolean has6;

        private IpMask(long mask4, boolean has6, long hi6, long lo6) {
            this.mask4 = mask4;
            this.has6 = has6;
            this.hi6 = hi6;
            this.lo6 = lo6;
        }

        static IpMask of(String m4, String m6) {
            long mask4;
            if (m4.matches("\\d{1,2}")) {
                int bits = Integer.parseInt(m4);
                if (bits > 32) throw new RuleException("ipmask: invalid IPv4 mask '" + m4 + "'", "a prefix length 0-32 or a dotted mask");
                mask4 = bits == 0 ? 0 : (0xffffffffL << (32 - bits)) & 0xffffffffL;
            } else {
                mask4 = IpLiteral.v4(m4);
                if (mask4 < 0) throw new RuleException("ipmask: invalid IPv4 mask '" + m4 + "'", "a prefix length 0-32 or a dotted mask");
            }
            if (m6.isEmpty()) return new IpMask(mask4, false, 0, 0);
            if (m6.indexOf(':') >= 0 && m6.matches("[0-9A-Fa-f:]+")) {  // a mask in address form, as HAProxy's str2mask6
                try {
                    byte[] b = java.net.InetAddress.getByName(m6).getAddress();  // a literal: no name lookup
                    if (b.length == 16) {
                        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b);
                        return new IpMask(mask4, true, bb.getLong(), bb.getLong());
                    }
                } catch (java.net.UnknownHostException e) {
                    // reported below
                }
                throw new RuleException("ipmask: invalid IPv6 mask '" + m6 + "'", "a prefix length 0-128 or an IPv6 mask such as ffff:ffff::");
            }
            if (!m6.matches("\\d{1,3}") || Integer.parseInt(m6) > 128) throw new RuleException("ipmask: invalid IPv6 mask '" + m6 + "'", "a prefix length 0-128 or an IPv6 mask such as ffff:ffff::");
            int bits = Integer.parseInt(m6);
            long hi = bits >= 64 ? -1L : bits == 0 ? 0 : -1L << (64 - bits);
            long lo = bits <= 64 ? 0 : bits == 128 ? -1L : -1L << (128 - bits);
            return new IpMask(mask4, true, hi, lo);
        }

        @Override
        Object apply(Txn t, Object v) {
            String s = (String) v;
            long v4 = IpLiteral.v4(s);
            if (v4 >= 0) return IpLiteral.formatV4(v4 & mask4);
            long[] a = new long[2];
            if (!IpLiteral.v6(s, a)) return null;
            // an IPv4-mapped address is masked as the IPv4 it carries (HAProxy's c_ipv62ip)
            if (a[0] == 0 && (a[1] >>> 32) == 0xffffL) return IpLiteral.formatV4((a[1] & 0xffffffffL) & mask4);
            if (!has6) return null;
            return IpLiteral.formatV6(a[0] & hi6, a[1] & lo6);
        }
    }

    /** hdr_ip: a header value as an address, an IPv4 (a ":port" after it is ignored) or an IPv6. */
    static final class IpOfString extends Fetch {
        private final Fetch inner;

        IpOfString(Fetch inner) {
            super(SampleType.IP);
            this.inner = inner;
        }

        @Override
        Object get(Txn t) {
            return ip((String) inner.get(t));
        }

        @Override
        boolean anyMatch(Txn t, ValueTest test) {
            return inner.anyMatch(t, (tx, v) -> {
                String ip = ip((String) v);
                return ip != null && test.test(tx, ip);
            });
        }

        static String ip(String s) {
            if (s == null) return null;
            int end = 0;
            while (end < s.length() && (Character.isDigit(s.charAt(end)) || s.charAt(end) == '.')) end++;
            long v4 = end > 0 ? IpLiteral.v4(s.substring(0, end)) : -1;
            if (v4 >= 0 && (end == s.length() || s.charAt(end) == ':')) return IpLiteral.formatV4(v4);
            long[] a = new long[2];
            return IpLiteral.v6(s, a) ? IpLiteral.formatV6(a[0], a[1]) : null;
        }
    }
}
