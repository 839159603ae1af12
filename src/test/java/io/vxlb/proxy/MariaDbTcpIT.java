package io.vxlb.proxy;

import io.vertx.core.datagram.DatagramSocket;
import io.vxlb.testing.MariaDbServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Seed 003's MySQL setup (mysql-tcp.cfg) end to end: two real MariaDB servers (Debian's
 * mariadb-server, private instances on free loopback ports) behind vxlb's {@code mode tcp}
 * listen section with {@code balance roundrobin} and {@code option mysql-check user haproxy},
 * queried through vxlb with the {@code mariadb} client: sessions alternate between the servers, a
 * session's write and read land on one server, a 7.3 MB result set arrives byte-exact and is
 * logged as HAProxy's tcplog line; the mysql-check logs in as 'haproxy' (a server that refuses
 * that login goes DOWN with MySQL's error, and UP again with its version when it accepts it), and
 * a stopped server is taken out (and back in when it returns) while queries keep working.
 */
class MariaDbTcpIT {
    static final long INTER = 200;
    static final int RISE = 2, FALL = 3;

    private ProxyFixture fx;
    private final MariaDbServers mariadb = new MariaDbServers();
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private MariaDbServers.Server s1, s2;

    @BeforeEach
    void setUp() throws Exception {
        MariaDbServers.assumeAvailable();
        fx = new ProxyFixture();
        s1 = mariadb.start(fx.port("BE9001"));
        s2 = mariadb.start(fx.port("BE9002"));
        DatagramSocket syslog = fx.vertx.createDatagramSocket();
        syslog.handler(p -> lines.add(p.data().toString().replaceFirst("\n$", "")));  // HAProxy ends each datagram with a line feed
        ProxyFixture.await(syslog.listen(fx.port("SYSLOG"), "127.0.0.1"));
        String text = Files.readString(Path.of("src/test/resources/configs/mysql-tcp.cfg"))
                .replace("check inter 1s", "check inter " + INTER + "ms rise " + RISE + " fall " + FALL)
                .replaceAll("127\\.0\\.0\\.1:(80\\d\\d)", "127.0.0.1:\\${FE$1}").replaceAll("127\\.0\\.0\\.1:(90\\d\\d)", "127.0.0.1:\\${BE$1}");
        fx.start("global\n log 127.0.0.1:${SYSLOG} local0\n" + text);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (fx != null) fx.close();
        mariadb.close();
    }

    private int vxlb() {
        return fx.port("FE8080");
    }

    /** {@code SELECT @@port} through vxlb: the port of the server that served the session. */
    private int servedBy() throws IOException, InterruptedException {
        return Integer.parseInt(MariaDbServers.query(vxlb(), "SELECT @@port"));
    }

    @Test
    void queriesAlternateWritesAndReadsStayOnTheSessionsServerAndALargeResultIsByteExact() throws Exception {
        List<Integer> served = new ArrayList<>();
        for (int i = 0; i < 8; i++) served.add(servedBy());
        for (int i = 1; i < served.size(); i++) assertNotEquals(served.get(i - 1), served.get(i), "roundrobin alternates: " + served);
        assertTrue(served.contains(s1.port) && served.contains(s2.port), "both servers answer: " + served);

        // one session: a write, then a read of it, on the server that session reached
        String out = MariaDbServers.query(vxlb(), "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(64));"
                + " INSERT INTO t VALUES (1, 'written through vxlb'); SELECT @@port, v FROM t WHERE id = 1");
        String[] cols = out.split("\t");
        assertEquals("written through vxlb", cols[1], out);
        int writer = Integer.parseInt(cols[0]);
        MariaDbServers.Server other = writer == s1.port ? s2 : s1;
        assertEquals("written through vxlb", (writer == s1.port ? s1 : s2).query("SELECT v FROM t WHERE id = 1"), "the row is on the session's server");
        assertEquals("0", other.query("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'vxlb' AND table_name = 't'"),
                "and only there (no replication between the two)");

        // a large result set (100000 rows, 7.3 MB): byte-exact as computed here, and logged with its size
        lines.clear();
        int rows = 100_000;
        byte[] got = MariaDbServers.queryBytes(vxlb(), "SELECT seq, SHA2(seq, 256) FROM seq_1_to_" + rows);
        StringBuilder want = new StringBuilder(rows * 74);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (int i = 1; i <= rows; i++) {
            want.append(i).append('\t').append(HexFormat.of().formatHex(sha.digest(String.valueOf(i).getBytes(StandardCharsets.US_ASCII)))).append('\n');
        }
        byte[] expected = want.toString().getBytes(StandardCharsets.US_ASCII);
        assertEquals(expected.length, got.length);
        assertArrayEquals(expected, got);

        // HAProxy 2.6 tcplog: %ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq
        Matcher m = nextLine("mysql mysql/");
        m = assertMatches(HEADER + CLIENT + "mysql mysql/(mysql[12]) 0/\\d+/\\d+ (\\d+) -- 1/1/0/0/0 0/0", m.group());
        long bytes = Long.parseLong(m.group(2));
        assertTrue(bytes > expected.length && bytes < expected.length + 1_000_000,
                "%B counts the server's bytes: the rows plus the MySQL protocol's framing: " + bytes);
    }

