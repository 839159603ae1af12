package io.vxlb.proxy;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * Reads a server's HTTP/1 responses from the bytes of its connection, strictly: the status line,
 * header lines (token names, no control byte, no obs-fold), then the body by the framing RFC 9112
 * section 6.3 gives (no body for a HEAD, 1xx, 204 or 304; chunked when it is the last coding,
 * Transfer-Encoding winning over Content-Length; Content-Length when every value agrees; else
 * until the connection closes). Heads come out as {@link HeaderList}s made straight from the
 * bytes, bodies as slices of the read buffers. Anything else is an error: the exchange answers
 * 502 (or cuts the response) and the connection is not reused.
 */
final class H1ResponseParser {
    /** Where a response goes, on the connection's event loop. */
    interface Sink {
        /** A 1xx interim response (not 101), no body. */
        void interim(int status);

        /** The final response head; {@code keepAlive}: the server keeps the connection. */
        void head(int status, String reason, HeaderList headers, boolean keepAlive);

        /** Body bytes; the sink owns (releases) the slice. */
        void body(ByteBuf slice);

        void end();
    }

    static final int MAX_HEAD = 64 * 1024;
    private static final int MAX_CHUNK_LINE = 4096;
    private static final int MAX_TRAILERS = 64 * 1024;

    private enum State { HEAD, LENGTH, CHUNK_SIZE, CHUNK_DATA, CHUNK_CRLF, TRAILERS, UNTIL_CLOSE, DONE }

    private State state = State.DONE;
    private boolean headRequest;
    private long left;
    private int trailerBytes;
    /** The last response had both Content-Length and Transfer-Encoding (the connection is not reused). */
    boolean framingConflict;

    /** A request went out: its response is expected ({@code head}: to a HEAD, so without a body). */
    void expect(boolean head) {
        headRequest = head;
        state = State.HEAD;
        framingConflict = false;
    }

    /** A response is being read (or expected). */
    boolean busy() {
        return state != State.DONE;
    }

    /** The body runs until the connection closes. */
    boolean untilClose() {
        return state == State.UNTIL_CLOSE;
    }

    /** The server closed: a body that runs until then is complete. */
    void closed(Sink sink) {
        if (state == State.UNTIL_CLOSE) {
            state = State.DONE;
            sink.end();
        }
    }

    /**
     * Parses what {@code b} holds (its reader index moves past what was used); null when all is
     * well (more bytes may be needed), else what was wrong. Bytes after a complete response, or
     * when none is expected, are an error.
     */
    String feed(ByteBuf b, Sink sink) {
        while (b.isReadable()) {
            switch (state) {
                case DONE -> {
                    return "data from the server when no response was due";
                }
                case HEAD -> {
                    int r = head(b, sink);
                    if (r < 0) return headError;
                    if (r == 0) return null;
                }
                case LENGTH -> {
                    int n = (int) Math.min(left, b.readableBytes());
                    ByteBuf slice = b.readRetainedSlice(n);
                    left -= n;
                    if (left == 0) state = State.DONE;
                    sink.body(slice);
                    if (state == State.DONE) sink.end();
                }
                case UNTIL_CLOSE -> sink.body(b.readRetainedSlice(b.readableBytes()));
                case CHUNK_SIZE -> {
                    int from = b.readerIndex(), to = b.writerIndex();
                    int lf = b.indexOf(from, Math.min(to, from + MAX_CHUNK_LINE), (byte) '\n');
                    if (lf < 0) return to - from >= MAX_CHUNK_LINE ? "chunk size line too long" : null;
                    long size = H1Parser.chunkSize(b, from, lf);
                    if (size < 0) return "invalid chunk size line";
                    b.readerIndex(lf + 1);
                    if (size == 0) {
                        trailerBytes = 0;
                        state = State.TRAILERS;
                    } else {
                        left = size;
                        state = State.CHUNK_DATA;
                    }
                }
                case CHUNK_DATA -> {
                    int n = (int) Math.min(left, b.readableBytes());
                    ByteBuf slice = b.readRetainedSlice(n);
                    left -= n;
                    if (left == 0) state = State.CHUNK_CRLF;
                    sink.body(slice);
                }
                case CHUNK_CRLF -> {
                    int r = b.readerIndex();
                    int c = b.getByte(r);
                    if (c == '\n') {
                        b.readerIndex(r + 1);
                    } else if (c == '\r') {
                        if (b.readableBytes() < 2) return null;
                        if (b.getByte(r + 1) != '\n') return "no CRLF after chunk data";
                        b.readerIndex(r + 2);
                    } else {
                        return "no CRLF after chunk data";
                    }
                    state = State.CHUNK_SIZE;
                }
                case TRAILERS -> {
                    int from = b.readerIndex(), to = b.writerIndex();
                    int lf = b.indexOf(from, to, (byte) '\n');
                    if (lf < 0) return trailerBytes + (to - from) > MAX_TRAILERS ? "trailers too long" : null;
                    int lineEnd = lf > from && b.getByte(lf - 1) == '\r' ? lf - 1 : lf;
                    if (lineEnd > from && !H1Parser.validTrailer(b, from, lineEnd)) return "invalid trailer line";
                    trailerBytes += lf + 1 - from;
                    if (trailerBytes > MAX_TRAILERS) return "trailers too long";
                    b.readerIndex(lf + 1);
                    if (lineEnd == from) {  // trailers are dropped, as a chunk's extensions
                        state = State.DONE;
                        sink.end();
                    }
                }
            }
        }
        return null;
    }

