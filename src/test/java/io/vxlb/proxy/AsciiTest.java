package io.vxlb.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The byte-array scanning helpers and the head builder keep bytes as they were read. */
class AsciiTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void sameFoldsOnlyAsciiLetters() {
        assertTrue(Ascii.same("Content-Length", "content-length"));
        assertTrue(Ascii.same("X-A", "x-a"));
        assertFalse(Ascii.same("content-lengtg", "content-length"));
        assertFalse(Ascii.same("te", "tex"));
        // '@' + 32 is '`': only A-Z fold, so these differ
        assertFalse(Ascii.same("@", "`"));
        assertFalse(Ascii.same("[", "{"));
    }

    @Test
    void connectionTokensAreReadInOnePass() {
        byte[] v = b("x, Keep-Alive ,CLOSE");
        assertEquals(Ascii.CLOSE | Ascii.KEEP_ALIVE, Ascii.connectionTokens(v, 0, v.length));
        byte[] w = b("closed, keep-alive-x");
        assertEquals(0, Ascii.connectionTokens(w, 0, w.length));
        byte[] k = b("keep-alive");
        assertEquals(Ascii.KEEP_ALIVE, Ascii.connectionTokens(k, 0, k.length));
    }

    @Test
    void textAndTheHeadBuilderKeepLatin1Bytes() {
        byte[] raw = {'c', 'a', 'f', (byte) 0xE9, (byte) 0xFF};
        String t = Ascii.text(raw, 0, raw.length);
        assertEquals("caf\u00e9\u00ff", t);
        ByteBuf out = HeadBuilder.get().header("x-name", t).toBuffer(PooledByteBufAllocator.DEFAULT);
        try {
            byte[] got = new byte[out.readableBytes()];
            out.getBytes(0, got);
            assertArrayEquals(b("x-name: caf\u00e9\u00ff\r\n"), got);
            assertEquals(out.capacity(), out.readableBytes(), "exactly its size");
        } finally {
            out.release();
        }
        // the builder is reset for its next head
        ByteBuf next = HeadBuilder.get().text("GET / HTTP/1.1").toBuffer(PooledByteBufAllocator.DEFAULT);
        assertEquals("GET / HTTP/1.1", next.toString(StandardCharsets.ISO_8859_1));
        next.release();
    }

    @Test
    void printableRefusesControlBytesButTab() {
        assertTrue(Ascii.printable(b("a\tb"), 0, 3));
        assertFalse(Ascii.printable(b("a\u0001b"), 0, 3));
        assertFalse(Ascii.printable(new byte[] {'a', 0x7f}, 0, 2));
    }
}
