package io.vxlb.log;

import io.vertx.core.net.SocketAddress;
import io.vxlb.config.Capture;
import io.vxlb.rules.Txn;

import java.util.List;

/**
 * What one HTTP transaction logs: filled in as the exchange progresses (times in nanoTime,
 * converted to HAProxy's millisecond timers when the line is written).
 */
public final class HttpLogRecord {
    public final String frontend;
    public final SocketAddress client;
    public final boolean ssl;
    /** Wall-clock time the request's first byte was received, for %tr. */
    public long acceptedMillis;
    /** The request head was complete (nanoTime): the end of %TR. */
    public final long start;
    /** The request's first byte arrived (nanoTime): the start of %TR and %Ta. */
    public long firstByte;
    /** The connection became idle before this request (accept or previous response end): the start of %Ti and %Tt. */
    public long idleFrom;
    /** No request was ever parsed on the connection: %TR is -1 and the request line "<BADREQ>". */
    public boolean badRequest;
    /** Held by "http-request tarpit": HAProxy logs %TR -1 and the time held as %Tw (from queueLeft). */
    public boolean tarpitted;
    public String backend;
    public String server;
    /** When the request left a server or backend queue (nanoTime), 0 when it never waited: %Tw. */
    public long queueLeft;
    /** %sq / %bq: HAProxy's queue positions (0 when the request did not go through that queue). */
    public int serverQueue, backendQueue;
    public long connectStart;
    public long connected;
    public long responseHeaders;
    public int status;
    public long bytesOut;
    /** Two letters of %tsc: termination cause and session state; "--" for a normal end. */
    public Termination terminationState = Termination.NORMAL;
    /**
     * The last two letters of %tsc: what the client's persistence cookie did (N none, I invalid,
     * D down server, V valid, U unused) and what became of the server's (N, P passed, D deleted,
     * I inserted, R rewritten); '-' when the backend has no active persistence cookie.
     */
    public char cookieRequest = '-', cookieResponse = '-';
    private String method, uri, version;
    /** The request's unique-id (unique-id-format), once made; %ID. */
    public String uniqueId;
    public String[] capturedRequest;
    public String[] capturedResponse;
    /** The address the client connected to (%fi:%fp); null when unknown. */
    public SocketAddress local;
    /** The server's address as connected (%si:%sp); null before a server was chosen. */
    public String serverAddress;
    public int serverPort;
    /** Set when the line is written: connection counters and the end of the transaction (nanoTime). */
    public HttpLogLine.Counters counters;
    public long end;

    public HttpLogRecord(String frontend, SocketAddress client, boolean ssl) {
        this(frontend, client, ssl, System.nanoTime());
    }

    private HttpLogRecord(String frontend, SocketAddress client, boolean ssl, long start) {
        this.frontend = frontend;
        this.client = client;
        this.ssl = ssl;
        this.start = start;
        this.firstByte = start;
        this.idleFrom = start;
        this.acceptedMillis = System.currentTimeMillis() - (System.nanoTime() - start) / 1_000_000L;
    }

    /** When the request's first byte came and since when the connection had been idle (nanoTime). */
    public void requestStarted(long firstByte, long idleFrom, long headComplete) {
        this.acceptedMillis -= (start - firstByte) / 1_000_000L;
        this.firstByte = firstByte;
        this.idleFrom = Math.min(idleFrom, firstByte);
        this.headComplete = headComplete;
    }

    /** When the HTTP/1 layer had the whole head (nanoTime); 0: the record's start. */
    private long headComplete;

    /** A connection that closed or timed out before sending a whole request head. */
    public static HttpLogRecord badRequest(String frontend, SocketAddress client, boolean ssl, int status, Termination termination, long since) {
        HttpLogRecord r = new HttpLogRecord(frontend, client, ssl, since);
        r.badRequest = true;
        r.status = status;
        r.terminationState = termination;
        return r;
    }

