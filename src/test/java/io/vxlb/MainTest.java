package io.vxlb;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line end to end, through {@link Main#run} (no System.exit). */
class MainTest {
    private static final String VALID = """
            defaults
              mode http
              timeout connect 5s
              timeout client 30s
              timeout server 30s
            frontend www
              bind 127.0.0.1:8080
              default_backend app
            backend app
              server a1 127.0.0.1:9001 check
            """;

    @TempDir
    Path dir;

    /** What one run printed and returned. */
    record Run(int code, String out, String err) {
        List<String> errLines() {
            return Arrays.stream(err.split("\n")).filter(l -> !l.isEmpty()).toList();
        }
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8); PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.run(args, o, e);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    @Test
    void checkOfAValidFile() throws IOException {
        Path cfg = write("haproxy.cfg", VALID);
        Run r = run("-c", "-f", cfg.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("Configuration file is valid\n", r.out().replace("\r\n", "\n"));
        assertTrue(r.errLines().stream().allMatch(l -> l.startsWith("[WARNING] ")), r.err());
    }

    @Test
    void quietCheckPrintsNothing() throws IOException {
        Path cfg = write("haproxy.cfg", VALID + "  option http-use-htx\n");
        Run r = run("-c", "-q", "-f", cfg.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.out());
        assertEquals("", r.err());
    }

    @Test
    void brokenFileListsEveryErrorAndFails() throws IOException {
        Path cfg = write("broken.cfg", """
                defaults
                  mode http
                  timout connect 5s
                frontend www
                  bind 127.0.0.1:8080
                  default_backend ap
                backend app
                  server srv1 check
                  server srv2 127.0.0.1:9002 inter 2q
                """);
        Run r = run("-c", "-f", cfg.toString());
        assertEquals(1, r.code());
        assertEquals("", r.out(), "nothing claims the file is valid");
        List<String> alerts = r.errLines().stream().filter(l -> l.startsWith("[ALERT] " + cfg + ":")).toList();
        assertEquals(4, alerts.size(), r.err());
        assertTrue(alerts.get(0).startsWith("[ALERT] " + cfg + ":3:3 : [defaults] 'timout': unknown keyword 'timout'"), alerts.get(0));
        assertTrue(alerts.get(1).startsWith("[ALERT] " + cfg + ":8:15 : [backend app] 'server': server 'srv1' has no address"), alerts.get(1));
        assertTrue(alerts.get(2).startsWith("[ALERT] " + cfg + ":9:36 : [backend app] 'server': unknown unit 'q'"), alerts.get(2));
        assertTrue(alerts.get(3).startsWith("[ALERT] " + cfg + ":6:19 : [frontend www] 'default_backend': no backend named 'ap' -- did you mean 'app'?"), alerts.get(3));
        assertTrue(r.err().contains("[ALERT] Fatal errors found in configuration (4 errors)."), r.err());
    }

    @Test
    void directoryLoadsItsCfgFilesInNameOrder() throws IOException {
        // b-routes.cfg needs the named defaults and the backend of a-base.cfg: it only works after it
        write("a-base.cfg", """
                defaults web
                  mode http
                  timeout connect 5s
                  timeout client 30s
                  timeout server 30s
                backend app
                  server a1 127.0.0.1:9001
                """);
        write("b-routes.cfg", """
                frontend www from web
                  bind 127.0.0.1:8080
                  use_backend app if { path_beg /app }
                  default_backend app
                """);
        write("c-notes.txt", "this is not a configuration file\n");
        Files.createDirectories(dir.resolve("d-old.cfg"));
        Run r = run("-c", "-f", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Configuration file is valid"), r.out());

        // the same two files given in the other order fail: "from web" comes before "defaults web"
        Run reversed = run("-c", "-f", dir.resolve("b-routes.cfg").toString(), "-f", dir.resolve("a-base.cfg").toString());
        assertEquals(1, reversed.code());
        assertTrue(reversed.err().contains(dir.resolve("b-routes.cfg") + ":1:19 : [frontend www] 'frontend': no defaults section named 'web' declared before this line"),
                reversed.err());
    }

    @Test
    void severalFilesAreOneConfiguration() throws IOException {
        Path a = write("one.cfg", VALID);
        Path b = write("two.cfg", """
                backend app
                  server a2 127.0.0.1:9002
                """);
        Run r = run("-c", "-f", a.toString(), "-f", b.toString());
        assertEquals(1, r.code(), "backend app is declared in both files");
        assertTrue(r.err().contains(b + ":1:9 : [backend app] 'backend': proxy name 'app' is already used by the backend at " + a + ":9:9"), r.err());
    }

    @Test
    void versionOptions() {
        Run v = run("-v");
        assertEquals(0, v.code());
        assertTrue(v.out().startsWith("vxlb version "), v.out());
        assertTrue(v.out().contains("HAProxy-compatible load balancer on Vert.x"), v.out());
        assertEquals(1, v.out().lines().count());
        Run vv = run("-vv");
        assertEquals(0, vv.code());
        assertTrue(vv.out().contains("Java: "), vv.out());
        assertTrue(vv.out().contains("Vert.x: "), vv.out());
    }

    @Test
    void unknownOptionPrintsUsageAndFails() {
        Run r = run("-x");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("[ALERT] unknown option '-x'\n"), r.err());
        assertTrue(r.err().contains("Usage: java -jar vxlb.jar -f FILE|DIR"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void missingArgumentsPrintUsage() {
        Run none = run();
        assertEquals(1, none.code());
        assertTrue(none.err().contains("no configuration file given (use -f FILE)"), none.err());
        assertTrue(none.err().contains("Usage:"), none.err());
        Run dangling = run("-c", "-f");
        assertEquals(1, dangling.code());
        assertTrue(dangling.err().contains("-f needs a file or directory"), dangling.err());
    }

    @Test
    void missingFileFails() {
        Path missing = dir.resolve("nope.cfg");
        Run r = run("-c", "-f", missing.toString());
        assertEquals(1, r.code());
        assertEquals("[ALERT] Could not open configuration file " + missing + " : No such file or directory\n", r.err().replace("\r\n", "\n"));
        assertEquals("", r.out());
    }

    @Test
    void haproxyForegroundAndDebugSwitchesAreAccepted() throws IOException {
        Path cfg = write("ok.cfg", VALID);
        for (String flag : List.of("-d", "-db", "-W", "-dM", "-dMno-merge", "-dV")) {
            Run r = run(flag, "-c", "-f", cfg.toString());
            assertEquals(0, r.code(), flag + ": " + r.err());
            assertTrue(r.out().contains("Configuration file is valid"), r.out());
        }
        Run daemon = run("-D", "-f", cfg.toString());
        assertEquals(1, daemon.code());
        assertTrue(daemon.err().contains("-D (daemon mode) is not supported"), daemon.err());
        assertTrue(run("-c", "-f", cfg.toString(), "-p").err().contains("-p needs a file"));
    }

    @Test
    void checkConditionAnswersLikeHaproxyCc() {
        assertEquals(0, run("-cc", "version_atleast(2.5-dev0)").code());
        assertEquals(1, run("-cc", "version_before(2.6)").code());
        assertEquals(0, run("-cc", "feature(OPENSSL) && !feature(LUA)").code());
        assertEquals(1, run("-cc", "0").code());
        assertEquals(0, run("-cc", "'streq(\"a b\",a b)'").code(), "words are rejoined with one space, as haproxy does");
        Run bad = run("-cc", "nosuch(1)");
        assertEquals(2, bad.code());
        assertTrue(bad.err().startsWith("[ALERT] Failed to evaluate condition: unparsable conditional expression 'nosuch(1)'"), bad.err());
    }
}
