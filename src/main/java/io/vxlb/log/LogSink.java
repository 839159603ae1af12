package io.vxlb.log;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vxlb.config.LogTarget;

import java.io.PrintStream;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivers log lines to one {@code log} target without ever blocking the event loop: UDP
 * syslog through a Vert.x datagram socket, unix datagram sockets ({@code /dev/log}) through
 * {@link UnixDatagramSender}, stdout/stderr through a bounded queue drained by one daemon thread
 * (lines are dropped and counted when it is full, as a syslog socket would). Headers are
 * HAProxy 2.6's (log.c build_log_header) byte for byte; a line is cut at the target's
 * {@code len} and ends with a line feed.
 */
public final class LogSink {
    private static final List<String> FACILITIES = List.of("kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
            "uucp", "cron", "auth2", "ftp", "ntp", "audit", "alert", "cron2",
            "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7");
    private static final List<String> LEVELS = List.of("emerg", "alert", "crit", "err", "warning", "notice", "info", "debug");
    private static final DateTimeFormatter RFC3164 = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH);
    /** timeofday_as_iso_us(): microseconds and the local offset, "+00:00" for UTC. */
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx", Locale.ENGLISH);
    private static final AtomicLong DROPPED = new AtomicLong();
    private static volatile ConsoleWriter console;

    private final LogTarget target;
    private final String tag;
    private final DatagramSocket socket;
    private final UnixDatagramSender unix;
    private final String host;
    private final int port;
    private final int facility;
    private final int maxLevel;
    /** Lines this target accepted so far, for {@code sample RANGES:SIZE}. */
    private final AtomicLong sampled = new AtomicLong();

    public LogSink(Vertx vertx, LogTarget target, String tag) {
        this.target = target;
        this.tag = tag;
        this.facility = Math.max(0, FACILITIES.indexOf(target.facility()));
        this.maxLevel = target.level() == null ? LEVELS.size() - 1 : LEVELS.indexOf(target.level());
        String a = target.address();
        unix = target.unixPath() != null ? UnixDatagramSender.to(target.unixPath()).open() : null;
        if (a.equals("stdout") || a.equals("stderr") || unix != null) {
            socket = null;
            host = null;
            port = 0;
        } else {
            String s = a.replaceFirst("^(udp|udp4|udp6|ipv4|ipv6)@", "");
            int colon = s.lastIndexOf(':');
            boolean hasPort = colon > 0 && s.indexOf(':') == colon;
            host = hasPort ? s.substring(0, colon) : s;
            port = hasPort ? Integer.parseInt(s.substring(colon + 1)) : 514;
            socket = vertx.createDatagramSocket();
        }
    }

    /** Sends a message at a syslog level ("info" for traffic logs) when the target's max level allows it. */
    public void send(String level, String message) {
        int lvl = LEVELS.indexOf(level);
        if (lvl > maxLevel) return;
        // HAProxy counts every line that passes the level filter, and sends those in the ranges
        if (target.sample() != null && !target.sample().sends(sampled.getAndIncrement())) return;
        String line = frame(lvl, message);
        if (socket != null || unix != null) {
            // the header and message are cut at "len", then a line feed ends it (__do_send_log)
            byte[] b = line.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            int n = Math.min(b.length, target.length());
            Buffer out = Buffer.buffer(n + 1).appendBytes(b, 0, n).appendByte((byte) '\n');
            if (unix != null) unix.send(out);
            else socket.send(out, port, host);
        } else {
            ConsoleWriter c = console;
            if (c == null) {
                synchronized (LogSink.class) {
                    if (console == null) console = new ConsoleWriter();
                    c = console;
                }
            }
            if (!c.queue.offer(new Line(target.address().equals("stderr"), line))) DROPPED.incrementAndGet();
        }
    }

    /** The message with the header of the target's format (HAProxy's build_log_header). */
    String frame(int level, String message) {
        return frame(target.format(), facility, level, tag, target.hostname(), PID, ZonedDateTime.now(ZoneId.systemDefault()), message);
    }

    private static final long PID = ProcessHandle.current().pid();

    static String frame(String format, int facility, int level, String tag, String hostname, long pid, ZonedDateTime now, String message) {
        int pri = facility * 8 + level;
        return switch (format) {
            case "raw" -> message;
            case "iso" -> ISO.format(now) + " " + message;
            case "timed" -> "<" + level + ">" + ISO.format(now) + " " + message;
            case "short" -> "<" + level + ">" + message;
            case "priority" -> "<" + pri + ">" + message;
            // the structured data of traffic logs is HAProxy's default log-format-sd "- "
            case "rfc5424" -> "<" + pri + ">1 " + ISO.format(now) + " " + (hostname != null ? hostname : "-") + " " + tag + " " + pid + " - - " + message;
            case "rfc3164" -> "<" + pri + ">" + RFC3164.format(now) + " " + (hostname != null ? hostname : "localhost") + " " + tag + "[" + pid + "]: " + message;
            default -> "<" + pri + ">" + RFC3164.format(now) + " " + tag + "[" + pid + "]: " + message;  // "local"
        };
    }

    public static long dropped() {
        return DROPPED.get();
    }

    private record Line(boolean stderr, String text) {}

    private static final class ConsoleWriter {
        final BlockingQueue<Line> queue = new ArrayBlockingQueue<>(65536);

        ConsoleWriter() {
            Thread t = new Thread(this::drain, "vxlb-log-console");
            t.setDaemon(true);
            t.start();
        }

        private void drain() {
            PrintStream out = System.out, err = System.err;
            try {
                while (true) {
                    Line l = queue.take();
                    (l.stderr() ? err : out).println(l.text());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
