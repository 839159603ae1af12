package io.vxlb.stick;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stick tables through the real proxy on one node: per-address request-rate limits answered
 * with 429, concurrent-connection limits, gpc0/gpt0 actions, expiry, and show/clear table in the
 * admin API. Clients come from distinct loopback addresses (127.0.0.x).
 */
class StickRateLimitIT {
    private StickFixture fx;

    @AfterEach
    void tearDown() {
        if (fx != null) fx.close();
    }

    private static final String DEFAULTS = """
            defaults
                mode http
                timeout connect 2s
                timeout client 5s
                timeout server 5s
            """;

    @Test
    void aRequestRateLimitHoldsPerClientAddress() {
        fx = new StickFixture();
        fx.backend("B", 0);
        fx.start(DEFAULTS + """
                frontend fe
                    bind 127.0.0.1:${FE}
                    stick-table type ip size 100k expire 30s store http_req_rate(10s),http_req_cnt,http_err_cnt
                    http-request track-sc0 src
                    http-request deny deny_status 429 if { sc_http_req_rate(0) gt 10 }
                    default_backend be
                backend be
                    server s 127.0.0.1:${B}
                """);
        int ok = 0, limited = 0;
        for (int i = 0; i < 15; i++) {
            int st = fx.get("127.0.0.2", "FE", "/").status();
            if (st == 200) ok++;
            else if (st == 429) limited++;
        }
        assertEquals(10, ok, "exactly the limit goes through");
        assertEquals(5, limited);
        // another client address has its own counter
        assertEquals(200, fx.get("127.0.0.3", "FE", "/").status());
        JsonObject e = fx.adminJson("/v1/tables/fe?key=127.0.0.2").getJsonArray("entries").getJsonObject(0);
        assertEquals(15, e.getLong("http_req_rate"));
        assertEquals(15, e.getLong("http_req_cnt"));
        assertEquals(5, e.getLong("http_err_cnt"), "denied requests count as errors, as in HAProxy");
        String text = fx.admin(HttpMethod.GET, "/v1/tables/fe?format=text").body();
        assertTrue(text.startsWith("# table: fe, type: ip, size:102400, used:2\n"), text);
        assertTrue(text.contains(": key=127.0.0.2 use=0 exp="), text);
        // clear table for one key: that client starts afresh
        assertEquals(200, fx.admin(HttpMethod.DELETE, "/v1/tables/fe/entries/127.0.0.2").status());
        assertEquals(200, fx.get("127.0.0.2", "FE", "/").status());
        assertEquals(400, fx.admin(HttpMethod.DELETE, "/v1/tables/fe/entries/not-an-address").status());
        assertEquals(404, fx.admin(HttpMethod.GET, "/v1/tables/nosuch").status());
    }

    @Test
    void aConcurrentConnectionLimitCountsRequestsInProgress() {
        fx = new StickFixture();
        fx.backend("B", 600);
        fx.start(DEFAULTS + """
                frontend fe
                    bind 127.0.0.1:${FE}
                    http-request track-sc1 src table st
                    http-request deny deny_status 429 if { sc1_conn_cur gt 2 }
                    default_backend be
                backend be
                    server s 127.0.0.1:${B}
                backend st
                    stick-table type ip size 1k store conn_cur,conn_cnt
                """);
        List<Future<StickFixture.Response>> all = new ArrayList<>();
        all.add(fx.send("127.0.0.4", "FE", "/"));
        all.add(fx.send("127.0.0.4", "FE", "/"));
        sleep(200);  // both are at the server now
        for (int i = 0; i < 4; i++) all.add(fx.send("127.0.0.4", "FE", "/"));
        int ok = 0, limited = 0;
        for (Future<StickFixture.Response> f : all) {
            int st = StickFixture.await(f).status();
            if (st == 200) ok++;
            if (st == 429) limited++;
        }
        assertEquals(2, ok);
        assertEquals(4, limited);
        JsonObject e = fx.adminJson("/v1/tables/st?key=127.0.0.4").getJsonArray("entries").getJsonObject(0);
        assertEquals(0, e.getLong("conn_cur"), "every finished request gave its connection back");
        assertEquals(6, e.getLong("conn_cnt"));
        assertEquals(0, e.getInteger("use"));
    }

