package io.vxlb.lb;

import io.vxlb.config.HashType;

/** HAProxy 2.6's hash functions (src/hash.c) and its avalanche full_hash(), on unsigned 32-bit ints. */
public final class HashFunctions {
    private HashFunctions() {}

    static int hash(HashType.Function f, byte[] key) {
        return switch (f) {
            case DJB2 -> djb2(key);
            case WT6 -> wt6(key);
            case CRC32 -> crc32(key);
            default -> sdbm(key);
        };
    }

    public static int sdbm(byte[] key) {
        int hash = 0;
        for (byte b : key) hash = (b & 0xff) + (hash << 6) + (hash << 16) - hash;
        return hash;
    }

    public static int djb2(byte[] key) {
        int hash = 5381;
        for (byte b : key) hash = ((hash << 5) + hash) + (b & 0xff);
        return hash;
    }

    public static int wt6(byte[] key) {
        int h0 = 0xa53c965a, h1 = 0x5ca6953a;
        int step0 = 6, step1 = 18;
        for (byte b : key) {
            int t = b & 0xff;
            h0 = ~(h0 ^ t);
            h1 = ~(h1 + t);
            t = (h1 << step0) | (h1 >>> (32 - step0));
            h1 = (h0 << step1) | (h0 >>> (32 - step1));
            h0 = t;
            t = ((h0 >>> 16) ^ h1) & 0xffff;
            step0 = t & 0x1F;
            step1 = t >>> 11;
        }
        return h0 ^ h1;
    }

    /** Bit-wise CRC32 (polynomial 0xedb88320), as hash_crc32(). */
    public static int crc32(byte[] key) {
        int hash = 0xffffffff;
        for (byte b : key) {
            hash ^= b & 0xff;
            for (int bit = 0; bit < 8; bit++) hash = (hash >>> 1) ^ ((hash & 1) != 0 ? 0xedb88320 : 0);
        }
        return ~hash;
    }

    /** full_hash(): Bob Jenkins' 32-bit integer mix, used by "avalanche". */
    public static int fullHash(int a) {
        a = (a + 0x7ed55d16) + (a << 12);
        a = (a ^ 0xc761c23c) ^ (a >>> 19);
        a = (a + 0x165667b1) + (a << 5);
        a = (a + 0xd3a2646c) ^ (a << 9);
        a = (a + 0xfd7046c5) + (a << 3);
        a = (a ^ 0xb55a4f09) ^ (a >>> 16);
        return a * (int) 3221225473L;  // spread over the 32-bit space (intops.h __full_hash)
    }
}
