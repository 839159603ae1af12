package io.vxlb.proxy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Server {@code source ADDR}: connections to that server leave from the given local address
 * (Linux routes all of 127.0.0.0/8 to lo, so 127.0.0.2 works without setup); servers without it
 * use the kernel's choice (127.0.0.1 towards 127.0.0.1). HTTP and {@code mode tcp}, health
 * checks, and {@code default-server source}.
 */
class SourceIT {
    private ProxyFixture fx;

    @AfterEach
    void tearDown() {
        if (fx != null) fx.close();
    }

    @Test
    void httpServerConnectionsBindTheSourceAddress() {
        fx = new ProxyFixture();
        // each backend answers with the address the connection came from
        fx.backend("B1", req -> req.response().end(req.remoteAddress().host()));
        fx.backend("B2", req -> req.response().end(req.remoteAddress().host()));
        fx.backend("B3", req -> req.response().end(req.remoteAddress().host()));
        fx.start("""
                defaults
                  mode http
                  timeout connect 5s
                  timeout client 5s
                  timeout server 5s
                frontend bound
                  bind 127.0.0.1:${FE1}
                  default_backend with_source
                frontend plain
                  bind 127.0.0.1:${FE2}
                  default_backend without_source
                frontend defaulted
                  bind 127.0.0.1:${FE3}
                  default_backend default_source
                backend with_source
                  server s1 127.0.0.1:${B1} source 127.0.0.2
                backend without_source
                  server s2 127.0.0.1:${B2}
                backend default_source
                  default-server source 127.0.0.3
                  server s3 127.0.0.1:${B3}
                """);
        for (int i = 0; i < 3; i++) {  // new and reused pooled connections alike
            ProxyFixture.Response r1 = fx.get("FE1", "/");
            assertEquals(200, r1.status());
            assertEquals("127.0.0.2", r1.body());
            ProxyFixture.Response r2 = fx.get("FE2", "/");
            assertEquals(200, r2.status());
            assertEquals("127.0.0.1", r2.body());
            assertEquals("127.0.0.3", fx.get("FE3", "/").body(), "default-server source applies to the servers after it");
        }
    }

    @Test
    void tcpServerConnectionsAndChecksBindTheSourceAddress() throws Exception {
        fx = new ProxyFixture();
        Map<String, List<String>> seen = new ConcurrentHashMap<>();
        for (String name : new String[]{"T1", "T2"}) {
            List<String> hosts = new CopyOnWriteArrayList<>();
            seen.put(name, hosts);
            NetServer s = fx.vertx.createNetServer().connectHandler(sock -> {
                hosts.add(sock.remoteAddress().host());
                sock.end(Buffer.buffer(sock.remoteAddress().host()));
            });
            ProxyFixture.await(s.listen(fx.port(name), "127.0.0.1"));
        }
        fx.start("""
                defaults
                  mode tcp
                  timeout connect 5s
                  timeout client 5s
                  timeout server 5s
                listen bound
                  bind 127.0.0.1:${FE1}
                  server t1 127.0.0.1:${T1} source 127.0.0.2 check inter 100ms
                listen plain
                  bind 127.0.0.1:${FE2}
                  server t2 127.0.0.1:${T2} check inter 100ms
                """);
        for (int i = 0; i < 2; i++) {
            assertEquals("127.0.0.2", readAll(fx.port("FE1")));
            assertEquals("127.0.0.1", readAll(fx.port("FE2")));
        }
        // health checks leave from the source address too (connect checks: the rest of the connections)
        long until = System.currentTimeMillis() + 10_000;
        while ((seen.get("T1").size() < 4 || seen.get("T2").size() < 4) && System.currentTimeMillis() < until) Thread.sleep(50);
        assertTrue(seen.get("T1").size() >= 4, seen::toString);
        assertEquals(Set.of("127.0.0.2"), Set.copyOf(seen.get("T1")), seen::toString);
        assertEquals(Set.of("127.0.0.1"), Set.copyOf(seen.get("T2")), seen::toString);
    }

    private static String readAll(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
