package io.vxlb.proxy.h1;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server with its own small, strict HTTP/1.1 parser (nothing shared with the proxy under test):
 * request line, header lines, body by Content-Length or chunked (kept as received on the wire),
 * keep-alive. It answers every request {@code 200} with {@code x-backend: rb} (so the client can
 * tell a server answer from one the proxy made) and records what it saw. Anything its parser does
 * not take is recorded as a {@code !garbage} request and the connection is closed: a proxy sent
 * bytes that are not a request, e.g. the rest of a request split in two.
 */
final class RawBackend implements AutoCloseable {
    static final byte[] ANSWER = "HTTP/1.1 200 OK\r\nx-backend: rb\r\ncontent-length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1);
    static final byte[] ANSWER_CLOSE = "HTTP/1.1 200 OK\r\nx-backend: rb\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1);

    /** One request as the server read it; {@code body} is the wire body (chunk framing included). */
    record Seen(int connection, String requestLine, List<String> headers, byte[] body, boolean chunked, String problem) {
        String method() {
            int sp = requestLine.indexOf(' ');
            return sp < 0 ? requestLine : requestLine.substring(0, sp);
        }

        String uri() {
            String[] p = requestLine.split(" ", -1);
            return p.length > 1 ? p[1] : "";
        }

        /** The path of the URI, origin-form or absolute-form. */
        String path() {
            String u = uri();
            int scheme = u.indexOf("://");
            if (scheme > 0 && scheme < 10) {
                int slash = u.indexOf('/', scheme + 3);
                return slash < 0 ? "/" : u.substring(slash);
            }
            return u;
        }
    }

    final int port;
    private final ServerSocket server;
    private final List<Pending> seen = new ArrayList<>();

    /** A request being read: recorded when its head is complete, so a late body stays with its case. */
    private static final class Pending {
        final int connection;
        final String requestLine;
        final List<String> headers;
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        volatile boolean chunked;
        volatile String problem;
        volatile boolean complete;

        Pending(int connection, String requestLine, List<String> headers) {
            this.connection = connection;
            this.requestLine = requestLine;
            this.headers = headers;
        }

        Seen snapshot() {
            byte[] b;
            synchronized (body) {
                b = body.toByteArray();
            }
            return new Seen(connection, requestLine, List.copyOf(headers), b, chunked,
                    problem != null ? problem : complete ? null : "incomplete body");
        }
    }
    private final List<Socket> open = new ArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean closed;
    /** When a connection was last accepted, a request head last read or a connection last ended. */
    private volatile long lastActivity = System.nanoTime();

    RawBackend(int port) throws IOException {
        server = new ServerSocket(port, 64, InetAddress.getLoopbackAddress());
        this.port = server.getLocalPort();  // 0: the kernel's pick, bound at once (no window for another process)
        Thread t = new Thread(this::accept, "raw-backend-" + port);
        t.setDaemon(true);
        t.start();
    }

    /** What was seen since the last call. */
    synchronized List<Seen> drain() {
        List<Seen> out = new ArrayList<>();
        for (Pending p : seen) out.add(p.snapshot());
        seen.clear();
        return out;
    }

    synchronized int pending() {
        return seen.size();
    }

    /**
     * Waits until nothing happened for {@code quietMillis} (at most {@code maxMillis}): what a
     * proxy sends just after the client's exchange ends belongs to that exchange, not the next.
     */
    void awaitQuiet(long quietMillis, long maxMillis) throws InterruptedException {
        long end = System.nanoTime() + maxMillis * 1_000_000L;
        while (System.nanoTime() < end && System.nanoTime() - lastActivity < quietMillis * 1_000_000L) Thread.sleep(20);
    }

    private synchronized void add(Seen s) {
        lastActivity = System.nanoTime();
        Pending p = new Pending(s.connection(), s.requestLine(), s.headers());
        p.body.writeBytes(s.body());
        p.chunked = s.chunked();
        p.problem = s.problem();
        p.complete = true;
        seen.add(p);
    }

    private synchronized void add(Pending p) {
        lastActivity = System.nanoTime();
        seen.add(p);
    }

