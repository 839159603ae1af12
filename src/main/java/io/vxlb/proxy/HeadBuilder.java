package io.vxlb.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * A message head assembled in the event loop's scratch array, then copied into a buffer of its
 * exact size with one write: appending a pooled buffer string by string checks its reference
 * count and capacity on every call. Text is one byte per char (ISO-8859-1), as it was read.
 * Confined to its thread: {@link #get} gives the calling thread's builder, reset.
 */
final class HeadBuilder {
    private static final FastThreadLocal<HeadBuilder> LOCAL = new FastThreadLocal<>() {
        @Override
        protected HeadBuilder initialValue() {
            return new HeadBuilder();
        }
    };

    private byte[] a = new byte[1024];
    private int n;

    static HeadBuilder get() {
        HeadBuilder h = LOCAL.get();
        h.n = 0;
        return h;
    }

    private void room(int more) {
        if (n + more > a.length) a = java.util.Arrays.copyOf(a, Math.max(a.length * 2, n + more));
    }

    @SuppressWarnings("deprecation")  // String.getBytes(int, int, byte[], int): the low byte of each char, which is ISO-8859-1
    HeadBuilder text(String s) {
        int len = s.length();
        room(len);
        s.getBytes(0, len, a, n);
        n += len;
        return this;
    }

    HeadBuilder bytes(byte[] b) {
        room(b.length);
        System.arraycopy(b, 0, a, n, b.length);
        n += b.length;
        return this;
    }

    HeadBuilder ch(char c) {
        room(1);
        a[n++] = (byte) c;
        return this;
    }

    /** {@code name: value CRLF}. */
    HeadBuilder header(String name, String value) {
        return text(name).ch(':').ch(' ').text(value).ch('\r').ch('\n');
    }

    int length() {
        return n;
    }

    /** The head in a new buffer of {@code alloc}, exactly its size. */
    ByteBuf toBuffer(ByteBufAllocator alloc) {
        ByteBuf b = alloc.buffer(n, n);
        b.writeBytes(a, 0, n);
        return b;
    }
}
