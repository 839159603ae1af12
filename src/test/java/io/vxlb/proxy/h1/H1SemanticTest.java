package io.vxlb.proxy.h1;

import io.vxlb.proxy.h1.H1Semantic.Kind;
import io.vxlb.proxy.h1.H1Semantic.View;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The corpus comparison: lenient where bytes may differ, strict where smuggling lives. */
class H1SemanticTest {
    private static View v(String line) {
        return H1Semantic.parseLine(line);
    }

    private static String diff(String haproxy, String vxlb) {
        return H1Semantic.difference(v(haproxy), v(vxlb));
    }

    private static String dev(String haproxy, String vxlb, Kind... kinds) {
        Set<Kind> k = EnumSet.noneOf(Kind.class);
        k.addAll(Set.of(kinds));
        return H1Semantic.deviation(v(haproxy), v(vxlb), k);
    }

    static final String CHUNKED = "200 open :: POST / HTTP/1.1 {host: example.com | transfer-encoding: chunked} ";

    @Test
    void chunkBoundariesSizeSpellingAndTransferEncodingCaseDoNotMatter() {
        assertNull(diff(CHUNKED + "+16:6\\r\\nhello!\\r\\n0\\r\\n\\r\\n", CHUNKED + "+26:2\\r\\nhe\\r\\n3\\r\\nllo\\r\\n1\\r\\n!\\r\\n0\\r\\n\\r\\n"));
        assertNull(diff(CHUNKED + "+20:A\\r\\n0123456789\\r\\n0\\r\\n\\r\\n", CHUNKED + "+20:a\\r\\n0123456789\\r\\n0\\r\\n\\r\\n"));
        assertNull(diff("200 open :: POST / HTTP/1.1 {host: a | transfer-encoding: CHUNKED} +10:5\\r\\nhello\\r\\n",
                "200 open :: POST / HTTP/1.1 {host: a | transfer-encoding: chunked} +10:5\\r\\nhello\\r\\n !eof in chunk size"));
    }

    @Test
    void framingBodiesAndCompletenessMatter() {
        String cl = "200 open :: POST / HTTP/1.1 {host: example.com | content-length: 5} +5:hello";
        assertNotNull(diff(CHUNKED + "+15:5\\r\\nhello\\r\\n0\\r\\n\\r\\n", cl), "chunked vs a length");
        assertNull(diff("200 open :: POST / HTTP/1.1 {host: example.com | content-length: 0005} +5:hello", cl), "the same number");
        assertNotNull(diff("200 open :: POST / HTTP/1.1 {host: example.com | content-length: 6} +5:hello", cl));
        assertNotNull(diff(CHUNKED + "+15:5\\r\\nhello\\r\\n0\\r\\n\\r\\n", CHUNKED + "+15:5\\r\\nhellO\\r\\n0\\r\\n\\r\\n"), "body bytes");
        assertNotNull(diff(CHUNKED + "+15:5\\r\\nhello\\r\\n0\\r\\n\\r\\n", CHUNKED + "+10:5\\r\\nhello\\r\\n !incomplete body"), "complete vs not");
        assertNull(diff("none open :: POST / HTTP/1.1 {host: a | content-length: 20} +5:hello !incomplete body",
                "none open :: POST / HTTP/1.1 {host: a | content-length: 20} +5:hello !eof in body"), "incomplete either way");
        assertNotNull(diff(cl, cl + " ; GET /admin HTTP/1.1 {host: a}"), "one more request");
        assertNotNull(diff(cl, "200 open :: POST /x HTTP/1.1 {host: example.com | content-length: 5} +5:hello"), "request line");
        assertNotNull(diff(cl, "200 close :: POST / HTTP/1.1 {host: example.com | content-length: 5} +5:hello"), "the client's side");
        assertNotNull(diff("400* close :: -", "200 open :: POST / HTTP/1.1 {host: example.com | content-length: 5} +5:hello"));
        assertNotNull(diff("200 open :: GET / HTTP/1.1 {host: a} !bad header line", "200 open :: GET / HTTP/1.1 {host: a}"), "a bad request is compared as recorded");
    }