    private void accept() {
        while (!closed) {
            try {
                Socket s = server.accept();
                synchronized (open) {
                    open.add(s);
                }
                lastActivity = System.nanoTime();
                int id = connections.incrementAndGet();
                Thread t = new Thread(() -> serve(s, id), "raw-backend-" + port + "-" + id);
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) e.printStackTrace();
            }
        }
    }

    private void serve(Socket s, int id) {
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            while (true) {
                byte[] first = line(in, 65536);
                if (first == null) return;
                String requestLine = new String(first, StandardCharsets.ISO_8859_1);
                if (!requestLine.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+ [^ ]+ HTTP/[0-9]\\.[0-9]")) {  // method = token (RFC 9110 9.1)
                    add(new Seen(id, "!garbage " + H1Corpus.escape(first, 0, Math.min(first.length, 60)), List.of(), new byte[0], false, "bad request line"));
                    return;
                }
                List<String> headers = new ArrayList<>();
                String problem = null;
                long length = 0;
                boolean chunked = false;
                boolean close = requestLine.endsWith("HTTP/1.0");
                int cls = 0;
                while (true) {
                    byte[] h = line(in, 65536);
                    if (h == null) {
                        add(new Seen(id, requestLine, headers, new byte[0], false, "eof in head"));
                        return;
                    }
                    if (h.length == 0) break;
                    String hl = new String(h, StandardCharsets.ISO_8859_1);
                    int colon = hl.indexOf(':');
                    if (colon <= 0 || hl.charAt(0) == ' ' || hl.charAt(0) == '\t' || !hl.substring(0, colon).matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                        problem = "bad header line";
                        headers.add("!" + H1Corpus.escape(h));
                        continue;
                    }
                    String name = hl.substring(0, colon).toLowerCase(Locale.ROOT);
                    String value = hl.substring(colon + 1).strip();
                    headers.add(name + ": " + value);
                    switch (name) {
                        case "content-length" -> {
                            cls++;
                            if (!value.matches("[0-9]{1,15}")) problem = "bad content-length";
                            else length = Long.parseLong(value);
                        }
                        case "transfer-encoding" -> {
                            String[] codings = value.toLowerCase(Locale.ROOT).split(",");
                            chunked = codings[codings.length - 1].strip().equals("chunked");
                            if (!chunked) problem = "transfer-encoding without chunked last";
                        }
                        case "connection" -> {
                            String v = value.toLowerCase(Locale.ROOT);
                            if (v.contains("close")) close = true;
                            if (v.contains("keep-alive")) close = false;
                        }
                        default -> { }
                    }
                }
                if (cls > 1) problem = "several content-length";
                if (chunked && cls > 0) problem = "content-length and transfer-encoding";
                if (problem != null) {
                    add(new Seen(id, requestLine, headers, new byte[0], chunked, problem));
                    return;
                }
                Pending p = new Pending(id, requestLine, headers);
                p.chunked = chunked;
                add(p);
                if (chunked) {
                    String err = chunkedBody(in, p.body);
                    if (err != null) {
                        p.problem = err;
                        return;
                    }
                } else {
                    for (long i = 0; i < length; i++) {
                        int c = in.read();
                        if (c < 0) {
                            p.problem = "eof in body";
                            return;
                        }
                        synchronized (p.body) {
                            p.body.write(c);
                        }
                    }
                }
                p.complete = true;
                if (requestLine.startsWith("CONNECT ")) {
                    tunnel(s, in, out, id);
                    return;
                }
                out.write(close ? ANSWER_CLOSE : ANSWER);
                out.flush();
                if (close) return;
            }
        } catch (IOException e) {
            // the proxy closed or reset the connection
        } finally {
            lastActivity = System.nanoTime();
        }
    }

    /**
     * A CONNECT is answered 200 without a body (a tunnel); whatever the proxy relays in the next
     * 300 ms is recorded as one {@code ~tunnel} entry (not a request), then the server closes.
     */
    private void tunnel(Socket s, InputStream in, OutputStream out, int id) throws IOException {
        out.write("HTTP/1.1 200 OK\r\nx-backend: rb\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        ByteArrayOutputStream relayed = new ByteArrayOutputStream();
        s.setSoTimeout(300);
        byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = in.read(buf)) > 0) relayed.write(buf, 0, n);
        } catch (java.net.SocketTimeoutException e) {
            // quiet for 300 ms: the tunnel is done
        }
        if (relayed.size() > 0) add(new Seen(id, "~tunnel", List.of(), relayed.toByteArray(), false, null));
    }

    /** Reads a chunked body as it is on the wire into {@code body}; null when well-formed. */
    /** ByteArrayOutputStream's methods are synchronized: a drain may snapshot it while this fills it. */
    private static String chunkedBody(InputStream in, ByteArrayOutputStream body) throws IOException {
        while (true) {
            byte[] sizeLine = line(in, 4096);
            if (sizeLine == null) return "eof in chunk size";
            body.write(sizeLine);
            body.write('\r');
            body.write('\n');
            String sl = new String(sizeLine, StandardCharsets.ISO_8859_1);
            int end = 0;
            while (end < sl.length() && Character.digit(sl.charAt(end), 16) >= 0) end++;
            if (end == 0 || end > 15) return "bad chunk size";
            long size = Long.parseLong(sl.substring(0, end), 16);
            if (size == 0) {
                while (true) {
                    byte[] t = line(in, 65536);
                    if (t == null) return "eof in trailers";
                    body.write(t);
                    body.write('\r');
                    body.write('\n');
                    if (t.length == 0) return null;
                }
            }
            for (long i = 0; i < size; i++) {
                int c = in.read();
                if (c < 0) return "eof in chunk";
                body.write(c);
            }
            byte[] crlf = line(in, 16);
            if (crlf == null || crlf.length != 0) return "no CRLF after chunk data";
            body.write('\r');
            body.write('\n');
        }
    }

    /** A line without its CRLF (a bare LF also ends it); null at end of stream before any byte. */
    private static byte[] line(InputStream in, int max) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) return b.size() == 0 ? null : b.toByteArray();
            if (c == '\n') {
                byte[] r = b.toByteArray();
                if (r.length > 0 && r[r.length - 1] == '\r') return java.util.Arrays.copyOf(r, r.length - 1);
                return r;
            }
            b.write(c);
            if (b.size() > max) return b.toByteArray();
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        synchronized (open) {
            for (Socket s : open) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // gone already
                }
            }
        }
    }
}
