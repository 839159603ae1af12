package io.vxlb.rules;

/**
 * HAProxy 2.6's parsing of header values, cookies, query strings and request targets (src/http.c,
 * src/http_htx.c), on Java strings and index ranges so that callers allocate nothing. Ranges are
 * returned packed in a long: three 21-bit fields (values longer than 2 MiB characters are not
 * supported, far above any header size limit).
 */
final class HttpText {
    private static final int BITS = 21;
    private static final long FIELD = (1L << BITS) - 1;

    private HttpText() {
    }

    static long pack(int a, int b, int c) {
        return ((long) a << (2 * BITS)) | ((long) b << BITS) | c;
    }

    static int first(long p) {
        return (int) (p >>> (2 * BITS));
    }

    static int second(long p) {
        return (int) ((p >>> BITS) & FIELD);
    }

    static int third(long p) {
        return (int) (p & FIELD);
    }

    /** HTTP_IS_LWS: space, tab, CR, LF. */
    static boolean lws(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    /** HTTP_IS_SPHT: space or tab. */
    static boolean spht(char c) {
        return c == ' ' || c == '\t';
    }

    /** http_find_hdr_value_end: the first unquoted ',' from {@code s}, or {@code e}. */
    static int valueEnd(String v, int s, int e) {
        boolean quoted = false;
        boolean qdpair = false;
        for (; s < e; s++) {
            char c = v.charAt(s);
            if (qdpair) {
                qdpair = false;
            } else if (quoted) {
                if (c == '\\') {
                    qdpair = true;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                return s;
            }
        }
        return e;
    }

    /**
     * One comma-separated value of a header line starting at {@code pos} (http_find_header
     * without the "full" flag): packed (begin, trimmed end, raw end); the raw end is the comma or
     * the end of the line, so the next value starts at raw end + 1 unless raw end == length.
     */
    static long headerValue(String v, int pos) {
        int n = v.length();
        int b = pos;
        while (b < n && lws(v.charAt(b))) {
            b++;
        }
        int e = valueEnd(v, b, n);
        int te = e;
        while (te > b && lws(v.charAt(te - 1))) {
            te--;
        }
        return pack(b, te, e);
    }

    /** The whole header line without leading and trailing LWS (http_find_header "full"). */
    static long fullValue(String v) {
        int n = v.length();
        int b = 0;
        while (b < n && lws(v.charAt(b))) {
            b++;
        }
        int e = n;
        while (e > b && lws(v.charAt(e - 1))) {
            e--;
        }
        return pack(b, e, n);
    }

    /** http_find_cookie_value_end: the first unquoted ',' or ';' from {@code s}, or {@code e}. */
    static int cookieValueEnd(String v, int s, int e) {
        boolean quoted = false;
        boolean qdpair = false;
        for (; s < e; s++) {
            char c = v.charAt(s);
            if (qdpair) {
                qdpair = false;
            } else if (quoted) {
                if (c == '\\') {
                    qdpair = true;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',' || c == ';') {
                return s;
            }
        }
        return e;
    }

    /**
     * http_extract_cookie_value: the next cookie named {@code name} (any name when empty) in
     * {@code h[from, end)}; packed (where to search next, value begin, value end), or -1. With
     * {@code list} (Cookie headers) several cookies may follow each other; without (Set-Cookie)
     * only the first name=value pair counts.
     */
    static long extractCookie(String h, int from, int end, String name, boolean list) {
        int nl = name.length();
        for (int att = from; att + nl + 1 < end; ) {
            int attBeg = att;
            while (attBeg < end && spht(h.charAt(attBeg))) {
                attBeg++;
            }
            int equal = attBeg;
            int attEnd = attBeg;
            while (equal < end) {
                char c = h.charAt(equal);
                if (c == '=' || c == ';' || (list && c == ',')) {
                    break;
                }
                equal++;
                if (spht(c)) {
                    continue;
                }
                attEnd = equal;
            }
            int valBeg;
            int valEnd;
            int next;
            if (equal < end && h.charAt(equal) == '=') {
                valBeg = equal + 1;
                while (valBeg < end && spht(h.charAt(valBeg))) {
                    valBeg++;
                }
                next = cookieValueEnd(h, valBeg, end);
                valEnd = next;
                while (valEnd > valBeg && spht(h.charAt(valEnd - 1))) {
                    valEnd--;
                }
            } else {
                valBeg = equal;
                valEnd = equal;
                next = equal;
            }
            att = next + 1;
            if (attBeg < end && h.charAt(attBeg) == '$') {
                continue;
            }
            if (equal == next) {
                continue; // no '=': not a cookie
            }
            if (nl == 0 || (attEnd - attBeg == nl && h.regionMatches(attBeg, name, 0, nl))) {
                return pack(next + 1, valBeg, valEnd);
            }
            if (!list) {
                break;
            }
        }
        return -1;
    }

    static boolean paramDelimiter(char c, char delim) {
        return c == '&' || c == ';' || c == delim;
    }

    /**
     * http_find_next_url_param on {@code uri[from, end)}: the next parameter named {@code name}
     * (the first parameter holding '=' when the name is empty); packed (value begin, value end,
     * 0), or -1. The next search starts at the value's end.
     */
    static long nextParam(String uri, int from, int end, String name, char delim) {
        int nl = name.length();
        int valueStart;
        if (nl > 0) {
            int pos = from;
            int found = -1;
            while (pos < end) {
                int equal = pos + nl;
                if (equal >= end) {
                    return -1;
                }
                if (uri.charAt(equal) == '=') {
                    if (uri.regionMatches(pos, name, 0, nl)) {
                        found = pos;
                        break;
                    }
                    pos += nl + 1;
                }
                while (pos < end && !paramDelimiter(uri.charAt(pos), delim)) {
                    pos++;
                }
                if (pos >= end) {
                    return -1;
                }
                pos++;
            }
            if (found < 0) {
                return -1;
            }
            valueStart = found + nl + 1;
        } else {
            int eq = uri.indexOf('=', from);
            if (eq < 0 || eq >= end) {
                return -1;
            }
            valueStart = eq + 1;
        }
        int valueEnd = valueStart;
        while (valueEnd < end && !paramDelimiter(uri.charAt(valueEnd), delim)) {
            valueEnd++;
        }
        return pack(valueStart, valueEnd, 0);
    }

    /**
     * http_parse_path: where the path of a request target starts (origin form: 0; absolute
     * form: after scheme and authority), or -1 when there is none ("*", authority form, empty,
     * or an absolute URI without a path).
     */
    static int pathStart(String uri) {
        int n = uri.length();
        if (n == 0) {
            return -1;
        }
        char c = uri.charAt(0);
        if (c == '/') {
            return 0;
        }
        if (c == '*' || !(c < 128 && Character.isLetter(c))) {
            return -1;
        }
        int i = 1;
        while (i < n) {
            char x = uri.charAt(i);
            if (x < 128 && Character.isLetterOrDigit(x) || x == '+' || x == '-' || x == '.') {
                i++;
            } else {
                break;
            }
        }
        if (i + 3 > n || uri.charAt(i) != ':' || uri.charAt(i + 1) != '/' || uri.charAt(i + 2) != '/') {
            return -1;
        }
        i += 3;
        while (i < n && uri.charAt(i) != '/') {
            i++;
        }
        return i == n ? -1 : i;
    }

    /** strl2ic: optional '-' then digits up to the first non-digit, as a 32-bit int (wrapping). */
    static int strl2ic(String s, int from, int to) {
        int i = 0;
        if (from < to) {
            if (s.charAt(from) != '-') {
                for (int p = from; p < to; p++) {
                    int j = s.charAt(p) - '0';
                    if (j < 0 || j > 9) {
                        break;
                    }
                    i = i * 10 + j;
                }
            } else {
                for (int p = from + 1; p < to; p++) {
                    int j = s.charAt(p) - '0';
                    if (j < 0 || j > 9) {
                        break;
                    }
                    i = i * 10 - j;
                }
            }
        }
        return i;
    }
}
