import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The failover scenario of bench/failover.sh (JDK only: java bench/Failover.java PROXY_PORT B1 B2):
 * two HTTP servers on B1 and B2, 20 keep-alive clients against the proxy for 4 s, the server on
 * B1 stopped after 1 s. Prints requests, failed requests, p50, p99 and max latency.
 */
public class Failover {
    public static void main(String[] a) throws Exception {
        System.setProperty("sun.net.httpserver.nodelay", "true");  // else delayed ACKs add 40 ms per response
        int proxy = Integer.parseInt(a[0]);
        HttpServer b1 = server(Integer.parseInt(a[1]));
        HttpServer b2 = server(Integer.parseInt(a[2]));
        Thread.sleep(1500);  // both servers seen up by the checks
        List<Long> lat = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger failed = new AtomicInteger();
        long end = System.nanoTime() + 4_000_000_000L;
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Thread t = new Thread(() -> load(proxy, end, lat, failed));
            t.start();
            ts.add(t);
        }
        Thread.sleep(1000);
        b1.stop(0);
        for (Thread t : ts) t.join();
        b2.stop(0);
        List<Long> s = new ArrayList<>(lat);
        Collections.sort(s);
        System.out.printf("requests %d failed %d p50_ms %.1f p99_ms %.1f max_ms %.1f%n", s.size(), failed.get(),
                s.get(s.size() / 2) / 1e6, s.get((int) (s.size() * 0.99)) / 1e6, s.get(s.size() - 1) / 1e6);
        System.exit(0);
    }

    static HttpServer server(int port) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 128);
        byte[] body = "hello\n".getBytes(StandardCharsets.ISO_8859_1);
        s.createContext("/", x -> {
            x.getRequestBody().readAllBytes();
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        s.setExecutor(Executors.newFixedThreadPool(4));
        s.start();
        return s;
    }

    static void load(int port, long end, List<Long> lat, AtomicInteger failed) {
        byte[] req = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        Socket s = null;
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            try {
                if (s == null) {
                    s = new Socket("127.0.0.1", port);
                    s.setSoTimeout(10_000);
                }
                s.getOutputStream().write(req);
                int status = read(s.getInputStream());
                lat.add(System.nanoTime() - t0);
                if (status != 200) failed.incrementAndGet();
            } catch (IOException e) {
                lat.add(System.nanoTime() - t0);
                failed.incrementAndGet();
                try {
                    if (s != null) s.close();
                } catch (IOException ignored) {
                    // gone
                }
                s = null;
            }
        }
    }

    static int read(InputStream in) throws IOException {
        StringBuilder h = new StringBuilder();
        while (h.length() < 4 || h.lastIndexOf("\r\n\r\n") != h.length() - 4) {
            int b = in.read();
            if (b < 0) throw new IOException("closed");
            h.append((char) b);
        }
        String t = h.toString().toLowerCase();
        int i = t.indexOf("content-length:");
        int n = i < 0 ? 0 : Integer.parseInt(t.substring(i + 15, t.indexOf("\r\n", i)).trim());
        if (in.readNBytes(n).length != n) throw new IOException("cut");
        return Integer.parseInt(t.substring(9, 12));
    }
}
