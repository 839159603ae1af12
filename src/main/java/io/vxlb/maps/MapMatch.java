package io.vxlb.maps;

import java.util.Locale;

/**
 * How a map's keys are matched against a sample (the {@code <match>} of
 * {@code map_<match>[_<output>]}, HAProxy 2.6 section 7.3.1), and so which index holds them.
 */
public enum MapMatch {
    /** Exact string ({@code map}, {@code map_str}): hash. */
    STR,
    /** The key is a prefix of the sample: the longest such key wins (HAProxy's prefix tree). */
    BEG,
    /** The key occurs in the sample: the first key in file order wins. */
    SUB,
    /** The key is a run of '/'-'?'-delimited words of the sample: first in file order wins. */
    DIR,
    /** The key is a run of '/'-'?'-'.'-':'-delimited words of the sample: first in file order wins. */
    DOM,
    /** The key is a suffix of the sample: the first key in file order wins. */
    END,
    /** The key is a regex found in the sample: the first in file order wins. */
    REG,
    /** The key is an integer or a range (N, N:M, N-M, :M, N:): the first in file order wins. */
    INT,
    /** The key is an IPv4/IPv6 address or network: the longest prefix wins. */
    IP;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The match named in a converter ("str", "beg", ..., "regm" is REG), or null. */
    public static MapMatch fromWord(String word) {
        if (word.equals("regm")) {
            return REG;
        }
        for (MapMatch m : values()) {
            if (m.word().equals(word)) {
                return m;
            }
        }
        return null;
    }
}
