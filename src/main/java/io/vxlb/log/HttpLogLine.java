package io.vxlb.log;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * HAProxy 2.6's {@code option httplog} line, field for field:
 * {@code %ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r}.
 * Written directly (not through the generic log-format engine) because it is the hot default.
 */
public final class HttpLogLine {
    private static final DateTimeFormatter TR = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss.SSS", Locale.ENGLISH)
            .withZone(ZoneId.systemDefault());

    private HttpLogLine() {}

    /** Connection counters at log time: %ac %fc %bc %sc, and the retries %rc ("+" prefix when redispatched). */
    public record Counters(int active, int frontend, int backend, int server, int retries, boolean redispatched) {}

    public static String format(HttpLogRecord r, Counters c) {
        StringBuilder sb = new StringBuilder(160);
        sb.append(r.client.hostAddress()).append(':').append(r.client.port());
        sb.append(" [").append(TR.format(Instant.ofEpochMilli(r.acceptedMillis))).append("] ");
        sb.append(r.frontend).append(r.ssl ? "~" : "").append(' ');
        sb.append(r.backend == null ? r.frontend : r.backend).append('/').append(r.server == null ? "<NOSRV>" : r.server).append(' ');
        long end = System.nanoTime();
        long tc = HttpLogRecord.millisBetween(r.connectStart, r.connected);
        long tr = HttpLogRecord.millisBetween(r.connected, r.responseHeaders);
        // %TR: first byte to complete head; %Tw: time in a queue after it, 0 when the request went straight
        // to a server, -1 when it never got that far; %Ta: first byte to the end
        long tw = r.queueLeft != 0 ? HttpLogRecord.millisBetween(r.start, r.queueLeft) : r.connectStart == 0 ? -1 : 0;
        sb.append(r.badRequest || r.tarpitted ? -1 : HttpLogRecord.millisBetween(r.firstByte, r.start)).append('/').append(tw).append('/').append(tc).append('/').append(tr)
                .append('/').append(HttpLogRecord.millisBetween(r.firstByte, end)).append(' ');
        sb.append(r.status).append(' ').append(r.bytesOut).append(" - - ");
        sb.append(r.terminationState).append(r.cookieRequest).append(r.cookieResponse).append(' ');
        sb.append(c.active()).append('/').append(c.frontend()).append('/').append(c.backend()).append('/').append(c.server())
                .append('/').append(c.redispatched() ? "+" : "").append(c.retries()).append(' ');
        sb.append(r.serverQueue).append('/').append(r.backendQueue);
        appendCaptures(sb, r.capturedRequest);
        appendCaptures(sb, r.capturedResponse);
        sb.append(" \"").append(r.requestLine()).append('"');
        return sb.toString();
    }

    /** {@code {v1|v2}}: HAProxy omits the field entirely when nothing is captured on that side. */
    private static void appendCaptures(StringBuilder sb, String[] values) {
        if (values == null || values.length == 0) return;
        sb.append(" {");
        for (int i = 0; i < values.length; i++) {
            if (i > 0) sb.append('|');
            if (values[i] != null) sb.append(values[i]);
        }
        sb.append('}');
    }
}
