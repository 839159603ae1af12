import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * JDK-only load tools for bench/tunnels.sh and bench/tcp.sh (run with {@code java bench/NetBench.java ...}).
 * Every part is one NIO selector thread, so the tools take as little CPU as they can from the
 * proxy under test on a small machine.
 *
 * <pre>
 * server ws:PORT|tcp:PORT...          WebSocket echo (RFC 6455 handshake, frames echoed unmasked)
 *                                     and raw TCP echo servers on 127.0.0.1
 * tunnels PORT N READYFILE GOFILE     opens N WebSocket tunnels to 127.0.0.1:PORT, one framed message
 *                                     each; writes READYFILE when all are up, waits for GOFILE, then
 *                                     one more message on each, verifies it, closes all. Exit 0 if all N worked.
 * bulk tcp|ws PORT CONNS SECONDS      streams data through CONNS echo connections for SECONDS (after a
 *                                     0.5 s warm-up), verifies every echoed byte, prints MiB/s one way
 * pingpong tcp|ws PORT CONNS SECONDS SIZE   one SIZE-byte message in flight per connection; prints
 *                                     round trips/s and latency percentiles
 * </pre>
 */
public class NetBench {
    static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    static final String HOST = "127.0.0.1";

    public static void main(String[] a) throws Exception {
        if (a.length == 0) {
            System.err.println("usage: server ws:PORT|tcp:PORT... | tunnels PORT N READYFILE GOFILE | bulk tcp|ws PORT CONNS SECONDS | pingpong tcp|ws PORT CONNS SECONDS SIZE");
            System.exit(2);
        }
        switch (a[0]) {
            case "server" -> new Server().run(Arrays.copyOfRange(a, 1, a.length));
            case "tunnels" -> System.exit(new Tunnels(Integer.parseInt(a[1]), Integer.parseInt(a[2]), Path.of(a[3]), Path.of(a[4])).run());
            case "bulk" -> System.exit(new Bulk(a[1].equals("ws"), Integer.parseInt(a[2]), Integer.parseInt(a[3]), Double.parseDouble(a[4])).run());
            case "pingpong" -> System.exit(new PingPong(a[1].equals("ws"), Integer.parseInt(a[2]), Integer.parseInt(a[3]),
                    Double.parseDouble(a[4]), Integer.parseInt(a[5])).run());
            default -> throw new IllegalArgumentException(a[0]);
        }
    }

