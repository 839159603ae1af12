package io.vxlb.proxy.h1;

import io.vxlb.proxy.h1.H1Corpus.Case;
import io.vxlb.proxy.h1.RawBackend.Seen;
import io.vxlb.testing.Ports;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Plays the corpus on a proxy (real HAProxy or vxlb, same configuration text): {@link #WORKERS}
 * frontend/backend pairs, one case at a time per pair, each case on a new client connection.
 */
final class H1Harness implements AutoCloseable {
    static final int WORKERS = 8;
    static final int FIRST_MILLIS = 2500;
    static final int IDLE_MILLIS = 700;

    /** The configuration both proxies run: {@code ${FEn}}/{@code ${BEn}} are ports. */
    static String configTemplate() {
        StringBuilder sb = new StringBuilder("""
                global
                    maxconn 2000

                defaults
                    mode http
                    timeout connect 1s
                    timeout client 5s
                    timeout server 5s
                    timeout http-request 1s
                    timeout http-keep-alive 5s
                """);
        for (int i = 0; i < WORKERS; i++) {
            sb.append("\nfrontend fe").append(i).append('\n')
                    .append("    bind 127.0.0.1:${FE").append(i).append("}\n")
                    .append("    http-request deny if { path_beg /admin }\n")
                    .append("    default_backend be").append(i).append('\n')
                    .append("\nbackend be").append(i).append('\n')
                    .append("    server s1 127.0.0.1:${BE").append(i).append("}\n");
        }
        return sb.toString();
    }

    final int[] frontends = new int[WORKERS];
    final RawBackend[] backends = new RawBackend[WORKERS];
    /** The configuration text with this harness's ports; new frontend ports change it ({@link #newFrontendPorts}). */
    String config;

    H1Harness() throws IOException {
        for (int i = 0; i < WORKERS; i++) backends[i] = new RawBackend(0);
        newFrontendPorts();
    }

    /**
     * Picks the frontend ports (again): they are free when picked, but the proxy binds them a
     * moment later, and on a machine running other builds another process may take one first.
     */
    void newFrontendPorts() {
        String text = configTemplate();
        for (int i = 0; i < WORKERS; i++) {
            frontends[i] = Ports.freePort();
            text = text.replace("${FE" + i + "}", Integer.toString(frontends[i])).replace("${BE" + i + "}", Integer.toString(backends[i].port));
        }
        config = text;
    }

    /** Starts vxlb on {@link #config}; a frontend port taken meanwhile by another process gets new ports (a few times). */
    io.vxlb.Node startVxlb(io.vertx.core.Vertx vertx) throws Exception {
        for (int attempt = 1; ; attempt++) {
            io.vxlb.config.ParseResult r = new io.vxlb.config.ConfigParser().parse("h1.cfg", config);
            if (!r.ok()) throw new AssertionError("config does not parse: " + r.diagnostics());
            try {
                io.vxlb.Node node = io.vxlb.Node.start(vertx, r.config(), io.vxlb.Node.Options.DEFAULT).await(30, java.util.concurrent.TimeUnit.SECONDS);
                awaitListening(10_000);
                return node;
            } catch (Exception e) {
                if (attempt >= 5 || !bindFailure(e)) throw e;
                System.out.println("h1: a frontend port was taken before vxlb bound it (" + e + "): new ports, attempt " + (attempt + 1));
                newFrontendPorts();
            }
        }
    }

    private static boolean bindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) if (t instanceof java.net.BindException) return true;
        return false;
    }

    /** What one case got: the client's view and the backend's. */
    record Outcome(Case c, RawClient.Result client, List<Seen> seen) {
        String responses() {
            StringBuilder sb = new StringBuilder();
            for (RawClient.Response r : client.responses()) {
                if (sb.length() > 0) sb.append(',');
                sb.append(r.status());
                if (!r.fromServer()) sb.append('*');
            }
            if (sb.length() == 0) sb.append("none");
            sb.append(client.closed() ? " close" : " open");
            if (client.leftover() > 0) sb.append(" partial=").append(client.leftover());
            if (client.malformed() != null) sb.append(" malformed(").append(client.malformed()).append(')');
            if (client.leftover() > 0 || client.malformed() != null) {
                byte[] raw = client.rawTail();
                sb.append(" bytes=").append(H1Corpus.escape(raw, 0, Math.min(raw.length, 96)));
            }
            return sb.toString();
        }

        List<String> backend() {
            List<String> out = new ArrayList<>();
            for (Seen s : seen) out.add(format(s));
            return out;
        }

        String line() {
            List<String> be = backend();
            return responses() + " :: " + (c.clientOnly() ? "*" : be.isEmpty() ? "-" : String.join(" ; ", be));
        }

        /** Status → bytes of the responses the proxy made itself. */
        Map<Integer, byte[]> pages() {
            Map<Integer, byte[]> m = new TreeMap<>();
            for (RawClient.Response r : client.responses()) if (!r.fromServer() && r.status() >= 400) m.put(r.status(), r.raw());
            return m;
        }
    }

    static String format(Seen s) {
        StringBuilder sb = new StringBuilder(s.requestLine().startsWith("!") ? s.requestLine() : H1Corpus.escape(s.requestLine()));
        if (s.headers().size() > 30) {
            sb.append(" {").append(s.headers().size()).append(" headers #")
                    .append(H1Corpus.hash(String.join("\n", s.headers()).getBytes(StandardCharsets.ISO_8859_1))).append('}');
        } else {
            sb.append(" {");
            for (int i = 0; i < s.headers().size(); i++) {
                if (i > 0) sb.append(" | ");
                String h = s.headers().get(i);
                int c = h.indexOf(": ");
                if (h.length() > 120 && c > 0) {
                    byte[] v = h.substring(c + 2).getBytes(StandardCharsets.ISO_8859_1);
                    sb.append(H1Corpus.escape(h.substring(0, c))).append(": ~").append(v.length).append('#').append(H1Corpus.hash(v));
                } else {
                    sb.append(h.startsWith("!") ? h : H1Corpus.escape(h));
                }
            }
            sb.append('}');
        }
        byte[] b = s.body();
        if (b.length > 0) {
            sb.append(" +").append(b.length);
            if (b.length <= 160) sb.append(':').append(H1Corpus.escape(b));
            else sb.append('#').append(H1Corpus.hash(b));
        }
        if (s.problem() != null) sb.append(" !").append(s.problem());
        return sb.toString();
    }

    /** Plays every case, {@link #WORKERS} at a time; the outcomes in corpus order. */
    Map<String, Outcome> run(List<Case> cases) throws InterruptedException {
        ConcurrentLinkedQueue<Case> queue = new ConcurrentLinkedQueue<>(cases);
        Map<String, Outcome> out = new ConcurrentHashMap<>();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        for (int w = 0; w < WORKERS; w++) {
            int worker = w;
            Thread t = new Thread(() -> {
                Case c;
                while ((c = queue.poll()) != null) {
                    try {
                        out.put(c.id(), play(worker, c, List.of(c.bytes())));
                    } catch (Throwable e) {
                        errors.add(new AssertionError(c.id() + ": " + e, e));
                    }
                }
            }, "h1-worker-" + w);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) t.join();
        if (!errors.isEmpty()) throw new AssertionError("harness errors: " + errors, errors.get(0));
        Map<String, Outcome> ordered = new LinkedHashMap<>();
        for (Case c : cases) ordered.put(c.id(), out.get(c.id()));
        return ordered;
    }

    /** One case on worker {@code w}'s pair, the bytes in {@code writes} one write each. */
    Outcome play(int w, Case c, List<byte[]> writes) throws IOException, InterruptedException {
        backends[w].drain();
        RawClient.Result r = RawClient.play(frontends[w], writes, c.halfClose(), FIRST_MILLIS, IDLE_MILLIS);
        if (Boolean.getBoolean("vxlb.h1.debug")) for (RawClient.Response x : r.responses()) System.err.println("DBG client got " + H1Corpus.escape(x.raw()));
        if (Boolean.getBoolean("vxlb.h1.debug")) System.err.println("DBG client tail " + r.leftover() + " " + H1Corpus.escape(r.rawTail()));
        Thread.sleep(60);
        backends[w].awaitQuiet(150, 1500); // what the proxy sends as the client gives up is this case's
        return new Outcome(c, r, backends[w].drain());
    }

    /** Invariants that hold whatever the proxy: the empty list when they all hold. */
    static List<String> violations(Outcome o, Map<Integer, byte[]> referencePages) {
        return violations(o, referencePages, java.util.Set.of());
    }

    /**
     * As {@link #violations(Outcome, Map)}; {@code ownStatuses}: statuses HAProxy 2.6 has no page
     * for that vxlb may answer on this case (deviations.txt kind f: 414, 431), with a
     * well-formed page of HAProxy's layout.
     */
    static List<String> violations(Outcome o, Map<Integer, byte[]> referencePages, java.util.Set<Integer> ownStatuses) {
        List<String> v = new ArrayList<>();
        for (Seen s : o.seen()) {
            if (s.requestLine().startsWith("~")) continue; // tunnel bytes after a CONNECT
            if (s.path().startsWith("/admin")) v.add("smuggled /admin request reached the backend: " + s.requestLine());
            if (s.problem() != null && !s.problem().startsWith("incomplete") && !s.problem().startsWith("eof in")) v.add("the backend got bytes that are not a well-formed request (" + s.problem() + "): " + format(s));
        }
        long complete = o.seen().stream().filter(s -> !s.requestLine().startsWith("~")
                && (s.problem() == null || !(s.problem().startsWith("incomplete") || s.problem().startsWith("eof in")))).count();
        if (complete > o.c().requests()) {
            v.add("the backend saw " + complete + " complete requests, the client sent " + o.c().requests());
        }
        if (o.client().malformed() != null) v.add("malformed response stream: " + o.client().malformed());
        for (RawClient.Response r : o.client().responses()) {
            if (r.fromServer() || r.status() < 400 || r.status() >= 500 || referencePages == null) continue;
            byte[] ref = referencePages.get(r.status());
            if (ref == null && ownStatuses.contains(r.status())) {
                String page = new String(r.raw(), StandardCharsets.ISO_8859_1);
                if (!page.matches("(?s)HTTP/1\\.1 " + r.status() + " [^\r\n]+\r\nContent-length: \\d+\r\nCache-Control: no-cache\r\n(Connection: close\r\n)?Content-Type: text/html\r\n\r\n<html><body><h1>" + r.status() + " .*</body></html>\n")) {
                    v.add("proxy's " + r.status() + " page is not laid out as HAProxy's pages: " + H1Corpus.escape(r.raw()));
                }
            } else if (ref == null) v.add("proxy answered " + r.status() + ", a status HAProxy never produced on this corpus: " + H1Corpus.escape(r.raw()));
            else if (!java.util.Arrays.equals(ref, r.raw())) v.add("proxy's " + r.status() + " differs from HAProxy's: " + H1Corpus.escape(r.raw()));
        }
        return v;
    }

    /** Waits until every frontend accepts connections. */
    void awaitListening(long timeoutMillis) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMillis;
        for (int port : frontends) {
            while (true) {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    break;
                } catch (IOException e) {
                    if (System.currentTimeMillis() > end) throw new IllegalStateException("frontend port " + port + " never listened");
                    Thread.sleep(50);
                }
            }
        }
    }

    /** The recorded answers file: {@code @page} lines and one {@code case :: answer} line per case. */
    record Expected(String version, Map<Integer, byte[]> pages, Map<String, String> lines) {
        static Expected read(Path p) throws IOException {
            Map<Integer, byte[]> pages = new TreeMap<>();
            Map<String, String> lines = new LinkedHashMap<>();
            String version = "?";
            for (String l : Files.readAllLines(p, StandardCharsets.ISO_8859_1)) {
                if (l.startsWith("# version ")) version = l.substring(10).trim();
                if (l.startsWith("#") || l.isBlank()) continue;
                if (l.startsWith("@page ")) {
                    pages.put(Integer.parseInt(l.substring(6, 9)), H1Corpus.decode(l.substring(10)));
                    continue;
                }
                int sep = l.indexOf(" :: ");
                lines.put(l.substring(0, sep), l.substring(sep + 4));
            }
            return new Expected(version, pages, lines);
        }

        void write(Path p) throws IOException {
            StringBuilder sb = new StringBuilder();
            sb.append("# HAProxy's answers to the raw requests of h1/corpus, recorded by H1CorpusIT (src/test/h1/record-haproxy.sh).\n");
            sb.append("# version ").append(version).append('\n');
            sb.append("# @page STATUS BYTES: the exact response HAProxy made itself for that status (escaped as in the corpus)\n");
            sb.append("# CASE :: STATUSES (* = made by the proxy, not the server) close|open [partial=N] :: what the backend saw, ' ; ' between requests:\n");
            sb.append("#   REQUEST-LINE {lower-cased header: value | ...} +BODY-LENGTH:WIRE-BODY (chunk framing as received) !PROBLEM\n");
            sb.append("#   ('*': not compared, @compare client; 'A || B': every answer seen for an @unstable case)\n");
            for (Map.Entry<Integer, byte[]> e : pages.entrySet()) sb.append("@page ").append(e.getKey()).append(' ').append(H1Corpus.escape(e.getValue())).append('\n');
            for (Map.Entry<String, String> e : lines.entrySet()) sb.append(e.getKey()).append(" :: ").append(e.getValue()).append('\n');
            Files.createDirectories(p.toAbsolutePath().getParent());
            Files.writeString(p, sb.toString(), StandardCharsets.ISO_8859_1);
        }
    }

    @Override
    public void close() throws IOException {
        for (RawBackend b : backends) if (b != null) b.close();
    }
}