    private String headError;
    /** The head being parsed, copied out of its buffer (grows up to MAX_HEAD). */
    private byte[] scratch = new byte[1024];

    /** 1: a head was read; 0: more bytes needed; -1: {@link #headError}. */
    private int head(ByteBuf b, Sink sink) {
        int from = b.readerIndex(), to = b.writerIndex();
        int end = H1Parser.headEnd(b, from, to);
        if (end < 0) {
            if (to - from > MAX_HEAD) return fail("response head over " + MAX_HEAD + " bytes");
            return 0;
        }
        if (end - from > MAX_HEAD) return fail("response head over " + MAX_HEAD + " bytes");
        // one copy of the head, scanned as an array (see Ascii)
        int len = end - from;
        if (scratch.length < len) scratch = new byte[Math.min(MAX_HEAD, Math.max(len, scratch.length * 2))];
        byte[] a = scratch;
        b.getBytes(from, a, 0, len);
        int lf = Ascii.indexOf(a, 0, len, (byte) '\n');
        int lineEnd = lf > 0 && a[lf - 1] == '\r' ? lf - 1 : lf;
        // HTTP/1.x SP 3DIGIT [SP reason]
        if (lineEnd < 12 || a[0] != 'H' || a[1] != 'T' || a[2] != 'T' || a[3] != 'P' || a[4] != '/' || a[5] != '1' || a[6] != '.'
                || a[8] != ' ') return fail("invalid status line");
        int minor = a[7] - '0';
        if (minor < 0 || minor > 9) return fail("invalid status line");
        int status = 0;
        for (int i = 9; i < 12; i++) {
            int d = a[i] - '0';
            if (d < 0 || d > 9) return fail("invalid status code");
            status = status * 10 + d;
        }
        if (status < 100) return fail("invalid status code");
        String reason = "";
        if (lineEnd > 12) {
            if (a[12] != ' ') return fail("invalid status line");
            if (!Ascii.printable(a, 13, lineEnd)) return fail("control character in the reason phrase");
            reason = reason(a, 13, lineEnd);
        }
        HeaderList headers = new HeaderList(16);
        boolean chunked = false, te = false, close = false, keepAliveToken = false;
        long length = -1;
        int lengthLine = -1;
        int p = lf + 1;
        while (p < len) {
            int nl = Ascii.indexOf(a, p, len, (byte) '\n');
            int le = nl > p && a[nl - 1] == '\r' ? nl - 1 : nl;
            if (le == p) break;  // the empty line
            int c0 = a[p];
            if (c0 == ' ' || c0 == '\t') return fail("obs-fold in a response header");
            int n = p;
            while (n < le && H1Parser.isToken(a[n])) n++;
            if (n == p || n >= le || a[n] != ':') return fail("invalid response header line");
            int vs = Ascii.trimStart(a, n + 1, le);
            int ve = Ascii.trimEnd(a, vs, le);
            if (!Ascii.printable(a, vs, ve)) return fail("control character in a response header");
            if (Ascii.equalsIgnoreCase(a, p, n, "content-length")) {
                long v = lengths(a, vs, ve, length);
                if (v == -2) return fail("invalid content-length");
                length = v;
                if (lengthLine >= 0) {  // one line of it goes on
                    p = nl + 1;
                    continue;
                }
                lengthLine = headers.size();
            } else if (Ascii.equalsIgnoreCase(a, p, n, "transfer-encoding")) {
                te = true;
                chunked = lastCodingChunked(a, vs, ve);
            } else if (Ascii.equalsIgnoreCase(a, p, n, "connection")) {
                int tokens = Ascii.connectionTokens(a, vs, ve);
                close |= (tokens & Ascii.CLOSE) != 0;
                keepAliveToken |= (tokens & Ascii.KEEP_ALIVE) != 0;
            }
            headers.add(Ascii.text(a, p, n), Ascii.text(a, vs, ve));
            p = nl + 1;
        }
        b.readerIndex(end);
        boolean keepAlive = minor >= 1 ? !close : keepAliveToken && !close;
        if (status < 200 && status != 101) {
            state = State.HEAD;  // the final response follows
            sink.interim(status);
            return 1;
        }
        if (te && lengthLine >= 0) {
            // both framings: Transfer-Encoding wins and the connection is not reused (as HAProxy)
            framingConflict = true;
            headers.remove(lengthLine);
            length = -1;
        }
        boolean noBody = headRequest || status == 204 || status == 304 || status == 101;
        if (noBody) {
            state = State.DONE;
        } else if (te) {
            if (chunked) {
                state = State.CHUNK_SIZE;
            } else {
                state = State.UNTIL_CLOSE;  // another coding last: the body ends with the connection
                keepAlive = false;
            }
        } else if (length >= 0) {
            left = length;
            state = length == 0 ? State.DONE : State.LENGTH;
        } else {
            state = State.UNTIL_CLOSE;
            keepAlive = false;
        }
        sink.head(status, reason, headers, keepAlive && !framingConflict && status != 101);
        if (state == State.DONE) sink.end();
        return 1;
    }

