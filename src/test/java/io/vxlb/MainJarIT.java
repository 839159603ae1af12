package io.vxlb;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The packaged jar as an operator runs it: {@code java -jar target/vxlb.jar -c -f FILE}, as a real
 * process, from the directory of the seed configurations.
 */
class MainJarIT {
    private static final Path JAR = Path.of("target", "vxlb.jar").toAbsolutePath();
    private static final Path CONFIGS = Path.of("src", "test", "resources", "configs").toAbsolutePath();

    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {}

    /** The java launcher of the JVM running the tests. */
    private static String java() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private Result runJar(Path workingDir, String... args) throws IOException, InterruptedException {
        assertTrue(Files.isRegularFile(JAR), JAR + " is missing: run 'mvn package' first");
        List<String> cmd = new ArrayList<>(List.of(java(), "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = new ProcessBuilder(cmd).directory(workingDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail(String.join(" ", cmd) + " did not finish within 60 s");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    /** bin/vxlb as an operator runs it: the jar, with the launcher's JVM settings (or the operator's). */
    private Result runLauncher(java.util.Map<String, String> env, String... args) throws IOException, InterruptedException {
        Path launcher = Path.of("bin", "vxlb").toAbsolutePath();
        assertTrue(Files.isExecutable(launcher), launcher + " must be executable");
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("VXLB_JAVA_OPTS");
        pb.environment().put("JAVA_HOME", Path.of(java()).getParent().getParent().toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail(String.join(" ", cmd) + " did not finish within 60 s");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void theLauncherRunsTheJarWithAProxysJvmSettings() throws Exception {
        Result r = runLauncher(java.util.Map.of(), "-vv");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("vxlb version"), r.out());
        // -Xmx512m and the parallel collector (the JVM reports a little less than -Xmx as its max)
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("max heap (\\d+) MiB, collectors (.*)").matcher(r.out());
        assertTrue(m.find(), r.out());
        int heap = Integer.parseInt(m.group(1));
        assertTrue(heap > 400 && heap <= 512, "heap " + heap + " MiB");
        assertTrue(m.group(2).contains("PS Scavenge"), m.group(2));

        Result own = runLauncher(java.util.Map.of("VXLB_JAVA_OPTS", "-Xmx64m -XX:+UseSerialGC"), "-vv");
        assertEquals(0, own.code(), own.err());
        assertTrue(own.out().contains("collectors Copy"), "VXLB_JAVA_OPTS replaces the settings: " + own.out());
    }

    static Stream<String> configs() throws IOException {
        try (Stream<Path> s = Files.list(CONFIGS)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cfg")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "vxlb -c -f {0}")
    @MethodSource("configs")
    void everySeedConfigIsValid(String config) throws Exception {
        Result r = runJar(CONFIGS, "-c", "-f", config);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Configuration file is valid"), r.out());
        assertTrue(r.err().lines().noneMatch(l -> l.startsWith("[ALERT]")), r.err());
    }

    @Test
    void aBrokenConfigFailsWithItsErrors() throws Exception {
        // seed 001's backends: the server addresses were lost in publication
        Path broken = Files.writeString(tmp.resolve("wt-lost-addresses.cfg"), """
                defaults
                  mode http
                  timeout connect 5s
                  timeout client 30s
                  timeout server 30s
                frontend wt
                  bind 127.0.0.1:8080
                  default_backend bck_lb
                backend bck_lb
                  server srv1 track bck1/srv1
                backend bck1
                  server srv1 check
                """);
        Result r = runJar(tmp, "-c", "-f", broken.getFileName().toString());
        assertEquals(1, r.code(), r.err());
        assertEquals("", r.out());
        assertTrue(r.err().contains("[ALERT] wt-lost-addresses.cfg:10:15 : [backend bck_lb] 'server': server 'srv1' has no address"), r.err());
        assertTrue(r.err().contains("[ALERT] wt-lost-addresses.cfg:12:15 : [backend bck1] 'server': server 'srv1' has no address"), r.err());
        assertTrue(r.err().contains("[ALERT] Fatal errors found in configuration (2 errors)."), r.err());
    }

    @Test
    void versionFromTheManifest() throws Exception {
        Result r = runJar(tmp, "-v");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("vxlb version 0.1.0"), r.out());
    }

    /** haproxy's stop signals: SIGINT/SIGTERM end vxlb with status 0, or 128+signal with -W (what VTest expects). */
    @ParameterizedTest(name = "kill -{0} with {1}")
    @org.junit.jupiter.params.provider.CsvSource({"INT, -d, 0", "TERM, -db, 0", "INT, -W, 130", "TERM, -W, 143"})
    void stopSignalsEndLikeHaproxy(String signal, String mode, int expected) throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path cfg = Files.writeString(tmp.resolve("sig.cfg"), """
                defaults
                  mode http
                  timeout connect 5s
                  timeout client 30s
                  timeout server 30s
                frontend fe
                  bind 127.0.0.1:%d
                  http-request return status 200
                """.formatted(port));
        Path pid = tmp.resolve("pid");
        Process p = new ProcessBuilder(java(), "-jar", JAR.toString(), "-q", mode, "-f", cfg.toString(), "-p", pid.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!(Files.exists(pid) && Files.readString(pid).endsWith("\n"))) {
                if (System.nanoTime() > deadline || !p.isAlive()) fail("no pid file: " + Files.readString(tmp.resolve("log")));
                Thread.sleep(20);
            }
            assertEquals(p.pid() + "\n", Files.readString(pid));
            new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "vxlb did not stop on SIG" + signal);
            assertEquals(expected, p.exitValue(), Files.readString(tmp.resolve("log")));
        } finally {
            p.destroyForcibly();
        }
    }
}
