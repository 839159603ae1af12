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

    /** The comma-separated list in {@code [s, e)} holds {@code lower} (compared ignoring case). */
    static boolean hasToken(byte[] a, int s, int e, String lower) {
        int p = s;
        while (p < e) {
            int c = indexOf(a, p, e, (byte) ',');
            int te = c < 0 ? e : c;
            int ts = trimStart(a, p, te);
            if (equalsIgnoreCase(a, ts, trimEnd(a, ts, te), lower)) return true;
            p = te + 1;
        }
        return false;
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
}