    @Test
    void gpcAndGptActionsAndTheirFetches() {
        fx = new StickFixture();
        fx.backend("B", 0);
        fx.start(DEFAULTS + """
                frontend fe
                    bind 127.0.0.1:${FE}
                    stick-table type string len 16 size 1k store gpc0,gpc0_rate(10s),gpt0
                    http-request track-sc2 req.hdr(x-user)
                    http-request sc-inc-gpc0(2) if { path_beg /login }
                    http-request sc-set-gpt0(2) 42 if { path /flag }
                    http-request deny deny_status 403 if { sc2_get_gpt0 eq 42 } { path /blocked }
                    http-request return status 200 content-type text/plain lf-string "gpc0=%[sc2_get_gpc0] rate=%[sc_gpc0_rate(2)] gpt0=%[sc2_get_gpt0] in=%[req.hdr(x-user),in_table(fe)] other=%[str(zed),in_table(fe)]"
                """);
        fx.get("127.0.0.5", "FE", "/login", "x-user", "ann");
        fx.get("127.0.0.5", "FE", "/login", "x-user", "ann");
        assertEquals("gpc0=2 rate=2 gpt0=0 in=1 other=0", fx.get("127.0.0.5", "FE", "/", "x-user", "ann").body());
        assertEquals(200, fx.get("127.0.0.5", "FE", "/blocked", "x-user", "ann").status());
        fx.get("127.0.0.5", "FE", "/flag", "x-user", "ann");
        assertEquals(403, fx.get("127.0.0.5", "FE", "/blocked", "x-user", "ann").status());
        assertEquals(200, fx.get("127.0.0.5", "FE", "/blocked", "x-user", "bob").status(), "another key");
    }

    @Test
    void responseRulesTrackAndCountServerAnswers() {
        fx = new StickFixture();
        fx.backend("B", req -> req.response().setStatusCode(req.path().startsWith("/missing") ? 404 : 200).end("x"));
        fx.start(DEFAULTS + """
                frontend fe
                    bind 127.0.0.1:${FE}
                    http-request deny deny_status 429 if { src_get_gpc0(st) ge 2 }
                    http-response track-sc0 src table st
                    http-response track-sc1 src table st
                    http-response track-sc2 src table st
                    http-response sc-inc-gpc0(0) if { status 404 }
                    http-response sc-inc-gpc1(1) if { status 404 }
                    http-response sc-set-gpt0(2) status
                    default_backend be
                backend be
                    server s 127.0.0.1:${B}
                backend st
                    stick-table type ip size 1k store gpc0,gpc1,gpt0,http_req_cnt
                """);
        assertEquals(200, fx.get("127.0.0.8", "FE", "/").status());
        assertEquals(404, fx.get("127.0.0.8", "FE", "/missing").status());
        assertEquals(404, fx.get("127.0.0.8", "FE", "/missing").status());
        // two 404s counted by the response rules: the next request is refused before it reaches the server
        assertEquals(429, fx.get("127.0.0.8", "FE", "/").status());
        JsonObject e = fx.adminJson("/v1/tables/st?key=127.0.0.8").getJsonArray("entries").getJsonObject(0);
        assertEquals(2, e.getLong("gpc0"));
        assertEquals(2, e.getLong("gpc1"));
        assertEquals(404, e.getLong("gpt0"));
        // HAProxy 2.6.12 (measured): a response-side tracking counts the request, once per slot tracking it
        assertEquals(9, e.getLong("http_req_cnt"));
    }

    @Test
    void entriesExpire() {
        fx = new StickFixture();
        fx.backend("B", 0);
        fx.start(DEFAULTS + """
                frontend fe
                    bind 127.0.0.1:${FE}
                    stick-table type ip size 1k expire 400ms store http_req_cnt
                    http-request track-sc0 src
                    http-request return status 200 content-type text/plain lf-string "%[sc0_http_req_cnt]"
                """);
        assertEquals("1", fx.get("127.0.0.6", "FE", "/").body());
        assertEquals("2", fx.get("127.0.0.6", "FE", "/").body());
        assertEquals(1, fx.adminJson("/v1/tables/fe").getInteger("used"));
        // the node's purge (once a second) removes it; a new request starts from zero
        long deadline = System.currentTimeMillis() + 5000;
        while (fx.adminJson("/v1/tables/fe").getInteger("used") != 0 && System.currentTimeMillis() < deadline) sleep(100);
        assertEquals(0, fx.adminJson("/v1/tables/fe").getInteger("used"));
        assertEquals("1", fx.get("127.0.0.6", "FE", "/").body());
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
