package io.vxlb.proxy;

import io.netty.buffer.ByteBuf;

/**
 * The strict HTTP/1 request parser of the client side (RFC 9112 as HAProxy's h1.c applies it,
 * stricter where a lenient reading could make two parsers disagree). It reads a complete head
 * in place and decides the body's framing once; what it accepts is forwarded either as it came
 * or rewritten into one canonical form ({@link H1Head#rewrite}), so nothing behind it — Vert.x's
 * decoder, the rules, the server — can read the message differently.
 *
 * <p>Rejected with 400: bytes outside VCHAR in the target, a target that is not origin-form,
 * absolute-form (http/https) or {@code *} with OPTIONS, a version other than
 * {@code HTTP/1.x} spelled exactly (1.2 and above read as 1.1, as HAProxy), more than one space between the parts,
 * header names that are not tokens or are followed by blanks, control bytes in values, obs-fold,
 * more than {@value H1Head#MAX_HEADERS} headers, differing or malformed Content-Length,
 * Transfer-Encoding whose last coding is not chunked or that repeats chunked (another coding: 422, as HAProxy),
 * a body on an HTTP/1.0 GET/HEAD/DELETE (413, as HAProxy), a WebSocket handshake without its key, Transfer-Encoding in
 * HTTP/1.0, two different Host values, an absolute-form authority other than Host. An upgrade
 * to h2c is not honoured (the request goes on without its upgrade headers): through it the
 * server would speak HTTP/2 with the client past every rule (h2c smuggling).
 */
final class H1Parser {
    private H1Parser() {}

    /** Parse results besides 0 (accepted): the status to answer. */
    static final int OK = 0;

    private static final boolean[] TOKEN = new boolean[256];

