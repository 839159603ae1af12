package io.vxlb.compat;

import io.vertx.core.Vertx;
import io.vxlb.Node;
import io.vxlb.config.ConfigParser;
import io.vxlb.config.ParseResult;
import io.vxlb.testing.Ports;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The differential kit: one configuration and one list of raw requests, played against real
 * HAProxy 2.6.12 and against vxlb; HAProxy's answers are recorded beside the case
 * ({@code src/test/resources/io/vxlb/compat/NAME.haproxy}) so the comparison also runs where
 * HAProxy is not installed. {@code -Dvxlb.compat.record=/usr/sbin/haproxy} (script
 * {@code src/test/compat/record-haproxy.sh}) plays the case on that HAProxy first and rewrites
 * the file.
 *
 * <p>The configuration template names ports {@code ${NAME}}: {@code ${BE...}} are recording
 * backends that answer {@code 200 ok}, {@code ${SYSLOG}} a UDP syslog listener whose lines are
 * captured, {@code ${UNIXLOG}} the path of a unix datagram syslog socket (captured too), {@code ${DEAD...}} ports that refuse connections, every other name a free port (a
 * frontend); {@code ${DIR}} is the case's resource directory. Each request goes on its own
 * connection; the answer is the status line, the headers in order, the body, whether the proxy
 * closed the connection, what the backends received and the log lines that arrived.
 */
