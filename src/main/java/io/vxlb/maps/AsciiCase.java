package io.vxlb.maps;

/**
 * ASCII-only case folding, as HAProxy's C-locale tolower/strncasecmp do: only A-Z and a-z fold,
 * everything else compares as is. The conversions return the same instance when nothing changes.
 */
public final class AsciiCase {
    private AsciiCase() {
    }

    public static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }

    public static char upper(char c) {
        return c >= 'a' && c <= 'z' ? (char) (c - 32) : c;
    }

    /** ASCII lower case; {@code s} itself when it has no upper-case ASCII letter. */
    public static String toLower(String s) {
        int n = s.length();
        int i = 0;
        while (i < n && !(s.charAt(i) >= 'A' && s.charAt(i) <= 'Z')) {
            i++;
        }
        if (i == n) {
            return s;
        }
        char[] out = s.toCharArray();
        for (; i < n; i++) {
            out[i] = lower(out[i]);
        }
        return new String(out);
    }

    /** ASCII upper case; {@code s} itself when it has no lower-case ASCII letter. */
    public static String toUpper(String s) {
        int n = s.length();
        int i = 0;
        while (i < n && !(s.charAt(i) >= 'a' && s.charAt(i) <= 'z')) {
            i++;
        }
        if (i == n) {
            return s;
        }
        char[] out = s.toCharArray();
        for (; i < n; i++) {
            out[i] = upper(out[i]);
        }
        return new String(out);
    }

    /** strncasecmp(a + aFrom, b + bFrom, len) == 0; both ranges must be in bounds. */
    public static boolean regionEquals(CharSequence a, int aFrom, CharSequence b, int bFrom, int len) {
        for (int i = 0; i < len; i++) {
            char x = a.charAt(aFrom + i);
            char y = b.charAt(bFrom + i);
            if (x != y && lower(x) != lower(y)) {
                return false;
            }
        }
        return true;
    }

    public static boolean regionMatches(boolean ignoreCase, CharSequence a, int aFrom, CharSequence b, int bFrom, int len) {
        if (ignoreCase) {
            return regionEquals(a, aFrom, b, bFrom, len);
        }
        for (int i = 0; i < len; i++) {
            if (a.charAt(aFrom + i) != b.charAt(bFrom + i)) {
                return false;
            }
        }
        return true;
    }

    /** The first index of {@code needle} in {@code s}, ASCII case-insensitively; -1 if absent. */
    public static int indexOf(String s, String needle, boolean ignoreCase) {
        if (!ignoreCase) {
            return s.indexOf(needle);
        }
        int n = s.length();
        int m = needle.length();
        if (m == 0) {
            return 0;
        }
        char first = lower(needle.charAt(0));
        for (int i = 0; i + m <= n; i++) {
            if (lower(s.charAt(i)) == first && regionEquals(s, i, needle, 0, m)) {
                return i;
            }
        }
        return -1;
    }
}
