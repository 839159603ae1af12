package io.vxlb.proxy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Health results reaching the request path: seed 000's Wt fallback. When bck1's only server
 * goes down, {@code nbsrv(bck1) gt 0} turns false and sessions of wt1 go to bck_lb, whose srv1
 * tracks bck1/srv1 and is down too, so srv2 serves them; when it comes back they return.
 */
class HealthRoutingIT {
    private ProxyFixture fx;

    @AfterEach
    void tearDown() {
        if (fx != null) fx.close();
    }

    private String servedBy(String uri) {
        ProxyFixture.Response r = fx.get("FE8080", uri);
        return r.status() == 200 ? r.body() : "status " + r.status();
    }

    /** Polls (bounded) until the request is served by {@code expected}. */
    private void eventually(String expected, String uri) throws InterruptedException {
        String last = null;
        for (int i = 0; i < 100; i++) {
            last = servedBy(uri);
            if (expected.equals(last)) return;
            Thread.sleep(50);
        }
        assertEquals(expected, last, "not served by " + expected + " within 5 s");
    }

    @Test
    void wtSessionsFallBackToThePoolWhenTheirServerIsDownAndReturn() throws Exception {
        String text = Files.readString(Path.of("src/test/resources/configs/wt-affinity.cfg"))
                .replace(" check", " check inter 100 fall 2 rise 2")
                .replaceAll("127\\.0\\.0\\.1:(80\\d\\d)", "127.0.0.1:\\${FE$1}").replaceAll("127\\.0\\.0\\.1:(90\\d\\d)", "127.0.0.1:\\${BE$1}");
        fx = new ProxyFixture();
        ProxyFixture.Backend wt1 = fx.backend("BE9001");
        fx.backend("BE9002");
        fx.start(text);
        assertEquals("BE9001", servedBy("/app?wtd=wt1abc"));

        ProxyFixture.await(wt1.server.close());
        eventually("BE9002", "/app?wtd=wt1abc");
        // the pool's srv1 tracks bck1/srv1: every session-less request goes to srv2 now
        for (int i = 0; i < 4; i++) assertEquals("BE9002", servedBy("/"));

        fx.backend("BE9001");  // back on the same port
        eventually("BE9001", "/app?wtd=wt1abc");
    }
}
