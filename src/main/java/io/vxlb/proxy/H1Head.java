package io.vxlb.proxy;

/**
 * One HTTP/1 request head as {@link H1Parser} read it: offsets into the bytes it came in (no
 * string is made on the way), the framing decided for its body, and the connection semantics.
 * Reused for every request of a client connection, so the arrays are allocated once.
 */
final class H1Head {
    /** HAProxy's tune.http.maxhdr default (101) counts the end of the headers too: 100 lines at most, more is a 400. */
    static final int MAX_HEADERS = 100;
    /** HAProxy's HTX stores a header name's length in 8 bits: a longer name is a 400. */
    static final int MAX_NAME = 255;

    enum Framing { NONE, LENGTH, CHUNKED }

    int methodStart, methodEnd, uriStart, uriEnd;
    /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
    int minor;
    int count;
    final int[] nameStart = new int[MAX_HEADERS];
    final int[] nameEnd = new int[MAX_HEADERS];
    final int[] valueStart = new int[MAX_HEADERS];
    final int[] valueEnd = new int[MAX_HEADERS];
    /** Lines not forwarded: repeated Host/Content-Length, Content-Length beside Transfer-Encoding, names listed in Connection. */
    final boolean[] drop = new boolean[MAX_HEADERS];
    /** Where each known header is (-1: absent). */
    int host = -1, contentLengthLine = -1, transferEncoding = -1;

    Framing framing;
    long contentLength;
    boolean connClose, connKeepAlive, connUpgrade;
    /** Connection named other headers (dropped as hop-by-hop, never framing or Host). */
    boolean connOther;
    boolean upgradeHeader, upgradeH2, upgradeWebsocket, websocketKey;
    /** The head can be forwarded only rewritten (see {@link H1Parser}); false: the bytes as they came. */
    boolean rewrite;
    /** Transfer-Encoding with Content-Length: chunked wins, and the connection closes after the response (as HAProxy). */
    boolean forceClose;
    /** An upgrade (WebSocket...) the proxy tunnels once the server answers 101. */
    boolean upgrade;
    /** The offset just after the head's empty line. */
    int end;
    /** Over every Transfer-Encoding line, in order (HAProxy combines them): chunked came and is last so far; another coding came. */
    boolean teChunked, teOther;
    /** A default port (":80" for http, ":443" for https) left out of the absolute-form target / the Host value on the way out: where it starts, -1 for none. */
    int uriPortStart = -1, uriPortEnd = -1, hostPortStart = -1;

    void reset() {
        count = 0;
        host = contentLengthLine = transferEncoding = -1;
        framing = Framing.NONE;
        contentLength = 0;
        connClose = connKeepAlive = connUpgrade = connOther = false;
        upgradeHeader = upgradeH2 = upgradeWebsocket = websocketKey = false;
        rewrite = forceClose = upgrade = false;
        minor = 1;
        end = 0;
        teChunked = teOther = false;
        uriPortStart = uriPortEnd = hostPortStart = -1;
    }

    /** After this request the client connection closes (HTTP/1.0 without keep-alive, "close", TE with CL). */
    boolean lastOnConnection() {
        return forceClose || connClose || (minor == 0 && !connKeepAlive);
    }
}
