package io.vxlb.rules;

/** Types a sample fetch or converter produces; HAProxy's IPv4, IPv6 and address are folded into IP. */
public enum SampleType {
    BOOLEAN, INTEGER, IP, STRING, BINARY, METHOD,
    /** Decided at run time ({@code var()}, {@code debug}, {@code set-var}). */
    ANY;

    /** HAProxy's implicit cast matrix ({@code sample_casts} in src/sample.c). */
    public boolean castsTo(SampleType to) {
        if (this == to || this == ANY || to == ANY) {
            return true;
        }
        return switch (this) {
            case BOOLEAN -> to == INTEGER || to == STRING || to == BINARY;
            case INTEGER -> to == BOOLEAN || to == IP || to == STRING || to == BINARY;
            case IP -> to == INTEGER || to == STRING || to == BINARY; // to INTEGER: IPv4 only
            case STRING -> true;
            case BINARY, METHOD -> to == STRING || to == BINARY || to == METHOD;
            default -> false;
        };
    }

    /** The match an ACL applies when no {@code -m} is given; null when {@code -m} is mandatory. */
    public MatchMethod defaultMatch() {
        return switch (this) {
            case BOOLEAN -> MatchMethod.BOOL;
            case INTEGER -> MatchMethod.INT;
            case IP -> MatchMethod.IP;
            case STRING -> MatchMethod.STR;
            default -> null;
        };
    }

    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
