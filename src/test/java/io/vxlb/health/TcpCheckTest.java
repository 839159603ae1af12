package io.vxlb.health;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vxlb.config.Config;
import io.vxlb.config.Proxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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
        return await(HealthVerticle.createCheck(vertx, client, null, p, p.servers().get(0)).run());
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
}
