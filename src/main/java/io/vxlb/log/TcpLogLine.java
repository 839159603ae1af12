package io.vxlb.log;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * HAProxy 2.6's {@code option tcplog} line, field for field:
 * {@code %ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq}.
 * %t is the accept date; %ts is the two-letter termination state (no cookie letters).
 */
public final class TcpLogLine {
    private static final DateTimeFormatter T = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss.SSS", Locale.ENGLISH)
            .withZone(ZoneId.systemDefault());

    private TcpLogLine() {}

    /**
     * @param tw queue time (0 when it went straight to a server, -1 when it never got that far)
     * @param tc connect time including retries, -1 when no connection was established
     * @param tt total session time
     */
    public static String format(String clientAddress, int clientPort, long acceptedMillis, String frontend, String backend,
                                String server, long tw, long tc, long tt, long bytesOut, Termination termination,
                                HttpLogLine.Counters c, int serverQueue, int backendQueue) {
        StringBuilder sb = new StringBuilder(128);
        sb.append(clientAddress).append(':').append(clientPort);
        sb.append(" [").append(T.format(Instant.ofEpochMilli(acceptedMillis))).append("] ");
        sb.append(frontend).append(' ');
        sb.append(backend == null ? frontend : backend).append('/').append(server == null ? "<NOSRV>" : server).append(' ');
        sb.append(tw).append('/').append(tc).append('/').append(tt).append(' ');
        sb.append(bytesOut).append(' ').append(termination).append(' ');
        sb.append(c.active()).append('/').append(c.frontend()).append('/').append(c.backend()).append('/').append(c.server())
                .append('/').append(c.redispatched() ? "+" : "").append(c.retries()).append(' ');
        sb.append(serverQueue).append('/').append(backendQueue);
        return sb.toString();
    }
}
