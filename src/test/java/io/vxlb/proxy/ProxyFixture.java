package io.vxlb.proxy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.MultiMap;
import io.vxlb.Node;
import io.vxlb.config.ConfigParser;
import io.vxlb.config.ParseResult;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real parts for proxy tests: Vert.x backends on 127.0.0.1 that record what they received,
 * vxlb started in-process from a configuration text, and clients (Vert.x and raw sockets).
 * Ports in the text are written {@code ${NAME}} and replaced by free loopback ports.
 */
public final class ProxyFixture implements AutoCloseable {
    public final Vertx vertx = Vertx.vertx();
    public final HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
    public final Map<String, Integer> ports = new HashMap<>();
    public final List<Backend> backends = new ArrayList<>();
    Node node;

    /** A port for a placeholder name, chosen free on first use. */
    public int port(String name) {
        return ports.computeIfAbsent(name, n -> n.startsWith("DEAD") ? deadPort() : freePort());
    }

    /** Bound but never listening sockets: their ports refuse connections and nobody else can take them. */
    private final List<java.net.Socket> reserved = new ArrayList<>();

    /**
     * A port where connections are refused for the whole test. A merely closed port can be reused
     * by another listener (or as an ephemeral port) while the suite runs, which made "dead server"
     * tests connect somewhere; a bound, unconnected, non-listening socket holds it instead.
     */
    private int deadPort() {
        try {
            java.net.Socket s = new java.net.Socket();
            s.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
            reserved.add(s);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static int freePort() {
        return io.vxlb.testing.Ports.freePort();
    }

    /** Starts vxlb on the configuration, placeholders replaced by ports. */
    public ProxyFixture start(String config) {
        return start(config, Node.Options.DEFAULT);
    }

    /** The same with node options (e.g. an admin API: {@code new Node.Options("n", AdminOptions.loopback(0), null)}). */
    public ProxyFixture start(String config, Node.Options options) {
        String text = config;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{([A-Z0-9_]+)}").matcher(config);
        while (m.find()) port(m.group(1));
        for (Map.Entry<String, Integer> e : ports.entrySet()) text = text.replace("${" + e.getKey() + "}", e.getValue().toString());
        ParseResult r = new ConfigParser().parse("test.cfg", text);
        assertTrue(r.ok(), () -> "config does not parse: " + r.diagnostics());
        node = await(Node.start(vertx, r.config(), options));
        return this;
    }

    /** A backend that records requests and answers via {@code handler} (default: 200 "NAME"). */
    public Backend backend(String name) {
        return backend(name, null);
    }

    public Backend backend(String name, Consumer<HttpServerRequest> handler) {
        Backend b = new Backend(name, handler);
        b.server = await(vertx.createHttpServer().requestHandler(b::handle).listen(port(name), "127.0.0.1"));
        backends.add(b);
        return b;
    }

    /** A plain GET with headers; returns status, headers and body. */
    public Response get(String portName, String uri, String... headers) {
        return request(HttpMethod.GET, portName, uri, null, headers);
    }

    public Response request(HttpMethod method, String portName, String uri, Buffer body, String... headers) {
        RequestOptions o = new RequestOptions().setHost("127.0.0.1").setPort(port(portName)).setMethod(method).setURI(uri);
        for (int i = 0; i + 1 < headers.length; i += 2) o.addHeader(headers[i], headers[i + 1]);
        // resp.body() is called in the event-loop turn that delivers the response: chained from the test
        // thread instead, it can come after the body was dispatched and never complete (vert.x#5904)
        Future<Response> f = client.request(o).compose(req -> (body == null ? req.send() : req.send(body))
                .compose(resp -> resp.body().map(b -> new Response(resp.statusCode(), resp.headers(), b.toString()))));
        return await(f);
    }

    /** Sends raw bytes on a new connection and returns everything received until close or timeout. */
    public String raw(String portName, String bytes, int readTimeoutMillis) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port(portName))) {
            s.setSoTimeout(readTimeoutMillis);
            OutputStream out = s.getOutputStream();
            out.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder sb = new StringBuilder();
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) > 0) sb.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            } catch (java.net.SocketTimeoutException e) {
                // the server kept the connection open: return what arrived
            }
            return sb.toString();
        }
    }

    @Override
    public void close() {
        if (node != null) await(node.close());
        await(vertx.close());
        for (java.net.Socket s : reserved) {
            try {
                s.close();
            } catch (IOException e) {
                // already gone
            }
        }
    }

    /** Waits for a future on the test thread, bounded so a hung proxy fails the test instead of CI. */
    public static <T> T await(Future<T> f) {
        try {
            return f.await(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("timed out after 30 s", e);
        }
    }

    public record Response(int status, MultiMap headers, String body) {}

    /** What a backend saw: one entry per request. */
    public record Seen(String method, String uri, List<Map.Entry<String, String>> headers, String body) {
        public String header(String name) {
            String v = null;
            for (Map.Entry<String, String> h : headers) if (h.getKey().equalsIgnoreCase(name)) v = h.getValue();
            return v;
        }

        public long count(String name) {
            return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).count();
        }
    }

    public static final class Backend {
        final String name;
        final Consumer<HttpServerRequest> handler;
        public final List<Seen> seen = new CopyOnWriteArrayList<>();
        HttpServer server;

        Backend(String name, Consumer<HttpServerRequest> handler) {
            this.name = name;
            this.handler = handler;
        }

        void handle(HttpServerRequest req) {
            List<Map.Entry<String, String>> hs = new ArrayList<>();
            req.headers().forEach(e -> hs.add(Map.entry(e.getKey(), e.getValue())));
            if (handler != null) {
                seen.add(new Seen(req.method().name(), req.uri(), hs, null));
                handler.accept(req);
                return;
            }
            req.body().onSuccess(b -> {
                seen.add(new Seen(req.method().name(), req.uri(), hs, b.toString()));
                req.response().putHeader("x-served-by", name).end(name);
            });
        }

        public Seen last() {
            return seen.get(seen.size() - 1);
        }
    }
}
