package io.vxlb.health;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vxlb.config.Config;
import io.vxlb.config.Proxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.vxlb.health.Backends.await;
import static org.junit.jupiter.api.Assertions.*;

/** tcp-check rule sequences and redis-check against scripted loopback TCP servers. */
class TcpCheckTest {
    Vertx vertx;
    NetClient client;
    int port;
    final List<String> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        client = vertx.createNetClient();
        port = Backends.freePort();
    }

    @AfterEach
    void tearDown() {
        await(vertx.close());
    }

    /** A fake Redis: PING → +PONG, info replication → role, QUIT → +OK. */
    private void fakeRedis(String role) {
        Backends.scripted(vertx, port, in -> {
            received.add(in);
            if (in.contains("PING")) return "+PONG\r\n";
            if (in.startsWith("info")) return "$40\r\n# Replication\r\nrole:" + role + "\r\nconnected_slaves:0\r\n\r\n";
            if (in.startsWith("QUIT")) return "+OK\r\n";
            return "-ERR unknown\r\n";
        });
    }

    private static final String SEED_003 = """
              option tcp-check
              tcp-check send PING\\r\\n
              tcp-check expect string +PONG
              tcp-check send info\\ replication\\r\\n
              tcp-check expect string role:master
              tcp-check send QUIT\\r\\n
              tcp-check expect string +OK
            """;

    private CheckResult check(String lines) {
        Config c = Backends.parse("defaults\n  mode tcp\n  timeout connect 1s\n  timeout client 5s\n  timeout server 5s\nbackend bk\n"
                + lines + "\n  server s1 127.0.0.1:" + port + " check inter 300\n");
        Proxy p = c.backend("bk").orElseThrow();
        Check chk = HealthVerticle.createCheck(vertx, client, null, p, p.servers().get(0));
        // run on an event loop, as the health verticle does: started from this thread, the connect
        // completes on another turn than the channel's first read, and a server that speaks first
        // (MySQL's greeting) could be read before the data handler is set
        io.vertx.core.Context ctx = vertx.getOrCreateContext();
        return await(io.vertx.core.Future.<CheckResult>future(pr -> ctx.runOnContext(v -> chk.run().onComplete(pr))));
    }

    @Test
    void seed003SequencePassesOnMaster() {
        fakeRedis("master");
        CheckResult r = check(SEED_003);
        assertEquals(CheckStatus.L7OK, r.status(), r::reasonText);
        assertEquals("(tcp-check)", r.info());
        assertEquals(List.of("PING\r\n", "info replication\r\n", "QUIT\r\n"), received);
    }

    @Test
    void seed003SequenceTimesOutOnReplicaWithHaproxysInfo() {
        fakeRedis("slave");
        CheckResult r = check(SEED_003);
        assertEquals(CheckStatus.L7TOUT, r.status());
        // golden line from HAProxy 2.6.12 against a real replica:
        // "reason: Layer7 timeout, info: \" at step 4 of tcp-check (expect string 'role:master')\", check duration: 301ms"
        assertEquals("reason: Layer7 timeout, info: \" at step 4 of tcp-check (expect string 'role:master')\", check duration: "
                + r.durationMs() + "ms", r.reasonText());
        assertTrue(r.durationMs() >= 290 && r.durationMs() < 500, "bounded by inter: " + r.durationMs());
    }

    @Test
    void expectFailsWhenThePeerClosesAndOnUnwantedContent() {
        Backends.scripted(vertx, port, in -> in.startsWith("A") ? "hello world\r\n" : null);
        CheckResult closed = check("  option tcp-check\n  tcp-check send B\\r\\n\n  tcp-check expect string hello");
        assertEquals(CheckStatus.L7RSP, closed.status());
        assertEquals("TCPCHK got an empty response at step 2", closed.info());
        CheckResult ok = check("  option tcp-check\n  tcp-check send A\\r\\n\n  tcp-check expect rstring ^hel+o\\ w");
        assertEquals(CheckStatus.L7OK, ok.status(), ok::reasonText);
        CheckResult unwanted = check("  option tcp-check\n  tcp-check send A\\r\\n\n  tcp-check expect ! string world");
        assertEquals(CheckStatus.L7RSP, unwanted.status());
        assertEquals("TCPCHK matched unwanted content 'world' at step 2", unwanted.info());
        CheckResult binary = check("  option tcp-check\n  tcp-check send-binary 41\n  tcp-check expect binary 776f726c64");
        assertEquals(CheckStatus.L7OK, binary.status(), binary::reasonText);
    }

    @Test
    void mismatchWithClosedConnectionNamesTheStep() {
        Backends.scripted(vertx, port, in -> {
            received.add(in);
            return "nope\r\n";
        });
        // the server answers then we wait for more: the check times out at the expect step
        CheckResult r = check("  option tcp-check\n  tcp-check comment hi\n  tcp-check send X\\r\\n\n  tcp-check expect rstring ^yes");
        assertEquals(CheckStatus.L7TOUT, r.status());
        assertEquals(" at step 3 of tcp-check (expect regex)", r.info());
    }

    @Test
    void connectRulesAndConnectionErrors() {
        int other = Backends.freePort();
        Backends.scripted(vertx, other, in -> "+PONG\r\n");
        CheckResult r = check("  option tcp-check\n  tcp-check connect port " + other + "\n  tcp-check send PING\\r\\n\n  tcp-check expect string +PONG");
        assertEquals(CheckStatus.L7OK, r.status(), r::reasonText);
        CheckResult refused = check("  option tcp-check\n  tcp-check send PING\\r\\n\n  tcp-check expect string +PONG");
        assertEquals(CheckStatus.L4CON, refused.status());
        assertEquals("Connection refused at initial connection step of tcp-check", refused.info());
        CheckResult empty = check("  option tcp-check");
        assertEquals(CheckStatus.L4CON, empty.status());
    }

    @Test
    void redisCheck() {
        fakeRedis("master");
        CheckResult r = check("  option redis-check");
        assertEquals(CheckStatus.L7OK, r.status(), r::reasonText);
        assertEquals("Redis server is ok", r.info());
        assertEquals("*1\r\n$4\r\nPING\r\n", received.get(0));
    }

    @Test
    void redisCheckAgainstSomethingElseReportsTheFirstLine() {
        Backends.scripted(vertx, port, in -> "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        // HAProxy waits for more data until the peer closes or the check times out
        CheckResult r = check("  option redis-check");
        assertEquals(CheckStatus.L7TOUT, r.status());
        Backends.scripted(vertx, Backends.freePort(), in -> null);
    }

    // ---- option mysql-check ---------------------------------------------------------------

    /** The first checks of a JVM on a loaded machine can take longer than the 300 ms inter allows. */
    private static final String MYSQL_TIMEOUT = "  timeout check 3s\n";

    /** A MySQL 4.1+ initial handshake packet (sequence 0) announcing {@code version}. */
    private static Buffer handshake(String version) {
        Buffer payload = Buffer.buffer().appendByte((byte) 10).appendString(version).appendByte((byte) 0)
                .appendIntLE(42).appendString("12345678").appendByte((byte) 0).appendShortLE((short) 0xf7ff)
                .appendByte((byte) 0x21).appendShortLE((short) 2).appendShortLE((short) 0x81bf).appendByte((byte) 21)
                .appendBytes(new byte[10]).appendString("123456789012").appendByte((byte) 0)
                .appendString("mysql_native_password").appendByte((byte) 0);
        return packet(0, payload);
    }

    private static Buffer packet(int seq, Buffer payload) {
        int n = payload.length();
        return Buffer.buffer().appendByte((byte) n).appendByte((byte) (n >> 8)).appendByte((byte) (n >> 16)).appendByte((byte) seq)
                .appendBuffer(payload);
    }

    private static final Buffer OK = Buffer.buffer(HexFormat.of().parseHex("0700000200000002000000"));

    /** A fake MySQL server: greets with {@code greeting}, records what it gets, answers the first chunk with {@code reply} (null: none). */
    private void fakeMysql(Buffer greeting, Buffer reply, boolean closeAfterGreeting) {
        NetServer s = vertx.createNetServer().connectHandler(so -> {
            so.handler(b -> {
                received.add(HexFormat.of().formatHex(b.getBytes()));
                if (reply != null) so.write(reply);
            });
            so.write(greeting);
            if (closeAfterGreeting) so.close();
        });
        await(s.listen(port, "127.0.0.1"));
    }

    @Test
    void mysqlCheckLogsInAndQuitsAsHaproxyDoes() {
        fakeMysql(handshake("10.11.19-MariaDB-0+deb12u1"), OK, false);
        CheckResult r = check(MYSQL_TIMEOUT + "  option mysql-check user haproxy");
        assertEquals(CheckStatus.L7OK, r.status(), r::reasonText);
        assertEquals("10.11.19-MariaDB-0+deb12u1", r.info(), "the server version is the info, as HAProxy sets it");
        assertEquals("reason: Layer7 check passed, code: 0, info: \"10.11.19-MariaDB-0+deb12u1\", check duration: " + r.durationMs() + "ms",
                r.reasonText());
        // src/tcpcheck.c mysql41_req for user "haproxy": length 41, sequence 1, capabilities 0x8200,
        // max packet, utf8, 23 zeros, "haproxy\0", empty auth; then COM_QUIT
        assertEquals("29000001" + "00820000" + "00800001" + "21" + "00".repeat(23) + "686170726f787900" + "00" + "0100000001",
                String.join("", received));
    }

    @Test
    void mysqlCheckPre41PacketAndNoUser() {
        fakeMysql(handshake("5.0.96"), OK, false);
        CheckResult r = check(MYSQL_TIMEOUT + "  option mysql-check user haproxy pre-41");
        assertEquals(CheckStatus.L7OK, r.status(), r::reasonText);
        assertEquals("0e000001" + "0080" + "000001" + "686170726f787900" + "00" + "0100000001", String.join("", received));
        received.clear();
        // without a user: the initial handshake alone passes, nothing is sent
        CheckResult bare = check(MYSQL_TIMEOUT + "  option mysql-check");
        assertEquals(CheckStatus.L7OK, bare.status(), bare::reasonText);
        assertEquals("5.0.96", bare.info());
        assertEquals(List.of(), received);
    }

    @Test
    void mysqlCheckErrorPacketsAndBrokenGreetings() {
        // access denied: L7STS, the MySQL error number as the code, the rest of the packet as the info
        Buffer denied = packet(2, Buffer.buffer().appendByte((byte) 0xff).appendShortLE((short) 1045)
                .appendString("#28000Access denied for user 'haproxy'@'127.0.0.1' (using password: NO)"));
        fakeMysql(handshake("10.11.19-MariaDB"), denied, false);
        CheckResult r = check(MYSQL_TIMEOUT + "  option mysql-check user haproxy");
        assertEquals(CheckStatus.L7STS, r.status(), r::reasonText);
        assertEquals(1045, r.code());
        assertEquals("#28000Access denied for user 'haproxy'@'127.0.0.1' (using password: NO)", r.info());
        assertTrue(r.reasonText().startsWith("reason: Layer7 wrong status, code: 1045, info: \"#28000Access denied"), r.reasonText());
    }

    @Test
    void mysqlCheckFailsOnAnErrorGreeting() {
        // a server refusing the host greets with an error packet: fails at the initial handshake
        Buffer blocked = packet(0, Buffer.buffer().appendByte((byte) 0xff).appendShortLE((short) 1129)
                .appendString("Host '127.0.0.1' is blocked because of many connection errors"));
        fakeMysql(blocked, null, true);
        CheckResult r = check(MYSQL_TIMEOUT + "  option mysql-check user haproxy");
        assertEquals(CheckStatus.L7STS, r.status(), r::reasonText);
        assertEquals(1129, r.code());
        assertEquals("Host '127.0.0.1' is blocked because of many connection errors", r.info());
    }

    @Test
    void mysqlCheckTruncatedAndRefused() {
        fakeMysql(handshake("10.11.19-MariaDB").slice(0, 20), null, true);
        CheckResult r = check(MYSQL_TIMEOUT + "  option mysql-check user haproxy");
        assertEquals(CheckStatus.L7RSP, r.status(), r::reasonText);
        assertEquals("", r.info());
        port = Backends.freePort();
        CheckResult refused = check(MYSQL_TIMEOUT + "  option mysql-check user haproxy");
        assertEquals(CheckStatus.L4CON, refused.status());
        assertEquals("Connection refused", refused.info(), "protocol checks give no tcp-check step details");
    }
}
