package io.vxlb.stick;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vxlb.Node;
import io.vxlb.admin.AdminOptions;
import io.vxlb.config.ConfigParser;
import io.vxlb.config.ParseResult;
import io.vxlb.testing.Ports;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real parts for stick table tests: vxlb in-process on a configuration text ({@code ${NAME}}
 * placeholders become free loopback ports) with its admin API, Vert.x backends that answer with
 * their name, and keep-alive clients bound to a chosen loopback source address (127.0.0.x), so a
 * test has as many client addresses as it wants.
 */
final class StickFixture implements AutoCloseable {
    final Vertx vertx = Vertx.vertx();
    final Map<String, Integer> ports = new HashMap<>();
    private final Map<String, HttpClient> clients = new HashMap<>();
    Node node;

    record Response(int status, String body, io.vertx.core.MultiMap headers) {}

    int port(String name) {
        return ports.computeIfAbsent(name, n -> Ports.freePort());
    }

    StickFixture start(String config) {
        String text = config;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{([A-Z0-9_]+)}").matcher(config);
        while (m.find()) port(m.group(1));
        for (Map.Entry<String, Integer> e : ports.entrySet()) text = text.replace("${" + e.getKey() + "}", e.getValue().toString());
        ParseResult r = new ConfigParser().parse("stick.cfg", text);
        assertTrue(r.ok(), () -> "config does not parse: " + r.diagnostics());
        node = await(Node.start(vertx, r.config(), new Node.Options("stick", AdminOptions.loopback(0), null)));
        return this;
    }

    /** A backend answering 200 with its name (after {@code delayMs}), or through {@code handler}. */
    void backend(String name, long delayMs) {
        backend(name, req -> {
            if (delayMs <= 0) req.response().end(name);
            else vertx.setTimer(delayMs, t -> req.response().end(name));
        });
    }

    void backend(String name, Consumer<HttpServerRequest> handler) {
        await(vertx.createHttpServer().requestHandler(handler::accept).listen(port(name), "127.0.0.1"));
    }

    HttpClient client(String source) {
        return clients.computeIfAbsent(source, s -> vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setLocalAddress(s),
                new PoolOptions().setHttp1MaxSize(32)));
    }

    Future<Response> send(String source, String portName, String uri, String... headers) {
        RequestOptions o = new RequestOptions().setHost("127.0.0.1").setPort(port(portName)).setMethod(HttpMethod.GET).setURI(uri);
        for (int i = 0; i + 1 < headers.length; i += 2) o.addHeader(headers[i], headers[i + 1]);
        return client(source).request(o).compose(req -> req.send()
                .compose(resp -> resp.body().map(b -> new Response(resp.statusCode(), b.toString(), resp.headers()))));
    }

    Response get(String source, String portName, String uri, String... headers) {
        return await(send(source, portName, uri, headers));
    }

    /** An admin API call on this node: status and JSON (or text) body. */
    Response admin(HttpMethod method, String uri) {
        RequestOptions o = new RequestOptions().setHost("127.0.0.1").setPort(node.adminPort()).setMethod(method).setURI(uri);
        return await(client("127.0.0.1").request(o).compose(req -> req.send()
                .compose(resp -> resp.body().map(b -> new Response(resp.statusCode(), b.toString(), resp.headers())))));
    }

    JsonObject adminJson(String uri) {
        return new JsonObject(admin(HttpMethod.GET, uri).body());
    }

    static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (node != null) await(node.close());
        await(vertx.close());
    }
}
