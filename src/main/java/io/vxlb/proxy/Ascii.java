package io.vxlb.proxy;

/**
 * Byte-array forms of the HTTP/1 scanning helpers of {@link H1Parser}: a head is copied once out
 * of its (pooled, reference-counted) buffer and scanned here, because every {@code
 * ByteBuf.getByte} checks the buffer's reference count and bounds (a fifth of the response
 * path's CPU when each byte of a head was read that way).
 */
final class Ascii {
    private Ascii() {
    }

    /** The first {@code c} in {@code [s, e)}, or -1. */
    static int indexOf(byte[] a, int s, int e, byte c) {
        for (int i = s; i < e; i++) if (a[i] == c) return i;
        return -1;
    }

    /** The end of {@code [s, e)} without its trailing blanks. */
    static int trimEnd(byte[] a, int s, int e) {
        while (e > s && (a[e - 1] == ' ' || a[e - 1] == '\t')) e--;
        return e;
    }

    /** The start of {@code [s, e)} without its leading blanks. */
    static int trimStart(byte[] a, int s, int e) {
        while (s < e && (a[s] == ' ' || a[s] == '\t')) s++;
        return s;
    }

    /** {@code [s, e)} equals {@code lower} ignoring ASCII case. */
    static boolean equalsIgnoreCase(byte[] a, int s, int e, String lower) {
        if (e - s != lower.length()) return false;
        for (int i = 0; i < lower.length(); i++) {
            int c = a[s + i];
            if (c >= 'A' && c <= 'Z') c += 32;
            if (c != lower.charAt(i)) return false;
        }
        return true;
    }

    static final int CLOSE = 1, KEEP_ALIVE = 2;

    /** A Connection value's tokens in one pass: {@link #CLOSE} and/or {@link #KEEP_ALIVE}. */
    static int connectionTokens(byte[] a, int s, int e) {
        int found = 0, p = s;
        while (p < e) {
            int c = indexOf(a, p, e, (byte) ',');
            int te = c < 0 ? e : c;
            int ts = trimStart(a, p, te);
            int tend = trimEnd(a, ts, te);
            if (equalsIgnoreCase(a, ts, tend, "close")) found |= CLOSE;
            else if (equalsIgnoreCase(a, ts, tend, "keep-alive")) found |= KEEP_ALIVE;
            p = te + 1;
        }
        return found;
    }

    /** No control byte but HTAB (and no DEL) in {@code [s, e)}. */
    static boolean printable(byte[] a, int s, int e) {
        for (int i = s; i < e; i++) {
            int c = a[i] & 0xff;
            if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
        }
        return true;
    }

    /** {@code [s, e)} as text, one char per byte (ISO-8859-1, as read). */
    static String text(byte[] a, int s, int e) {
        return new String(a, s, e - s, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /**
     * Two header names (or tokens) equal ignoring ASCII case: String.equalsIgnoreCase folds every
     * char through Character.toUpperCase/toLowerCase, several times slower for what are ASCII tokens.
     */
    static boolean same(String x, String y) {
        int n = x.length();
        if (n != y.length()) return false;
        for (int i = 0; i < n; i++) {
            char a = x.charAt(i), b = y.charAt(i);
            if (a == b) continue;
            if (a >= 'A' && a <= 'Z') a += 32;
            if (b >= 'A' && b <= 'Z') b += 32;
            if (a != b) return false;
        }
        return true;
    }
}
