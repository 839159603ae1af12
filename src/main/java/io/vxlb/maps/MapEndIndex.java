package io.vxlb.maps;

import java.util.List;

/**
 * Suffix match ({@code map_end}, ACL {@code -m end}). HAProxy 2.6 keeps these keys in a list and
 * returns the FIRST key in file order that ends the sample (not the longest). Here: a hash table
 * of the keys hashed from their end, probed with each suffix of the sample whose length some key
 * has; the smallest file position among the hits wins.
 */
public final class MapEndIndex extends MapIndex {
    private final KeyTable table;
    private final boolean[] lengths;
    private final int maxLen;
    private final int size;

    MapEndIndex(List<String> keys, List<String> values, boolean ignoreCase) {
        super(values);
        maxLen = maxLength(keys);
        lengths = lengths(keys, maxLen);
        table = new KeyTable(keys.size(), ignoreCase, true);
        for (int i = 0; i < keys.size(); i++) {
            table.putIfAbsent(keys.get(i), i);
        }
        size = keys.size();
    }

    @Override
    public int find(String sample) {
        boolean ic = table.ignoreCase();
        int n = sample.length();
        int best = lengths[0] ? table.get(sample, n, n, 0) : -1;
        int max = Math.min(n, maxLen);
        int h = 0;
        for (int len = 1; len <= max; len++) {
            h = KeyTable.step(h, sample.charAt(n - len), ic);
            if (lengths[len]) {
                int p = table.get(sample, n - len, n, h);
                if (p >= 0 && (best < 0 || p < best)) {
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
