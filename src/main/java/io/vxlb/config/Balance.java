package io.vxlb.config;

/**
 * {@code balance ALGO [args]}. {@code parameter} holds the header name ({@code hdr(NAME)}), the URL
 * parameter ({@code url_param NAME}) or the cookie ({@code rdp-cookie(NAME)}).
 * For {@code uri}: {@code whole}, {@code len}, {@code depth}; for {@code hdr}: {@code useDomainOnly};
 * for {@code random}: {@code draws}; for {@code url_param}: {@code checkPost} bytes (-1 unset).
 */
public record Balance(Algorithm algorithm, String parameter, boolean whole, int length, int depth,
                      boolean useDomainOnly, int draws, int checkPost) {
    public enum Algorithm {
        ROUNDROBIN("roundrobin"), STATIC_RR("static-rr"), LEASTCONN("leastconn"), FIRST("first"),
        SOURCE("source"), URI("uri"), URL_PARAM("url_param"), HDR("hdr"), RANDOM("random"),
        RDP_COOKIE("rdp-cookie"), HASH("hash");

        public final String word;

        Algorithm(String word) {
            this.word = word;
        }
    }

    public static final Balance DEFAULT = new Balance(Algorithm.ROUNDROBIN, null, false, 0, 0, false, 2, -1);

    /** Hash-based algorithms honour {@code hash-type}. */
    public boolean isHashBased() {
        return switch (algorithm) {
            case SOURCE, URI, URL_PARAM, HDR, RDP_COOKIE, HASH -> true;
            default -> false;
        };
    }
}
