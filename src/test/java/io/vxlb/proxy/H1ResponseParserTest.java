package io.vxlb.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Server responses as raw bytes, whole and split at every offset, through {@link H1ResponseParser}. */
class H1ResponseParserTest {
    /** What the sink saw, as text: "100", "head 200 OK keep [a: b]", body bytes, "end". */
    static final class Seen implements H1ResponseParser.Sink {
        final List<String> events = new ArrayList<>();
        final StringBuilder body = new StringBuilder();
        HeaderList headers;

        @Override public void interim(int status) { events.add("interim " + status); }

        @Override
        public void head(int status, String reason, HeaderList h, boolean keepAlive) {
            headers = h;
            StringBuilder sb = new StringBuilder("head " + status + " " + reason + (keepAlive ? " keep" : " close"));
            for (int i = 0; i < h.size(); i++) sb.append(" [").append(h.name(i)).append(": ").append(h.value(i)).append(']');
            events.add(sb.toString());
        }

        @Override
        public void body(ByteBuf slice) {
            body.append(slice.toString(StandardCharsets.ISO_8859_1));
            slice.release();
        }

        @Override public void end() { events.add("end"); }
    }

    /** Feeds {@code text} in two reads split at {@code at}, keeping unread bytes as the connection does. */
    private static String feed(H1ResponseParser p, Seen seen, String text, int at) {
        byte[] all = text.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuf pending = null;
        for (byte[] part : new byte[][] {java.util.Arrays.copyOfRange(all, 0, at), java.util.Arrays.copyOfRange(all, at, all.length)}) {
            ByteBuf b = Unpooled.buffer();
            if (pending != null) b.writeBytes(pending);
            b.writeBytes(part);
            String err = p.feed(b, seen);
            if (err != null) return err;
            pending = b.isReadable() ? b : null;
        }
        return pending == null ? null : "left over: " + pending.toString(StandardCharsets.ISO_8859_1);
    }

    /** The same response split at every offset gives the same events and body. */
    private static Seen parseEverySplit(String text, boolean head) {
        Seen first = null;
        for (int at = 0; at <= text.length(); at++) {
            H1ResponseParser p = new H1ResponseParser();
            p.expect(head);
            Seen seen = new Seen();
            assertNull(feed(p, seen, text, at), "split at " + at);
            if (first == null) first = seen;
            assertEquals(first.events, seen.events, "split at " + at);
            assertEquals(first.body.toString(), seen.body.toString(), "split at " + at);
            assertFalse(p.busy() && !p.untilClose(), "a complete response leaves the parser idle");
        }
        return first;
    }

    private static String error(String text) {
        H1ResponseParser p = new H1ResponseParser();
        p.expect(false);
        return feed(p, new Seen(), text, text.length());
    }

    @Test
    void contentLengthBody() {
        Seen s = parseEverySplit("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A:  b \r\n\r\nhello", false);
        assertEquals(List.of("head 200 OK keep [Content-Length: 5] [X-A: b]", "end"), s.events);
        assertEquals("hello", s.body.toString());
    }

    @Test
    void chunkedBodyWithExtensionsAndTrailersDropped() {
        Seen s = parseEverySplit("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=1\r\nhello\r\n1\r\n!\r\n0\r\nT: v\r\n\r\n", false);
        assertEquals(List.of("head 200 OK keep [Transfer-Encoding: chunked]", "end"), s.events);
        assertEquals("hello!", s.body.toString());
    }

    @Test
    void transferEncodingWinsOverContentLengthAndTheConnectionIsNotKept() {
        Seen s = parseEverySplit("HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", false);
        assertEquals(List.of("head 200 OK close [Transfer-Encoding: chunked]", "end"), s.events);
        assertEquals("ok", s.body.toString());
    }

    @Test
    void noBodyForHeadRequests204And304AndInterimResponsesFirst() {
        assertEquals(List.of("head 200 OK keep [Content-Length: 5]", "end"), parseEverySplit("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", true).events);
        assertEquals(List.of("head 204 No Content keep", "end"), parseEverySplit("HTTP/1.1 204 No Content\r\n\r\n", false).events);
        assertEquals(List.of("head 304 Not Modified keep [Content-Length: 7]", "end"), parseEverySplit("HTTP/1.1 304 Not Modified\r\nContent-Length: 7\r\n\r\n", false).events);
        assertEquals(List.of("interim 100", "head 200 OK keep [Content-Length: 0]", "end"),
                parseEverySplit("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false).events);
    }

    @Test
    void withoutLengthTheBodyRunsUntilTheServerCloses() {
        H1ResponseParser p = new H1ResponseParser();
        p.expect(false);
        Seen seen = new Seen();
        assertNull(feed(p, seen, "HTTP/1.0 200 OK\r\n\r\nall of it", 20));
        assertTrue(p.untilClose());
        p.closed(seen);
        assertEquals(List.of("head 200 OK close", "end"), seen.events);
        assertEquals("all of it", seen.body.toString());
    }

    @Test
    void keepAliveFollowsTheVersionAndConnection() {
        assertEquals("head 200 OK keep [Connection: keep-alive] [Content-Length: 0]",
                parseEverySplit("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", false).events.get(0));
        assertEquals("head 200 OK close [Content-Length: 0]", parseEverySplit("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", false).events.get(0));
        assertEquals("head 200 OK close [Connection: foo, Close] [Content-Length: 0]",
                parseEverySplit("HTTP/1.1 200 OK\r\nConnection: foo, Close\r\nContent-Length: 0\r\n\r\n", false).events.get(0));
    }

    @Test
    void equalContentLengthsAreOneAndDifferentOnesAreRefused() {
        Seen s = parseEverySplit("HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\nContent-Length: 2\r\n\r\nok", false);
        assertEquals(List.of("head 200 OK keep [Content-Length: 2, 2]", "end"), s.events);
        assertNotNull(error("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok"));
        assertNotNull(error("HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\nok"));
        assertNotNull(error("HTTP/1.1 200 OK\r\nContent-Length: 0x2\r\n\r\nok"));
    }

    @Test
    void malformedHeadsAreErrors() {
        assertNotNull(error("HTTP/2 200 OK\r\n\r\n"));
        assertNotNull(error("HTTP/1.1 20 OK\r\n\r\n"));
        assertNotNull(error("HTTP/1.1 2000 OK\r\n\r\n"));
        assertNotNull(error("HTTP/1.1 200 O\u0001K\r\n\r\n"));
        assertNotNull(error("HTTP/1.1 200 OK\r\nX-A: b\r\n folded\r\n\r\n"));
        assertNotNull(error("HTTP/1.1 200 OK\r\nBad Name: b\r\n\r\n"));
        assertNotNull(error("HTTP/1.1 200 OK\r\nNoColon\r\n\r\n"));
        assertNotNull(error("HTTP/1.1 200 OK\r\nX-A: b\u0000c\r\n\r\n"));
        assertNotNull(error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"));
        assertNotNull(error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokX"));
    }

    @Test
    void bytesAfterTheResponseAreAnError() {
        assertNotNull(error("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n\r\n"));
    }
}
