package io.vxlb.health;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vxlb.config.Config;
import io.vxlb.config.ConfigParser;
import io.vxlb.config.Diagnostic;
import io.vxlb.config.ParseResult;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** Real loopback backends for the health tests, and small helpers. */
final class Backends {
    private Backends() {}

    static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static Config parse(String text) {
        ParseResult r = new ConfigParser(Map.<String, String>of()::get).parse("test.cfg", text);
        if (!r.ok()) throw new AssertionError(r.diagnostics().stream().map(Diagnostic::format).collect(Collectors.joining("\n")));
        return r.config();
    }

    static int freePort() {
        return io.vxlb.testing.Ports.freePort();
    }

    enum Mode { HEALTHY, S503, WRONG_BODY, SLOW, REDIRECT, SWITCHING, DEAD }

    /** A Vert.x HTTP backend that can be flipped between behaviours; DEAD closes its port. */
    static final class FlipBackend {
        final Vertx vertx;
        final int port;
        volatile Mode mode = Mode.HEALTHY;
        final List<String> requests = new CopyOnWriteArrayList<>();
        final List<Long> times = new CopyOnWriteArrayList<>();
        private HttpServer server;

        FlipBackend(Vertx vertx) {
            this.vertx = vertx;
            this.port = freePort();
            listen();
        }

        private void listen() {
            server = vertx.createHttpServer().requestHandler(req -> {
                StringBuilder sb = new StringBuilder(req.method() + " " + req.uri() + " " + req.version() + "\n");
                req.headers().forEach(h -> sb.append(h.getKey()).append(": ").append(h.getValue()).append('\n'));
                requests.add(sb.toString());
                times.add(System.nanoTime());
                switch (mode) {
                    case HEALTHY -> req.response().end("all good");
                    case S503 -> req.response().setStatusCode(503).end("busy");
                    case WRONG_BODY -> req.response().end("something bad happened");
                    case REDIRECT -> req.response().setStatusCode(302).putHeader("Location", "/x").end();
                    case SWITCHING -> {
                        // a WebSocket-style 101 whose connection then stays open
                        req.toNetSocket().onSuccess(so -> { });
                    }
                    case SLOW, DEAD -> { }
                }
            });
            await(server.listen(port, "127.0.0.1"));
        }

        void set(Mode m) {
            if (m == Mode.DEAD && mode != Mode.DEAD) await(server.close());
            if (m != Mode.DEAD && mode == Mode.DEAD) listen();
            mode = m;
        }

        void close() {
            if (mode != Mode.DEAD) await(server.close());
        }
    }

    /** Accepts TCP connections and never answers. */
    static NetServer blackHole(Vertx vertx, int port) {
        NetServer s = vertx.createNetServer().connectHandler(so -> so.handler(b -> { }));
        await(s.listen(port, "127.0.0.1"));
        return s;
    }

    /** A TCP server answering each received chunk with {@code reply} (or closing when null). */
    static NetServer scripted(Vertx vertx, int port, java.util.function.Function<String, String> reply) {
        NetServer s = vertx.createNetServer().connectHandler((NetSocket so) -> so.handler(b -> {
            String r = reply.apply(b.toString());
            if (r == null) so.close();
            else so.write(Buffer.buffer(r));
        }));
        await(s.listen(port, "127.0.0.1"));
        return s;
    }
}