    @Test
    void endToEndHeadersKeepTheirOrderHopByHopOnlyWhereItMatters() {
        assertNotNull(diff("200 open :: GET / HTTP/1.1 {host: a | x-a: 1 | x-b: 2}", "200 open :: GET / HTTP/1.1 {host: a | x-b: 2 | x-a: 1}"));
        assertNotNull(diff("200 open :: GET / HTTP/1.1 {host: a | x-a: 1}", "200 open :: GET / HTTP/1.1 {host: a | x-a: 2}"));
        assertNull(diff("200 open :: POST / HTTP/1.1 {host: a | expect: 100-CONTINUE | content-length: 5} +5:hello",
                "200 open :: POST / HTTP/1.1 {host: a | content-length: 5 | expect: 100-continue} +5:hello"));
        assertNull(diff("200 open :: GET / HTTP/1.1 {host: a | proxy-connection: keep-alive | keep-alive: timeout=5 | te: trailers}",
                "200 open :: GET / HTTP/1.1 {host: a}"), "hop-by-hop headers without meaning for the server");
        // an upgrade in effect must be the same; one without Connection: upgrade, or on HTTP/1.0, means nothing
        String ws = "200 open :: GET /ws HTTP/1.1 {host: a | connection: Upgrade | upgrade: websocket}";
        assertNull(diff(ws, "200 open :: GET /ws HTTP/1.1 {host: a | upgrade: websocket | connection: upgrade}"));
        assertNotNull(diff(ws, "200 open :: GET /ws HTTP/1.1 {host: a}"));
        assertNotNull(diff("200 open :: GET /ws HTTP/1.1 {host: a}", ws), "vxlb may not add an upgrade");
        assertNull(diff("200 open :: GET /ws HTTP/1.1 {host: a | upgrade: websocket}", "200 open :: GET /ws HTTP/1.1 {host: a}"));
        assertNull(diff("200 close :: GET /ws HTTP/1.0 {host: a | connection: Upgrade | upgrade: websocket}", "200 close :: GET /ws HTTP/1.0 {host: a}"));
        assertNotNull(diff("200 open :: GET / HTTP/1.1 {host: a | connection: close}", "200 open :: GET / HTTP/1.1 {host: a}"), "persistence");
        assertNotNull(diff("200 open :: POST / HTTP/1.1 {host: a | expect: 100-continue | content-length: 0}", "200 open :: POST / HTTP/1.1 {host: a | content-length: 0}"));
    }

    @Test
    void aConnectionNamedDeviationRemovesExactlyTheNamedHeadersNeverHost() {
        String h = "200 open :: GET / HTTP/1.1 {host: example.com | connection: x-forwarded-for | x-forwarded-for: 1.2.3.4 | x-other: 1}";
        assertNull(dev(h, "200 open :: GET / HTTP/1.1 {host: example.com | x-other: 1}", Kind.CONNECTION_NAMED));
        assertNotNull(dev(h, "200 open :: GET / HTTP/1.1 {host: example.com}", Kind.CONNECTION_NAMED), "one more header gone");
        assertNotNull(dev(h, "200 open :: GET / HTTP/1.1 {host: example.com | x-forwarded-for: 1.2.3.4 | x-other: 1}", Kind.CONNECTION_NAMED),
                "the named header kept: not the declared deviation");
        assertNotNull(dev("200 open :: GET / HTTP/1.1 {host: example.com | connection: host}", "200 open :: GET / HTTP/1.1 {}", Kind.CONNECTION_NAMED),
                "Host never goes");
        assertNotNull(dev("200 open :: POST / HTTP/1.1 {host: a | connection: content-length | content-length: 5} +5:hello",
                "200 open :: POST / HTTP/1.1 {host: a} +5:hello", Kind.CONNECTION_NAMED), "nor the framing");
    }

