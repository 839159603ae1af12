package io.vxlb;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vxlb.config.ConfigParser;
import io.vxlb.config.ParseResult;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code vxlb demo}: unpacks the bundled configuration, starts five tiny backends on
 * 127.0.0.1:9101-9105 that say who they are and what they received, starts vxlb in front of
 * them on 127.0.0.1:8080 with the admin API on 127.0.0.1:9900, and prints what to try.
 */
final class Demo {
    static final String[] BACKENDS = {"app1", "app2", "api1", "admin1", "static1"};

    private Demo() {}

    static int run(PrintStream out, PrintStream err) {
        Path dir;
        try {
            dir = Files.createTempDirectory("vxlb-demo");
            dir.toFile().deleteOnExit();
            for (String f : List.of("demo.cfg", "hosts.map")) {
                try (InputStream in = Demo.class.getResourceAsStream("/demo/" + f)) {
                    Files.copy(in, dir.resolve(f));
                }
                dir.resolve(f).toFile().deleteOnExit();  // registered after the dir: deleted first
            }
        } catch (IOException e) {
            err.println("[ALERT] cannot unpack the demo: " + e);
            return 1;
        }
        Map<String, String> env = Map.of("VXLB_DEMO_DIR", dir.toString());
        ParseResult parsed = new ConfigParser(name -> env.containsKey(name) ? env.get(name) : System.getenv(name))
                .parseFiles(List.of(dir.resolve("demo.cfg")));
        if (!parsed.ok()) {
            parsed.errors().forEach(d -> err.println(d.format()));
            return 1;
        }
        // the demo's admin API needs a token too (made for this run, printed below)
        byte[] random = new byte[16];
        new java.security.SecureRandom().nextBytes(random);
        String token = java.util.HexFormat.of().formatHex(random);
        Vertx backends = Vertx.vertx();
        List<Future<HttpServer>> started = new ArrayList<>();
        for (int i = 0; i < BACKENDS.length; i++) started.add(startBackend(backends, BACKENDS[i], 9101 + i));
        try {
            Future.all(started).await();
            Node.start(parsed.config(), new Node.Options("demo", new io.vxlb.admin.AdminOptions("127.0.0.1", 9900, token, null, null, 0))).await();
        } catch (Exception e) {
            err.println("[ALERT] demo failed to start: " + e.getMessage() + " (are ports 8080, 9900 and 9101-9105 free?)");
            backends.close();
            return 1;
        }
        out.println("vxlb demo is running on http://127.0.0.1:8080 (configuration: " + dir.resolve("demo.cfg") + ")");
        out.println("Try:");
        out.println("  curl -i http://127.0.0.1:8080/                                 # redirect to /app/");
        out.println("  curl http://127.0.0.1:8080/app/   (twice)                      # round robin: app1, app2");
        out.println("  curl http://127.0.0.1:8080/api/users                           # path routing: api1, with X-Api-Version");
        out.println("  curl -H 'Host: admin.example.com' http://127.0.0.1:8080/panel  # host routing: admin1");
        out.println("  curl -H 'Host: static.example.com' http://127.0.0.1:8080/logo  # map_dom routing: static1");
        out.println("The admin API is on http://127.0.0.1:9900 (token for this run: " + token + ") — change the map live, then route by it:");
        out.println("  T='Authorization: Bearer " + token + "'");
        out.println("  curl -H \"$T\" -H 'content-type: application/json' -X PUT -d '{\"value\":\"bk_api\"}' http://127.0.0.1:9900/v1/maps/hosts.map/entries/api.example.com");
        out.println("  curl -H 'Host: api.example.com' http://127.0.0.1:8080/x        # now api1");
        out.println("  curl -H \"$T\" http://127.0.0.1:9900/v1/stats ; curl -H \"$T\" http://127.0.0.1:9900/metrics");
        out.println("Access log lines appear below. Stop with Ctrl-C.");
        return -1;  // keep running
    }

    /** A backend that answers with its name, the request line and the headers vxlb forwarded. */
    static Future<HttpServer> startBackend(Vertx vertx, String name, int port) {
        return vertx.createHttpServer().requestHandler(req -> {
            StringBuilder sb = new StringBuilder();
            sb.append("hello from ").append(name).append(": ").append(req.method()).append(' ').append(req.uri()).append('\n');
            req.headers().forEach(h -> sb.append("  ").append(h.getKey()).append(": ").append(h.getValue()).append('\n'));
            req.body().onComplete(b -> req.response().putHeader("content-type", "text/plain").end(sb.toString()));
        }).listen(port, "127.0.0.1");
    }
}
