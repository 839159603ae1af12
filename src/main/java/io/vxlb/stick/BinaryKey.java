package io.vxlb.stick;

import java.util.Arrays;

/** A binary table key: exactly the table's key length, zero-padded or truncated as HAProxy does. */
public final class BinaryKey {
    private final byte[] b;
    private final int hash;

    private BinaryKey(byte[] b) {
        this.b = b;
        this.hash = Arrays.hashCode(b);
    }

    public static BinaryKey of(byte[] v, int len) {
        return new BinaryKey(Arrays.copyOf(v, len));
    }

    static BinaryKey ofHex(String hex, int len) {
        if (hex.length() != 2 * len) return null;
        byte[] out = new byte[len];
        for (int i = 0; i < len; i++) {
            int hi = Character.digit(hex.charAt(2 * i), 16), lo = Character.digit(hex.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) return null;
            out[i] = (byte) (hi << 4 | lo);
        }
        return new BinaryKey(out);
    }

    String hex() {
        StringBuilder sb = new StringBuilder(b.length * 2);
        for (byte x : b) sb.append(Character.toUpperCase(Character.forDigit((x >> 4) & 0xF, 16))).append(Character.toUpperCase(Character.forDigit(x & 0xF, 16)));
        return sb.toString();
    }

    /** Byte order (unsigned), as HAProxy's tree walks binary keys. */
    int compareTo(BinaryKey o) {
        return Arrays.compareUnsigned(b, o.b);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BinaryKey k && Arrays.equals(b, k.b);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
