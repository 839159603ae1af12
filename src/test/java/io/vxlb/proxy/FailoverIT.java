package io.vxlb.proxy;

import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server dying under load (issue 12's scenario): 20 keep-alive clients, two servers checked
 * every 300 ms with fall 2, retries 3 and option redispatch; one server stops. HAProxy 2.6
 * answers every request, its worst in 46 ms on this machine kind; before the shared retry
 * decision vxlb's worst was 2 s (each retry waited a second on the dead server) and 4 requests
 * failed. This asserts what matters to the clients: no failed request, and no request held
 * anywhere near the one-second turn-around. bench/failover.sh measures it against HAProxy.
 */
@Tag("slow")
class FailoverIT {
    private ProxyFixture fx;

    @AfterEach
    void tearDown() {
        if (fx != null) fx.close();
    }

    @Test
    void aServerStoppingUnderLoadFailsNoRequestAndStallsNone() throws Exception {
        fx = new ProxyFixture();
        fx.backend("B1");
        fx.backend("B2");
        fx.start("""
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 5s
                    timeout server 5s
                    retries 3
                    option redispatch
                frontend fe
                    bind 127.0.0.1:${FE}
                    default_backend be
                backend be
                    balance roundrobin
                    server s1 127.0.0.1:${B1} check inter 300ms fall 2 rise 2
                    server s2 127.0.0.1:${B2} check inter 300ms fall 2 rise 2
                """);
        int port = fx.port("FE");
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger failed = new AtomicInteger();
        long end = System.nanoTime() + 3_000_000_000L;
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Thread t = new Thread(() -> load(port, end, latencies, failed));
            t.setDaemon(true);
            t.start();
            clients.add(t);
        }
        Thread.sleep(1000);
        HttpServer dying = fx.backends.get(0).server;
        ProxyFixture.await(dying.close());
        for (Thread t : clients) t.join(10_000);
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        long p99 = sorted.get((int) (sorted.size() * 0.99));
        long max = sorted.get(sorted.size() - 1);
        System.out.printf("failover: %d requests, %d failed, p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", sorted.size(), failed.get(),
                sorted.get(sorted.size() / 2) / 1e6, p99 / 1e6, max / 1e6);
        assertTrue(sorted.size() > 1000, "load ran: " + sorted.size());
        assertEquals(0, failed.get(), "every request is answered by the live server");
        assertTrue(max < 900_000_000L, "no request waited for a turn-around on the dead server: max " + max / 1_000_000 + " ms");
    }

    /** One keep-alive client: GET after GET, reconnecting when the proxy closes. */
    private static void load(int port, long end, List<Long> latencies, AtomicInteger failed) {
        byte[] req = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        Socket s = null;
        try {
            while (System.nanoTime() < end) {
                if (s == null) {
                    s = new Socket("127.0.0.1", port);
                    s.setSoTimeout(5000);
                }
                long t0 = System.nanoTime();
                try {
                    OutputStream out = s.getOutputStream();
                    out.write(req);
                    int status = readResponse(s.getInputStream());
                    latencies.add(System.nanoTime() - t0);
                    if (status != 200) failed.incrementAndGet();
                } catch (IOException e) {
                    failed.incrementAndGet();
                    s.close();
                    s = null;
                }
            }
        } catch (IOException e) {
            failed.incrementAndGet();
        } finally {
            try {
                if (s != null) s.close();
            } catch (IOException e) {
                // gone
            }
        }
    }

    /** Reads one response (content-length framed) and returns its status. */
    private static int readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || head.lastIndexOf("\r\n\r\n") != head.length() - 4) {
            int b = in.read();
            if (b < 0) throw new IOException("closed in the head");
            head.append((char) b);
        }
        String h = head.toString().toLowerCase(java.util.Locale.ROOT);
        int i = h.indexOf("content-length:");
        int n = i < 0 ? 0 : Integer.parseInt(h.substring(i + 15, h.indexOf("\r\n", i)).trim());
        if (in.readNBytes(n).length != n) throw new IOException("cut body");
        return Integer.parseInt(h.substring(9, 12));
    }
}
