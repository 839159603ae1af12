package io.vxlb.stick;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** stick on / match / store-request / store-response through the real proxy: clients keep their server. */
class StickPersistenceIT {
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
    void stickOnKeepsEachClientOnItsFirstServer() {
        fx = new StickFixture();
        fx.backend("A", 0);
        fx.backend("B", 0);
        fx.start(DEFAULTS + """
                frontend fe
                    bind 127.0.0.1:${FE}
                    default_backend be
                backend be
                    balance roundrobin
                    stick-table type string len 32 size 1k expire 1m
                    stick on req.hdr(x-user)
                    server a 127.0.0.1:${A}
                    server b 127.0.0.1:${B}
                """);
        String ann = fx.get("127.0.0.1", "FE", "/", "x-user", "ann").body();
        String bob = fx.get("127.0.0.1", "FE", "/", "x-user", "bob").body();
        assertNotEquals(ann, bob, "roundrobin spread the first requests");
        for (int i = 0; i < 6; i++) {
            assertEquals(ann, fx.get("127.0.0.1", "FE", "/", "x-user", "ann").body());
            assertEquals(bob, fx.get("127.0.0.1", "FE", "/", "x-user", "bob").body());
        }
        JsonObject e = fx.adminJson("/v1/tables/be?key=ann").getJsonArray("entries").getJsonObject(0);
        assertEquals(ann.equals("A") ? 1 : 2, e.getLong("server_id"), "stick rules store server_id, as HAProxy adds it");
    }

    @Test
    void matchAndStoreWithATableInAnotherBackendAndNonStickServers() {
        fx = new StickFixture();
        fx.backend("A", 0);
        fx.backend("B", 0);
        fx.backend("C", req -> req.response().putHeader("x-session", req.getHeader("x-want") == null ? "none" : req.getHeader("x-want")).end("C"));
        fx.start(DEFAULTS + """
                frontend fe
                    bind 127.0.0.1:${FE}
                    use_backend resp if { path_beg /resp }
                    default_backend be
                backend be
                    balance roundrobin
                    stick match src table sessions
                    stick store-request src table sessions
                    server a 127.0.0.1:${A} non-stick
                    server b 127.0.0.1:${B}
                backend resp
                    stick store-response res.hdr(x-session) table tokens
                    stick match req.hdr(x-session) table tokens
                    server c 127.0.0.1:${C}
                backend sessions
                    stick-table type ip size 1k
                backend tokens
                    stick-table type string size 1k store server_id
                """);
        // the first request goes to a (non-stick: not stored), the second to b (stored), then b sticks
        assertEquals("A", fx.get("127.0.0.7", "FE", "/").body());
        assertEquals(0, fx.adminJson("/v1/tables/sessions").getInteger("used"), "a non-stick server is never stored");
        assertEquals("B", fx.get("127.0.0.7", "FE", "/").body());
        for (int i = 0; i < 5; i++) assertEquals("B", fx.get("127.0.0.7", "FE", "/").body());
        // store-response keys come from the response
        assertEquals("C", fx.get("127.0.0.7", "FE", "/resp", "x-want", "tok1").body());
        assertEquals(1, fx.adminJson("/v1/tables/tokens?key=tok1").getJsonArray("entries").getJsonObject(0).getLong("server_id"));
    }
}
