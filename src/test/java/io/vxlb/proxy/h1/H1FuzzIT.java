package io.vxlb.proxy.h1;

import io.vertx.core.Vertx;
import io.vxlb.Node;
import io.vxlb.proxy.h1.H1Corpus.Case;
import io.vxlb.proxy.h1.RawBackend.Seen;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Random mutations of valid requests (and of the whole corpus) played on vxlb for a bounded time:
 * byte flips, inserted CR/LF/SP/TAB/NUL/','/';'/':', duplicated or removed lines, case changes,
 * Content-Length/Transfer-Encoding juggling, chunk-size edits, and random splits into several
 * writes. Whatever vxlb answers, no {@code /admin} request may reach the backend (the config
 * denies it), the backend never gets a request twice or a piece of one as another, every response
 * is well-formed, a connection is never closed without any answer (unless the client half-closed),
 * and vxlb still answers a valid request at the end.
 *
 * <p>{@code -Dvxlb.h1.seed=N} plays another run (default {@link #DEFAULT_SEED}: the same requests
 * every time), {@code -Dvxlb.h1.fuzzIterations=N} the requests per worker (default 60, ~20 s),
 * {@code -Dvxlb.h1.fuzzSeconds=S} the budget that cuts a run on a far too slow machine (default 90). Each failure prints the exact bytes, ready to become a
 * corpus case.
 */
@Tag("h1")
@Tag("slow")
class H1FuzzIT {
    /** The seed CI plays; -Dvxlb.h1.seed=N plays another. */
    static final long DEFAULT_SEED = 20261204L;
    static final String SMUG = "GET /admin/smuggled HTTP/1.1\r\nHost: example.com\r\n\r\n";

    /** Valid requests to start from; each hides a /admin request in a body or after a framing trick. */
    static final List<String> TEMPLATES = List.of(
            "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n",
            "POST /p HTTP/1.1\r\nHost: example.com\r\nContent-Length: " + SMUG.length() + "\r\n\r\n" + SMUG,
            "POST /p HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(SMUG.length()) + "\r\n" + SMUG + "\r\n0\r\n\r\n",
            "POST /p HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b\r\nhello\r\n0\r\nX-T: v\r\n\r\n",
            "POST /p HTTP/1.1\r\nHost: example.com\r\nContent-Length: 5\r\n\r\nhelloGET /two HTTP/1.1\r\nHost: example.com\r\n\r\n",
            "GET /one HTTP/1.1\r\nHost: example.com\r\n\r\nGET /two HTTP/1.1\r\nHost: example.com\r\nConnection: keep-alive\r\n\r\n",
            "POST /p HTTP/1.1\r\nHost: example.com\r\nContent-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + SMUG,
            "GET /ws HTTP/1.1\r\nHost: example.com\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
            "POST /p HTTP/1.0\r\nHost: example.com\r\nContent-Length: " + SMUG.length() + "\r\nConnection: keep-alive\r\n\r\n" + SMUG,
            "PUT /p HTTP/1.1\r\nHost: example.com\r\nExpect: 100-continue\r\nContent-Length: " + SMUG.length() + "\r\n\r\n" + SMUG);

    static final String[] INSERTS = {"\r", "\n", "\r\n", " ", "\t", "\0", ",", ";", ":", "\r\n ", "\u000b", "\"", "0", "f"};
    static final String[] FRAMING = {
            "Content-Length: 0", "Content-Length: 5", "Content-Length: " + SMUG.length(), "Content-Length: 100",
            "Content-Length: -1", "Content-Length: 5, 5", "Content-Length: 5,6", "Content-Length:",
            "Transfer-Encoding: chunked", "Transfer-Encoding: CHUNKED", "Transfer-Encoding: chunked, identity",
            "Transfer-Encoding: identity", "Transfer-Encoding: gzip", "Transfer-Encoding : chunked", "Transfer-Encoding:\tchunked",
            "Transfer-Encoding: xchunked", "Transfer-Encoding: \"chunked\"", "Transfer-Encoding:\r\n chunked",
            "Connection: content-length", "Connection: transfer-encoding", "Connection: close", "Connection: upgrade",
            "Upgrade: h2c", "Expect: 100-continue", "Host: other.example", "Content-Length: 99999999999999999999"};

    @Test
    @org.junit.jupiter.api.Timeout(value = 180)
    void mutatedRequestsNeverSmuggleAndVxlbStaysUp() throws Exception {
        // a fixed default seed and a fixed number of requests per worker: CI plays the same requests every
        // run, whatever the machine's load; the time budget only cuts a run on a machine far too slow
        long seed = Long.getLong("vxlb.h1.seed", DEFAULT_SEED);
        int iterations = Integer.getInteger("vxlb.h1.fuzzIterations", 60);
        int seconds = Integer.getInteger("vxlb.h1.fuzzSeconds", 90);
        System.out.println("H1FuzzIT seed " + seed + " (replay with -Dvxlb.h1.seed=" + seed + "), " + iterations
                + " requests per worker, at most " + seconds + " s");
        List<byte[]> seeds = new ArrayList<>();
        for (String t : TEMPLATES) seeds.add(t.getBytes(StandardCharsets.ISO_8859_1));
        for (Case c : H1Corpus.load()) if (c.bytes().length > 0 && c.bytes().length < 4096) seeds.add(c.bytes());

        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger played = new AtomicInteger();
        AtomicInteger cut = new AtomicInteger();
        Map<String, Integer> statuses = Collections.synchronizedMap(new java.util.TreeMap<>());
        try (H1Harness h = new H1Harness()) {
            Vertx vertx = Vertx.vertx();
            try {
                Node node = h.startVxlb(vertx);
                try {
                    long end = System.nanoTime() + seconds * 1_000_000_000L;
                    List<Thread> threads = new ArrayList<>();
                    for (int w = 0; w < H1Harness.WORKERS; w++) {
                        int worker = w;
                        Thread t = new Thread(() -> {
                            Random rnd = new Random(seed + worker);
                            int n = 0;
                            while (n < iterations && failures.size() < 30) {
                                if (System.nanoTime() > end) {
                                    cut.incrementAndGet();
                                    break;
                                }
                                n++;
                                byte[] base = seeds.get(rnd.nextInt(seeds.size()));
                                byte[] bytes = mutate(rnd, base);
                                List<byte[]> writes = split(rnd, bytes);
                                try {
                                    backendDrain(h, worker);
                                    boolean halfClose = rnd.nextInt(10) == 0;
                                    RawClient.Result res = RawClient.play(h.frontends[worker], writes, halfClose, 1500, 300);
                                    Thread.sleep(40);
                                    h.backends[worker].awaitQuiet(100, 1000);
                                    List<Seen> seen = h.backends[worker].drain();
                                    played.incrementAndGet();
                                    for (RawClient.Response resp : res.responses()) statuses.merge(resp.status() + (resp.fromServer() ? "" : "*"), 1, Integer::sum);
                                    List<String> v = check(bytes, res, seen);
                                    if (res.responses().isEmpty() && res.closed() && !halfClose) {
                                        v = new ArrayList<>(v);
                                        v.add("vxlb closed the connection without any answer (a request it refuses gets an error page)");
                                    }
                                    if (!v.isEmpty()) {
                                        failures.add("worker " + worker + " iteration " + n + " (seed " + seed + "): " + v
                                                + "\n    writes " + writes.size() + ", bytes: " + H1Corpus.escape(bytes)
                                                + "\n    backend: " + seen.stream().map(H1Harness::format).toList());
                                    }
                                } catch (Exception e) {
                                    failures.add("worker " + worker + " iteration " + n + ": " + e + "\n    bytes: " + H1Corpus.escape(bytes));
                                }
                            }
                        }, "h1-fuzz-" + w);
                        threads.add(t);
                        t.start();
                    }
                    for (Thread t : threads) t.join();
                    // vxlb is still up: a valid request on every frontend gets the server's 200
                    for (int w = 0; w < H1Harness.WORKERS; w++) {
                        h.backends[w].drain();
                        RawClient.Result res = RawClient.play(h.frontends[w],
                                List.of("GET /final HTTP/1.1\r\nHost: example.com\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)), false, 3000, 200);
                        assertEquals(1, res.responses().size(), "frontend " + w + " answers a valid request after the fuzzing");
                        assertEquals(200, res.responses().get(0).status(), "frontend " + w);
                        assertTrue(res.responses().get(0).fromServer(), "the 200 comes from the backend");
                    }
                } finally {
                    node.close().await(30, TimeUnit.SECONDS);
                }
            } finally {
                vertx.close().await(30, TimeUnit.SECONDS);
            }
        }
        System.out.println("H1FuzzIT: " + played.get() + " mutated requests, statuses " + statuses
                + (cut.get() > 0 ? " (" + cut.get() + " workers cut by the " + seconds + " s budget)" : ""));
        if (!failures.isEmpty()) {
            fail(failures.size() + " mutated requests broke an invariant (seed " + seed + "):\n" + String.join("\n", failures));
        }
    }

    private static void backendDrain(H1Harness h, int worker) {
        h.backends[worker].drain();
    }

    /** The invariants; empty when they hold. */
    static List<String> check(byte[] bytes, RawClient.Result res, List<Seen> seen) {
        List<String> v = new ArrayList<>();
        if (res.malformed() != null) v.add("malformed response: " + res.malformed());
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        Map<String, Integer> perUri = new HashMap<>();
        Set<String> splitProblems = Set.of("bad request line", "bad header line", "several content-length",
                "content-length and transfer-encoding", "bad chunk size", "no CRLF after chunk data",
                "transfer-encoding without chunked last", "bad content-length");
        for (Seen s : seen) {
            if (s.requestLine().startsWith("~")) continue;
            if (s.path().startsWith("/admin")) v.add("smuggled /admin request reached the backend: " + s.requestLine());
            if (s.problem() != null && splitProblems.contains(s.problem())) v.add("the backend got a malformed request (" + s.problem() + "): " + H1Harness.format(s));
            perUri.merge(s.uri(), 1, Integer::sum);
        }
        for (Map.Entry<String, Integer> e : perUri.entrySet()) {
            int occurrences = count(text, e.getKey());
            if (occurrences > 0 && e.getValue() > occurrences) {
                v.add("the backend saw " + e.getValue() + " requests for " + H1Corpus.escape(e.getKey()) + ", the client sent it " + occurrences + " time(s)");
            }
        }
        int starts = 0;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)[A-Z]+[ \\t]+\\S+[ \\t]+HTTP/").matcher(text);
        while (m.find()) starts++;
        long complete = seen.stream().filter(s -> !s.requestLine().startsWith("~")).count();
        if (complete > Math.max(starts, 1)) v.add("the backend saw " + complete + " requests, the client's bytes hold at most " + starts);
        return v;
    }

    private static int count(String s, String sub) {
        if (sub.isEmpty()) return 0;
        int n = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + 1)) n++;
        return n;
    }

    /** One to four random mutations. */
    static byte[] mutate(Random rnd, byte[] base) {
        byte[] b = base.clone();
        int k = 1 + rnd.nextInt(4);
        for (int i = 0; i < k; i++) {
            if (b.length == 0) return b;
            int pos = rnd.nextInt(b.length);
            switch (rnd.nextInt(9)) {
                case 0 -> b[pos] = (byte) (rnd.nextBoolean() ? rnd.nextInt(256) : b[pos] ^ (1 << rnd.nextInt(8)));
                case 1 -> b = insert(b, pos, INSERTS[rnd.nextInt(INSERTS.length)]);
                case 2 -> b = lines(b, rnd, true);
                case 3 -> b = lines(b, rnd, false);
                case 4 -> {
                    int len = Math.min(b.length - pos, 1 + rnd.nextInt(20));
                    boolean up = rnd.nextBoolean();
                    for (int j = pos; j < pos + len; j++) {
                        char c = (char) (b[j] & 0xff);
                        b[j] = (byte) (up ? Character.toUpperCase(c) : Character.toLowerCase(c));
                    }
                }
                case 5, 6 -> {
                    // a framing header after the first line
                    int eol = indexOf(b, "\n");
                    if (eol >= 0) b = insert(b, eol + 1, FRAMING[rnd.nextInt(FRAMING.length)] + "\r\n");
                }
                case 7 -> {
                    // remove a byte (shortens a length, a CRLF, a header)
                    byte[] c = new byte[b.length - 1];
                    System.arraycopy(b, 0, c, 0, pos);
                    System.arraycopy(b, pos + 1, c, pos, b.length - pos - 1);
                    b = c;
                }
                default -> {
                    // change a decimal or hex digit (a Content-Length, a chunk size)
                    for (int j = 0; j < b.length; j++) {
                        int at = (pos + j) % b.length;
                        if (Character.digit(b[at], 16) >= 0 && at > 0 && (b[at - 1] == ' ' || b[at - 1] == '\n')) {
                            b[at] = (byte) "0123456789abcdefABCDEF".charAt(rnd.nextInt(22));
                            break;
                        }
                    }
                }
            }
        }
        return b;
    }

    /** Duplicates or removes one line (CRLF- or LF-ended). */
    private static byte[] lines(byte[] b, Random rnd, boolean duplicate) {
        List<byte[]> ls = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\n') {
                ls.add(java.util.Arrays.copyOfRange(b, start, i + 1));
                start = i + 1;
            }
        }
        if (start < b.length) ls.add(java.util.Arrays.copyOfRange(b, start, b.length));
        if (ls.size() < 2) return b;
        int i = rnd.nextInt(ls.size());
        if (duplicate) ls.add(i, ls.get(i));
        else ls.remove(i);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] l : ls) out.writeBytes(l);
        return out.toByteArray();
    }

    private static byte[] insert(byte[] b, int pos, String s) {
        byte[] ins = s.getBytes(StandardCharsets.ISO_8859_1);
        byte[] c = new byte[b.length + ins.length];
        System.arraycopy(b, 0, c, 0, pos);
        System.arraycopy(ins, 0, c, pos, ins.length);
        System.arraycopy(b, pos, c, pos + ins.length, b.length - pos);
        return c;
    }

    private static int indexOf(byte[] b, String s) {
        return new String(b, StandardCharsets.ISO_8859_1).indexOf(s);
    }

    /** One write most of the time, else two to five pieces cut at random places. */
    static List<byte[]> split(Random rnd, byte[] b) {
        if (b.length < 2 || rnd.nextInt(3) > 0) return List.of(b);
        int pieces = 2 + rnd.nextInt(4);
        List<Integer> cuts = new ArrayList<>();
        for (int i = 0; i < pieces - 1; i++) cuts.add(1 + rnd.nextInt(b.length - 1));
        Collections.sort(cuts);
        List<byte[]> out = new ArrayList<>();
        int prev = 0;
        for (int c : cuts) {
            if (c > prev) out.add(java.util.Arrays.copyOfRange(b, prev, c));
            prev = Math.max(prev, c);
        }
        out.add(java.util.Arrays.copyOfRange(b, prev, b.length));
        return out;
    }
}
