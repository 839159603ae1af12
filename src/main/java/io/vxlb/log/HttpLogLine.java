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
    /** %tr and %t: local time with milliseconds. */
    static final DateTimeFormatter TR = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss.SSS", Locale.ENGLISH)
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
        sb.append(r.tr()).append('/').append(r.tw()).append('/').append(r.tc()).append('/').append(r.tResponse())
                .append('/').append(r.ta(System.nanoTime())).append(' ');
        sb.append(r.status).append(' ').append(r.bytesOut).append(" - - ");
        sb.append(r.terminationState).append(r.cookieRequest).append(r.cookieResponse).append(' ');
        sb.append(c.active()).append('/').append(c.frontend()).append('/').append(c.backend()).append('/').append(c.server())
                .append('/').append(c.redispatched() ? "+" : "").append(c.retries()).append(' ');
        sb.append(r.serverQueue).append('/').append(r.backendQueue);
        // {v1|v2}: HAProxy omits the field entirely when nothing is captured on that side
        if (r.capturedRequest != null && r.capturedRequest.length > 0) HttpLogRecord.appendCaptures(sb.append(' '), r.capturedRequest, '|', true);
        if (r.capturedResponse != null && r.capturedResponse.length > 0) HttpLogRecord.appendCaptures(sb.append(' '), r.capturedResponse, '|', true);
        sb.append(" \"").append(r.requestLine()).append('"');
        return sb.toString();
    }
}
