package io.vxlb.maps;

import java.util.List;

/**
 * Substring match ({@code map_sub}, ACL {@code -m sub}). HAProxy 2.6 scans a list: the FIRST key
 * in file order found anywhere in the sample wins. Small sets are scanned the same way; large
 * ones use a hash table probed with every substring of the sample whose length some key has,
 * keeping the smallest file position, which gives the same answer in time bounded by the
 * sample's length times the longest key instead of by the number of keys.
 */
public final class MapSubIndex extends MapIndex {
    /** Up to this many keys a scan in file order is the fastest. */
    static final int LINEAR_MAX = 16;

    private final String[] keys;
    private final boolean ignoreCase;
    private final KeyTable table;
    private final boolean[] lengths;
    private final int maxLen;

    MapSubIndex(List<String> keys, List<String> values, boolean ignoreCase) {
        super(values);
        this.keys = keys.toArray(new String[0]);
        this.ignoreCase = ignoreCase;
        if (keys.size() <= LINEAR_MAX) {
            table = null;
            lengths = null;
            maxLen = 0;
            return;
        }
        maxLen = maxLength(keys);
        lengths = lengths(keys, maxLen);
        table = new KeyTable(keys.size(), ignoreCase, false);
        for (int i = 0; i < keys.size(); i++) {
            table.putIfAbsent(keys.get(i), i);
        }
    }

    @Override
    public int find(String sample) {
        if (table == null) {
            for (int i = 0; i < keys.length; i++) {
                if (AsciiCase.indexOf(sample, keys[i], ignoreCase) >= 0) {
                    return i;
                }
            }
            return -1;
        }
        int best = lengths[0] ? table.get(sample, 0, 0, 0) : -1;
        if (best == 0) {
            return 0;
        }
        int n = sample.length();
        for (int start = 0; start < n; start++) {
            int max = Math.min(n - start, maxLen);
            int h = 0;
            for (int len = 1; len <= max; len++) {
                h = KeyTable.step(h, sample.charAt(start + len - 1), ignoreCase);
                if (lengths[len]) {
                    int p = table.get(sample, start, start + len, h);
                    if (p >= 0 && (best < 0 || p < best)) {
                        best = p;
                        if (best == 0) {
                            return 0;
                        }
                    }
                }
            }
        }
        return best;
    }

    @Override
    public int size() {
        return keys.length;
    }
}
