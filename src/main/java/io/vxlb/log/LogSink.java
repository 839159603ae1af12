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
 * syslog through a Vert.x datagram socket, stdout/stderr through a bounded queue drained by one
 * daemon thread (lines are dropped and counted when it is full, as a syslog socket would).
 */
public final class LogSink {
    private static final List<String> FACILITIES = List.of("kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
            "uucp", "cron", "auth2", "ftp", "ntp", "audit", "alert", "cron2",
            "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7");
    private static final List<String> LEVELS = List.of("emerg", "alert", "crit", "err", "warning", "notice", "info", "debug");
    private static final DateTimeFormatter RFC3164 = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH);
    private static final DateTimeFormatter RFC5424 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx", Locale.ENGLISH);
    private static final AtomicLong DROPPED = new AtomicLong();
    private static volatile ConsoleWriter console;

    private final LogTarget target;
    private final String tag;
    private final DatagramSocket socket;
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
        if (a.equals("stdout") || a.equals("stderr")) {
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
        if (socket != null) {
            // HAProxy ends every message with a line feed, on sockets too (__do_send_log)
            socket.send(Buffer.buffer(line).appendByte((byte) '\n'), port, host);
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

    private String frame(int level, String message) {
        int pri = facility * 8 + level;
        ZonedDateTime now = ZonedDateTime.now(ZoneId.systemDefault());
        return switch (target.format()) {
            case "raw" -> message;
            case "short" -> "<" + pri + ">" + message;
            case "rfc5424" -> "<" + pri + ">1 " + RFC5424.format(now) + " " + Hostname.NAME + " " + tag + " " + ProcessHandle.current().pid() + " - - " + message;
            default -> "<" + pri + ">" + RFC3164.format(now) + " " + tag + "[" + ProcessHandle.current().pid() + "]: " + message;
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

    private static final class Hostname {
        static final String NAME = lookup();

        private static String lookup() {
            try {
                return java.net.InetAddress.getLocalHost().getHostName();
            } catch (Exception e) {
                return "-";
            }
        }
    }
}
