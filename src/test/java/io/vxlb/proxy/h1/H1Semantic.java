package io.vxlb.proxy.h1;

import io.vxlb.proxy.h1.RawBackend.Seen;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What a backend saw, read for what it means rather than byte for byte (H1CorpusIT): two proxies
 * agree when the server got the same number of requests, the same request lines, the same
 * end-to-end headers in the same order (names are lower-cased by {@link RawBackend}, values
 * compared exactly), the same framing (chunked, or the same Content-Length number), the same
 * de-chunked body bytes, trailers and completeness, and the same meaning of the hop-by-hop
 * headers where it matters: the persistence tokens of Connection ({@code close},
 * {@code keep-alive}), an upgrade that is in effect (Upgrade named by Connection on HTTP/1.1),
 * the Expect value. The rest of a hop-by-hop header ({@link #HOP}) is this hop's business: chunk
 * boundaries and chunk-size spelling, Transfer-Encoding's case, the Connection header's other
 * tokens, {@code te}, {@code keep-alive}, {@code proxy-connection}, {@code trailer},
 * {@code http2-settings}. A request the backend could not parse, a CONNECT tunnel's bytes and a
 * head of more than 30 headers (recorded as a digest) are compared as recorded.
 *
 * <p>{@link Kind} lists the deliberate forwarding differences {@code deviations.txt} may declare;
 * each is a precise edit of HAProxy's view that must give vxlb's.
 */
final class H1Semantic {
    private H1Semantic() {}

    static final Set<String> HOP = Set.of("connection", "keep-alive", "proxy-connection", "te", "trailer",
            "transfer-encoding", "upgrade", "expect", "http2-settings");

    /** The problems {@link RawBackend} records; the "not finished yet" ones mean an incomplete request, not a bad one. */
    static final List<String> PROBLEMS = List.of("incomplete body", "eof in head", "eof in body", "eof in chunk size",
            "eof in chunk", "eof in trailers", "bad chunk size", "no CRLF after chunk data", "bad request line",
            "bad header line", "bad content-length", "transfer-encoding without chunked last", "several content-length",
            "content-length and transfer-encoding");

    static boolean incomplete(String problem) {
        return problem != null && (problem.startsWith("incomplete") || problem.startsWith("eof in"));
    }

    /**
     * One request as the backend saw it. {@code opaque} non-null: compared as that string only.
     * {@code data} null: only the wire body's length and digest are known ({@code wire}).
     */
    record Req(String opaque, String requestLine, boolean http10, List<String> e2e, String framing,
               Set<String> persistence, String upgrade, String expect, Set<String> named,
               String data, List<String> trailers, String wire, boolean complete) {

        Req e2e(List<String> v) {
            return new Req(opaque, requestLine, http10, v, framing, persistence, upgrade, expect, named, data, trailers, wire, complete);
        }

        Req persistence(Set<String> v) {
            return new Req(opaque, requestLine, http10, e2e, framing, v, upgrade, expect, named, data, trailers, wire, complete);
        }

        Req upgrade(String v) {
            return new Req(opaque, requestLine, http10, e2e, framing, persistence, v, expect, named, data, trailers, wire, complete);
        }

        Req expect(String v) {
            return new Req(opaque, requestLine, http10, e2e, framing, persistence, upgrade, v, named, data, trailers, wire, complete);
        }

        Req trailers(List<String> v) {
            return new Req(opaque, requestLine, http10, e2e, framing, persistence, upgrade, expect, named, data, v, wire, complete);
        }

        /** Only the wire form: when one side's body is known by its digest only. */
        Req wireOnly() {
            return new Req(opaque, requestLine, http10, e2e, framing, persistence, upgrade, expect, named, null, List.of(), wire, complete);
        }

        @Override
        public String toString() {
            if (opaque != null) return opaque;
            return requestLine + " e2e=" + e2e + " framing=" + framing + " persistence=" + persistence
                    + (upgrade != null ? " upgrade=" + upgrade : "") + (expect != null ? " expect=" + expect : "")
                    + (data != null ? " data=" + data + (trailers.isEmpty() ? "" : " trailers=" + trailers) : " wire=" + wire)
                    + (complete ? "" : " incomplete");
        }
    }

    /** A whole answer: the client's side (statuses, close/open...) and the backend's requests ({@code null}: not compared). */
    record View(String client, List<Req> backend) {}

    /** An answer line of the expected/actual files. */
    static View parseLine(String line) {
        int sep = line.indexOf(" :: ");
        String client = line.substring(0, sep);
        String be = line.substring(sep + 4);
        if (be.equals("*")) return new View(client, null);
        List<Req> reqs = new ArrayList<>();
        if (!be.equals("-")) for (String r : be.split(" ; ")) reqs.add(parseRequest(r, null));
        return new View(client, reqs);
    }

    /** vxlb's answer, from what the backend recorded (the whole bodies, not digests of the long ones). */
    static View of(H1Harness.Outcome o) {
        String client = o.responses();
        if (o.c().clientOnly()) return new View(client, null);
        List<Req> reqs = new ArrayList<>();
        for (Seen s : o.seen()) reqs.add(parseRequest(H1Harness.format(s), s.body()));
        return new View(client, reqs);
    }

    /** One request formatted by {@link H1Harness#format}; {@code body}: the real wire body when known. */
    static Req parseRequest(String r, byte[] body) {
        String problem = null;
        String rest = r;
        for (String p : PROBLEMS) {
            if (rest.endsWith(" !" + p)) {
                problem = p;
                rest = rest.substring(0, rest.length() - p.length() - 2);
                break;
            }
        }
        int open = rest.indexOf(" {");
        if (rest.startsWith("!") || rest.startsWith("~") || open < 0 || (problem != null && !incomplete(problem))) {
            return opaque(r);
        }
        String requestLine = rest.substring(0, open);
        int close = -1;
        for (int i = open + 2; i < rest.length(); i++) {
            if (rest.charAt(i) != '}') continue;
            if (i + 1 == rest.length() || rest.startsWith(" +", i + 1)) {
                close = i;
                break;
            }
        }
        if (close < 0) return opaque(r);
        String hs = rest.substring(open + 2, close);
        if (hs.matches("\\d+ headers #[0-9a-f]{8}")) return opaque(r);
        List<String[]> headers = new ArrayList<>();
        if (!hs.isEmpty()) {
            for (String h : hs.split(" \\| ")) {
                int c = h.indexOf(": ");
                if (h.startsWith("!")) return opaque(r);
                if (c < 0) {
                    if (!h.endsWith(":")) return opaque(r);
                    headers.add(new String[]{h.substring(0, h.length() - 1), ""});
                } else {
                    headers.add(new String[]{h.substring(0, c), h.substring(c + 2)});
                }
            }
        }
        String b = rest.substring(close + 1);
        byte[] wireBytes = body;
        if (b.isEmpty()) {
            if (wireBytes == null) wireBytes = new byte[0];
        } else if (b.startsWith(" +")) {
            int i = 2;
            while (i < b.length() && Character.isDigit(b.charAt(i))) i++;
            String len = b.substring(2, i);
            if (i < b.length() && b.charAt(i) == ':') {
                if (wireBytes == null) wireBytes = H1Corpus.decode(b.substring(i + 1));
            } else if (i < b.length() && b.charAt(i) == '#') {
                if (wireBytes == null) return build(requestLine, headers, null, len + "#" + b.substring(i + 1), problem);
            } else {
                return opaque(r);
            }
        } else {
            return opaque(r);
        }
        return build(requestLine, headers, wireBytes, wireBytes.length + "#" + H1Corpus.hash(wireBytes), problem);
    }

    private static Req opaque(String r) {
        return new Req(r, null, false, List.of(), null, Set.of(), null, null, Set.of(), null, List.of(), null, true);
    }

    private static Req build(String requestLine, List<String[]> headers, byte[] wireBytes, String wire, String problem) {
        boolean http10 = requestLine.endsWith(" HTTP/1.0");
        Set<String> tokens = new LinkedHashSet<>();
        List<String> te = new ArrayList<>(), cl = new ArrayList<>(), upgrade = new ArrayList<>(), expect = new ArrayList<>();
        List<String> e2e = new ArrayList<>();
        for (String[] h : headers) {
            String name = h[0].toLowerCase(Locale.ROOT);
            switch (name) {
                case "connection" -> {
                    for (String t : h[1].split(",")) if (!t.isBlank()) tokens.add(t.strip().toLowerCase(Locale.ROOT));
                }
                case "transfer-encoding" -> te.add(h[1]);
                case "content-length" -> cl.add(h[1]);
                case "upgrade" -> upgrade.add(h[1]);
                case "expect" -> expect.add(h[1]);
                default -> {
                    if (!HOP.contains(name)) e2e.add(name + ": " + h[1]);
                }
            }
        }
        Set<String> persistence = new LinkedHashSet<>();
        Set<String> named = new LinkedHashSet<>();
        for (String t : tokens) {
            if (t.equals("close") || t.equals("keep-alive")) persistence.add(t);
            else if (!t.equals("upgrade")) named.add(t);
        }
        String up = !http10 && tokens.contains("upgrade") && !upgrade.isEmpty()
                ? String.join(", ", upgrade).toLowerCase(Locale.ROOT) : null;
        String exp = expect.isEmpty() ? null : String.join(", ", expect).toLowerCase(Locale.ROOT);
        String framing;
        boolean chunked = false;
        if (!te.isEmpty()) {
            String codings = String.join(",", te).toLowerCase(Locale.ROOT);
            String[] parts = codings.split(",");
            chunked = parts[parts.length - 1].strip().equals("chunked");
            framing = chunked && parts.length == 1 ? "chunked" : "transfer-encoding " + codings;
            if (!cl.isEmpty()) framing += " + content-length " + cl;
        } else if (!cl.isEmpty()) {
            framing = contentLength(cl);
        } else {
            framing = "none";
        }
        boolean complete = problem == null;
        String data = null;
        List<String> trailers = List.of();
        if (wireBytes != null) {
            if (chunked) {
                Dechunked d = dechunk(wireBytes);
                data = H1Corpus.escape(d.data);
                trailers = d.trailers;
                if (!d.complete) complete = false;
            } else {
                data = H1Corpus.escape(wireBytes);
            }
        }
        return new Req(null, requestLine, http10, List.copyOf(e2e), framing, persistence, up, exp, named, data, trailers, wire, complete);
    }

    /** "length N" when every value of every line is the same number; else as recorded. */
    private static String contentLength(List<String> cl) {
        BigInteger n = null;
        for (String line : cl) {
            for (String v : line.split(",", -1)) {
                String t = v.strip();
                if (!t.matches("[0-9]+")) return "content-length " + cl;
                BigInteger x = new BigInteger(t);
                if (n != null && !n.equals(x)) return "content-length " + cl;
                n = x;
            }
        }
        return "length " + n;
    }

    record Dechunked(byte[] data, List<String> trailers, boolean complete) {}

    /** A chunked wire body (as {@link RawBackend} records it: CRLF line ends) into its data and trailers. */
    static Dechunked dechunk(byte[] w) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        List<String> trailers = new ArrayList<>();
        int p = 0;
        while (true) {
            int eol = indexOfCrlf(w, p);
            if (eol < 0) return new Dechunked(data.toByteArray(), trailers, false);
            String sl = new String(w, p, eol - p, StandardCharsets.ISO_8859_1);
            int e = 0;
            while (e < sl.length() && Character.digit(sl.charAt(e), 16) >= 0) e++;
            if (e == 0 || e > 15) return new Dechunked(data.toByteArray(), trailers, false);
            long size = Long.parseLong(sl.substring(0, e), 16);
            p = eol + 2;
            if (size == 0) {
                while (true) {
                    int t = indexOfCrlf(w, p);
                    if (t < 0) return new Dechunked(data.toByteArray(), trailers, false);
                    if (t == p) return new Dechunked(data.toByteArray(), trailers, true);
                    trailers.add(H1Corpus.escape(w, p, t - p));
                    p = t + 2;
                }
            }
            int n = (int) Math.min(size, w.length - p);
            data.write(w, p, n);
            p += n;
            if (n < size || p + 2 > w.length) return new Dechunked(data.toByteArray(), trailers, false);
            p += 2;
        }
    }

    private static int indexOfCrlf(byte[] w, int from) {
        for (int i = from; i + 1 < w.length; i++) if (w[i] == '\r' && w[i + 1] == '\n') return i;
        return -1;
    }

    /** Null when a and b mean the same to a server; else the first difference, for the report. */
    static String difference(Req a, Req b) {
        if (a.opaque() != null || b.opaque() != null) return Objects.equals(a.opaque(), b.opaque()) ? null : "recorded as " + a.opaque() + " / " + b.opaque();
        if (!a.requestLine().equals(b.requestLine())) return "request line " + a.requestLine() + " / " + b.requestLine();
        if (!a.e2e().equals(b.e2e())) return "end-to-end headers " + a.e2e() + " / " + b.e2e();
        if (!a.framing().equals(b.framing())) return "framing " + a.framing() + " / " + b.framing();
        if (!a.persistence().equals(b.persistence())) return "connection persistence " + a.persistence() + " / " + b.persistence();
        if (!Objects.equals(a.upgrade(), b.upgrade())) return "upgrade " + a.upgrade() + " / " + b.upgrade();
        if (!Objects.equals(a.expect(), b.expect())) return "expect " + a.expect() + " / " + b.expect();
        if (a.complete() != b.complete()) return "complete " + a.complete() + " / " + b.complete();
        if (a.data() == null || b.data() == null) {
            return a.wire().equals(b.wire()) ? null : "body (digest) " + a.wire() + " / " + b.wire();
        }
        if (!a.data().equals(b.data())) return "body " + a.data() + " / " + b.data();
        if (!a.trailers().equals(b.trailers())) return "trailers " + a.trailers() + " / " + b.trailers();
        return null;
    }

    /** Null when the backends saw the same requests (same count, each the same); else the first difference. */
    static String difference(List<Req> a, List<Req> b) {
        if (a == null || b == null) return null;
        if (a.size() != b.size()) return "the backend saw " + a.size() + " / " + b.size() + " requests";
        for (int i = 0; i < a.size(); i++) {
            String d = difference(a.get(i), b.get(i));
            if (d != null) return "request " + (i + 1) + ": " + d;
        }
        return null;
    }

    /** Null when HAProxy's answer {@code h} and vxlb's {@code v} are the same; else why not. */
    static String difference(View h, View v) {
        if (!h.client().equals(v.client())) return "client got " + h.client() + " / " + v.client();
        return difference(h.backend(), v.backend());
    }

    /**
     * The deliberate forwarding differences from HAProxy that {@code deviations.txt} may declare:
     * each is an edit of HAProxy's view of one case, and vxlb's view must be HAProxy's with
     * exactly the declared edits (and each edit must change something).
     */
    enum Kind {
        /** a: the headers Connection names are removed (RFC 9110 7.6.1), never the framing or Host. */
        CONNECTION_NAMED('a') {
            @Override
            Req edit(Req r) {
                List<String> kept = new ArrayList<>();
                for (String h : r.e2e()) {
                    String name = h.substring(0, h.indexOf(':'));
                    if (name.equals("host") || !r.named().contains(name)) kept.add(h);
                }
                return r.e2e(List.copyOf(kept));
            }
        },
        /** b: trailers are dropped (the issue allows "forwarded or dropped consistently"). */
        TRAILERS_DROPPED('b') {
            @Override
            Req edit(Req r) {
                return r.trailers(List.of());
            }
        },
        /** c: an h2c upgrade is not forwarded (h2c smuggling); the request goes on as a plain one. */
        H2C_STRIPPED('c') {
            @Override
            Req edit(Req r) {
                return r.upgrade() != null && r.upgrade().matches("h2c?(,.*)?") ? r.upgrade(null) : r;
            }
        },
        /** d: HTTP/1.0 requests go to the server without {@code connection: keep-alive}. */
        HTTP10_NO_KEEPALIVE('d') {
            @Override
            Req edit(Req r) {
                if (!r.http10() || !r.persistence().contains("keep-alive")) return r;
                Set<String> p = new LinkedHashSet<>(r.persistence());
                p.remove("keep-alive");
                return r.persistence(p);
            }
        },
        /** e: an Expect other than 100-continue is not forwarded. */
        UNKNOWN_EXPECT_DROPPED('e') {
            @Override
            Req edit(Req r) {
                return r.expect() != null && !r.expect().equals("100-continue") ? r.expect(null) : r;
            }
        },
        /** f: 414 (request line) or 431 (head) where HAProxy 2.6 answers 400; nothing forwarded either way. */
        TOO_LARGE_STATUS('f') {
            @Override
            Req edit(Req r) {
                return r;
            }

            @Override
            View edit(View h, View v) {
                if (h.client().equals("400* close") && v.client().matches("(414|431)\\* close")) return new View(v.client(), h.backend());
                return h;
            }
        };

        final char letter;

        Kind(char letter) {
            this.letter = letter;
        }

        abstract Req edit(Req r);

        View edit(View h, View v) {
            if (h.backend() == null) return h;
            List<Req> out = new ArrayList<>();
            for (Req r : h.backend()) out.add(r.opaque() != null ? r : edit(r));
            return new View(h.client(), out);
        }

        static Kind of(char c) {
            for (Kind k : values()) if (k.letter == c) return k;
            throw new IllegalArgumentException("deviation kind '" + c + "' is not one of a-f");
        }
    }

    /**
     * Null when vxlb's view {@code v} is HAProxy's {@code h} with exactly the edits of
     * {@code kinds}, each of which changes HAProxy's view; else why not.
     */
    static String deviation(View h, View v, Set<Kind> kinds) {
        View edited = h;
        for (Kind k : kinds) {
            View next = k.edit(edited, v);
            if (next.equals(edited)) return "deviation kind " + k.letter + " (" + k + ") does not apply to HAProxy's answer";
            edited = next;
        }
        String d = difference(edited, v);
        return d == null ? null : "not HAProxy's answer with deviations " + kinds + ": " + d;
    }
}