    @Test
    void theMysqlCheckLogsInAsHaproxyAndTakesOutAServerThatRefusesIt() throws Exception {
        assertEquals(2, new java.util.HashSet<>(List.of(servedBy(), servedBy())).size(), "both servers pass the check and serve");
        // mysql2 keeps accepting connections but no longer knows the check's user: a connect
        // check would keep it UP; the mysql-check gets "Access denied" (1045) and takes it out
        s2.rootQuery("DROP USER '" + MariaDbServers.CHECK_USER + "'@'%'");
        String down = awaitLine("Server mysql/mysql2 is DOWN", FALL * INTER + 2000);
        assertTrue(down.contains("reason: Layer7 wrong status, code: 1045, info: \"#28000Access denied for user 'haproxy'@'127.0.0.1' (using password: NO)\""),
                down);
        eventually(s1.port, 10, 10_000);
        assertEquals("0", s1.query("SELECT 0"), "mysql2 still answers its clients directly");
        assertTrue(s2.query("SELECT @@port").equals(String.valueOf(s2.port)));

        s2.rootQuery("CREATE USER '" + MariaDbServers.CHECK_USER + "'@'%'");
        String up = awaitLine("Server mysql/mysql2 is UP", RISE * INTER + 2000);
        // HAProxy reports the server version of the handshake as the check's info (MariaDB prefixes
        // it with "5.5.5-" there, for old MySQL clients)
        assertTrue(up.contains("reason: Layer7 check passed, code: 0, info: \"5.5.5-" + s2.rootQuery("SELECT VERSION()") + "\""), up);
        assertEquals(2, new java.util.HashSet<>(List.of(servedBy(), servedBy())).size(), "both servers serve again");
    }

    @Test
    void aStoppedServerIsTakenOutByTheHealthCheckAndQueriesKeepWorking() throws Exception {
        assertEquals(2, new java.util.HashSet<>(List.of(servedBy(), servedBy())).size(), "both servers serve at first");
        s2.stop();
        long t0 = System.nanoTime();
        // HAProxy 2.6 logs: Server mysql/mysql2 is DOWN, reason: Layer4 connection problem, info: "Connection refused", ...
        long bound = FALL * INTER, tolerance = 2000;
        String down = awaitLine("Server mysql/mysql2 is DOWN", bound + tolerance);
        long took = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("mariadb: a stopped server was taken out after " + took + " ms (fall*inter = " + bound + " ms)");
        assertTrue(down.contains("1 active and 0 backup servers left"), down);
        // a session sent to mysql2 before its checks failed may still be retrying (and then be
        // refused); after it, every session is served by mysql1
        eventually(s1.port, 10, 10_000);
        for (int i = 0; i < 10; i++) assertEquals(s1.port, servedBy(), "every query is served by the remaining server");

        // back in after rise checks pass, and sessions alternate again
        s2.restart();
        awaitLine("Server mysql/mysql2 is UP", RISE * INTER + tolerance);
        assertEquals(2, new java.util.HashSet<>(List.of(servedBy(), servedBy())).size(), "both servers serve again");
    }

    /** Polls until {@code n} consecutive queries through vxlb are served by {@code port}; returns the ms it took. */
    private long eventually(int port, int n, long ms) throws Exception {
        long t0 = System.nanoTime(), end = t0 + ms * 1_000_000;
        int streak = 0;
        String last = null;
        while (System.nanoTime() < end) {
            try {
                int p = servedBy();
                last = String.valueOf(p);
                streak = p == port ? streak + 1 : 0;
            } catch (IOException e) {
                last = e.getMessage();
                streak = 0;
            }
            if (streak >= n) return (System.nanoTime() - t0) / 1_000_000;
        }
        fail("not served by " + port + " " + n + " times in a row within " + ms + " ms; last: " + last + "\nlog: " + String.join("\n", lines));
        return -1;
    }

    /** Waits (≤ {@code ms}) for a syslog line containing {@code part}, leaving the queue as it is. */
    private String awaitLine(String part, long ms) throws InterruptedException {
        long end = System.nanoTime() + ms * 1_000_000;
        while (System.nanoTime() < end) {
            for (String l : lines) if (l.contains(part)) return l;
            Thread.sleep(10);
        }
        fail("no log line with '" + part + "' within " + ms + " ms: " + String.join("\n", lines));
        return null;
    }

    private static final String HEADER = "<134>\\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d haproxy\\[\\d+\\]: ";
    private static final String CLIENT = "127\\.0\\.0\\.1:\\d+ \\[\\d\\d/\\w{3}/\\d{4}:\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\] ";

    /** The next syslog line containing {@code part} (≤ 10 s). */
    private Matcher nextLine(String part) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < end) {
            String l = lines.poll(100, TimeUnit.MILLISECONDS);
            if (l != null && l.contains(part)) {
                Matcher m = Pattern.compile(".*").matcher(l);
                assertTrue(m.matches());
                return m;
            }
        }
        fail("no log line with '" + part + "'");
        return null;
    }

    private static Matcher assertMatches(String regex, String line) {
        Matcher m = Pattern.compile(regex).matcher(line);
        assertTrue(m.matches(), () -> "log line\n  " + line + "\ndoes not match\n  " + regex);
        return m;
    }
}
