package io.vxlb.maps;

import java.util.List;

/**
 * Prefix match ({@code map_beg}, ACL {@code -m beg}). HAProxy 2.6 indexes these keys in a prefix
 * tree and looks up with ebmb_lookup_longest: the LONGEST key that is a prefix of the sample wins,
 * whatever its place in the file (the first of equal keys when duplicated). Here: one hash table
 * of all keys, probed with each prefix of the sample whose length some key has, in one pass.
 */
public final class MapBegIndex extends MapIndex {
    private final KeyTable table;
    private final boolean[] lengths;
    private final int maxLen;
    private final int size;

    MapBegIndex(List<String> keys, List<String> values, boolean ignoreCase) {
        super(values);
        maxLen = maxLength(keys);
        lengths = lengths(keys, maxLen);
        table = new KeyTable(keys.size(), ignoreCase, false);
        for (int i = 0; i < keys.size(); i++) {
            table.putIfAbsent(keys.get(i), i);
        }
        size = keys.size();
    }

    @Override
    public int find(String sample) {
        boolean ic = table.ignoreCase();
        int best = lengths[0] ? table.get(sample, 0, 0, 0) : -1;
        int n = Math.min(sample.length(), maxLen);
        int h = 0;
        for (int len = 1; len <= n; len++) {
            h = KeyTable.step(h, sample.charAt(len - 1), ic);
            if (lengths[len]) {
                int p = table.get(sample, 0, len, h);
                if (p >= 0) {
                    best = p;
                }
            }
        }
        return best;
    }

    @Override
    public int size() {
        return size;
    }
}