    private int fail(String why) {
        headError = why;
        state = State.DONE;
        return -1;
    }

    /** The reason phrase: the common "OK" without a new string. */
    private static String reason(byte[] a, int s, int e) {
        if (e - s == 2 && a[s] == 'O' && a[s + 1] == 'K') return "OK";
        return Ascii.text(a, s, e);
    }

    /** A Content-Length value (a list of equal values allowed, as HAProxy), -2 when invalid or different from {@code before}. */
    private static long lengths(byte[] a, int s, int e, long before) {
        long value = before;
        int p = s;
        while (true) {
            p = Ascii.trimStart(a, p, e);
            int ds = p;
            long v = 0;
            while (p < e && a[p] >= '0' && a[p] <= '9') {
                v = v * 10 + (a[p] - '0');
                if (v > (1L << 52)) return -2;
                p++;
            }
            if (p == ds) return -2;
            if (value >= 0 && v != value) return -2;
            value = v;
            p = Ascii.trimStart(a, p, e);
            if (p == e) return value;
            if (a[p] != ',') return -2;
            p++;
        }
    }

    /** Whether the last coding of a Transfer-Encoding value is "chunked". */
    private static boolean lastCodingChunked(byte[] a, int s, int e) {
        int comma = e;
        for (int i = e - 1; i >= s; i--) {
            if (a[i] == ',') {
                comma = i;
                break;
            }
        }
        int ts = Ascii.trimStart(a, comma == e ? s : comma + 1, e);
        int te = Ascii.trimEnd(a, ts, e);
        // a parameter (";...") after the coding name belongs to it
        int semi = Ascii.indexOf(a, ts, te, (byte) ';');
        if (semi >= 0) te = Ascii.trimEnd(a, ts, semi);
        return Ascii.equalsIgnoreCase(a, ts, te, "chunked");
    }
}