public final class Differential {
    static final Path RESOURCES = Path.of("src/test/resources/io/vxlb/compat");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z0-9_]+)}");

    /** One request of a case: a name, the frontend port's placeholder and the raw bytes. */
    public record Request(String name, String port, String bytes) {}

    private final String name;
    private final String template;
    private final List<Request> requests = new ArrayList<>();
    /** Per-line rewriting of log lines before they are compared (timestamps, pids, timers). */
    private UnaryOperator<String> logNormalizer = UnaryOperator.identity();
    /** Header names not compared (e.g. {@code date}), lower case. */
    private final Set<String> ignoredHeaders = new java.util.HashSet<>(Set.of("date"));

    public Differential(String name, String template) {
        this.name = name;
        this.template = template;
    }

    public Differential request(String name, String port, String bytes) {
        requests.add(new Request(name, port, bytes));
        return this;
    }

    public Differential normalizeLogs(UnaryOperator<String> f) {
        logNormalizer = f;
        return this;
    }

    /**
     * A difference from HAProxy that is understood and accepted: for request {@code request},
     * vxlb's status line must match the regular expression {@code vxlbStatus} (HAProxy's
     * recorded answer is kept as is); {@code why} says what causes it.
     */
    public Differential deviation(String request, String vxlbStatus, String why) {
        deviations.put(request, vxlbStatus);
        return this;
    }

    private final Map<String, String> deviations = new LinkedHashMap<>();

    public Differential ignoreHeader(String name) {
        ignoredHeaders.add(name.toLowerCase(Locale.ROOT));
        return this;
    }

    /** The case's resource directory (error files, certificates...). */
    public static Path dir(String name) {
        return RESOURCES.resolve(name).toAbsolutePath();
    }

    /**
     * Records HAProxy's answers when asked to, then plays the case on vxlb and asserts every
     * answer equals the recorded one.
     */
    public void assertSameAsHaproxy() throws Exception {
        Path recorded = RESOURCES.resolve(name + ".haproxy");
        String haproxy = System.getProperty("vxlb.compat.record", "");
        if (!haproxy.isBlank()) Files.writeString(recorded, format(playHaproxy(haproxy)));
        assertTrue(Files.exists(recorded), "no recorded HAProxy answers at " + recorded + ": run src/test/compat/record-haproxy.sh");
        Map<String, String> expected = parse(Files.readString(recorded));
        Map<String, String> actual = parse(format(playVxlb()));
        for (Request r : requests) {
            assertTrue(expected.containsKey(r.name()), "no recorded answer for '" + r.name() + "': record again");
            String deviation = deviations.get(r.name());
            if (deviation != null) {
                String status = actual.get(r.name()).lines().findFirst().orElse("");
                assertTrue(status.matches("status " + deviation), name + ": request '" + r.name() + "' (a known deviation) answered " + status);
                continue;
            }
            assertEquals(expected.get(r.name()), actual.get(r.name()), name + ": request '" + r.name() + "' differs from HAProxy 2.6.12's recorded answer");
        }
    }

    /** Plays the case on an HAProxy binary; answers by request name. */
    public Map<String, String> playHaproxy(String haproxy) throws Exception {
        try (Rig rig = new Rig()) {
            Path cfg = Files.createTempFile("vxlb-diff", ".cfg");
            Files.writeString(cfg, rig.config);
            Path out = Files.createTempFile("vxlb-diff", ".log");
            Process p = new ProcessBuilder(haproxy, "-db", "-f", cfg.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile())).start();
            try {
                try {
                    rig.awaitListening();
                } catch (IllegalStateException e) {
                    throw new IllegalStateException(e.getMessage() + "; haproxy said: " + Files.readString(out), e);
                }
                return rig.play();
            } finally {
                p.destroy();
                if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly();
                Files.deleteIfExists(cfg);
                Files.deleteIfExists(out);
            }
        }
    }

    /** Plays the case on vxlb started in this JVM. */
    public Map<String, String> playVxlb() throws Exception {
        try (Rig rig = new Rig()) {
            ParseResult r = new ConfigParser().parse(name + ".cfg", rig.config);
            assertTrue(r.ok(), () -> "config does not parse: " + r.diagnostics());
            Vertx vertx = Vertx.vertx();
            try {
                Node node = Node.start(vertx, r.config()).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
                try {
                    // Node.start completes once every listener is bound: no probe connections, whose
                    // "<BADREQ>" lines vxlb writes later than HAProxy does (not at the close)
                    return rig.play();
                } finally {
                    node.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
                }
            } finally {
                vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            }
        }
    }

    /** The servers and ports of one play. */
    private final class Rig implements AutoCloseable {
        final Map<String, Integer> ports = new LinkedHashMap<>();
        final List<RecordingBackend> backends = new ArrayList<>();
        final List<Socket> dead = new ArrayList<>();
        DatagramSocket syslog;
        final ConcurrentLinkedQueue<String> logLines = new ConcurrentLinkedQueue<>();
        final String config;

        Rig() throws IOException {
            Matcher m = PLACEHOLDER.matcher(template);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String n = m.group(1);
                String value = n.equals("DIR") ? dir(name).toString() : n.equals("UNIXLOG") ? unixLog() : Integer.toString(ports.computeIfAbsent(n, this::open));
                m.appendReplacement(sb, Matcher.quoteReplacement(value));
            }
            m.appendTail(sb);
            config = sb.toString();
        }

        io.netty.channel.EventLoopGroup unixGroup;
        Path unixPath;

        /** A unix datagram socket in a fresh directory; what arrives is captured as "unixlog" lines. */
        private String unixLog() {
            if (unixPath != null) return unixPath.toString();
            try {
                unixPath = Files.createTempDirectory("vxlb-diff").resolve("log.sock");
                unixGroup = new io.netty.channel.MultiThreadIoEventLoopGroup(1, io.netty.channel.epoll.EpollIoHandler.newFactory());
                new io.netty.bootstrap.Bootstrap().group(unixGroup).channel(io.netty.channel.epoll.EpollDomainDatagramChannel.class)
                        .handler(new io.netty.channel.SimpleChannelInboundHandler<io.netty.channel.unix.DomainDatagramPacket>() {
                            @Override
                            protected void channelRead0(io.netty.channel.ChannelHandlerContext ctx, io.netty.channel.unix.DomainDatagramPacket p) {
                                unixLines.add(p.content().toString(StandardCharsets.ISO_8859_1));
                            }
                        })
                        .bind(new io.netty.channel.unix.DomainSocketAddress(unixPath.toString())).sync();
                unixPath.toFile().setWritable(true, false);
                return unixPath.toString();
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }

        final ConcurrentLinkedQueue<String> unixLines = new ConcurrentLinkedQueue<>();

        private int open(String n) {
            try {
                if (n.startsWith("BE")) {
                    RecordingBackend b = new RecordingBackend(n);
                    backends.add(b);
                    return b.port();
                }
                if (n.equals("SYSLOG")) {
                    syslog = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                    Thread t = new Thread(() -> {
                        byte[] buf = new byte[65536];
                        while (!syslog.isClosed()) {
                            DatagramPacket pk = new DatagramPacket(buf, buf.length);
                            try {
                                syslog.receive(pk);
                                logLines.add(new String(pk.getData(), 0, pk.getLength(), StandardCharsets.ISO_8859_1));
                            } catch (IOException e) {
                                return;
                            }
                        }
                    }, "diff-syslog");
                    t.setDaemon(true);
                    t.start();
                    return syslog.getLocalPort();
                }
                if (n.startsWith("DEAD")) {
                    Socket s = new Socket();
                    s.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                    dead.add(s);
                    return s.getLocalPort();
                }
                return Ports.freePort();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        void awaitListening() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            for (Request r : requests) {
                int port = ports.get(r.port());
                while (true) {
                    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                        break;
                    } catch (IOException e) {
                        if (System.nanoTime() > deadline) throw new IllegalStateException("nothing listens on " + r.port() + " (" + port + ")");
                        Thread.sleep(50);
                    }
                }
            }
            // the probe connections are logged too (400 "<BADREQ>" CR--): wait until those lines are in, drop them
            for (int quiet = 0; quiet < 10; quiet++) {
                logLines.clear();
                unixLines.clear();
                Thread.sleep(300);
                if (logLines.isEmpty() && unixLines.isEmpty()) break;
            }
        }

        Map<String, String> play() throws Exception {
            Map<String, String> out = new LinkedHashMap<>();
            for (Request r : requests) {
                for (RecordingBackend b : backends) b.seen.clear();
                logLines.clear();
                unixLines.clear();
                StringBuilder sb = new StringBuilder();
                sb.append(exchange(ports.get(r.port()), r.bytes()));
                Thread.sleep(syslog != null || unixPath != null ? 300 : 0);
                for (RecordingBackend b : backends) for (String s : b.seen) sb.append("backend ").append(b.name).append(' ').append(escape(s)).append('\n');
                // several targets may get the same line: compared in sorted order, not arrival order
                logLines.stream().map(l -> "log " + escape(logNormalizer.apply(l))).sorted().forEach(l -> sb.append(l).append('\n'));
                unixLines.stream().map(l -> "unixlog " + escape(logNormalizer.apply(l))).sorted().forEach(l -> sb.append(l).append('\n'));
                out.put(r.name(), sb.toString());
            }
            return out;
        }

        private String exchange(int port, String bytes) throws IOException {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setSoTimeout(3000);
                s.getOutputStream().write(bytes.getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
                InputStream in = s.getInputStream();
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                boolean closed = readResponse(in, got);
                if (!closed) {
                    s.setSoTimeout(300);
                    try {
                        int c = in.read();
                        closed = c < 0;
                        if (c >= 0) got.write(c);
                    } catch (SocketTimeoutException e) {
                        closed = false;
                    } catch (IOException e) {
                        closed = true;
                    }
                }
                return describe(got.toString(StandardCharsets.ISO_8859_1), closed);
            }
        }

        @Override
        public void close() {
            for (RecordingBackend b : backends) b.close();
            for (Socket s : dead) {
                try {
                    s.close();
                } catch (IOException e) {
                    // closing a never-connected socket
                }
            }
            if (syslog != null) syslog.close();
            if (unixGroup != null) unixGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            if (unixPath != null) {
                try {
                    Files.deleteIfExists(unixPath);
                    Files.deleteIfExists(unixPath.getParent());
                } catch (IOException e) {
                    // a temporary directory left behind
                }
            }
        }
    }

    /** Reads one response (head, then a content-length or chunked body, else to the end); true when the peer closed. */
    private static boolean readResponse(InputStream in, ByteArrayOutputStream got) throws IOException {
        try {
            int c;
            while ((c = in.read()) >= 0) {
                got.write(c);
                String t = got.toString(StandardCharsets.ISO_8859_1);
                if (t.endsWith("\r\n\r\n") || t.endsWith("\n\n")) break;
            }
            if (c < 0) return true;
            String head = got.toString(StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
            Matcher cl = Pattern.compile("\ncontent-length: *(\\d+)").matcher(head);
            if (cl.find()) {
                long n = Long.parseLong(cl.group(1));
                for (long i = 0; i < n; i++) {
                    if ((c = in.read()) < 0) return true;
                    got.write(c);
                }
                return false;
            }
            if (head.contains("\ntransfer-encoding: chunked")) {
                while ((c = in.read()) >= 0) {
                    got.write(c);
                    if (got.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n0\r\n\r\n")) return false;
                }
                return true;
            }
            if (head.startsWith("http/1.1 304") || head.startsWith("http/1.1 204")) return false;
            while ((c = in.read()) >= 0) got.write(c);
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;  // reset
        }
    }

    /** One answer as comparable lines: status, headers in order (ignored ones left out), body, closed. */
    private String describe(String raw, boolean closed) {
        StringBuilder sb = new StringBuilder();
        int end = raw.indexOf("\r\n\r\n");
        if (raw.isEmpty()) {
            sb.append("nothing\n");
        } else if (end < 0) {
            sb.append("partial ").append(escape(raw)).append('\n');
        } else {
            String[] lines = raw.substring(0, end).split("\r\n");
            sb.append("status ").append(lines[0]).append('\n');
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                String n = colon < 0 ? lines[i] : lines[i].substring(0, colon).toLowerCase(Locale.ROOT);
                if (!ignoredHeaders.contains(n)) sb.append("header ").append(escape(lines[i])).append('\n');
            }
            sb.append("body ").append(escape(raw.substring(end + 4))).append('\n');
        }
        sb.append("closed ").append(closed).append('\n');
        return sb.toString();
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '\\') sb.append("\\\\");
            else if (c == '\r') sb.append("\\r");
            else if (c == '\n') sb.append("\\n");
            else if (c < 0x20 || c >= 0x7f) sb.append(String.format("\\x%02x", (int) c));
            else sb.append(c);
        }
        return sb.toString();
    }

    private static String format(Map<String, String> answers) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : answers.entrySet()) sb.append("== ").append(e.getKey()).append('\n').append(e.getValue());
        return sb.toString();
    }

    private static Map<String, String> parse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        String current = null;
        StringBuilder sb = new StringBuilder();
        for (String line : text.split("\n")) {
            if (line.startsWith("== ")) {
                if (current != null) out.put(current, sb.toString());
                current = line.substring(3);
                sb.setLength(0);
            } else if (current != null) {
                sb.append(line).append('\n');
            }
        }
        if (current != null) out.put(current, sb.toString());
        return out;
    }

    /** A keep-alive HTTP/1.1 server that answers {@code 200 ok} and records each request head (and body). */
    private static final class RecordingBackend implements AutoCloseable {
        final String name;
        final ServerSocket server;
        final ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();

        RecordingBackend(String name) throws IOException {
            this.name = name;
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(this::accept, "diff-backend-" + name);
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread t = new Thread(() -> serve(s), "diff-backend-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket s) {
            try (s) {
                s.setSoTimeout(10000);
                InputStream in = s.getInputStream();
                while (true) {
                    ByteArrayOutputStream head = new ByteArrayOutputStream();
                    int c;
                    while ((c = in.read()) >= 0) {
                        head.write(c);
                        if (head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) break;
                    }
                    if (c < 0) return;
                    String h = head.toString(StandardCharsets.ISO_8859_1);
                    Matcher cl = Pattern.compile("(?i)\ncontent-length: *(\\d+)").matcher(h);
                    String body = "";
                    if (cl.find()) body = new String(in.readNBytes(Integer.parseInt(cl.group(1))), StandardCharsets.ISO_8859_1);
                    seen.add(h + body);
                    s.getOutputStream().write("HTTP/1.1 200 OK\r\ncontent-length: 2\r\nx-backend: yes\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
                    s.getOutputStream().flush();
                }
            } catch (IOException e) {
                // the proxy closed its connection
            }
        }

        @Override
        public void close() {
            try {
                server.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }
}
