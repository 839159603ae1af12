package io.vxlb.proxy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vxlb.config.ConfigParser;
import io.vxlb.config.ParseResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code retry-on}: which failures send a request again, and that a request with a body never goes twice. */
class RetryOnIT {
    private ProxyFixture fx;

    @AfterEach
    void tearDown() {
        if (fx != null) fx.close();
    }

    private static String config(String retryOn, String more) {
        return """
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 5s
                    timeout server 5s
                frontend fe
                    bind 127.0.0.1:${FE}
                    default_backend be
                backend be
                    balance roundrobin
                    retries 2
                """ + (retryOn == null ? "" : "    retry-on " + retryOn + "\n") + more + """
                    server bad 127.0.0.1:${BAD}
                    server good 127.0.0.1:${GOOD}
                """;
    }

    @Test
    void aStatusInRetryOnGoesToTheNextServerWithRedispatch() {
        fx = new ProxyFixture();
        ProxyFixture.Backend bad = fx.backend("BAD", req -> req.response().setStatusCode(503).end("bad"));
        ProxyFixture.Backend good = fx.backend("GOOD", req -> req.response().end("good"));
        fx.start(config("503", "    option redispatch 1\n"));
        for (int i = 0; i < 4; i++) {
            ProxyFixture.Response r = fx.get("FE", "/x" + i);
            assertEquals(200, r.status(), "request " + i);
            assertEquals("good", r.body());
        }
        // the redispatch's pick moves the round robin on: each request meets the bad server first
        // (HAProxy 2.6.12, same config, Python servers: bad answered 4 times, good 4, clients 4 x 200)
        assertEquals(4, bad.seen.size());
        assertEquals(4, good.seen.size());
    }

    @Test
    void withoutRedispatchTheSameServerIsTriedRetriesTimesThenItsAnswerIsRelayed() {
        fx = new ProxyFixture();
        ProxyFixture.Backend bad = fx.backend("BAD", req -> req.response().setStatusCode(503).end("bad"));
        fx.backend("GOOD", req -> req.response().end("good"));
        fx.start(config("503", "") .replace("    server good 127.0.0.1:${GOOD}\n", ""));
        ProxyFixture.Response r = fx.get("FE", "/x");
        assertEquals(503, r.status());
        assertEquals("bad", r.body(), "the last answer is the server's own");
        assertEquals(3, bad.seen.size(), "1 attempt + retries 2");
    }

    @Test
    void aRequestWithABodyIsNeverSentTwice() {
        fx = new ProxyFixture();
        ProxyFixture.Backend bad = fx.backend("BAD", req -> req.body().onSuccess(b -> req.response().setStatusCode(503).end("bad")));
        fx.backend("GOOD", req -> req.response().end("good"));
        fx.start(config("503", "    option redispatch 1\n").replace("    server good 127.0.0.1:${GOOD}\n", ""));
        ProxyFixture.Response r = fx.request(HttpMethod.POST, "FE", "/x", Buffer.buffer("payload"));
        assertEquals(503, r.status());
        assertEquals(1, bad.seen.size());
    }

    @Test
    void theDefaultRelaysStatusesAndEmptyResponses() {
        fx = new ProxyFixture();
        ProxyFixture.Backend bad = fx.backend("BAD", req -> req.response().setStatusCode(503).end("bad"));
        fx.backend("GOOD", req -> req.response().end("good"));
        fx.start(config(null, "    option redispatch 1\n").replace("    server good 127.0.0.1:${GOOD}\n", ""));
        assertEquals(503, fx.get("FE", "/x").status());
        assertEquals(1, bad.seen.size());
    }

    @Test
    void emptyResponsesAreRetriedOnlyWhenAsked() {
        fx = new ProxyFixture();
        ProxyFixture.Backend bad = fx.backend("BAD", req -> req.connection().close());
        ProxyFixture.Backend good = fx.backend("GOOD", req -> req.response().end("good"));
        fx.start(config("empty-response", "    option redispatch 1\n"));
        for (int i = 0; i < 4; i++) assertEquals(200, fx.get("FE", "/x" + i).status(), "request " + i);
        assertEquals(4, bad.seen.size());
        assertEquals(4, good.seen.size());
        fx.close();

        fx = new ProxyFixture();
        bad = fx.backend("BAD", req -> req.connection().close());
        fx.backend("GOOD", req -> req.response().end("good"));
        fx.start(config(null, "    option redispatch 1\n").replace("    server good 127.0.0.1:${GOOD}\n", ""));
        assertEquals(502, fx.get("FE", "/x").status(), "conn-failure alone: an empty response is a 502");
        assertEquals(1, bad.seen.size());
    }

    @Test
    void retryOnNoneDoesNotRetryAFailedConnection() {
        fx = new ProxyFixture();
        fx.backend("GOOD", req -> req.response().end("good"));
        fx.start(config("none", "    option redispatch 1\n").replace("${BAD}", "${DEAD}"));
        int failures = 0;
        for (int i = 0; i < 4; i++) if (fx.get("FE", "/x" + i).status() == 503) failures++;
        assertEquals(2, failures, "the requests balanced to the dead server fail at once");
        fx.close();

        fx = new ProxyFixture();
        fx.backend("GOOD", req -> req.response().end("good"));
        fx.start(config(null, "    option redispatch 1\n").replace("${BAD}", "${DEAD}"));
        for (int i = 0; i < 4; i++) assertEquals(200, fx.get("FE", "/x" + i).status(), "conn-failure (the default) redispatches");
    }

    @Test
    void unknownKeywordsAreConfigErrors() {
        ParseResult r = new ConfigParser().parse("t.cfg", "backend be\n    retry-on 503 418\n");
        assertFalse(r.ok());
        assertTrue(r.diagnostics().toString().contains("unknown keyword '418' in 'retry-on'"), r.diagnostics().toString());
        assertFalse(new ConfigParser().parse("t.cfg", "backend be\n    retry-on none 503\n").ok());
        assertTrue(new ConfigParser().parse("t.cfg", "backend be\n    retry-on all-retryable-errors 404\n").ok());
    }
}
