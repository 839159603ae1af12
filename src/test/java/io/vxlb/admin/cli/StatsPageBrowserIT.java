package io.vxlb.admin.cli;

import io.vxlb.Node;
import io.vxlb.config.ConfigParser;
import io.vxlb.config.ParseResult;
import io.vxlb.testing.Ports;
import io.vxlb.testing.RealServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stats page in a real browser (Debian's headless Chromium): it loads, renders HAProxy's
 * rows (the DOM the browser built, {@code --dump-dom}), makes a screenshot, and after an admin
 * action posted with the page's own form fields shows the server in maintenance and HAProxy's
 * "Action processed successfully." Fails instead of skipping under CI when chromium is missing.
 */
@Tag("slow")
class StatsPageBrowserIT {
    private Node node;
    private Path dir;

    @AfterEach
    void stop() throws Exception {
        if (node != null) node.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        Ports.deleteTree(dir);
    }

    private static Path chromium() {
        Path p = RealServers.find("chromium");
        return p != null ? p : RealServers.find("chromium-browser");
    }

    /** Runs headless Chromium on {@code url} with {@code args}; its standard output. */
    private String browser(Path profile, String url, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(chromium().toString(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1280,900"));
        cmd.addAll(List.of(args));
        cmd.add(url);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish");
        }
        return out;
    }

    private static List<String> rows(String dom) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<tr class=\"([a-z_]+)\" data-svname=\"([^\"]+)\"").matcher(dom);
        while (m.find()) out.add(m.group(1) + " " + m.group(2));
        return out;
    }

    @Test
    void chromiumRendersThePageAndAnAdminActionChangesIt() throws Exception {
        Path chrome = chromium();
        RealServers.assume(chrome != null, "chromium", "apt-get install chromium");
        dir = Files.createTempDirectory("vxlb-page");
        int st = Ports.freePort();
        String cfg = """
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 10s
                    timeout server 10s
                backend be
                    server s1 127.0.0.1:%d
                    server s2 127.0.0.1:%d backup
                listen st
                    bind 127.0.0.1:%d
                    stats uri /stats
                    stats show-legends
                    stats admin if LOCALHOST
                    stats refresh 30s
                """.formatted(Ports.freePort(), Ports.freePort(), st);
        ParseResult r = new ConfigParser().parse("page.cfg", cfg);
        assertTrue(r.ok(), () -> r.diagnostics().toString());
        node = Node.start(r.config()).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        String url = "http://127.0.0.1:" + st + "/stats";

        String dom = browser(dir.resolve("profile"), url, "--dump-dom");
        assertEquals(List.of("active_no_check s1", "backup_no_check s2", "backend BACKEND", "frontend FRONTEND", "backend BACKEND"), rows(dom), dom);
        assertTrue(dom.contains("name=\"action\"") && dom.contains("value=\"#1\""), "the admin form for backend be (id 1)");
        Path shot = dir.resolve("page.png");
        browser(dir.resolve("profile"), url, "--screenshot=" + shot);
        byte[] png = Files.readAllBytes(shot);
        assertTrue(png.length > 5000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', "a real screenshot: " + png.length + " bytes");

        // the same form posted from another site's page (as a browser marks it) is denied, nothing changes
        HttpResponse<String> forged = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .header("content-type", "application/x-www-form-urlencoded").header("origin", "http://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString("s=s1&action=maint&b=%231")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("/stats;st=DENY", forged.headers().firstValue("location").orElseThrow());
        assertTrue(rows(browser(dir.resolve("profile"), url, "--dump-dom")).contains("active_no_check s1"));

        // the form's fields as the browser would post them: s1 to maintenance
        HttpResponse<String> post = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .header("content-type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("s=s1&action=maint&b=%231")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(303, post.statusCode());
        String location = post.headers().firstValue("location").orElseThrow();
        assertEquals("/stats;st=DONE", location);
        String after = browser(dir.resolve("profile"), "http://127.0.0.1:" + st + location, "--dump-dom");
        assertTrue(rows(after).contains("maintain s1"), after);
        assertTrue(after.contains("Action processed successfully."), after);
    }
}