    static String acceptKey(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return Base64.getEncoder().encodeToString(sha1.digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static int indexOf(byte[] b, int len, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= len; i++) {
            for (int j = 0; j < what.length; j++) if (b[i + j] != what[j]) continue outer;
            return i;
        }
        return -1;
    }

    static final byte[] CRLFCRLF = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    static byte[] upgradeRequest(int port, String key) {
        return ("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A client frame (FIN, binary or text), masked with {@code mask} (RFC 6455 5.3). */
    static byte[] clientFrame(int opcode, byte[] payload, int mask) {
        int len = payload.length;
        int hl = len < 126 ? 2 : len < 65536 ? 4 : 10;
        ByteBuffer b = ByteBuffer.allocate(hl + 4 + len);
        b.put((byte) (0x80 | opcode));
        if (len < 126) b.put((byte) (0x80 | len));
        else if (len < 65536) b.put((byte) (0x80 | 126)).putShort((short) len);
        else b.put((byte) (0x80 | 127)).putLong(len);
        b.putInt(mask);
        byte[] m = {(byte) (mask >>> 24), (byte) (mask >>> 16), (byte) (mask >>> 8), (byte) mask};
        for (int i = 0; i < len; i++) b.put((byte) (payload[i] ^ m[i & 3]));
        return b.array();
    }

    /** The same frame as the echo server sends it back: unmasked. */
    static byte[] serverFrame(int opcode, byte[] payload) {
        int len = payload.length;
        int hl = len < 126 ? 2 : len < 65536 ? 4 : 10;
        ByteBuffer b = ByteBuffer.allocate(hl + len);
        b.put((byte) (0x80 | opcode));
        if (len < 126) b.put((byte) len);
        else if (len < 65536) b.put((byte) 126).putShort((short) len);
        else b.put((byte) 127).putLong(len);
        b.put(payload);
        return b.array();
    }

    /** Blocking connect (+ WebSocket handshake); returns the channel, non-blocking. */
    static SocketChannel open(int port, boolean ws) throws IOException {
        SocketChannel ch = SocketChannel.open(new InetSocketAddress(HOST, port));
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        if (ws) {
            String key = Base64.getEncoder().encodeToString(new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
            ByteBuffer req = ByteBuffer.wrap(upgradeRequest(port, key));
            while (req.hasRemaining()) ch.write(req);
            byte[] acc = new byte[8192];
            int len = 0;
            ByteBuffer one = ByteBuffer.allocate(1);
            // byte by byte: nothing after the response head may be consumed here
            while (indexOf(acc, len, CRLFCRLF) < 0) {
                one.clear();
                if (ch.read(one) < 0) throw new IOException("closed during handshake");
                acc[len++] = one.get(0);
                if (len == acc.length) throw new IOException("response head too long");
            }
            String head = new String(acc, 0, len, StandardCharsets.ISO_8859_1);
            if (!head.startsWith("HTTP/1.1 101") || !head.contains(acceptKey(key))) throw new IOException("bad upgrade response: " + head);
        }
        ch.configureBlocking(false);
        return ch;
    }

    // ===================================================================================== server

    static final class Server {
        final ByteBuffer rbuf = ByteBuffer.allocateDirect(256 * 1024);
        final ByteBuffer wbuf = ByteBuffer.allocateDirect(256 * 1024 + 512);
        Selector sel;

        void run(String[] listens) throws IOException {
            sel = Selector.open();
            for (String l : listens) {
                String[] p = l.split(":");
                ServerSocketChannel s = ServerSocketChannel.open();
                s.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                s.bind(new InetSocketAddress(HOST, Integer.parseInt(p[1])), 4096);
                s.configureBlocking(false);
                s.register(sel, SelectionKey.OP_ACCEPT, p[0].equals("ws"));
            }
            System.out.println("echo server listening: " + String.join(" ", listens));
            System.out.flush();
            while (true) {
                sel.select();
                for (Iterator<SelectionKey> it = sel.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey k = it.next();
                    it.remove();
                    if (!k.isValid()) continue;
                    try {
                        if (k.isAcceptable()) {
                            accept(k);
                        } else {
                            Conn c = (Conn) k.attachment();
                            if (k.isWritable()) c.flush();
                            if (k.isValid() && k.isReadable()) c.read();
                        }
                    } catch (IOException e) {
                        k.cancel();
                        try { k.channel().close(); } catch (IOException ignored) { }
                    }
                }
            }
        }

        void accept(SelectionKey k) throws IOException {
            ServerSocketChannel s = (ServerSocketChannel) k.channel();
            boolean ws = (Boolean) k.attachment();
            SocketChannel ch;
            while ((ch = s.accept()) != null) {
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                Conn c = new Conn(ch, ws);
                c.key = ch.register(sel, SelectionKey.OP_READ, c);
            }
        }

        final class Conn {
            final SocketChannel ch;
            final boolean ws;
            SelectionKey key;
            boolean upgraded;
            byte[] head;
            int headLen;
            ByteBuffer pending;
            boolean closeAfterFlush;
            // frame parser state
            final byte[] hdr = new byte[14];
            int hdrLen;
            long payloadLeft;
            final byte[] mask = new byte[4];
            boolean unmask;
            int maskPos;

            Conn(SocketChannel ch, boolean ws) {
                this.ch = ch;
                this.ws = ws;
            }

            void read() throws IOException {
                rbuf.clear();
                int n = ch.read(rbuf);
                if (n < 0) {
                    close();
                    return;
                }
                if (n == 0) return;
                rbuf.flip();
                if (!ws) {
                    send(rbuf);
                    return;
                }
                wbuf.clear();
                if (!upgraded) handshake();
                else frames(rbuf);
                wbuf.flip();
                send(wbuf);
            }

            void close() throws IOException {
                key.cancel();
                ch.close();
            }

            void send(ByteBuffer b) throws IOException {
                if (b.hasRemaining()) ch.write(b);
                if (b.hasRemaining()) {
                    pending = ByteBuffer.allocate(b.remaining());
                    pending.put(b).flip();
                    key.interestOps(SelectionKey.OP_WRITE);  // back-pressure: stop reading until written
                } else if (closeAfterFlush) {
                    close();
                }
            }

            void flush() throws IOException {
                ch.write(pending);
                if (pending.hasRemaining()) return;
                pending = null;
                if (closeAfterFlush) close();
                else key.interestOps(SelectionKey.OP_READ);
            }

            void handshake() throws IOException {
                int n = rbuf.remaining();
                if (head == null) head = new byte[Math.max(1024, n)];
                if (headLen + n > head.length) head = Arrays.copyOf(head, Math.max(head.length * 2, headLen + n));
                rbuf.get(head, headLen, n);
                headLen += n;
                int end = indexOf(head, headLen, CRLFCRLF);
                if (end < 0) {
                    if (headLen > 65536) throw new IOException("request head too long");
                    return;
                }
                String req = new String(head, 0, end, StandardCharsets.ISO_8859_1);
                String wsKey = null;
                for (String line : req.split("\r\n")) {
                    int c = line.indexOf(':');
                    if (c > 0 && line.substring(0, c).trim().equalsIgnoreCase("sec-websocket-key")) wsKey = line.substring(c + 1).trim();
                }
                if (wsKey == null) {  // a plain request (e.g. a health check): a small 200 and close
                    wbuf.put("HTTP/1.1 200 OK\r\ncontent-length: 3\r\nconnection: close\r\n\r\nok\n".getBytes(StandardCharsets.ISO_8859_1));
                    closeAfterFlush = true;
                    return;
                }
                wbuf.put(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                        + acceptKey(wsKey) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                upgraded = true;
                ByteBuffer rest = ByteBuffer.wrap(head, end + 4, headLen - end - 4);
                head = null;
                frames(rest);
            }

            /** Echoes client frames as server frames (unmasked), streaming: no frame is buffered whole. */
            void frames(ByteBuffer in) {
                while (in.hasRemaining()) {
                    if (payloadLeft == 0) {
                        hdr[hdrLen++] = in.get();
                        if (hdrLen < 2) continue;
                        int len7 = hdr[1] & 0x7f;
                        boolean masked = (hdr[1] & 0x80) != 0;
                        int lenBytes = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
                        if (hdrLen < 2 + lenBytes + (masked ? 4 : 0)) continue;
                        long len = len7 < 126 ? len7 : len7 == 126 ? ((hdr[2] & 0xff) << 8 | (hdr[3] & 0xff)) : ByteBuffer.wrap(hdr, 2, 8).getLong();
                        unmask = false;
                        if (masked) {
                            System.arraycopy(hdr, 2 + lenBytes, mask, 0, 4);
                            unmask = (mask[0] | mask[1] | mask[2] | mask[3]) != 0;
                        }
                        maskPos = 0;
                        hdrLen = 0;
                        wbuf.put(hdr[0]);
                        if (len < 126) wbuf.put((byte) len);
                        else if (len < 65536) wbuf.put((byte) 126).putShort((short) len);
                        else wbuf.put((byte) 127).putLong(len);
                        payloadLeft = len;
                        if ((hdr[0] & 0x0f) == 8) closeAfterFlush = true;  // close frame: echo it, then close
                    } else {
                        int n = (int) Math.min(in.remaining(), payloadLeft);
                        if (unmask) {
                            for (int i = 0; i < n; i++) wbuf.put((byte) (in.get() ^ mask[maskPos++ & 3]));
                        } else {
                            ByteBuffer s = in.slice();
                            s.limit(n);
                            wbuf.put(s);
                            in.position(in.position() + n);
                        }
                        payloadLeft -= n;
                    }
                }
            }
        }
    }

    // ===================================================================================== tunnels

    /** N concurrent WebSocket tunnels, each proven with one echoed message at the start and one at the end. */
    static final class Tunnels {
        final int port, n;
        final Path readyFile, goFile;
        final int parallel = 200;  // connections in their handshake at once
        final ByteBuffer rbuf = ByteBuffer.allocateDirect(64 * 1024);
        final String key = Base64.getEncoder().encodeToString("vxlb-bench-key-1".getBytes(StandardCharsets.ISO_8859_1));
        final String accept = acceptKey(key);
        Selector sel;
        int started, inflight, okStart, failedStart, okEnd, failedEnd, droppedIdle;
        String firstError;
        final Random random = new Random(42);

        Tunnels(int port, int n, Path readyFile, Path goFile) {
            this.port = port;
            this.n = n;
            this.readyFile = readyFile;
            this.goFile = goFile;
        }

        final class T {
            final int id;
            final SocketChannel ch;
            SelectionKey key;
            int state;  // 0 connecting, 1 upgrade sent, 2 first message sent, 3 idle, 4 last message sent, 5 done
            byte[] acc = new byte[512];
            int accLen;
            byte[] expect;
            ByteBuffer out;

            T(int id, SocketChannel ch) {
                this.id = id;
                this.ch = ch;
            }
        }

        final List<T> all = new ArrayList<>();

        int run() throws Exception {
            sel = Selector.open();
            long t0 = System.nanoTime();
            long deadline = t0 + 150_000_000_000L;
            boolean ready = false, go = false;
            long openNanos = 0;
            while (true) {
                while (started < n && inflight < parallel) startOne();
                sel.select(50);
                for (Iterator<SelectionKey> it = sel.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey k = it.next();
                    it.remove();
                    T t = (T) k.attachment();
                    try {
                        if (!k.isValid()) continue;
                        if (k.isConnectable()) {
                            t.ch.finishConnect();
                            t.state = 1;
                            send(t, upgradeRequest(port, key));
                        } else {
                            if (k.isWritable()) flush(t);
                            if (k.isValid() && k.isReadable()) read(t);
                        }
                    } catch (IOException e) {
                        fail(t, e.toString());
                    }
                }
                if (!ready && okStart + failedStart == n) {
                    openNanos = System.nanoTime() - t0;
                    Files.writeString(readyFile, "ok_start=" + okStart + " failed_start=" + failedStart + "\n");
                    ready = true;
                    System.out.printf("tunnels: %d/%d open and echoing after %.1f s%s%n", okStart, n, openNanos / 1e9,
                            firstError == null ? "" : " (first error: " + firstError + ")");
                    System.out.flush();
                }
                if (ready && !go && Files.exists(goFile)) {
                    go = true;
                    for (T t : all) {
                        if (t.state != 3) continue;
                        byte[] p = ("tunnel " + t.id + " end").getBytes(StandardCharsets.US_ASCII);
                        t.expect = serverFrame(1, p);
                        t.state = 4;
                        t.accLen = 0;
                        try {
                            send(t, clientFrame(1, p, random.nextInt()));
                        } catch (IOException e) {
                            fail(t, e.toString());
                        }
                    }
                }
                if (go && okEnd + failedEnd + droppedIdle + failedStart == n) break;
                if (System.nanoTime() > deadline) {
                    System.out.println("tunnels: TIMEOUT");
                    break;
                }
            }
            for (T t : all) t.ch.close();
            System.out.printf("tunnels: requested=%d ok_start=%d failed_start=%d dropped_while_idle=%d ok_end=%d failed_end=%d%s%n",
                    n, okStart, failedStart, droppedIdle, okEnd, failedEnd, firstError == null ? "" : " first_error=" + firstError);
            return okEnd == n ? 0 : 1;
        }

        void startOne() throws IOException {
            SocketChannel ch = SocketChannel.open();
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            T t = new T(started++, ch);
            all.add(t);
            inflight++;
            if (ch.connect(new InetSocketAddress(HOST, port))) {
                t.key = ch.register(sel, SelectionKey.OP_READ, t);
                t.state = 1;
                send(t, upgradeRequest(port, key));
            } else {
                t.key = ch.register(sel, SelectionKey.OP_CONNECT, t);
            }
        }

        void send(T t, byte[] data) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(data);
            t.ch.write(b);
            if (b.hasRemaining()) {
                t.out = b;
                t.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            } else {
                t.key.interestOps(SelectionKey.OP_READ);
            }
        }

        void flush(T t) throws IOException {
            t.ch.write(t.out);
            if (!t.out.hasRemaining()) {
                t.out = null;
                t.key.interestOps(SelectionKey.OP_READ);
            }
        }

        void read(T t) throws IOException {
            rbuf.clear();
            int r = t.ch.read(rbuf);
            if (r < 0) {
                if (t.state == 3) {
                    droppedIdle++;
                    t.state = 5;
                    t.key.cancel();
                    t.ch.close();
                    if (firstError == null) firstError = "tunnel " + t.id + " closed while idle";
                    return;
                }
                throw new IOException("closed by peer in state " + t.state);
            }
            rbuf.flip();
            if (t.accLen + r > t.acc.length) t.acc = Arrays.copyOf(t.acc, Math.max(t.acc.length * 2, t.accLen + r));
            rbuf.get(t.acc, t.accLen, r);
            t.accLen += r;
            if (t.state == 1) {
                int end = indexOf(t.acc, t.accLen, CRLFCRLF);
                if (end < 0) return;
                String head = new String(t.acc, 0, end, StandardCharsets.ISO_8859_1);
                if (!head.startsWith("HTTP/1.1 101") || !head.contains(accept)) throw new IOException("bad upgrade response: " + head.split("\r\n")[0]);
                t.accLen -= end + 4;
                System.arraycopy(t.acc, end + 4, t.acc, 0, t.accLen);
                byte[] p = ("tunnel " + t.id + " start").getBytes(StandardCharsets.US_ASCII);
                t.expect = serverFrame(1, p);
                t.state = 2;
                send(t, clientFrame(1, p, random.nextInt()));
                if (t.accLen == 0) return;
            }
            if (t.state == 2 || t.state == 4) {
                if (t.accLen < t.expect.length) return;
                if (t.accLen > t.expect.length || !Arrays.equals(t.acc, 0, t.accLen, t.expect, 0, t.expect.length)) throw new IOException("bad echo on tunnel " + t.id);
                t.accLen = 0;
                if (t.state == 2) {
                    t.state = 3;
                    okStart++;
                    inflight--;
                    t.acc = new byte[64];  // idle: keep the client's own footprint small
                } else {
                    t.state = 5;
                    okEnd++;
                    t.key.cancel();
                    t.ch.close();
                }
                return;
            }
            if (t.state == 3) {
                droppedIdle++;
                t.state = 5;
                if (firstError == null) firstError = "unexpected data on idle tunnel " + t.id;
                t.key.cancel();
                t.ch.close();
            }
        }

        void fail(T t, String why) {
            if (firstError == null) firstError = "tunnel " + t.id + ": " + why;
            if (t.state <= 2) {
                failedStart++;
                inflight--;
            } else if (t.state == 4) {
                failedEnd++;
            }
            t.state = 5;
            if (t.key != null) t.key.cancel();
            try { t.ch.close(); } catch (IOException ignored) { }
        }
    }

    // ===================================================================================== bulk

    /** Streams a repeating pattern through echo connections and checks every byte that comes back. */
    static final class Bulk {
        final boolean ws;
        final int port, conns;
        final double seconds;
        static final int PAYLOAD = 16 * 1024 - 4;  // ws: the echoed frame (4-byte head + payload) is 16 KiB
        static final int FRAMES = 16;

        Bulk(boolean ws, int port, int conns, double seconds) {
            this.ws = ws;
            this.port = port;
            this.conns = conns;
            this.seconds = seconds;
        }

        int run() throws Exception {
            ByteBuffer send, expect;
            Random r = new Random(7);
            if (ws) {
                ByteBuffer s = ByteBuffer.allocate(FRAMES * (PAYLOAD + 8)), e = ByteBuffer.allocate(FRAMES * (PAYLOAD + 4));
                for (int f = 0; f < FRAMES; f++) {
                    byte[] p = new byte[PAYLOAD];
                    r.nextBytes(p);
                    s.put(clientFrame(2, p, 0));  // a zero mask key: valid framing, no XOR cost on either end
                    e.put(serverFrame(2, p));
                }
                send = direct(s.array());
                expect = direct(e.array());
            } else {
                byte[] p = new byte[256 * 1024];
                r.nextBytes(p);
                send = direct(p);
                expect = send;
            }
            int cycleOut = send.capacity(), cycleIn = expect.capacity();
            Selector sel = Selector.open();
            SocketChannel[] ch = new SocketChannel[conns];
            int[] sendPos = new int[conns], recvPos = new int[conns];
            for (int i = 0; i < conns; i++) {
                ch[i] = open(port, ws);
                ch[i].setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
                ch[i].register(sel, SelectionKey.OP_READ | SelectionKey.OP_WRITE, i);
            }
            ByteBuffer rbuf = ByteBuffer.allocateDirect(256 * 1024);
            long received = 0, atStart = 0;
            long t0 = System.nanoTime(), start = t0 + 500_000_000L, end = start + (long) (seconds * 1e9), tStart = 0;
            boolean measuring = false;
            while (true) {
                sel.select(10);
                for (Iterator<SelectionKey> it = sel.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey k = it.next();
                    it.remove();
                    int i = (Integer) k.attachment();
                    if (k.isWritable()) {
                        ByteBuffer d = send.duplicate();
                        d.position(sendPos[i]);
                        int w = ch[i].write(d);
                        sendPos[i] = (sendPos[i] + w) % cycleOut;
                    }
                    if (k.isReadable()) {
                        rbuf.clear();
                        int got = ch[i].read(rbuf);
                        if (got < 0) throw new IOException("connection " + i + " closed by the proxy after " + received + " bytes");
                        rbuf.flip();
                        received += got;
                        while (rbuf.hasRemaining()) {  // verify against the expected echo
                            int n = Math.min(rbuf.remaining(), cycleIn - recvPos[i]);
                            ByteBuffer a = rbuf.slice(), b = expect.duplicate();
                            a.limit(n);
                            b.position(recvPos[i]).limit(recvPos[i] + n);
                            if (a.mismatch(b) != -1) throw new IOException("corrupted echo on connection " + i);
                            rbuf.position(rbuf.position() + n);
                            recvPos[i] = (recvPos[i] + n) % cycleIn;
                        }
                    }
                }
                long now = System.nanoTime();
                if (!measuring && now >= start) {
                    measuring = true;
                    atStart = received;
                    tStart = now;
                }
                if (now >= end) {
                    double secs = (now - tStart) / 1e9;
                    double bytes = received - atStart;
                    double payload = ws ? bytes * PAYLOAD / (PAYLOAD + 4) : bytes;
                    System.out.printf("bulk %s conns=%d seconds=%.2f MiB/s=%.1f total_bytes=%d%n", ws ? "ws" : "tcp", conns, secs,
                            payload / secs / (1 << 20), received);
                    for (SocketChannel c : ch) c.close();
                    return 0;
                }
            }
        }

        static ByteBuffer direct(byte[] b) {
            ByteBuffer d = ByteBuffer.allocateDirect(b.length);
            d.put(b).flip();
            return d;
        }
    }

    // ===================================================================================== ping-pong

    /** One small message in flight per connection: round trips per second and latency. */
    static final class PingPong {
        final boolean ws;
        final int port, conns, size;
        final double seconds;

        PingPong(boolean ws, int port, int conns, double seconds, int size) {
            this.ws = ws;
            this.port = port;
            this.conns = conns;
            this.seconds = seconds;
            this.size = size;
        }

        int run() throws Exception {
            byte[] payload = new byte[size];
            new Random(3).nextBytes(payload);
            Random masks = new Random(5);
            byte[] expect = ws ? serverFrame(2, payload) : payload;
            Selector sel = Selector.open();
            SocketChannel[] ch = new SocketChannel[conns];
            int[] got = new int[conns];
            long[] sentAt = new long[conns];
            byte[][] acc = new byte[conns][expect.length];
            for (int i = 0; i < conns; i++) {
                ch[i] = open(port, ws);
                ch[i].register(sel, SelectionKey.OP_READ, i);
            }
            long[] lat = new long[1 << 16];
            int nlat = 0;
            long count = 0, total = 0;
            ByteBuffer rbuf = ByteBuffer.allocate(64 * 1024);
            long t0 = System.nanoTime(), start = t0 + 500_000_000L, end = start + (long) (seconds * 1e9);
            for (int i = 0; i < conns; i++) {
                sentAt[i] = System.nanoTime();
                write(ch[i], ws ? clientFrame(2, payload, masks.nextInt()) : payload);
            }
            long tStart = 0;
            while (true) {
                sel.select(10);
                for (Iterator<SelectionKey> it = sel.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey k = it.next();
                    it.remove();
                    int i = (Integer) k.attachment();
                    rbuf.clear();
                    int r = ch[i].read(rbuf);
                    if (r < 0) throw new IOException("connection " + i + " closed");
                    if (got[i] + r > expect.length) throw new IOException("more bytes than one echo on connection " + i);
                    System.arraycopy(rbuf.array(), 0, acc[i], got[i], r);
                    got[i] += r;
                    if (got[i] < expect.length) continue;
                    if (!Arrays.equals(acc[i], expect)) throw new IOException("corrupted echo on connection " + i);
                    long now = System.nanoTime();
                    total++;
                    if (tStart != 0) {
                        count++;
                        if (nlat == lat.length) lat = Arrays.copyOf(lat, nlat * 2);
                        lat[nlat++] = now - sentAt[i];
                    }
                    got[i] = 0;
                    sentAt[i] = now;
                    write(ch[i], ws ? clientFrame(2, payload, masks.nextInt()) : payload);
                }
                long now = System.nanoTime();
                if (tStart == 0 && now >= start) tStart = now;
                if (now >= end) {
                    double secs = (now - tStart) / 1e9;
                    Arrays.sort(lat, 0, nlat);
                    System.out.printf("pingpong %s conns=%d size=%d seconds=%.2f rt/s=%.0f p50_us=%.0f p99_us=%.0f p999_us=%.0f total_rt=%d%n",
                            ws ? "ws" : "tcp", conns, size, secs, count / secs,
                            lat[nlat / 2] / 1e3, lat[(int) (nlat * 0.99)] / 1e3, lat[(int) (nlat * 0.999)] / 1e3, total);
                    for (SocketChannel c : ch) c.close();
                    return 0;
                }
            }
        }

        static void write(SocketChannel ch, byte[] b) throws IOException {
            ByteBuffer bb = ByteBuffer.wrap(b);
            while (bb.hasRemaining()) {
                if (ch.write(bb) == 0) Thread.onSpinWait();  // a small message: the socket buffer has room
            }
        }
    }
}
