package io.vxlb.proxy;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * A request head that passed {@link H1FrontLayer}, as the exchange reads it: method, target,
 * version and the header lines in their canonical form (one Host and Content-Length, the
 * scheme's default port out, headers named in Connection out, one Connection line). The body
 * follows as its payload bytes (a chunked body without its chunk lines, extensions and
 * trailers, so it is framed again on the way out), then {@link #END}.
 */
final class H1Request {
    /** Marks the end of a request's body in the layer's output. */
    static final Object END = new Object() {
        @Override
        public String toString() {
            return "H1Request.END";
        }
    };

    final String method;
    final String uri;
    /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
    final int minor;
    final HeaderList headers;
    final H1Head.Framing framing;
    /** An upgrade (WebSocket...) to tunnel once the server answers 101. */
    final boolean upgrade;
    /** The client keeps the connection after this request (RFC 9112 9.3: 1.1 without close, 1.0 with keep-alive). */
    final boolean keepAlive;
    /** When the head was complete (nanoTime of the read that completed it), for %TR. */
    final long completed;

    private H1Request(String method, String uri, int minor, HeaderList headers, H1Head.Framing framing, boolean upgrade,
                      boolean keepAlive, long completed) {
        this.method = method;
        this.uri = uri;
        this.minor = minor;
        this.headers = headers;
        this.framing = framing;
        this.upgrade = upgrade;
        this.keepAlive = keepAlive;
        this.completed = completed;
    }

    /** The request as the head at {@code b} parsed into {@code h} says, in the form it goes on in. */
    static H1Request of(ByteBuf b, H1Head h, long completed) {
        String method = text(b, h.methodStart, h.methodEnd);
        String uri = h.uriPortStart >= 0
                // the scheme's default port leaves the absolute-form target (as HAProxy's http_scheme_based_normalize)
                ? text(b, h.uriStart, h.uriPortStart) + text(b, h.uriPortEnd, h.uriEnd)
                : text(b, h.uriStart, h.uriEnd);
        HeaderList headers = new HeaderList(h.count + 1);
        boolean stripUpgrade = h.upgradeHeader && h.connUpgrade && !h.upgrade;
        boolean rewriteConnection = h.connOther || h.forceClose || stripUpgrade;
        for (int i = 0; i < h.count; i++) {
            if (h.drop[i]) continue;
            int ns = h.nameStart[i], ne = h.nameEnd[i];
            if (rewriteConnection && H1Parser.equalsIgnoreCase(b, ns, ne, "connection")) continue;  // written once below
            if (stripUpgrade && H1Parser.equalsIgnoreCase(b, ns, ne, "upgrade")) continue;
            String value;
            if (i == h.contentLengthLine) value = Long.toString(h.contentLength);
            else if (i == h.transferEncoding) value = "chunked";
            else if (i == h.host && h.hostPortStart >= 0) value = text(b, h.valueStart[i], h.hostPortStart);
            else value = text(b, h.valueStart[i], h.valueEnd[i]);
            headers.add(text(b, ns, ne), value);
        }
        if (h.forceClose || h.connClose) {
            if (rewriteConnection) headers.add("Connection", "close");
        } else if (h.connOther || stripUpgrade) {
            if (h.connKeepAlive && h.connUpgrade && h.upgrade) headers.add("Connection", "keep-alive, upgrade");
            else if (h.connUpgrade && h.upgrade) headers.add("Connection", "upgrade");
            else if (h.connKeepAlive) headers.add("Connection", "keep-alive");
            // an HTTP/1.0 request keeps saying it brought a Connection header (no keep-alive is asked for it)
            else if (h.minor == 0) headers.add("Connection", "close");
        }
        return new H1Request(method, uri, h.minor, headers, h.framing, h.upgrade, !h.lastOnConnection(), completed);
    }

    /** Header bytes are one char each (ISO-8859-1), as they were read. */
    private static String text(ByteBuf b, int from, int to) {
        return b.toString(from, to - from, StandardCharsets.ISO_8859_1);
    }
}
