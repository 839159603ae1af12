package io.vxlb.rules;

import io.vxlb.maps.IpLiteral;
import io.vxlb.maps.MapIntIndex;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/**
 * The run-time representation of samples and HAProxy 2.6's implicit casts between them
 * (sample_casts in src/sample.c). Inside the evaluators a sample is: STRING and METHOD →
 * {@link String}; INTEGER → {@link Long}; BOOLEAN → {@link Boolean}; BINARY → {@code byte[]};
 * IP → {@link String} holding the address text (so fetching {@code src} allocates nothing).
 * A value of static type ANY (variables) is typed by its class; an {@link InetAddress} is an IP.
 * Strings convert to bytes as ISO-8859-1 when every character fits (header values arrive that
 * way, one character per byte), otherwise as UTF-8.
 */
final class SampleValues {
    private static final Long ZERO = 0L;
    private static final Long ONE = 1L;

    private SampleValues() {
    }

    static SampleType typeOf(Object v) {
        if (v instanceof String) {
            return SampleType.STRING;
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return SampleType.INTEGER;
        }
        if (v instanceof Boolean) {
            return SampleType.BOOLEAN;
        }
        if (v instanceof byte[]) {
            return SampleType.BINARY;
        }
        if (v instanceof InetAddress) {
            return SampleType.IP;
        }
        return SampleType.STRING;
    }

    /** Brings a value of static type ANY to the internal representation of its dynamic type. */
    static Object normalize(Object v) {
        if (v instanceof String || v instanceof Long || v instanceof Boolean || v instanceof byte[]) {
            return v;
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        if (v instanceof InetAddress a) {
            return IpLiteral.canonical(a.getHostAddress());
        }
        return v == null ? null : v.toString();
    }

    /** Casts {@code v} of static type {@code from} to {@code to}; null when HAProxy's cast fails. */
    static Object cast(Object v, SampleType from, SampleType to) {
        if (v == null) {
            return null;
        }
        if (from == SampleType.ANY) {
            v = normalize(v);
            from = typeOf(v);
        }
        if (from == to || to == SampleType.ANY) {
            return v;
        }
        switch (from) {
            case BOOLEAN -> {
                boolean b = (Boolean) v;
                return switch (to) {
                    case INTEGER -> b ? ONE : ZERO;
                    case STRING -> b ? "1" : "0";
                    case BINARY -> longBytes(b ? 1 : 0);
                    default -> null;
                };
            }
            case INTEGER -> {
                long l = (Long) v;
                return switch (to) {
                    case BOOLEAN -> l != 0;
                    case IP -> IpLiteral.formatV4(l & 0xFFFFFFFFL);
                    case STRING -> Long.toString(l);
                    case BINARY -> longBytes(l);
                    default -> null;
                };
            }
            case IP -> {
                String s = (String) v;
                return switch (to) {
                    case INTEGER -> {
                        long v4 = IpLiteral.v4(s);
                        yield v4 < 0 ? null : (Object) v4;
                    }
                    case STRING -> s;
                    case BINARY -> IpLiteral.toBytes(s);
                    default -> null;
                };
            }
            case STRING, METHOD -> {
                String s = (String) v;
                return switch (to) {
                    case BOOLEAN -> from == SampleType.METHOD || s.isEmpty() ? null : (Object) (MapIntIndex.readInt64(s) != 0);
                    case INTEGER -> from == SampleType.METHOD || s.isEmpty() ? null : (Object) MapIntIndex.readInt64(s);
                    case IP -> from == SampleType.METHOD ? null : toIp(s);
                    case STRING, METHOD -> s;
                    case BINARY -> bytes(s);
                    default -> null;
                };
            }
            case BINARY -> {
                byte[] b = (byte[]) v;
                return switch (to) {
                    case STRING, METHOD -> binToString(b);
                    default -> null;
                };
            }
            default -> {
                return null;
            }
        }
    }

    /** The string form (as %[...] prints it); null when the value cannot be a string. */
    static String toStr(Object v, SampleType from) {
        return (String) cast(v, from, SampleType.STRING);
    }

    private static String toIp(String s) {
        long v4 = IpLiteral.v4(s);
        if (v4 >= 0) {
            return IpLiteral.v4Strict(s) >= 0 ? s : IpLiteral.formatV4(v4);
        }
        long[] v6 = new long[2];
        return IpLiteral.v6(s, v6) ? s : null;
    }

    /** The value handed to callers of {@link CompiledSample#eval}: IP addresses as InetAddress. */
    static Object toPublic(Object v, SampleType type) {
        if (v == null) {
            return null;
        }
        if (type == SampleType.ANY) {
            v = normalize(v);
            type = typeOf(v);
        }
        return type == SampleType.IP ? IpLiteral.toInetAddress((String) v) : v;
    }

    static byte[] bytes(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xFF) {
                return s.getBytes(StandardCharsets.UTF_8);
            }
        }
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** c_bin2str: the bytes up to the first NUL, one character per byte. */
    static String binToString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.ISO_8859_1);
    }

    private static byte[] longBytes(long l) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (l >>> (56 - 8 * i));
        }
        return b;
    }
}
