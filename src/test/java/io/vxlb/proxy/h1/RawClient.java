package io.vxlb.proxy.h1;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Plays raw bytes on one connection and reads the responses: status line, headers, body by
 * Content-Length, chunked or close. Reads until the proxy closes, or {@code idleMillis} after the
 * last complete response ({@code firstMillis} for the first one).
 */
final class RawClient {
    private RawClient() {}

    /** One response; {@code raw} is its exact bytes, {@code fromServer} whether the backend made it. */
    record Response(int status, List<String> headers, byte[] raw, boolean fromServer) {}

    /** {@code malformed}: bytes that are not a well-formed response; {@code leftover}: an incomplete response's bytes. */
    record Result(List<Response> responses, boolean closed, boolean reset, int leftover, String malformed, byte[] rawTail) {}

    static Result play(int port, List<byte[]> writes, boolean halfClose, int firstMillis, int idleMillis) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            boolean reset = false;
            try {
                for (int i = 0; i < writes.size(); i++) {
                    out.write(writes.get(i));
                    out.flush();
                    if (i + 1 < writes.size()) sleep(2);
                }
                if (halfClose) s.shutdownOutput();
            } catch (IOException e) {
                reset = true; // the proxy closed before taking everything: read what it answered
            }
            List<Response> responses = new ArrayList<>();
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            byte[] chunk = new byte[16384];
            long start = System.nanoTime();
            long lastComplete = -1;
            boolean closed = false;
            String malformed = null;
            s.setSoTimeout(50);
            while (true) {
                long now = System.nanoTime();
                long deadline = lastComplete < 0 ? start + firstMillis * 1_000_000L : lastComplete + idleMillis * 1_000_000L;
                if (now > deadline) break;
                int n;
                try {
                    n = in.read(chunk);
                } catch (SocketTimeoutException e) {
                    continue;
                } catch (IOException e) {
                    reset = true;
                    closed = true;
                    break;
                }
                if (n < 0) {
                    closed = true;
                    break;
                }
                buf.write(chunk, 0, n);
                byte[] b = buf.toByteArray();
                int off = 0;
                while (true) {
                    Parsed p = parse(b, off, false);
                    if (p == null) break;
                    if (p.error != null) {
                        malformed = p.error;
                        break;
                    }
                    responses.add(p.response);
                    off = p.end;
                    lastComplete = System.nanoTime();
                }
                buf.reset();
                buf.write(b, off, b.length - off);
                if (malformed != null) break;
            }
            byte[] rest = buf.toByteArray();
            if (closed && rest.length > 0 && malformed == null) {
                Parsed p = parse(rest, 0, true); // a body delimited by the close
                if (p != null && p.error == null) {
                    responses.add(p.response);
                    rest = new byte[0];
                } else if (p != null) {
                    malformed = p.error;
                }
            }
            return new Result(responses, closed, reset, rest.length, malformed, rest);
        }
    }

    private record Parsed(Response response, int end, String error) {}

    /** A response at {@code off}, null when more bytes are needed. */
    private static Parsed parse(byte[] b, int off, boolean eof) {
        int headEnd = -1;
        for (int i = off; i + 3 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                headEnd = i + 4;
                break;
            }
        }
        if (headEnd < 0) return eof ? new Parsed(null, 0, "incomplete head at close") : null;
        String head = new String(b, off, headEnd - 4 - off, StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\r\n", -1);
        if (!lines[0].matches("HTTP/1\\.[01] [1-5][0-9][0-9]( .*)?")) return new Parsed(null, 0, "bad status line: " + H1Corpus.escape(lines[0]));
        int status = Integer.parseInt(lines[0].substring(9, 12));
        List<String> headers = new ArrayList<>();
        long length = -1;
        boolean chunked = false;
        boolean fromServer = false;
        for (int i = 1; i < lines.length; i++) {
            int c = lines[i].indexOf(':');
            if (c <= 0) return new Parsed(null, 0, "bad header line: " + H1Corpus.escape(lines[i]));
            String name = lines[i].substring(0, c).toLowerCase(Locale.ROOT);
            String value = lines[i].substring(c + 1).strip();
            headers.add(name + ": " + value);
            if (name.equals("content-length")) {
                if (!value.matches("[0-9]{1,12}") || (length >= 0 && length != Long.parseLong(value))) return new Parsed(null, 0, "bad content-length: " + value);
                length = Long.parseLong(value);
            }
            if (name.equals("transfer-encoding")) chunked = value.toLowerCase(Locale.ROOT).endsWith("chunked");
            if (name.equals("x-backend")) fromServer = true;
        }
        int end;
        if (status < 200 || status == 204 || status == 304) {
            end = headEnd;
        } else if (chunked) {
            end = chunkedEnd(b, headEnd);
            if (end == -2) return new Parsed(null, 0, "bad chunked body");
            if (end < 0) return eof ? new Parsed(null, 0, "incomplete chunked body at close") : null;
        } else if (length >= 0) {
            if (b.length - headEnd < length) return eof ? new Parsed(null, 0, "incomplete body at close") : null;
            end = (int) (headEnd + length);
        } else {
            if (!eof) return null;
            end = b.length;
        }
        return new Parsed(new Response(status, headers, Arrays.copyOfRange(b, off, end), fromServer), end, null);
    }

    private static int chunkedEnd(byte[] b, int i) {
        while (true) {
            int eol = indexOfCrlf(b, i);
            if (eol < 0) return -1;
            String sl = new String(b, i, eol - i, StandardCharsets.ISO_8859_1);
            int semi = sl.indexOf(';');
            String hex = (semi < 0 ? sl : sl.substring(0, semi)).strip();
            long size;
            try {
                size = Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                return -2;
            }
            i = eol + 2;
            if (size == 0) {
                while (true) {
                    int t = indexOfCrlf(b, i);
                    if (t < 0) return -1;
                    if (t == i) return t + 2;
                    i = t + 2;
                }
            }
            if (b.length < i + size + 2) return -1;
            i += (int) size;
            if (b[i] != '\r' || b[i + 1] != '\n') return -2;
            i += 2;
        }
    }

    private static int indexOfCrlf(byte[] b, int from) {
        for (int i = from; i + 1 < b.length; i++) if (b[i] == '\r' && b[i + 1] == '\n') return i;
        return -1;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
