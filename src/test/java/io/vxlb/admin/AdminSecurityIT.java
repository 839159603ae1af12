package io.vxlb.admin;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vxlb.Node;
import io.vxlb.config.ConfigParser;
import io.vxlb.config.ParseResult;
import io.vxlb.testing.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin API against the attacks of issue 13, on a real node: validation never echoes the
 * environment or a file; a configuration pushed through the API may name only allowed files
 * (--maps-dir, or the files the node's own configuration names), regular and bounded in size;
 * a web page cannot reach it (Host, Origin, Sec-Fetch-Site, JSON-only writes); the token is
 * required. Requests are written on raw sockets so every header is the test's.
 */
class AdminSecurityIT {
    private static final String SECRET = "s3cr3t-Value-From-The-Env-42";
    private static final String FILE_SECRET = "TOPSECRET-first-line-of-a-private-file";
    private static final String TOKEN = "admin-token-" + java.util.UUID.randomUUID();
    private Vertx vertx;
    private Node node;
    private Path dir, mapsDir, outside;
    private int port, fe;

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("vxlb-admin-sec");
        mapsDir = Files.createDirectories(dir.resolve("maps"));
        outside = Files.createDirectories(dir.resolve("private"));
        Files.writeString(mapsDir.resolve("hosts.map"), "example.com be\n");
        Files.writeString(mapsDir.resolve("bad-ip.map"), FILE_SECRET + " be\n");
        Files.writeString(outside.resolve("secret.txt"), FILE_SECRET + "\n");
        Files.createSymbolicLink(mapsDir.resolve("link.map"), outside.resolve("secret.txt"));
        fe = Ports.freePort();
        Map<String, String> env = Map.of("FE", String.valueOf(fe), "SECRET_TOKEN", SECRET);
        ParseResult r = new ConfigParser(env::get).parse("node.cfg", config(""));
        assertTrue(r.ok(), r.diagnostics().toString());
        vertx = Vertx.vertx();
        node = Node.start(vertx, r.config(), new Node.Options("n", new AdminOptions("127.0.0.1", 0, TOKEN, null, null, 0), env::get)
                .withMapsDirs(List.of(mapsDir))).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        port = node.adminPort();
    }

    @AfterEach
    void stop() throws Exception {
        if (node != null) node.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        if (vertx != null) vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        Ports.deleteTree(dir);
    }

    private String config(String extra) {
        return """
                defaults
                    mode http
                    timeout client 5s
                    timeout server 5s
                    timeout connect 2s
                frontend fe
                    bind "127.0.0.1:${FE}"
                    use_backend %%[req.hdr(host),map(%s/hosts.map,be)]
                %s
                backend be
                    server s 127.0.0.1:9
                """.formatted(mapsDir, extra);
    }

    record Reply(int status, String head, String body) {
        JsonObject json() {
            return new JsonObject(body);
        }
    }

    /** One request on a fresh socket; {@code headers} are "Name: value" lines, Host first if given. */
    private Reply raw(String method, String uri, String body, String... headers) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            StringBuilder req = new StringBuilder(method + " " + uri + " HTTP/1.1\r\n");
            boolean host = false;
            for (String h : headers) {
                req.append(h).append("\r\n");
                host |= h.toLowerCase().startsWith("host:");
            }
            if (!host) req.append("Host: 127.0.0.1:").append(port).append("\r\n");
            byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            if (body != null) req.append("Content-Length: ").append(b.length).append("\r\n");
            req.append("Connection: close\r\n\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(b);
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int split = text.indexOf("\r\n\r\n");
            String head = text.substring(0, split);
            return new Reply(Integer.parseInt(head.split(" ")[1]), head, text.substring(split + 4));
        }
    }

    private Reply json(String method, String uri, String body, String... headers) throws Exception {
        String[] all = new String[headers.length + 2];
        all[0] = "Authorization: Bearer " + TOKEN;
        all[1] = "Content-Type: application/json";
        System.arraycopy(headers, 0, all, 2, headers.length);
        return raw(method, uri, body, all);
    }

    private Reply validate(String text) throws Exception {
        return json("POST", "/v1/config/validate", new JsonObject().put("text", text).encode());
    }

    @Test
    void validationNeverEchoesEnvironmentValuesOrFileContents() throws Exception {
        List<String> texts = List.of(
                config("    \"${SECRET_TOKEN}\" on\n"),                                              // unknown keyword
                config("    use_backend \"${SECRET_TOKEN}\"\n"),                                    // unknown backend (cross-check)
                config("frontend f2\n    bind \"127.0.0.1:${SECRET_TOKEN}\"\n    default_backend be\n"), // bad port
                config("    http-request set-header X \"%[str(${SECRET_TOKEN}),nosuchconv]\"\n"),
                config("    http-request return status 200 content-type text/plain string \"${SECRET_TOKEN}\" if { path_reg \"(\" }\n"),
                config("    use_backend %[req.hdr(host),map(" + outside.resolve("secret.txt") + ",be)]\n"),
                config("    use_backend %[req.hdr(host),map(/etc/passwd,be)]\n"),
                config("    use_backend %[src,map_ip(" + mapsDir.resolve("bad-ip.map") + ",be)]\n"),
                config("    acl x hdr(x) -f " + outside.resolve("secret.txt") + "\n    use_backend be if x\n"),
                config("    http-request return status 200 content-type text/plain file " + outside.resolve("secret.txt") + "\n"),
                config("    use_backend %[req.hdr(host),map(/dev/zero,be)]\n"));
        for (String t : texts) {
            Reply r = validate(t);
            assertEquals(200, r.status(), r.body());
            assertFalse(r.json().getBoolean("valid"), "refused: " + t + " -> " + r.body());
            assertFalse(r.body().contains(SECRET), "no environment value in " + r.body());
            assertFalse(r.body().contains("TOPSECRET"), "no file contents in " + r.body());
            assertFalse(r.body().contains("root:"), "no /etc/passwd in " + r.body());
        }
        // errors that read no variable keep their details
        Reply plain = validate(config("    servr x\n"));
        assertTrue(plain.body().contains("servr"), plain.body());
    }

    @Test
    void aConfigurationPushedThroughTheApiNamesOnlyAllowedFiles() throws Exception {
        Path victim = outside.resolve("secret.txt");
        List<String> refused = List.of(
                config("    use_backend %[req.hdr(host),map(" + victim + ",be)]\n"),
                config("    use_backend %[req.hdr(host),map(" + mapsDir + "/../private/secret.txt,be)]\n"),   // traversal
                config("    use_backend %[req.hdr(host),map(" + mapsDir.resolve("link.map") + ",be)]\n"),       // symlink out
                config("    http-request return status 200 content-type text/plain file /etc/shadow\n"),
                config("    http-request return status 200 content-type text/plain file " + victim + "\n"),
                config("    acl x hdr(x) -f /etc/hostname\n    use_backend be if x\n"),
                config("    use_backend %[req.hdr(host),map(/dev/zero,be)]\n"))
                ;
        for (String t : refused) {
            Reply r = json("POST", "/v1/config?wait=all", new JsonObject().put("text", t).encode());
            assertEquals(400, r.status(), t + " -> " + r.body());
            assertFalse(r.body().contains("TOPSECRET"), r.body());
        }
        String update = """
                dynamic-update
                    update id %s url http://127.0.0.1:9/x delay 1h map
                """.formatted(outside.resolve("new.map"));
        Reply du = json("POST", "/v1/config", new JsonObject().put("text", config("") + update).encode());
        assertEquals(400, du.status(), du.body());
        assertEquals(0L, node.replica().version(), "nothing was applied");
        // the map named as a victim is not declared: it cannot be written through the maps API
        Reply put = json("PUT", "/v1/maps/" + java.net.URLEncoder.encode(victim.toString(), StandardCharsets.UTF_8) + "/entries/k", "{\"value\":\"v\"}");
        assertEquals(404, put.status(), put.body());
        assertEquals(FILE_SECRET + "\n", Files.readString(victim));
        // a file under --maps-dir is fine, and so is one the node's own configuration names
        Files.writeString(mapsDir.resolve("more.map"), "a.example.com be\n");
        Reply ok = json("POST", "/v1/config?wait=all", new JsonObject().put("text",
                config("    use_backend %[req.hdr(host),map(" + mapsDir.resolve("more.map") + ",be)]\n")).encode());
        assertEquals(200, ok.status(), ok.body());
        assertEquals("all", ok.json().getString("applied"));
        Reply listed = json("GET", "/v1/maps", null);
        assertTrue(listed.body().contains("more.map"), listed.body());
    }

    @Test
    void browsersCannotReachTheApi() throws Exception {
        String auth = "Authorization: Bearer " + TOKEN;
        String entry = "/v1/maps/hosts.map/entries/x.example.com";
        // simple (preflight-free) content types are refused for writes
        assertEquals(415, raw("POST", "/v1/config/validate", "{\"text\":\"x\"}", auth, "Content-Type: text/plain").status());
        assertEquals(415, raw("POST", "/v1/config", "text=x", auth, "Content-Type: application/x-www-form-urlencoded").status());
        assertEquals(415, raw("PUT", entry, "{\"value\":\"be\"}", auth).status());
        // another origin, a cross-site fetch, a rebound DNS name
        assertEquals(403, json("PUT", entry, "{\"value\":\"be\"}", "Origin: http://evil.example").status());
        assertEquals(403, json("PUT", entry, "{\"value\":\"be\"}", "Sec-Fetch-Site: cross-site").status());
        assertEquals(403, json("GET", "/v1/cluster", null, "Host: rebind.evil.example:" + port).status());
        assertEquals(0L, node.replica().version(), "nothing was written");
        // the API's own addresses and origin are fine
        assertEquals(200, json("GET", "/v1/cluster", null, "Host: localhost:" + port).status());
        assertEquals(200, json("GET", "/v1/cluster", null, "Host: [::1]:" + port).status());
        assertEquals(200, json("PUT", entry, "{\"value\":\"be\"}", "Origin: http://127.0.0.1:" + port).status());
        // no token, a wrong token
        assertEquals(401, raw("GET", "/v1/cluster", null).status());
        assertEquals(401, raw("GET", "/v1/cluster", null, "Authorization: Bearer wrong").status());
    }

    @Test
    void mapValuesAndKeysWithControlCharactersAreRefusedOnEveryPath() throws Exception {
        String entry = "/v1/maps/hosts.map/entries/x.example.com";
        for (String v : List.of("be\u0001", "be\u001b[31m", "be\u007f", "be\nexample.com be_evil", "be\r")) {
            Reply r = json("PUT", entry, new JsonObject().put("value", v).encode());
            assertEquals(400, r.status(), r.body());
        }
        assertEquals(400, json("POST", "/v1/maps/hosts.map/entries", new JsonObject().put("key", "k\u0002").put("value", "be").encode()).status());
        assertEquals(400, json("PUT", "/v1/maps/hosts.map", new JsonObject().put("text", "a.example.com be\u0007\n").encode()).status());
        assertEquals(400, json("PUT", "/v1/maps/hosts.map", new JsonObject().put("entries", new JsonObject().put("a.example.com", "be\u0000")).encode()).status());
        assertEquals(0L, node.replica().version(), "nothing was written");
        assertEquals("example.com be\n", Files.readString(mapsDir.resolve("hosts.map")));
        // a tab inside a value is a map-file value like any other
        assertEquals(200, json("PUT", entry, new JsonObject().put("value", "be\tx").encode()).status());
    }
}
