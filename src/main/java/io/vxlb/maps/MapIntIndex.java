package io.vxlb.maps;

import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Integer match ({@code map_int}, ACL {@code -m int} patterns from files). Keys are parsed as
 * HAProxy 2.6's pat_parse_int does: "N", or a range "N:M" / "N-M" / ":M" / "N:" split at the
 * first ':' or '-' (so "-5" is the range up to 5, as in HAProxy). HAProxy scans them as a list:
 * the FIRST key in file order containing the sample wins. Here exact keys are hashed, and the
 * ranges are cut into elementary intervals, each knowing its first covering range, found by
 * binary search; the answer is the smaller of the two positions.
 */
public final class MapIntIndex extends MapIndex {
    private final long[] exactKeys;
    private final int[] exactPositions;
    private final int exactMask;
    /** Sorted starts of the elementary intervals; interval i ends where i + 1 starts. */
    private final long[] starts;
    /** First range position covering interval i, or -1. */
    private final int[] winners;
    private final int size;

    MapIntIndex(List<String> keys, List<String> values) {
        super(values);
        size = keys.size();
        int cap = 8;
        while (cap < keys.size() * 2) {
            cap <<= 1;
        }
        exactKeys = new long[cap];
        exactPositions = new int[cap];
        Arrays.fill(exactPositions, -1);
        exactMask = cap - 1;
        long[] mins = new long[keys.size()];
        long[] maxs = new long[keys.size()];
        int[] pos = new int[keys.size()];
        int ranges = 0;
        for (int i = 0; i < keys.size(); i++) {
            long[] r = parse(keys.get(i), i);
            if (r[0] == r[1]) {
                int slot = slot(r[0]);
                while (exactPositions[slot] >= 0 && exactKeys[slot] != r[0]) {
                    slot = (slot + 1) & exactMask;
                }
                if (exactPositions[slot] < 0) {
                    exactKeys[slot] = r[0];
                    exactPositions[slot] = i;
                }
            } else {
                mins[ranges] = r[0];
                maxs[ranges] = r[1];
                pos[ranges++] = i;
            }
        }
        // elementary intervals: every range start and every range end + 1 is a boundary
        long[] bounds = new long[2 * ranges + 1];
        int nb = 0;
        bounds[nb++] = Long.MIN_VALUE;
        for (int r = 0; r < ranges; r++) {
            bounds[nb++] = mins[r];
            if (maxs[r] != Long.MAX_VALUE) {
                bounds[nb++] = maxs[r] + 1;
            }
        }
        Arrays.sort(bounds, 0, nb);
        int unique = 0;
        for (int i = 0; i < nb; i++) {
            if (unique == 0 || bounds[i] != bounds[unique - 1]) {
                bounds[unique++] = bounds[i];
            }
        }
        starts = Arrays.copyOf(bounds, unique);
        winners = new int[unique];
        // sweep: ranges by start; a heap of the active ones by file position
        Integer[] order = new Integer[ranges];
        for (int r = 0; r < ranges; r++) {
            order[r] = r;
        }
        Arrays.sort(order, (a, b) -> Long.compare(mins[a], mins[b]));
        PriorityQueue<Integer> active = new PriorityQueue<>((a, b) -> Integer.compare(pos[a], pos[b]));
        int next = 0;
        for (int i = 0; i < unique; i++) {
            long s = starts[i];
            while (next < ranges && mins[order[next]] <= s) {
                active.add(order[next++]);
            }
            while (!active.isEmpty() && maxs[active.peek()] < s) {
                active.poll();
            }
            winners[i] = active.isEmpty() ? -1 : pos[active.peek()];
        }
    }

    private int slot(long v) {
        return KeyTable.mix(Long.hashCode(v)) & exactMask;
    }

    /** pat_parse_int: returns {min, max} (open ends are Long.MIN_VALUE / Long.MAX_VALUE). */
    static long[] parse(String text, int position) {
        int sep = -1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ':' || c == '-') {
                sep = i;
                break;
            }
        }
        try {
            if (text.isEmpty()) {
                throw new NumberFormatException();
            }
            if (sep < 0) {
                long v = number(text);
                return new long[] {v, v};
            }
            String lo = text.substring(0, sep);
            String hi = text.substring(sep + 1);
            if (lo.isEmpty() && hi.isEmpty()) {
                throw new NumberFormatException();
            }
            long min = lo.isEmpty() ? Long.MIN_VALUE : number(lo);
            long max = hi.isEmpty() ? Long.MAX_VALUE : number(hi);
            if (min > max) {
                throw new NumberFormatException();
            }
            return new long[] {min, max};
        } catch (NumberFormatException e) {
            throw new MapKeyException(position, "'" + text + "' is not a valid number range");
        }
    }

    private static long number(String s) {
        int i = s.startsWith("+") || s.startsWith("-") ? 1 : 0;
        if (i == s.length()) {
            throw new NumberFormatException();
        }
        for (int j = i; j < s.length(); j++) {
            if (s.charAt(j) < '0' || s.charAt(j) > '9') {
                throw new NumberFormatException();
            }
        }
        return Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
    }

    /** The position of the first key (in file order) containing {@code v}, or -1. */
    public int find(long v) {
        int slot = slot(v);
        int exact = -1;
        while (exactPositions[slot] >= 0) {
            if (exactKeys[slot] == v) {
                exact = exactPositions[slot];
                break;
            }
            slot = (slot + 1) & exactMask;
        }
        int lo = 0;
        int hi = starts.length - 1;
        while (lo < hi) { // the last start <= v (starts[0] is Long.MIN_VALUE)
            int mid = (lo + hi + 1) >>> 1;
            if (starts[mid] <= v) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        int range = winners[lo];
        if (range < 0) {
            return exact;
        }
        return exact < 0 || range < exact ? range : exact;
    }

    /** Looks up a textual integer converted as HAProxy's string-to-integer cast does. */
    @Override
    public int find(String sample) {
        if (sample.isEmpty()) {
            return -1;
        }
        return find(readInt64(sample));
    }

    /** HAProxy's read_int64: optional sign, digits up to the first non-digit, saturating. */
    public static long readInt64(CharSequence s) {
        int i = 0;
        int n = s.length();
        boolean neg = false;
        if (i < n && s.charAt(i) == '-') {
            neg = true;
            i++;
        } else if (i < n && s.charAt(i) == '+') {
            i++;
        }
        long v = 0;
        boolean overflow = false;
        for (; i < n; i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9) {
                break;
            }
            if (!overflow) {
                if (v > (Long.MAX_VALUE - d) / 10) {
                    overflow = true;
                } else {
                    v = v * 10 + d;
                }
            }
        }
        if (overflow) {
            return neg ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return neg ? -v : v;
    }

    @Override
    public int size() {
        return size;
    }
}
