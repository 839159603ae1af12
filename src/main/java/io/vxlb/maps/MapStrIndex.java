package io.vxlb.maps;

import java.util.List;

/**
 * Exact string match ({@code map}, {@code map_str}, ACL {@code -m str}): a hash table. HAProxy
 * keeps these keys in a tree and returns the first of equal keys, i.e. the first in file order;
 * with {@code -i} it scans a list in file order, which gives the same answer.
 */
public final class MapStrIndex extends MapIndex {
    private final KeyTable table;

    MapStrIndex(List<String> keys, List<String> values, boolean ignoreCase) {
        super(values);
        table = new KeyTable(keys.size(), ignoreCase, false);
        for (int i = 0; i < keys.size(); i++) {
            table.putIfAbsent(keys.get(i), i);
        }
    }

    @Override
    public int find(String sample) {
        return table.get(sample);
    }

    @Override
    public int size() {
        return table.size();
    }
}
