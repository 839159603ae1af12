package io.vxlb.maps;

import java.util.List;

/**
 * A lookup structure over a list of keys (a map file's keys, or an ACL's patterns) for one match
 * kind. {@link #find} returns the position of the winning key in the list as HAProxy 2.6 picks it
 * (see {@link MapMatch}), so callers can attach typed values to positions; {@link #lookup}
 * returns the value stored for it. Immutable and safe to share between threads.
 */
public abstract class MapIndex {
    private final String[] values;

    protected MapIndex(List<String> values) {
        this.values = values == null ? null : values.toArray(new String[0]);
    }

    /** The position of the key that matches {@code sample}, or -1. */
    public abstract int find(String sample);

    /** The value of the key that matches {@code sample}, or null when none does ("" without values). */
    public String lookup(String sample) {
        int i = find(sample);
        return i < 0 ? null : values == null ? "" : values[i];
    }

    /** The value at a position returned by {@link #find}. */
    public String value(int position) {
        return values == null ? "" : values[position];
    }

    /** The number of keys indexed. */
    public abstract int size();

    /**
     * Builds the index of {@code match} over {@code keys} (values by position, may be null).
     * {@code ignoreCase} applies to the string matches (ACL {@code -i}); maps never use it.
     * Throws {@link MapKeyException} for a key the match cannot use (bad integer, IP, regex).
     */
    public static MapIndex build(MapMatch match, List<String> keys, List<String> values, boolean ignoreCase) {
        if (values != null && values.size() != keys.size()) {
            throw new IllegalArgumentException("keys and values differ in number");
        }
        return switch (match) {
            case STR -> new MapStrIndex(keys, values, ignoreCase);
            case BEG -> new MapBegIndex(keys, values, ignoreCase);
            case SUB -> new MapSubIndex(keys, values, ignoreCase);
            case DIR -> MapDomIndex.dir(keys, values, ignoreCase);
            case DOM -> MapDomIndex.dom(keys, values, ignoreCase);
            case END -> new MapEndIndex(keys, values, ignoreCase);
            case REG -> new MapRegIndex(keys, values, ignoreCase);
            case INT -> new MapIntIndex(keys, values);
            case IP -> new MapIpIndex(keys, values, false);
        };
    }

    /** Lengths present among the keys, as a lookup table indexed by length. */
    static boolean[] lengths(List<String> keys, int maxLen) {
        boolean[] present = new boolean[maxLen + 1];
        for (String k : keys) {
            present[k.length()] = true;
        }
        return present;
    }

    static int maxLength(List<String> keys) {
        int max = 0;
        for (String k : keys) {
            max = Math.max(max, k.length());
        }
        return max;
    }
}