    /**
     * {@code capture request|response header NAME len N}: the last occurrence of each header,
     * cut to N characters, "" when absent; null when the proxy captures nothing on that side
     * (HAProxy then omits the field from the log line).
     */
    public static String[] capture(List<Capture> captures, boolean request, Txn t) {
        int n = 0;
        for (Capture c : captures) if (c.request() == request) n++;
        if (n == 0) return null;
        String[] out = new String[n];
        int i = 0;
        for (Capture c : captures) {
            if (c.request() != request) continue;
            if (c.header() == null) {
                out[i++] = null;  // filled by an http-request/http-response capture action, if it runs
                continue;
            }
            String v = null;  // absent: an empty slot, as HAProxy's (capture.req.hdr(N) finds no sample)
            int count = request ? t.requestHeaderCount() : t.responseHeaderCount();
            for (int h = 0; h < count; h++) {
                String name = request ? t.requestHeaderName(h) : t.responseHeaderName(h);
                if (name.equalsIgnoreCase(c.header())) v = request ? t.requestHeaderValue(h) : t.responseHeaderValue(h);
            }
            out[i++] = v != null && v.length() > c.length() ? v.substring(0, c.length()) : v;
        }
        return out;
    }

    /** The request line as received; kept as parts and joined only when a log line is written. */
    public void request(String method, String uri, String version) {
        this.method = method;
        this.uri = uri;
        this.version = version;
    }

    public String method() {
        return method;
    }

    public String uri() {
        return uri;
    }

    public String version() {
        return version;
    }

    public String requestLine() {
        if (badRequest) return "<BADREQ>";
        return method + " " + uri + " HTTP/" + version;
    }

    /** %TR: the request's first byte to its complete head; -1 without a parsed (or for a tarpitted) request. */
    long tr() {
        // up to the complete head as the HTTP/1 layer read it, not to when the exchange began
        return badRequest || tarpitted ? -1 : millisBetween(firstByte, headComplete > firstByte ? headComplete : firstByte);
    }

    /** %Tw: time in a queue after the head; 0 when the request went straight to a server, -1 when it never got that far. */
    long tw() {
        return queueLeft != 0 ? millisBetween(start, queueLeft) : connectStart == 0 ? -1 : 0;
    }

    /** %Tc: connecting to the server. */
    long tc() {
        return millisBetween(connectStart, connected);
    }

    /** %Tr: the server's response head, from the connection being ready. */
    long tResponse() {
        return millisBetween(connected, responseHeaders);
    }

    /** %Ta: the request's first byte to {@code end} (nanoTime). */
    long ta(long end) {
        return millisBetween(firstByte, end);
    }

    static long millisBetween(long from, long to) {
        return from == 0 || to == 0 ? -1 : Math.max(0, (to - from) / 1_000_000);
    }

    private static final java.time.format.DateTimeFormatter GMT = java.time.format.DateTimeFormatter
            .ofPattern("dd/MMM/yyyy:HH:mm:ss Z", java.util.Locale.ENGLISH).withZone(java.time.ZoneOffset.UTC);
    private static final java.time.format.DateTimeFormatter LOCAL = java.time.format.DateTimeFormatter
            .ofPattern("dd/MMM/yyyy:HH:mm:ss Z", java.util.Locale.ENGLISH).withZone(java.time.ZoneId.systemDefault());
    private static final String HOSTNAME = hostname();

