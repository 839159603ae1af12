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
    /** Wall-clock time the request was received, for %tr. */
    public final long acceptedMillis;
    public final long start;
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
    public String terminationState = "--";
    /**
     * The last two letters of %tsc: what the client's persistence cookie did (N none, I invalid,
     * D down server, V valid, U unused) and what became of the server's (N, P passed, D deleted,
     * I inserted, R rewritten); '-' when the backend has no active persistence cookie.
     */
    public char cookieRequest = '-', cookieResponse = '-';
    private String method, uri, version;
    public String[] capturedRequest;
    public String[] capturedResponse;

    public HttpLogRecord(String frontend, SocketAddress client, boolean ssl) {
        this(frontend, client, ssl, System.nanoTime());
    }

    private HttpLogRecord(String frontend, SocketAddress client, boolean ssl, long start) {
        this.frontend = frontend;
        this.client = client;
        this.ssl = ssl;
        this.start = start;
        this.acceptedMillis = System.currentTimeMillis() - (System.nanoTime() - start) / 1_000_000L;
    }

    /** A connection that closed or timed out before sending a whole request head. */
    public static HttpLogRecord badRequest(String frontend, SocketAddress client, boolean ssl, int status, String termination, long since) {
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
            String v = "";
            int count = request ? t.requestHeaderCount() : t.responseHeaderCount();
            for (int h = 0; h < count; h++) {
                String name = request ? t.requestHeaderName(h) : t.responseHeaderName(h);
                if (name.equalsIgnoreCase(c.header())) v = request ? t.requestHeaderValue(h) : t.responseHeaderValue(h);
            }
            out[i++] = v.length() > c.length() ? v.substring(0, c.length()) : v;
        }
        return out;
    }

    /** The request line as received; kept as parts and joined only when a log line is written. */
    public void request(String method, String uri, String version) {
        this.method = method;
        this.uri = uri;
        this.version = version;
    }

    public String requestLine() {
        if (badRequest) return "<BADREQ>";
        return method + " " + uri + " HTTP/" + version;
    }

    static long millisBetween(long from, long to) {
        return from == 0 || to == 0 ? -1 : Math.max(0, (to - from) / 1_000_000);
    }

    /** Values of log variables used inside header formats (%ci, %ST...); unknown ones give "-". */
    public void appendVariable(String name, Txn txn, StringBuilder out) {
        switch (name) {
            case "ci" -> out.append(txn.srcAddress());
            case "cp" -> out.append(txn.srcPort());
            case "fi" -> out.append(txn.dstAddress());
            case "fp" -> out.append(txn.dstPort());
            case "f", "ft" -> out.append(frontend).append(ssl && name.equals("ft") ? "~" : "");
            case "b" -> out.append(backend == null ? frontend : backend);
            case "s" -> out.append(server == null ? "<NOSRV>" : server);
            case "ST" -> out.append(status);
            case "sq" -> out.append(serverQueue);
            case "bq" -> out.append(backendQueue);
            case "HM" -> out.append(txn.method());
            case "HU" -> out.append(txn.uri());
            case "HV" -> out.append("HTTP/").append(txn.version());
            case "r" -> out.append(requestLine());
            case "pid" -> out.append(ProcessHandle.current().pid());
            default -> out.append('-');
        }
    }
}