    static {
        for (int c = '0'; c <= '9'; c++) TOKEN[c] = true;
        for (int c = 'a'; c <= 'z'; c++) TOKEN[c] = true;
        for (int c = 'A'; c <= 'Z'; c++) TOKEN[c] = true;
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) TOKEN[c] = true;
    }

    static boolean isToken(int c) {
        return TOKEN[c & 0xff];
    }

    /**
     * The offset just after the empty line that ends the head starting at {@code from}, or -1 when
     * it has not arrived yet. Lines may end in CRLF or a bare LF (as HAProxy reads them).
     */
    static int headEnd(ByteBuf b, int from, int to) {
        int i = from;
        while (i < to) {
            int lf = b.indexOf(i, to, (byte) '\n');
            if (lf < 0) return -1;
            int len = lf - i;
            if (i != from && (len == 0 || (len == 1 && b.getByte(i) == '\r'))) return lf + 1;
            i = lf + 1;
        }
        return -1;
    }

    /** Parses the head in {@code [from, end)} (from {@link #headEnd}) into {@code h}; returns {@link #OK} or a status. */
    static int parse(ByteBuf b, int from, int end, H1Head h) {
        return parse(b, from, end, h, false);
    }

    /**
     * Checks the lines of a head that has not ended yet, {@code [from, end)} ending just after a
     * LF: the request line and each complete header line as {@link #parse} would (HAProxy parses a
     * head as it comes, so a bad line is answered when it arrives, not when the head is complete or
     * the request times out). {@link #OK} when nothing is wrong so far; the checks that need the
     * whole head (framing, Host against the target, upgrade) wait for it.
     */
    static int parsePartial(ByteBuf b, int from, int end, H1Head h) {
        return parse(b, from, end, h, true);
    }

    private static int parse(ByteBuf b, int from, int end, H1Head h, boolean partial) {
        h.reset();
        h.end = end;
        int p = from;
        // method: a token, then exactly one space
        h.methodStart = p;
        while (p < end && isToken(b.getByte(p))) p++;
        if (p == h.methodStart || p >= end || b.getByte(p) != ' ') return 400;
        h.methodEnd = p++;
        // request target: visible ASCII only, no fragment
        h.uriStart = p;
        while (p < end) {
            int c = b.getByte(p) & 0xff;
            if (c < 0x21 || c > 0x7e || c == '#') break;
            p++;
        }
        if (p == h.uriStart || p >= end || b.getByte(p) != ' ') return 400;
        h.uriEnd = p++;
        // version: exactly HTTP/1.0 or HTTP/1.1, then the line end
        if (p + 8 > end || b.getByte(p) != 'H' || b.getByte(p + 1) != 'T' || b.getByte(p + 2) != 'T' || b.getByte(p + 3) != 'P'
                || b.getByte(p + 4) != '/' || b.getByte(p + 6) != '.') return 400;
        int major = b.getByte(p + 5), minorDigit = b.getByte(p + 7);
        if (major < '0' || major > '9' || minorDigit < '0' || minorDigit > '9') return 400;
        p += 8;
        // HTTP/1.x above 1.1 is read as 1.1 (RFC 9110 2.5, as HAProxy); another major is not HTTP/1
        if (major != '1') return 400;
        h.minor = minorDigit == '0' ? 0 : 1;
        if (minorDigit > '1') h.rewrite = true;
        p = lineEnd(b, p, end, h);
        if (p < 0) return 400;
        int status = target(b, h);
        if (status != OK) return status;
        // header lines until the empty one
        while (true) {
            if (partial && p >= end) return OK;  // every complete line so far is fine
            int c = b.getByte(p);
            if (c == '\r' || c == '\n') break;
            if (c == ' ' || c == '\t') return 400;  // obs-fold: rejected (RFC 9112 5.2 allows it)
            if (h.count == H1Head.MAX_HEADERS) return 400;
            int i = h.count;
            h.nameStart[i] = p;
            while (p < end && isToken(b.getByte(p))) p++;
            if (p == h.nameStart[i] || p >= end || b.getByte(p) != ':' || p - h.nameStart[i] > H1Head.MAX_NAME) return 400;
            h.nameEnd[i] = p++;
            int vs = p;
            while (p < end && (b.getByte(p) == ' ' || b.getByte(p) == '\t')) p++;
            if (p - vs != 1) h.rewrite = true;  // not the usual single space: trimmed on the way out
            int valueStart = p, valueEnd = p;
            while (p < end) {
                int v = b.getByte(p) & 0xff;
                if (v == '\r' || v == '\n') break;
                if ((v < 0x20 && v != '\t') || v == 0x7f) return 400;
                p++;
                if (v != ' ' && v != '\t') valueEnd = p;
            }
            if (valueEnd != p) h.rewrite = true;  // trailing blanks
            h.valueStart[i] = valueStart;
            h.valueEnd[i] = valueEnd;
            h.drop[i] = false;
            p = lineEnd(b, p, end, h);
            if (p < 0) return 400;
            h.count++;
            status = header(b, h, i);
            if (status != OK) return status;
        }
        if (b.getByte(p) == '\r') {
            if (p + 1 >= end || b.getByte(p + 1) != '\n') return 400;
        } else {
            h.rewrite = true;
        }
        return framing(b, h);
    }

    /** At a CR or LF ending a line: the offset after it, or -1 (bare CR, anything else). */
    private static int lineEnd(ByteBuf b, int p, int end, H1Head h) {
        if (p >= end) return -1;
        int c = b.getByte(p);
        if (c == '\n') {
            h.rewrite = true;  // forwarded with CRLF
            return p + 1;
        }
        if (c != '\r' || p + 1 >= end || b.getByte(p + 1) != '\n') return -1;
        return p + 2;
    }

    /** The request target's form: origin ("/..."), absolute (http/https, authority checked against Host later), "*" with OPTIONS. */
    private static int target(ByteBuf b, H1Head h) {
        int s = h.uriStart;
        int first = b.getByte(s);
        if (equalsAscii(b, h.methodStart, h.methodEnd, "CONNECT")) {
            // authority-form only (HAProxy: 400 otherwise); vxlb does not tunnel CONNECT: 501
            return first == '/' || first == '*' || authorityStart(b, h) >= 0 ? 400 : 501;
        }
        if (first == '/') return OK;
        if (first == '*') return h.uriEnd - s == 1 && equalsAscii(b, h.methodStart, h.methodEnd, "OPTIONS") ? OK : 400;
        int a = authorityStart(b, h);
        if (a < 0) return 400;
        int e = authorityEnd(b, a, h.uriEnd);
        return e == a ? 400 : OK;
    }

    /** Where the authority of an absolute-form target starts ("http://" or "https://", any case), or -1. */
    static int authorityStart(ByteBuf b, H1Head h) {
        int s = h.uriStart, n = h.uriEnd - s;
        if (n > 7 && startsWithIgnoreCase(b, s, "http://")) return s + 7;
        if (n > 8 && startsWithIgnoreCase(b, s, "https://")) return s + 8;
        return -1;
    }

    static int authorityEnd(ByteBuf b, int a, int uriEnd) {
        int e = a;
        while (e < uriEnd) {
            int c = b.getByte(e);
            if (c == '/' || c == '?') break;
            e++;
        }
        return e;
    }

    private static int header(ByteBuf b, H1Head h, int i) {
        int ns = h.nameStart[i], ne = h.nameEnd[i], vs = h.valueStart[i], ve = h.valueEnd[i];
        switch (ne - ns) {
            case 4:
                if (equalsIgnoreCase(b, ns, ne, "host")) {
                    if (h.host < 0) {
                        h.host = i;
                    } else if (regionEqualsIgnoreCase(b, vs, ve, h.valueStart[h.host], h.valueEnd[h.host])) {
                        h.drop[i] = true;  // the same Host twice: forwarded once
                        h.rewrite = true;
                    } else {
                        return 400;
                    }
                }
                break;
            case 7:
                if (equalsIgnoreCase(b, ns, ne, "upgrade")) {
                    h.upgradeHeader = true;
                    for (int s = tokenStart(b, vs, ve), limit; s < ve; s = tokenStart(b, limit, ve)) {
                        limit = tokenLimit(b, s, ve);
                        int e = trimEnd(b, s, limit);
                        // h2c (and any h2 token): the server would speak HTTP/2 to the client past every rule
                        if (e - s >= 2 && (b.getByte(s) | 0x20) == 'h' && b.getByte(s + 1) == '2') h.upgradeH2 = true;
                        if (equalsIgnoreCase(b, s, e, "websocket")) h.upgradeWebsocket = true;
                    }
                }
                break;
            case 10:
                if (equalsIgnoreCase(b, ns, ne, "connection")) {
                    for (int s = tokenStart(b, vs, ve), limit; s < ve; s = tokenStart(b, limit, ve)) {
                        limit = tokenLimit(b, s, ve);
                        int e = trimEnd(b, s, limit);
                        if (equalsIgnoreCase(b, s, e, "close")) h.connClose = true;
                        else if (equalsIgnoreCase(b, s, e, "keep-alive")) h.connKeepAlive = true;
                        else if (equalsIgnoreCase(b, s, e, "upgrade")) h.connUpgrade = true;
                        else h.connOther = true;
                    }
                    if (h.connOther) h.rewrite = true;
                }
                break;
            case 14:
                if (equalsIgnoreCase(b, ns, ne, "content-length")) return contentLength(b, h, i);
                break;
            case 17:
                if (equalsIgnoreCase(b, ns, ne, "transfer-encoding")) return transferEncoding(b, h, i);
                if (equalsIgnoreCase(b, ns, ne, "sec-websocket-key")) h.websocketKey = true;
                break;
            default:
                break;
        }
        return OK;
    }

    /** h1_parse_cont_len_header: a comma list of equal decimal values, equal to any earlier one. */
    private static int contentLength(ByteBuf b, H1Head h, int i) {
        int vs = h.valueStart[i], ve = h.valueEnd[i];
        int p = vs;
        int values = 0;
        boolean expectValue = true;
        while (p < ve) {
            int c = b.getByte(p);
            if (c == ' ' || c == '\t') {
                p++;
                continue;
            }
            if (c == ',') {
                if (expectValue) return 400;  // an empty element (HAProxy 2.6.12 refuses "5," and ",5" too)
                expectValue = true;
                p++;
                continue;
            }
            expectValue = false;
            long v = 0;
            int ds = p;
            while (p < ve && b.getByte(p) >= '0' && b.getByte(p) <= '9') {
                if (p - ds >= 18) return 400;  // beyond any real body (and below Long.MAX_VALUE)
                v = v * 10 + (b.getByte(p) - '0');
                p++;
            }
            if (p == ds) return 400;
            while (p < ve && (b.getByte(p) == ' ' || b.getByte(p) == '\t')) p++;
            if (p < ve && b.getByte(p) != ',') return 400;
            if (p - ds > 1 && b.getByte(ds) == '0') h.rewrite = true;  // leading zeros: forwarded as the number
            if ((values > 0 || h.contentLengthLine >= 0) && v != h.contentLength) return 400;
            h.contentLength = v;
            values++;
        }
        if (values == 0 || expectValue) return 400;
        if (values > 1) h.rewrite = true;
        if (h.contentLengthLine >= 0) {
            h.drop[i] = true;
            h.rewrite = true;
        } else {
            h.contentLengthLine = i;
        }
        return OK;
    }

    /**
     * h1_parse_xfer_enc_header for a request, as HAProxy 2.6.12 answers it: the codings of every
     * Transfer-Encoding line are read as one list, in order. chunked twice or a coding after
     * chunked (in this line or a later one) is a 400 at once; the decision on the whole list is
     * made with the head ({@link #framing}): no chunked at the end is a 400, chunked last after
     * other codings (an empty list element counts as one) a 422, since vxlb only forwards chunked.
     */
    private static int transferEncoding(ByteBuf b, H1Head h, int i) {
        int vs = h.valueStart[i], ve = h.valueEnd[i];
        boolean any = false;
        int p = vs;
        while (p < ve) {
            int c = b.getByte(p);
            if (c == ' ' || c == '\t') {
                p++;
                continue;
            }
            any = true;
            int s = p;
            while (p < ve && b.getByte(p) != ',') p++;
            int e = trimEnd(b, s, p);
            if (h.teChunked) return 400;  // chunked twice, or a coding after chunked
            if (equalsIgnoreCase(b, s, e, "chunked")) h.teChunked = true;
            else h.teOther = true;
            if (p < ve) p++;  // the comma
        }
        if (!any) return 400;  // an empty Transfer-Encoding
        if (h.transferEncoding < 0) {
            h.transferEncoding = i;
        } else {
            h.drop[i] = true;  // one line goes on, "chunked" (a second line only passes with a 422 ahead)
            h.rewrite = true;
        }
        // a single "chunked" token (any case) goes on as it came
        if (!equalsIgnoreCase(b, vs, ve, "chunked")) h.rewrite = true;
        return OK;
    }

    /** The framing decided once for the body, and the checks that need the whole head. */
    private static int framing(ByteBuf b, H1Head h) {
        if (h.transferEncoding >= 0 && !h.teChunked) return 400;  // the codings of all lines: chunked is not last
        int a = authorityStart(b, h);
        if (a >= 0) {
            int e = authorityEnd(b, a, h.uriEnd);
            // scheme-based normalisation (HAProxy's http_scheme_based_normalize): the default port of the
            // scheme (":80" for http, ":443" for https) leaves the target and the Host value
            String port = a - h.uriStart == 7 ? ":80" : ":443";
            int ae = withoutPort(b, a, e, port);
            if (ae != e) {
                h.uriPortStart = ae;
                h.uriPortEnd = e;
                h.rewrite = true;
            }
            if (h.host >= 0) {
                int hs = h.valueStart[h.host], he = withoutPort(b, hs, h.valueEnd[h.host], port);
                if (!regionEqualsIgnoreCase(b, a, ae, hs, he)) return 400;
                if (he != h.valueEnd[h.host]) {
                    h.hostPortStart = he;
                    h.rewrite = true;
                }
            }
        }
        if (h.teOther) return 422;  // chunked last after other codings: vxlb only forwards chunked (HAProxy 2.6: 422)
        // HTTP/1.0 GET/HEAD/DELETE with a body: HAProxy's 413
        if (h.minor == 0 && (h.transferEncoding >= 0 || h.contentLength > 0)
                && (equalsAscii(b, h.methodStart, h.methodEnd, "GET") || equalsAscii(b, h.methodStart, h.methodEnd, "HEAD")
                || equalsAscii(b, h.methodStart, h.methodEnd, "DELETE"))) return 413;
        if (h.transferEncoding >= 0) {
            if (h.minor == 0) return 400;
            h.framing = H1Head.Framing.CHUNKED;
            if (h.contentLengthLine >= 0) {
                // CL + TE (a smuggling attempt or a broken client): chunked wins, CL goes, the connection closes after
                h.drop[h.contentLengthLine] = true;
                h.forceClose = true;
                h.rewrite = true;
            }
        } else if (h.contentLengthLine >= 0) {
            h.framing = h.contentLength > 0 ? H1Head.Framing.LENGTH : H1Head.Framing.NONE;
        }
        if (h.connOther) {
            // the headers Connection names are this hop's: dropped here, before any rule, and never
            // framing, Host or what vxlb adds later
            for (int i = 0; i < h.count; i++) {
                if (!equalsIgnoreCase(b, h.nameStart[i], h.nameEnd[i], "connection")) continue;
                int ve = h.valueEnd[i];
                for (int s = tokenStart(b, h.valueStart[i], ve), limit; s < ve; s = tokenStart(b, limit, ve)) {
                    limit = tokenLimit(b, s, ve);
                    int e = trimEnd(b, s, limit);
                    if (protectedName(b, s, e)) continue;
                    for (int j = 0; j < h.count; j++) {
                        if (j != i && regionEqualsIgnoreCase(b, h.nameStart[j], h.nameEnd[j], s, e)) h.drop[j] = true;
                    }
                }
            }
        }
        if (h.upgradeHeader && h.connUpgrade) {
            h.upgrade = !h.upgradeH2 && h.minor == 1 && h.framing == H1Head.Framing.NONE;
            // a WebSocket handshake without its key is refused, as HAProxy does (h1_process_ws)
            if (h.upgrade && h.upgradeWebsocket && !h.websocketKey) return 400;
            // an h2c upgrade (or one with a body, or in HTTP/1.0) is forwarded as a plain request without the upgrade headers
            if (!h.upgrade) h.rewrite = true;
        }
        if (h.forceClose) h.rewrite = true;
        return OK;
    }

    /** The end of {@code [s, e)} without a trailing default port. */
    private static int withoutPort(ByteBuf b, int s, int e, String port) {
        int n = port.length();
        if (e - s > n && equalsIgnoreCase(b, e - n, e, port)) return e - n;
        return e;
    }

    /** Names a Connection header may never remove: the framing and the target's host. */
    private static boolean protectedName(ByteBuf b, int s, int e) {
        return equalsIgnoreCase(b, s, e, "content-length") || equalsIgnoreCase(b, s, e, "transfer-encoding")
                || equalsIgnoreCase(b, s, e, "host") || equalsIgnoreCase(b, s, e, "connection")
                || equalsIgnoreCase(b, s, e, "upgrade");
    }

    // A value's comma-separated elements, walked without allocating (these run for most requests):
    //   for (int s = tokenStart(b, vs, ve), limit; s < ve; s = tokenStart(b, limit, ve)) {
    //       limit = tokenLimit(b, s, ve); int e = trimEnd(b, s, limit); ... }

    /** Where the next element starts at or after {@code p} (commas and blanks skipped); {@code ve} when none. */
    static int tokenStart(ByteBuf b, int p, int ve) {
        while (p < ve) {
            int c = b.getByte(p);
            if (c != ',' && c != ' ' && c != '\t') return p;
            p++;
        }
        return ve;
    }

    /** Where the element starting at {@code s} stops: at the next comma, else {@code ve}. */
    static int tokenLimit(ByteBuf b, int s, int ve) {
        int comma = b.indexOf(s, ve, (byte) ',');
        return comma < 0 ? ve : comma;
    }

    /** The end of {@code [s, e)} without its trailing blanks. */
    static int trimEnd(ByteBuf b, int s, int e) {
        while (e > s && (b.getByte(e - 1) == ' ' || b.getByte(e - 1) == '\t')) e--;
        return e;
    }

    /** Chunk size line: 1*HEXDIG *WSP [ ";" ext ] CRLF (or LF); returns the size, or -1 when malformed. */
    static long chunkSize(ByteBuf b, int from, int lf) {
        int lineEnd = lf > from && b.getByte(lf - 1) == '\r' ? lf - 1 : lf;
        int p = from;
        long size = 0;
        while (p < lineEnd) {
            int d = Character.digit(b.getByte(p), 16);
            if (d < 0) break;
            size = (size << 4) | d;
            if ((size & 0xFFF0000000000000L) != 0) return -1;  // HAProxy: at most 2^52 - 1
            p++;
        }
        if (p == from) return -1;
        while (p < lineEnd && (b.getByte(p) == ' ' || b.getByte(p) == '\t')) p++;
        if (p == lineEnd) return size;
        if (b.getByte(p) != ';') return -1;
        // chunk extensions are accepted and dropped: no control byte but HTAB in them
        for (p++; p < lineEnd; p++) {
            int c = b.getByte(p) & 0xff;
            if ((c < 0x20 && c != '\t') || c == 0x7f) return -1;
        }
        return size;
    }

    /** A trailer line (a header line), CR/LF excluded: a token name, a colon, no control byte. */
    static boolean validTrailer(ByteBuf b, int from, int lineEnd) {
        int p = from;
        while (p < lineEnd && isToken(b.getByte(p))) p++;
        if (p == from || p >= lineEnd || b.getByte(p) != ':') return false;
        for (p++; p < lineEnd; p++) {
            int c = b.getByte(p) & 0xff;
            if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
        }
        return true;
    }

    /** The bytes at {@code s} begin with {@code exact}. */
    static boolean startsWith(ByteBuf b, int s, String exact) {
        if (b.writerIndex() - s < exact.length()) return false;
        for (int i = 0; i < exact.length(); i++) if (b.getByte(s + i) != exact.charAt(i)) return false;
        return true;
    }

    /** The comma-separated list in {@code [s, e)} holds {@code lower} (compared ignoring case). */
    static boolean hasToken(ByteBuf b, int s, int e, String lower) {
        int p = s;
        while (p < e) {
            int c = b.indexOf(p, e, (byte) ',');
            int te = c < 0 ? e : c;
            int ts = p;
            while (ts < te && (b.getByte(ts) == ' ' || b.getByte(ts) == '\t')) ts++;
            if (equalsIgnoreCase(b, ts, trimEnd(b, ts, te), lower)) return true;
            p = te + 1;
        }
        return false;
    }

    static boolean equalsIgnoreCase(ByteBuf b, int s, int e, String lower) {
        if (e - s != lower.length()) return false;
        for (int i = 0; i < lower.length(); i++) {
            int c = b.getByte(s + i);
            if (c >= 'A' && c <= 'Z') c += 32;
            if (c != lower.charAt(i)) return false;
        }
        return true;
    }

    private static boolean equalsAscii(ByteBuf b, int s, int e, String exact) {
        if (e - s != exact.length()) return false;
        for (int i = 0; i < exact.length(); i++) if (b.getByte(s + i) != exact.charAt(i)) return false;
        return true;
    }

    private static boolean startsWithIgnoreCase(ByteBuf b, int s, String lower) {
        return equalsIgnoreCase(b, s, s + lower.length(), lower);
    }

    static boolean regionEqualsIgnoreCase(ByteBuf b, int s1, int e1, int s2, int e2) {
        if (e1 - s1 != e2 - s2) return false;
        for (int i = 0; i < e1 - s1; i++) {
            int x = b.getByte(s1 + i), y = b.getByte(s2 + i);
            if (x >= 'A' && x <= 'Z') x += 32;
            if (y >= 'A' && y <= 'Z') y += 32;
            if (x != y) return false;
        }
        return true;
    }
}
