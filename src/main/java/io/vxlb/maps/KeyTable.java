package io.vxlb.maps;

/**
 * An open-addressing hash table from string keys to entry positions, probed with a range of a
 * longer string so that lookups of prefixes, suffixes and words allocate nothing. The hash is a
 * running one ({@link #step}) that callers extend character by character; with {@code reverse}
 * the keys are hashed from their last character to their first (for suffix lookups). With
 * {@code ignoreCase}, ASCII letters hash and compare case-insensitively (HAProxy's strncasecmp).
 * The first position stored for a key wins.
 */
final class KeyTable {
    private final boolean ignoreCase;
    private final boolean reverse;
    private String[] keys;
    private int[] positions;
    private int[] hashes;
    private int mask;
    private int size;

    KeyTable(int expected, boolean ignoreCase, boolean reverse) {
        this.ignoreCase = ignoreCase;
        this.reverse = reverse;
        int cap = 8;
        while (cap < expected * 2) {
            cap <<= 1;
        }
        keys = new String[cap];
        positions = new int[cap];
        hashes = new int[cap];
        mask = cap - 1;
    }

    static int step(int h, char c, boolean ignoreCase) {
        if (ignoreCase && c >= 'A' && c <= 'Z') {
            c += 32;
        }
        return h * 31 + c;
    }

    static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        return h ^ (h >>> 16);
    }

    boolean ignoreCase() {
        return ignoreCase;
    }

    int size() {
        return size;
    }

    int runningHash(String key) {
        int h = 0;
        if (reverse) {
            for (int i = key.length() - 1; i >= 0; i--) {
                h = step(h, key.charAt(i), ignoreCase);
            }
        } else {
            for (int i = 0; i < key.length(); i++) {
                h = step(h, key.charAt(i), ignoreCase);
            }
        }
        return h;
    }

    /** Stores {@code key} → {@code position} unless the key is already there; true when stored. */
    boolean putIfAbsent(String key, int position) {
        int h = mix(runningHash(key));
        int slot = h & mask;
        while (keys[slot] != null) {
            if (hashes[slot] == h && equal(keys[slot], key, 0, key.length())) {
                return false;
            }
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        positions[slot] = position;
        hashes[slot] = h;
        if (++size * 2 > keys.length) {
            grow();
        }
        return true;
    }

    /** The position of the key equal to {@code s[from, to)} whose running hash is {@code running}; -1 if none. */
    int get(CharSequence s, int from, int to, int running) {
        int h = mix(running);
        int slot = h & mask;
        String k;
        while ((k = keys[slot]) != null) {
            if (hashes[slot] == h && k.length() == to - from && equal(k, s, from, to)) {
                return positions[slot];
            }
            slot = (slot + 1) & mask;
        }
        return -1;
    }

    /** The position of the key equal to the whole of {@code s}; -1 if none. */
    int get(CharSequence s) {
        int h = 0;
        int n = s.length();
        if (reverse) {
            for (int i = n - 1; i >= 0; i--) {
                h = step(h, s.charAt(i), ignoreCase);
            }
        } else {
            for (int i = 0; i < n; i++) {
                h = step(h, s.charAt(i), ignoreCase);
            }
        }
        return get(s, 0, n, h);
    }

    private boolean equal(String key, CharSequence s, int from, int to) {
        if (key.length() != to - from) {
            return false;
        }
        if (!ignoreCase) {
            for (int i = 0; i < key.length(); i++) {
                if (key.charAt(i) != s.charAt(from + i)) {
                    return false;
                }
            }
            return true;
        }
        return AsciiCase.regionEquals(key, 0, s, from, key.length());
    }

    private void grow() {
        String[] oldKeys = keys;
        int[] oldPositions = positions;
        int[] oldHashes = hashes;
        int cap = oldKeys.length * 2;
        keys = new String[cap];
        positions = new int[cap];
        hashes = new int[cap];
        mask = cap - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != null) {
                int slot = oldHashes[i] & mask;
                while (keys[slot] != null) {
                    slot = (slot + 1) & mask;
                }
                keys[slot] = oldKeys[i];
                positions[slot] = oldPositions[i];
                hashes[slot] = oldHashes[i];
            }
        }
    }
}
