package io.vxlb.config;

/** {@code hash-type map-based|consistent [sdbm|djb2|wt6|crc32|none] [avalanche]}; sdbm by default. */
public record HashType(Method method, Function function, boolean avalanche) {
    public enum Method { MAP_BASED, CONSISTENT }

    public enum Function { SDBM, DJB2, WT6, CRC32, NONE }

    public static final HashType DEFAULT = new HashType(Method.MAP_BASED, Function.SDBM, false);
}
