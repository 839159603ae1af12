package io.vxlb.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The request head parser on its own: what it accepts, how it frames the body, what it refuses. */
class H1ParserTest {
    private static ByteBuf bytes(String s) {
        return Unpooled.wrappedBuffer(s.replace("|", "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }

    private static H1Head parsed(String text, int expectStatus) {
        ByteBuf b = bytes(text);
        int end = H1Parser.headEnd(b, 0, b.writerIndex());
        assertTrue(end > 0, "complete head: " + text);
        H1Head h = new H1Head();
        assertEquals(expectStatus, H1Parser.parse(b, 0, end, h), text);
        return h;
    }

    @Test
    void aPlainRequestGoesOnAsItCame() {
        H1Head h = parsed("GET /a?b=c HTTP/1.1|Host: x|Accept: */*||", 0);
        assertFalse(h.rewrite);
        assertEquals(H1Head.Framing.NONE, h.framing);
        assertEquals(2, h.count);
        assertFalse(h.lastOnConnection());
    }

    @Test
    void contentLengthFramesTheBody() {
        H1Head h = parsed("POST / HTTP/1.1|Host: x|Content-Length: 12||", 0);
        assertEquals(H1Head.Framing.LENGTH, h.framing);
        assertEquals(12, h.contentLength);
        assertFalse(h.rewrite);
    }

    @Test
    void transferEncodingWithContentLengthIsChunkedWithoutTheLengthAndCloses() {
        for (String text : new String[]{
                "POST / HTTP/1.1|Host: x|Content-Length: 5|Transfer-Encoding: chunked||",
                "POST / HTTP/1.1|Host: x|Transfer-Encoding: chunked|Content-Length: 5||",
                "POST / HTTP/1.1|Host: x|Transfer-Encoding:  CHUNKED \t|Content-Length: 5||"}) {
            H1Head h = parsed(text, 0);
            assertEquals(H1Head.Framing.CHUNKED, h.framing, text);
            assertTrue(h.drop[h.contentLengthLine], text);
            assertTrue(h.forceClose && h.rewrite && h.lastOnConnection(), text);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            // framing that two parsers could read two ways
            "two different lengths; POST / HTTP/1.1|Host: x|Content-Length: 5|Content-Length: 6||",
            "a list of different lengths; POST / HTTP/1.1|Host: x|Content-Length: 5, 6||",
            "a signed length; POST / HTTP/1.1|Host: x|Content-Length: +5||",
            "a hex length; POST / HTTP/1.1|Host: x|Content-Length: 0x5||",
            "an empty length; POST / HTTP/1.1|Host: x|Content-Length: ||",
            "a trailing comma; POST / HTTP/1.1|Host: x|Content-Length: 5,||",
            "a leading comma; POST / HTTP/1.1|Host: x|Content-Length: ,5||",
            "a name over 255 bytes; GET / HTTP/1.1|Host: a|xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx: v||",
            "CONNECT in origin-form; CONNECT / HTTP/1.1|Host: a||",
            "an overflowing length; POST / HTTP/1.1|Host: x|Content-Length: 99999999999999999999999||",
            "chunked not last; POST / HTTP/1.1|Host: x|Transfer-Encoding: chunked, identity||",
            "chunked twice; POST / HTTP/1.1|Host: x|Transfer-Encoding: chunked, chunked||",
            "chunked on two lines; POST / HTTP/1.1|Host: x|Transfer-Encoding: chunked|Transfer-Encoding: chunked||",
            "TE in HTTP/1.0; POST / HTTP/1.0|Host: x|Transfer-Encoding: chunked||",
            "a space before the colon; POST / HTTP/1.1|Host: x|Transfer-Encoding : chunked||",
            "obs-fold; POST / HTTP/1.1|Host: x|Transfer-Encoding:| chunked||",
            "a vertical tab in a value; POST / HTTP/1.1|Host: x|Transfer-Encoding: \u000bchunked||",
            // the target and its host
            "two different hosts; GET / HTTP/1.1|Host: a|Host: b||",
            "an authority other than Host; GET http://a/x HTTP/1.1|Host: b||",
            "no leading slash; GET foo HTTP/1.1|Host: a||",
            "a fragment; GET /a#b HTTP/1.1|Host: a||",
            "a NUL in the target; GET /a\u0000b HTTP/1.1|Host: a||",
            "a DEL in the target; GET /a\u007fb HTTP/1.1|Host: a||",
            "a non-ASCII target; GET /\u00e9 HTTP/1.1|Host: a||",
            "an asterisk with GET; GET * HTTP/1.1|Host: a||",
            "two spaces; GET  / HTTP/1.1|Host: a||",
            "a tab separator; GET\t/ HTTP/1.1|Host: a||",
            "lower-case version; GET / http/1.1|Host: a||",
            "HTTP/0.9; GET /|Host: a||",
            "a long version; GET / HTTP/1.10|Host: a||",
            // header lines
            "no colon; GET / HTTP/1.1|Host: a|Broken header line||",
            "an empty name; GET / HTTP/1.1|Host: a|: v||",
            "a space in a name; GET / HTTP/1.1|Host: a|X A: v||",
            "a separator in a name; GET / HTTP/1.1|Host: a|X(A): v||",
            "a NUL in a value; GET / HTTP/1.1|Host: a|X-A: a\u0000b||",
            "a bare CR in a value; GET / HTTP/1.1|Host: a|X-A: a\rb||",
    })
    void refusedWith400(String what, String text) {
        parsed(text, 400);
    }

    @Test
    void moreThan100HeadersIsA400() {
        StringBuilder sb = new StringBuilder("GET / HTTP/1.1|");
        for (int i = 0; i < 100; i++) sb.append("X-").append(i).append(": v|");
        parsed(sb + "|", 0);
        parsed(sb + "X-last: v||", 400);
    }

    @Test
    void versionsAbove11AreRead11OtherMajorsAre400AndConnectIs501() {
        H1Head h = parsed("GET / HTTP/1.2|Host: a||", 0);
        assertEquals(1, h.minor);
        assertTrue(h.rewrite, "forwarded as HTTP/1.1");
        parsed("GET / HTTP/2.0|Host: a||", 400);
        parsed("PRI * HTTP/2.0||SM||", 400);
        parsed("CONNECT a:443 HTTP/1.1|Host: a:443||", 501);
    }

    @Test
    void otherCodingsAre422AndBodiesOnHttp10GetAre413AsHaproxy() {
        // HAProxy 2.6.12 (h1 corpus): no chunked at the end is a 400, chunked after other codings a 422
        parsed("POST / HTTP/1.1|Host: x|Transfer-Encoding: gzip||", 400);
        parsed("POST / HTTP/1.1|Host: x|Transfer-Encoding: \"chunked\"||", 400);
        parsed("POST / HTTP/1.1|Host: x|Transfer-Encoding: identity, chunked||", 422);
        parsed("POST / HTTP/1.1|Host: x|Transfer-Encoding: , chunked||", 422);
        parsed("GET / HTTP/1.0|Content-Length: 3||", 413);
        parsed("POST / HTTP/1.0|Content-Length: 3||", 0);
        parsed("GET /ws HTTP/1.1|Host: a|Upgrade: websocket|Connection: Upgrade||", 400);
    }

    @Test
    void transferEncodingLinesAreReadAsOneListAsHaproxy() {
        // 028-te-x-chunked-two-lines: "x" then "chunked" is the list "x, chunked": a 422, not a 400 on the first line
        parsed("POST / HTTP/1.1|Host: x|Transfer-Encoding: x|Transfer-Encoding: chunked||", 422);
        parsed("POST / HTTP/1.1|Host: x|Transfer-Encoding: gzip, x|Transfer-Encoding: chunked||", 422);
        // 027: a coding after chunked, in a later line: 400; chunked in two lines (003): 400
        parsed("POST / HTTP/1.1|Host: x|Transfer-Encoding: chunked|Transfer-Encoding: x||", 400);
        parsed("POST / HTTP/1.1|Host: x|Transfer-Encoding: chunked|Transfer-Encoding: chunked||", 400);
        // no chunked at the end of all the lines: 400, and a 400 elsewhere in the head wins over the 422
        parsed("POST / HTTP/1.1|Host: x|Transfer-Encoding: x|Transfer-Encoding: gzip||", 400);
        parsed("POST / HTTP/1.1|Host: x|Transfer-Encoding: x|Transfer-Encoding: chunked|Bad Name: v||", 400);
        parsed("POST / HTTP/1.1|Host: x|Transfer-Encoding: x|Transfer-Encoding: chunked|Content-Length: 1, 2||", 400);
        // one line, as before
        H1Head h = parsed("POST / HTTP/1.1|Host: x|Transfer-Encoding: chunked||", 0);
        assertEquals(H1Head.Framing.CHUNKED, h.framing);
        assertFalse(h.rewrite);
    }

    private static int partial(String text) {
        ByteBuf b = bytes(text);
        assertTrue(H1Parser.headEnd(b, 0, b.writerIndex()) < 0, "an unfinished head: " + text);
        return H1Parser.parsePartial(b, 0, b.writerIndex(), new H1Head());
    }

    @Test
    void theLinesOfAnUnfinishedHeadAreCheckedAsTheyCome() {
        // 304-rl-method-digit: after a request without a body, chunk-like bytes are a request line: 400 at once (as HAProxy)
        assertEquals(400, partial("5|hello|0|"));
        assertEquals(400, partial("GET / HTTP/1.1|Host: a|Bad Name: v|"));
        assertEquals(400, partial("GET / HTTP/1.1|Host: a|Host: b|"));
        assertEquals(400, partial("GET / HTTP/1.1|Host: a|Transfer-Encoding: chunked|Transfer-Encoding: chunked|"));
        assertEquals(400, partial("GET / HTTP/1.1|Host: a| folded|"));
        assertEquals(501, partial("CONNECT a:443 HTTP/1.1|"));
        // fine so far: what needs the whole head waits for it
        assertEquals(0, partial("GET / HTTP/1.1|"));
        assertEquals(0, partial("0POST / HTTP/1.1|Host: a|"));
        assertEquals(0, partial("POST / HTTP/1.1|Host: a|Transfer-Encoding: x|"));
        assertEquals(0, partial("GET /ws HTTP/1.1|Host: a|Upgrade: websocket|Connection: upgrade|"));
        assertEquals(0, partial("GET http://b/ HTTP/1.1|Host: a|"));
    }

    @Test
    void theSchemesDefaultPortLeavesTheTargetAndHostAsHaproxy() {
        // 150-host-absolute-port: http://a.example:80/ goes on as http://a.example/ (http_scheme_based_normalize)
        H1Head h = parsed("GET http://a.example:80/x HTTP/1.1|Host: a.example||", 0);
        assertTrue(h.rewrite);
        ByteBuf b = bytes("GET http://a.example:80/x HTTP/1.1|Host: a.example||");
        assertEquals(":80", b.toString(h.uriPortStart, h.uriPortEnd - h.uriPortStart, StandardCharsets.ISO_8859_1));
        H1Head s = parsed("GET https://a:443/x HTTP/1.1|Host: a:443||", 0);
        assertTrue(s.uriPortStart > 0 && s.hostPortStart > 0 && s.rewrite);
        // another port, or the other scheme's default, stays
        H1Head o = parsed("GET http://a:8080/x HTTP/1.1|Host: a:8080||", 0);
        assertEquals(-1, o.uriPortStart);
        assertEquals(-1, o.hostPortStart);
        assertFalse(o.rewrite);
        parsed("GET http://a:443/x HTTP/1.1|Host: a||", 400);
        // origin-form: Host is not normalised
        H1Head n = parsed("GET / HTTP/1.1|Host: a:80||", 0);
        assertEquals(-1, n.hostPortStart);
    }

    @Test
    void connectionNamesHeadersThatGoButNeverTheFraming() {
        H1Head h = parsed("POST / HTTP/1.1|Host: a|Content-Length: 3|X-Forwarded-For: 1.2.3.4|Connection: content-length, host, x-forwarded-for||", 0);
        assertEquals(H1Head.Framing.LENGTH, h.framing);
        assertTrue(h.rewrite);
        assertFalse(h.drop[0], "Host stays");
        assertFalse(h.drop[1], "Content-Length stays");
        assertTrue(h.drop[2], "X-Forwarded-For goes");
    }

    @Test
    void sameHostTwiceAndEqualLengthsAreOneLine() {
        H1Head h = parsed("POST / HTTP/1.1|Host: a|host: A|Content-Length: 4, 4|Content-Length: 4||", 0);
        assertTrue(h.rewrite);
        assertTrue(h.drop[1] && h.drop[3]);
        assertEquals(4, h.contentLength);
    }

    @Test
    void h2cUpgradesAreNotHonouredWebSocketsAre() {
        H1Head h2c = parsed("GET / HTTP/1.1|Host: a|Upgrade: h2c|HTTP2-Settings: AAMAAABkAAQAAP__|Connection: Upgrade, HTTP2-Settings||", 0);
        assertFalse(h2c.upgrade);
        assertTrue(h2c.rewrite);
        H1Head ws = parsed("GET /ws HTTP/1.1|Host: a|Upgrade: websocket|Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==|Connection: Upgrade||", 0);
        assertTrue(ws.upgrade);
    }

    @Test
    void absoluteFormMatchingHostIsFine() {
        parsed("GET http://A/x HTTP/1.1|Host: a||", 0);
        parsed("GET http://a:80/x HTTP/1.1|Host: a||", 0);
        parsed("GET https://a/x HTTP/1.1|Host: a:443||", 0);
        parsed("OPTIONS * HTTP/1.1|Host: a||", 0);
    }

    @Test
    void bareLfLineEndsAreReadButRewritten() {
        H1Head h = parsed("GET / HTTP/1.1\nHost: a\n\n", 0);
        assertTrue(h.rewrite);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '@', value = {"5|@5", "5;a=b|@5", "5 ; a=b|@5", "'5;a=\"b c\"|'@5", "A|@10", "0|@0", "ffffffffffff|@281474976710655"})
    void chunkSizes(String line, long size) {
        ByteBuf b = bytes(line);
        int lf = b.indexOf(0, b.writerIndex(), (byte) '\n');
        assertEquals(size, H1Parser.chunkSize(b, 0, lf));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '@', value = {"-1|", "0x5|", "'|'", ";a|", "5 x|", "fffffffffffffff|", "5;a\u0000|"})
    void badChunkSizes(String line) {
        ByteBuf b = bytes(line);
        int lf = b.indexOf(0, b.writerIndex(), (byte) '\n');
        assertEquals(-1, H1Parser.chunkSize(b, 0, lf));
    }
}