    private static String hostname() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }

    /**
     * A log variable's value (section 8.2.6), for a {@code log-format} line and for header formats
     * during the request. Timers count in ms from the request's first byte ({@code firstByte}),
     * -1 for a step never reached; what vxlb does not track (%U, %CC, %CS, %ID, %bi, %bp, TLS
     * details) is written as HAProxy writes an absent value, "-" (0 for %U).
     */
    public void appendVariable(String name, Txn txn, StringBuilder out) {
        long now = end != 0 ? end : System.nanoTime();
        HttpLogLine.Counters c = counters;
        switch (name) {
            case "ci" -> out.append(txn.srcAddress());
            case "ID" -> {
                String id = txn.uniqueId();
                if (id != null && !id.isEmpty()) out.append(id);
                else out.append('-');
            }
            case "cp" -> out.append(txn.srcPort());
            case "fi" -> out.append(local != null ? local.hostAddress() : txn.dstAddress());
            case "fp" -> out.append(local != null ? local.port() : txn.dstPort());
            case "f" -> out.append(frontend);
            case "ft" -> out.append(frontend).append(ssl ? "~" : "");
            case "b" -> out.append(backend == null ? frontend : backend);
            case "s" -> out.append(server == null ? "<NOSRV>" : server);
            case "si" -> out.append(serverAddress == null ? "-" : serverAddress);
            case "sp" -> out.append(serverAddress == null ? "-" : Integer.toString(serverPort));
            case "ST" -> out.append(status);
            case "B" -> out.append(bytesOut);
            case "U" -> out.append(0);
            case "sq" -> out.append(serverQueue);
            case "bq" -> out.append(backendQueue);
            case "ac" -> out.append(c == null ? 0 : c.active());
            case "fc" -> out.append(c == null ? 0 : c.frontend());
            case "bc" -> out.append(c == null ? 0 : c.backend());
            case "sc" -> out.append(c == null ? 0 : c.server());
            case "rc" -> out.append(c != null && c.redispatched() ? "+" : "").append(c == null ? 0 : c.retries());
            case "ts" -> out.append(terminationState);
            case "tsc" -> out.append(terminationState).append(cookieRequest).append(cookieResponse);
            case "TR" -> out.append(tr());
            case "Tw" -> out.append(tw());
            case "Tc" -> out.append(tc());
            case "Tr" -> out.append(tResponse());
            case "Ta" -> out.append(ta(now));
            case "Th" -> out.append(0);
            case "Ti" -> out.append(millisBetween(idleFrom, firstByte));
            case "Tq" -> out.append(badRequest ? -1 : millisBetween(idleFrom, start));
            case "Tt" -> out.append(millisBetween(idleFrom, now));
            case "Tu" -> out.append(millisBetween(firstByte, now));
            case "Td" -> out.append(responseHeaders == 0 ? -1 : millisBetween(responseHeaders, now));
            case "t", "tr" -> out.append(HttpLogLine.TR.format(java.time.Instant.ofEpochMilli(acceptedMillis)));
            case "trg", "T" -> out.append(GMT.format(java.time.Instant.ofEpochMilli(acceptedMillis)));
            case "trl", "Tl" -> out.append(LOCAL.format(java.time.Instant.ofEpochMilli(acceptedMillis)));
            case "Ts" -> out.append(acceptedMillis / 1000);
            case "ms" -> {
                long ms = acceptedMillis % 1000;
                out.append(ms < 10 ? "00" : ms < 100 ? "0" : "").append(ms);
            }
            case "hr" -> appendCaptures(out, capturedRequest, '|', true);
            case "hs" -> appendCaptures(out, capturedResponse, '|', true);
            case "hrl" -> appendCaptures(out, capturedRequest, ' ', false);
            case "hsl" -> appendCaptures(out, capturedResponse, ' ', false);
            case "HM" -> out.append(badRequest ? "<BADREQ>" : method);
            case "HU" -> out.append(badRequest ? "<BADREQ>" : uri);
            case "HP", "HPO" -> {
                if (badRequest) out.append("<BADREQ>");
                else {
                    int q = uri.indexOf('?');
                    String path = q < 0 ? uri : uri.substring(0, q);
                    // %HPO: the path only, without the scheme and authority of an absolute URI
                    out.append(name.equals("HPO") ? pathOnly(path) : path);
                }
            }
            case "HQ" -> {
                int q = uri == null ? -1 : uri.indexOf('?');
                if (q >= 0) out.append(uri, q, uri.length());
            }
            case "HV" -> out.append(badRequest ? "<BADREQ>" : "HTTP/" + version);
            case "r" -> out.append(requestLine());
            case "H" -> out.append(HOSTNAME);
            case "pid" -> out.append(ProcessHandle.current().pid());
            default -> out.append('-');
        }
    }

    /** The path of an absolute-form target ("http://h/p" gives "/p"; "http://h" gives ""); other targets as they are. */
    static String pathOnly(String target) {
        int scheme = target.indexOf("://");
        if (scheme <= 0 || target.lastIndexOf('/', scheme) >= 0) return target;
        int slash = target.indexOf('/', scheme + 3);
        return slash < 0 ? "" : target.substring(slash);
    }

    /** %hr/%hs as "{a|b}", %hrl/%hsl as space-separated values ("-" for an empty one); nothing when none is captured. */
    static void appendCaptures(StringBuilder out, String[] values, char sep, boolean braces) {
        if (values == null || values.length == 0) return;
        if (braces) out.append('{');
        for (int i = 0; i < values.length; i++) {
            if (i > 0) out.append(sep);
            String v = values[i];
            if (v != null && !v.isEmpty()) out.append(v);
            else if (!braces) out.append('-');
        }
        if (braces) out.append('}');
    }
}