    @Test
    void eachDeviationKindIsCheckedForWhatItSays() {
        String trailers = CHUNKED + "+23:5\\r\\nhello\\r\\n0\\r\\nx-t: v\\r\\n\\r\\n";
        String none = CHUNKED + "+15:5\\r\\nhello\\r\\n0\\r\\n\\r\\n";
        assertNull(dev(trailers, none, Kind.TRAILERS_DROPPED));
        assertNotNull(dev(trailers, CHUNKED + "+15:5\\r\\nhellO\\r\\n0\\r\\n\\r\\n", Kind.TRAILERS_DROPPED), "the data stays");
        assertNotNull(dev(none, none, Kind.TRAILERS_DROPPED), "a kind that changes nothing");
        String h2c = "200 open :: GET / HTTP/1.1 {host: a | connection: Upgrade, HTTP2-Settings | upgrade: h2c | http2-settings: AAMA}";
        assertNull(dev(h2c, "200 open :: GET / HTTP/1.1 {host: a}", Kind.H2C_STRIPPED));
        assertNotNull(dev("200 open :: GET / HTTP/1.1 {host: a | connection: Upgrade | upgrade: websocket}", "200 open :: GET / HTTP/1.1 {host: a}", Kind.H2C_STRIPPED),
                "only h2c");
        String ka = "200 close :: GET / HTTP/1.0 {host: a | connection: keep-alive}";
        assertNull(dev(ka, "200 close :: GET / HTTP/1.0 {host: a}", Kind.HTTP10_NO_KEEPALIVE));
        assertNotNull(dev("200 open :: GET / HTTP/1.1 {host: a | connection: keep-alive}", "200 open :: GET / HTTP/1.1 {host: a}", Kind.HTTP10_NO_KEEPALIVE),
                "HTTP/1.0 only");
        assertNull(dev("200 open :: POST / HTTP/1.1 {host: a | expect: foo | content-length: 0}", "200 open :: POST / HTTP/1.1 {host: a | content-length: 0}", Kind.UNKNOWN_EXPECT_DROPPED));
        assertNotNull(dev("200 open :: POST / HTTP/1.1 {host: a | expect: 100-continue | content-length: 0}", "200 open :: POST / HTTP/1.1 {host: a | content-length: 0}",
                Kind.UNKNOWN_EXPECT_DROPPED), "100-continue stays");
        assertNull(dev("400* close :: -", "431* close :: -", Kind.TOO_LARGE_STATUS));
        assertNull(dev("400* close :: -", "414* close :: -", Kind.TOO_LARGE_STATUS));
        assertNotNull(dev("400* close :: -", "413* close :: -", Kind.TOO_LARGE_STATUS));
        assertNotNull(dev("400* close :: -", "431* open :: -", Kind.TOO_LARGE_STATUS));
        assertNotNull(dev("400* close :: -", "431* close :: GET / HTTP/1.1 {host: a}", Kind.TOO_LARGE_STATUS), "nothing forwarded");
        // several kinds at once: each must apply
        assertNull(dev("200 close :: POST / HTTP/1.0 {host: a | expect: foo | content-length: 0 | connection: keep-alive}",
                "200 close :: POST / HTTP/1.0 {host: a | content-length: 0}", Kind.HTTP10_NO_KEEPALIVE, Kind.UNKNOWN_EXPECT_DROPPED));
    }

    @Test
    void dechunking() {
        H1Semantic.Dechunked d = H1Semantic.dechunk("2;x=y\r\nhe\r\n3\r\nllo\r\n0\r\na: b\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertEquals("hello", new String(d.data(), java.nio.charset.StandardCharsets.ISO_8859_1));
        assertEquals(java.util.List.of("a: b"), d.trailers());
        assertTrue(d.complete());
        assertFalse(H1Semantic.dechunk("5\r\nhel".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)).complete());
    }
}
