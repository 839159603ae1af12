package io.vxlb.health;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vxlb.config.Config;
import io.vxlb.config.Proxy;
import io.vxlb.health.Backends.FlipBackend;
import io.vxlb.health.Backends.Mode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.vxlb.health.Backends.await;
import static org.junit.jupiter.api.Assertions.*;

/** Every httpchk expectation against a real Vert.x backend, one check run at a time. */
class HttpCheckTest {
    Vertx vertx;
    NetClient client;
    FlipBackend be;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        client = vertx.createNetClient();
        be = new FlipBackend(vertx);
    }

    @AfterEach
    void tearDown() {
        be.close();
        await(vertx.close());
    }

    private CheckResult check(String backendLines) {
        return check(backendLines, be.port);
    }

    private CheckResult check(String backendLines, int port) {
        Config c = Backends.parse("""
                defaults
                  mode http
                  timeout connect 1s
                  timeout client 5s
                  timeout server 5s
                backend bk
                """ + backendLines + "\n  server s1 127.0.0.1:" + port + " check inter 400\n");
        Proxy p = c.backend("bk").orElseThrow();
        Check chk = HealthVerticle.createCheck(vertx, client, null, p, p.servers().get(0));
        return await(chk.run());
    }

    @Test
    void defaultExpectationAccepts2xxAnd3xxOnly() {
        CheckResult ok = check("  option httpchk GET /health");
        assertEquals(CheckStatus.L7OK, ok.status());
        assertEquals(200, ok.code());
        assertEquals("reason: Layer7 check passed, code: 200, check duration: " + ok.durationMs() + "ms", ok.reasonText());
        assertTrue(be.requests.get(0).startsWith("GET /health HTTP_1_0\n"), be.requests.get(0));

        be.set(Mode.REDIRECT);
        assertEquals(CheckStatus.L7OK, check("  option httpchk").status());
        assertTrue(be.requests.get(1).startsWith("OPTIONS / HTTP_1_0\n"), "HAProxy's default request");

        be.set(Mode.S503);
        CheckResult bad = check("  option httpchk GET /");
        assertEquals(CheckStatus.L7STS, bad.status());
        assertEquals(503, bad.code());
        assertEquals("reason: Layer7 wrong status, code: 503, info: \"Service Unavailable\", check duration: " + bad.durationMs() + "ms",
                bad.reasonText());
    }

    @Test
    void statusListsAndRegexAndNegation() {
        be.set(Mode.S503);
        assertEquals(CheckStatus.L7OK, check("  option httpchk GET /\n  http-check expect status 200,500-503").status());
        assertEquals(CheckStatus.L7OK, check("  option httpchk GET /\n  http-check expect rstatus ^5").status());
        assertEquals(CheckStatus.L7STS, check("  option httpchk GET /\n  http-check expect ! rstatus ^5").status());
        assertEquals(CheckStatus.L7OK, check("  option httpchk GET /\n  http-check expect ! status 200").status());
        be.set(Mode.HEALTHY);
        CheckResult r = check("  option httpchk GET /\n  http-check expect rstatus ^5");
        assertEquals(CheckStatus.L7STS, r.status());
        assertEquals("OK", r.info());
    }

    @Test
    void bodyStringAndRegexAndNegation() {
        String base = "  option httpchk GET /\n  http-check expect ";
        assertEquals(CheckStatus.L7OK, check(base + "string good").status());
        assertEquals(CheckStatus.L7OK, check(base + "rstring ^all\\ g..d$").status());
        be.set(Mode.WRONG_BODY);
        CheckResult miss = check(base + "string good");
        assertEquals(CheckStatus.L7RSP, miss.status());
        assertEquals("HTTP content check did not match", miss.info());
        assertTrue(miss.reasonText().startsWith("reason: Layer7 invalid response, info: \"HTTP content check did not match\""), miss.reasonText());
        CheckResult unwanted = check(base + "! string bad");
        assertEquals(CheckStatus.L7RSP, unwanted.status());
        assertEquals("HTTP check matched unwanted content", unwanted.info());
        assertEquals(CheckStatus.L7RSP, check(base + "rstring ^all").status());
        be.set(Mode.HEALTHY);
        assertEquals(CheckStatus.L7OK, check(base + "! string bad").status());
    }

    @Test
    void legacyHeadersInTheVersionStringAndStatus101() {
        be.set(Mode.SWITCHING);
        CheckResult r = check("""
                  option httpchk GET / HTTP/1.1\\r\\nHost:\\ ws.domain.com\\r\\nConnection:\\ Upgrade\\r\\nUpgrade:\\ websocket\\r\\nSec-WebSocket-Key:\\ haproxy\\r\\nSec-WebSocket-Version:\\ 13\\r\\nSec-WebSocket-Protocol:\\ echo-protocol
                  http-check expect status 101""");
        assertEquals(CheckStatus.L7OK, r.status(), r::reasonText);
        assertEquals(101, r.code());
        String req = be.requests.get(0);
        assertTrue(req.startsWith("GET / HTTP_1_1\n"), req);
        assertTrue(req.contains("Host: ws.domain.com\n") && req.contains("Upgrade: websocket\n") && req.contains("Sec-WebSocket-Protocol: echo-protocol\n"), req);
        assertFalse(req.contains("Connection: close"), "a Connection header was given: HAProxy adds none");
        // the same check against a plain 200 fails with HAProxy's wording
        be.set(Mode.HEALTHY);
        CheckResult no = check("  option httpchk GET / HTTP/1.1\\r\\nHost:\\ ws.domain.com\n  http-check expect status 101");
        assertEquals(CheckStatus.L7STS, no.status());
        assertEquals(200, no.code());
    }

    @Test
    void httpCheckSendOverridesAndAddsHeaders() {
        CheckResult r = check("  option httpchk\n  http-check send meth GET uri /ping ver HTTP/1.1 hdr Host www.example.com hdr X-Check yes");
        assertEquals(CheckStatus.L7OK, r.status(), r::reasonText);
        String req = be.requests.get(0);
        assertTrue(req.startsWith("GET /ping HTTP_1_1\n"), req);
        assertTrue(req.contains("Host: www.example.com\n") && req.contains("X-Check: yes\n") && req.contains("Connection: close\n"), req);
    }

    @Test
    void slowServerTimesOutAtTimeoutCheckAndDeadServerIsRefused() {
        be.set(Mode.SLOW);
        CheckResult slow = check("  timeout check 200\n  option httpchk GET /");
        long ms = slow.durationMs();
        assertEquals(CheckStatus.L7TOUT, slow.status());
        assertTrue(ms >= 190 && ms < 350, "bounded by timeout check: " + ms);
        assertEquals("reason: Layer7 timeout, check duration: " + slow.durationMs() + "ms", slow.reasonText());

        CheckResult noTimeoutCheck = check("  option httpchk GET /");
        assertEquals(CheckStatus.L7TOUT, noTimeoutCheck.status());
        ms = noTimeoutCheck.durationMs();
        assertTrue(ms >= 390 && ms < 600, "no timeout check: bounded by inter (400ms): " + ms);

        be.set(Mode.DEAD);
        CheckResult dead = check("  option httpchk GET /");
        assertEquals(CheckStatus.L4CON, dead.status());
        assertEquals("Connection refused", dead.info());
        assertEquals("reason: Layer4 connection problem, info: \"Connection refused\", check duration: " + dead.durationMs() + "ms", dead.reasonText());
    }

    @Test
    void plainConnectCheckWithPortAndAddrOverrides() {
        be.set(Mode.SLOW);
        CheckResult ok = check("", be.port);
        assertEquals(CheckStatus.L4OK, ok.status());
        assertEquals("reason: Layer4 check passed, check duration: " + ok.durationMs() + "ms", ok.reasonText());
        Config c = Backends.parse("backend bk\n  server s1 10.0.0.1:1 check addr 127.0.0.1 port " + be.port + "\n");
        Proxy p = c.backend("bk").orElseThrow();
        assertEquals(CheckStatus.L4OK, await(HealthVerticle.createCheck(vertx, client, null, p, p.servers().get(0)).run()).status());
        be.set(Mode.DEAD);
        // the listener's close can trail its future by a moment: allow a few bounded attempts
        CheckStatus status = null;
        for (int i = 0; i < 20 && status != CheckStatus.L4CON; i++) {
            status = check("", be.port).status();
            if (status != CheckStatus.L4CON) sleep(50);
        }
        assertEquals(CheckStatus.L4CON, status);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
