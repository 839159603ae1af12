package io.vxlb;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The packaged jar's security defaults, as an operator meets them: the admin API needs a token
 * from the first start (made into a 0600 file and printed), also on loopback; off loopback it
 * needs TLS; --admin-cert serves HTTPS; --cluster needs the cluster secret.
 */
class AdminDefaultsIT {
    private static final Path JAR = Path.of("target", "vxlb.jar").toAbsolutePath();
    @TempDir
    Path tmp;
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (Process p : processes) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    private Process jar(Path log, String... args) throws IOException {
        assertTrue(Files.isRegularFile(JAR), JAR + " is missing: run 'mvn package' first");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-Duser.home=" + tmp.resolve("home"), "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
        return p;
    }

    private Path config() throws IOException {
        int fe = io.vxlb.testing.Ports.freePort();
        return Files.writeString(tmp.resolve("lb.cfg"), """
                defaults
                    mode http
                    timeout client 5s
                frontend fe
                    bind 127.0.0.1:%d
                    http-request return status 200 content-type text/plain string ok
                """.formatted(fe));
    }

    private static int status(HttpClient c, String url, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
        if (token != null) b.header("authorization", "Bearer " + token);
        try {
            return c.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    private static int await(HttpClient c, String url, String token) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int s = -1;
        while (System.nanoTime() < deadline && (s = status(c, url, token)) < 0) Thread.sleep(100);
        return s;
    }

    @Test
    void theTokenIsMadeOnFirstStartAndRequiredOnLoopback() throws Exception {
        Path cfg = config();
        int admin = io.vxlb.testing.Ports.freePort();
        Path log = tmp.resolve("a.log");
        jar(log, "-f", cfg.toString(), "--admin", "127.0.0.1:" + admin);
        HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String url = "http://127.0.0.1:" + admin + "/v1/cluster";
        assertEquals(401, await(c, url, null), Files.readString(log));
        Path tokenFile = tmp.resolve("home/.vxlb/admin-token");
        assertTrue(Files.exists(tokenFile), Files.readString(log));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)));
        String token = Files.readString(tokenFile).strip();
        assertTrue(Files.readString(log).contains("admin API token made in " + tokenFile), Files.readString(log));
        assertEquals(200, status(c, url, token));
        assertEquals(401, status(c, url, "nope"));
    }

    @Test
    void offLoopbackNeedsTlsAndClusterNeedsTheSecret() throws Exception {
        Path cfg = config();
        Path log = tmp.resolve("b.log");
        Process p = jar(log, "-f", cfg.toString(), "--admin", "0.0.0.0:" + io.vxlb.testing.Ports.freePort(), "--admin-token-file", tmp.resolve("t").toString());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue());
        assertTrue(Files.readString(log).contains("it needs TLS (--admin-cert"), Files.readString(log));
        Path log2 = tmp.resolve("c.log");
        Process q = jar(log2, "-f", cfg.toString(), "--cluster");
        assertTrue(q.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, q.exitValue());
        assertTrue(Files.readString(log2).contains("--cluster needs --cluster-secret"), Files.readString(log2));
    }

    @Test
    void adminCertServesHttps() throws Exception {
        assumeTrue(new ProcessBuilder("openssl", "version").start().waitFor() == 0, "openssl is not on the PATH");
        Path key = tmp.resolve("admin.key"), crt = tmp.resolve("admin.crt");
        Process gen = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", crt.toString(),
                "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1").redirectErrorStream(true).start();
        gen.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertEquals(0, gen.waitFor());
        Path cfg = config();
        int admin = io.vxlb.testing.Ports.freePort();
        Path log = tmp.resolve("d.log");
        Path tokenFile = tmp.resolve("token");
        jar(log, "-f", cfg.toString(), "--admin", "127.0.0.1:" + admin, "--admin-token-file", tokenFile.toString(), "--admin-cert", crt + "," + key);
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(crt)) {
            ks.setCertificateEntry("admin", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        HttpClient c = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
        String url = "https://127.0.0.1:" + admin + "/v1/cluster";
        assertEquals(401, await(c, url, null), Files.readString(log));
        assertEquals(200, status(c, url, Files.readString(tokenFile).strip()));
        // plain HTTP is not served
        assertFalse(status(HttpClient.newHttpClient(), "http://127.0.0.1:" + admin + "/v1/cluster", Files.readString(tokenFile).strip()) == 200);
    }
}
