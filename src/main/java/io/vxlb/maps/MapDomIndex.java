package io.vxlb.maps;

import java.util.List;

/**
 * Delimited-word match: {@code map_dom} / ACL {@code -m dom} (delimiters '/', '?', '.', ':') and
 * {@code map_dir} / {@code -m dir} (delimiters '/', '?'). HAProxy 2.6's match_word(): delimiters
 * at both ends of a key are ignored; the key matches when it occurs in the sample starting at the
 * beginning or right after a delimiter, and ending at the end or right before a delimiter (so
 * "example.com" matches "app.example.com" and "example.com:8080", not "myexample.com"). Keys are
 * kept in a list and the FIRST key in file order that matches wins.
 * <p>
 * Small sets are scanned like HAProxy does. Large ones use a hash table of the stripped keys,
 * probed with every run of whole words of the sample (word starts × word ends, bounded by the
 * longest key), keeping the smallest file position: the same winner without a scan of all keys.
 */
public final class MapDomIndex extends MapIndex {
    static final int LINEAR_MAX = 16;

    private final String[] keys;
    private final boolean ignoreCase;
    private final boolean dom;
    private final KeyTable table;
    private final boolean[] lengths;
    private final int maxLen;
    /** First position of a key made only of delimiters (or empty); -1 if none. */
    private final int emptyKey;

    private MapDomIndex(List<String> keys, List<String> values, boolean ignoreCase, boolean dom) {
        super(values);
        this.keys = keys.toArray(new String[0]);
        this.ignoreCase = ignoreCase;
        this.dom = dom;
        if (keys.size() <= LINEAR_MAX) {
            table = null;
            lengths = null;
            maxLen = 0;
            emptyKey = -1;
            return;
        }
        table = new KeyTable(keys.size(), ignoreCase, false);
        int max = 0;
        int empty = -1;
        String[] stripped = new String[keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            String s = strip(keys.get(i));
            stripped[i] = s;
            if (s.isEmpty()) {
                if (empty < 0) {
                    empty = i;
                }
            } else {
                table.putIfAbsent(s, i);
                max = Math.max(max, s.length());
            }
        }
        maxLen = max;
        lengths = new boolean[max + 1];
        for (String s : stripped) {
            lengths[s.length()] = true;
        }
        emptyKey = empty;
    }

    static MapDomIndex dom(List<String> keys, List<String> values, boolean ignoreCase) {
        return new MapDomIndex(keys, values, ignoreCase, true);
    }

    static MapDomIndex dir(List<String> keys, List<String> values, boolean ignoreCase) {
        return new MapDomIndex(keys, values, ignoreCase, false);
    }

    private boolean delim(char c) {
        return c == '/' || c == '?' || (dom && (c == '.' || c == ':'));
    }

    private String strip(String k) {
        int b = 0;
        int e = k.length();
        while (b < e && delim(k.charAt(b))) {
            b++;
        }
        while (e > b && delim(k.charAt(e - 1))) {
            e--;
        }
        return k.substring(b, e);
    }

    @Override
    public int find(String sample) {
        if (table == null) {
            for (int i = 0; i < keys.length; i++) {
                if (matchWord(sample, keys[i])) {
                    return i;
                }
            }
            return -1;
        }
        int n = sample.length();
        int best = -1;
        if (emptyKey >= 0 && (n == 0 || delim(sample.charAt(n - 1)))) {
            best = emptyKey;
        }
        for (int start = 0; start < n; start++) {
            if (delim(sample.charAt(start)) || (start > 0 && !delim(sample.charAt(start - 1)))) {
                continue; // not the first character of a word
            }
            int limit = Math.min(n, start + maxLen);
            int h = 0;
            for (int end = start + 1; end <= limit; end++) {
                char last = sample.charAt(end - 1);
                h = KeyTable.step(h, last, ignoreCase);
                if (lengths[end - start] && !delim(last) && (end == n || delim(sample.charAt(end)))) {
                    int p = table.get(sample, start, end, h);
                    if (p >= 0 && (best < 0 || p < best)) {
                        best = p;
                    }
                }
            }
            if (best == 0) {
                return 0;
            }
        }
        return best;
    }

    /** HAProxy 2.6 match_word(), character for character (a position past the end reads as NUL). */
    private boolean matchWord(String s, String pattern) {
        int ps = 0;
        int pl = pattern.length();
        while (pl > 0 && delim(pattern.charAt(ps))) {
            pl--;
            ps++;
        }
        while (pl > 0 && delim(pattern.charAt(ps + pl - 1))) {
            pl--;
        }
        int n = s.length();
        if (pl > n) {
            return false;
        }
        boolean mayMatch = true;
        int end = n - pl;
        char p0 = ps < pattern.length() ? pattern.charAt(ps) : 0;
        for (int c = 0; c <= end; c++) {
            char ch = c < n ? s.charAt(c) : 0;
            if (delim(ch)) {
                mayMatch = true;
                continue;
            }
            if (!mayMatch) {
                continue;
            }
            boolean first = ignoreCase ? AsciiCase.lower(ch) == AsciiCase.lower(p0) : ch == p0;
            if (first && (pl == 0 || AsciiCase.regionMatches(ignoreCase, pattern, ps, s, c, pl))
                    && (c == end || delim(s.charAt(c + pl)))) {
                return true;
            }
            mayMatch = false;
        }
        return false;
    }

    @Override
    public int size() {
        return keys.length;
    }
}
