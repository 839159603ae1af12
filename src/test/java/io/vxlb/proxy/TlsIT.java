package io.vxlb.proxy;

import io.vertx.core.Future;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.http.RequestOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * TLS termination on {@code bind ... ssl crt FILE}: HAProxy's PEM (certificate chain and key in
 * one file), {@code ssl_fc} in rules and the {@code ~} of the log line, and a directory of PEMs
 * with the certificate chosen by SNI. Certificates are made at test time with {@code openssl}.
 */
class TlsIT {
    private ProxyFixture fx;
    private final List<HttpClient> clients = new ArrayList<>();
    private final BlockingQueue<String> logLines = new LinkedBlockingQueue<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void needsOpenssl() {
        assumeTrue(opensslWorks(), "openssl is not on the PATH: TlsIT makes its certificates with it, so it is skipped");
    }

    @AfterEach
    void tearDown() {
        for (HttpClient c : clients) ProxyFixture.await(c.close());
        if (fx != null) fx.close();
    }

    private static final String BASE = """
            global
                log 127.0.0.1:${SYSLOG} local0
            defaults
                mode http
                log global
                option httplog
                timeout connect 2s
                timeout client 10s
                timeout server 10s
            """;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void sslBindServesTheChainFromOneHaproxyPemAndRulesSeeSslFc() throws Exception {
        // root CA -> intermediate CA -> leaf; the PEM holds leaf, intermediate and key, as HAProxy wants it
        Path root = ca("root", null);
        Path intermediate = ca("intermediate", root);
        Path leafKey = key("leaf");
        Path leaf = sign("leaf", leafKey, "localhost", intermediate, "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
        Path pem = concat("site.pem", leaf, intermediate.resolveSibling("intermediate.crt"), leafKey);

        start("""
                frontend fe
                    bind 127.0.0.1:${TLS} ssl crt %s
                    bind 127.0.0.1:${PLAIN}
                    http-request set-header X-Proto https if { ssl_fc }
                    http-request set-header X-Proto http unless { ssl_fc }
                    default_backend be
                backend be
                    server s1 127.0.0.1:${BE}
                """.formatted(pem));

        // the client trusts only the root: the handshake succeeds only if the proxy sends the intermediate too
        HttpClient tls = client(new HttpClientOptions().setSsl(true).setVerifyHost(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(root.resolveSibling("root.crt").toString())));
        for (int i = 0; i < 2; i++) {
            Answer a = get(tls, new RequestOptions().setHost("127.0.0.1").setPort(fx.port("TLS")).setURI("/secure"));
            assertEquals(200, a.status);
            assertEquals("BE", a.body);
            assertEquals(2, a.peerChain.size(), "leaf and intermediate were sent");
            assertEquals("CN=localhost", a.peerChain.get(0).getSubjectX500Principal().getName());
            assertEquals("CN=intermediate", a.peerChain.get(1).getSubjectX500Principal().getName());
            assertEquals("https", fx.backends.get(0).last().header("x-proto"), "ssl_fc is true on the TLS bind");
            String line = nextLogLine();
            assertTrue(line.contains(" fe~ be/s1 ") && line.endsWith("\"GET /secure HTTP/1.1\""), "the log line marks the TLS frontend with '~': " + line);
        }

        ProxyFixture.Response plain = fx.get("PLAIN", "/plain");
        assertEquals(200, plain.status());
        assertEquals("http", fx.backends.get(0).last().header("x-proto"), "ssl_fc is false on the plain bind of the same frontend");
        String line = nextLogLine();
        assertTrue(line.contains(" fe be/s1 ") && line.endsWith("\"GET /plain HTTP/1.1\""), line);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aDirectoryOfPemsChoosesTheCertificateBySni() throws Exception {
        Path certs = Files.createDirectories(dir.resolve("certs"));
        // a.test: RSA, certificate then key; b.test: ECDSA P-256, key then certificate, named .crt
        // (HAProxy takes either order, and every file of the directory but its reserved extensions)
        Path ka = key("a.test");
        concat("certs/a.test.pem", selfSigned("a.test", ka), ka);
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "b.test.key");
        Path kb = dir.resolve("b.test.key");
        concat("certs/b.test.crt", kb, selfSigned("b.test", kb));
        Files.writeString(certs.resolve("unrelated.ocsp"), "not a certificate: a reserved extension, skipped\n");
        Files.writeString(certs.resolve(".hidden"), "not a certificate: a hidden file, skipped\n");
        start("""
                frontend fe
                    bind 127.0.0.1:${TLS} ssl crt %s
                    http-request set-header X-SNI %%[ssl_fc_sni] if { ssl_fc_has_sni }
                    default_backend be
                backend be
                    server s1 127.0.0.1:${BE}
                """.formatted(certs));

        for (String sni : new String[]{"b.test", "a.test"}) {
            HttpClient c = client(new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false));
            // connect to 127.0.0.1, but name the host: the client sends it as SNI
            Answer a = get(c, new RequestOptions().setHost(sni).setPort(fx.port("TLS")).setURI("/")
                    .setServer(SocketAddress.inetSocketAddress(fx.port("TLS"), "127.0.0.1")));
            assertEquals(200, a.status);
            assertEquals("CN=" + sni, a.peerChain.get(0).getSubjectX500Principal().getName(), "certificate chosen by SNI " + sni);
            assertEquals(sni.equals("a.test") ? "RSA" : "EC", a.peerChain.get(0).getPublicKey().getAlgorithm());
            assertEquals(sni, fx.backends.get(0).last().header("x-sni"), "ssl_fc_sni");
        }
        // no SNI (an IP address): the first certificate of the directory in name order, as HAProxy does,
        // although the client would prefer the ECDSA one
        HttpClient noSni = client(new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false));
        Answer a = get(noSni, new RequestOptions().setHost("127.0.0.1").setPort(fx.port("TLS")).setURI("/"));
        assertEquals(200, a.status);
        assertEquals("CN=a.test", a.peerChain.get(0).getSubjectX500Principal().getName());
        assertNull(fx.backends.get(0).last().header("x-sni"));
    }

    /**
     * {@code server ... ssl}: TLS to the server, the certificate verified against {@code ca-file}
     * and the name {@code sni} sends (HAProxy's default "verify required"), or not at all with
     * {@code verify none}. The server here speaks TLS only, so a plaintext request could not pass;
     * a certificate that does not verify is a connection failure (503 "SC"), never plaintext.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void serverSslVerifiesTheServerOrSaysVerifyNone() throws Exception {
        Path caKey = ca("backend-ca", null);
        Path leafKey = key("backend");
        Path leaf = sign("backend", leafKey, "backend.test", caKey, "subjectAltName=DNS:backend.test\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
        Path otherCa = ca("other-ca", null);
        fx = new ProxyFixture();
        DatagramSocket syslog = fx.vertx.createDatagramSocket();
        syslog.handler(p -> logLines.add(p.data().toString().replaceFirst("\n$", "")));  // HAProxy ends each datagram with a line feed
        ProxyFixture.await(syslog.listen(fx.port("SYSLOG"), "127.0.0.1"));
        ProxyFixture.await(fx.vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setSsl(true).setSni(true)
                        .setKeyCertOptions(new io.vertx.core.net.PemKeyCertOptions().addCertPath(leaf.toString()).addKeyPath(leafKey.toString())))
                .requestHandler(req -> req.response().end("tls sni=" + req.connection().indicatedServerName()))
                .listen(fx.port("TLSBE"), "127.0.0.1"));
        fx.start(BASE + """
                frontend fe
                    bind 127.0.0.1:${FE}
                    use_backend trusted if { path /trusted }
                    use_backend wrongname if { path /wrongname }
                    use_backend otherca if { path /otherca }
                    default_backend insecure
                backend insecure
                    server s1 127.0.0.1:${TLSBE} ssl verify none
                backend trusted
                    server s1 127.0.0.1:${TLSBE} ssl ca-file %s sni str(backend.test)
                backend wrongname
                    retries 0
                    server s1 127.0.0.1:${TLSBE} ssl ca-file %s sni str(wrong.test)
                backend otherca
                    retries 0
                    server s1 127.0.0.1:${TLSBE} ssl ca-file %s sni str(backend.test)
                """.formatted(dir.resolve("backend-ca.crt"), dir.resolve("backend-ca.crt"), dir.resolve("other-ca.crt")));
        ProxyFixture.Response insecure = fx.get("FE", "/");
        assertEquals(200, insecure.status());
        assertEquals("tls sni=null", insecure.body(), "no SNI without 'sni', as HAProxy");
        ProxyFixture.Response trusted = fx.get("FE", "/trusted");
        assertEquals(200, trusted.status());
        assertEquals("tls sni=backend.test", trusted.body());
        assertEquals(503, fx.get("FE", "/wrongname").status(), "a certificate for another name is refused");
        assertEquals(503, fx.get("FE", "/otherca").status(), "a certificate from another CA is refused");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 4; i++) lines.add(nextLogLine());
        assertTrue(lines.stream().anyMatch(l -> l.contains(" wrongname/s1 ") && l.contains(" SC-- ")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.contains(" otherca/s1 ") && l.contains(" SC-- ")), lines.toString());
        assertTrue(Files.exists(otherCa));
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private void start(String config) {
        fx = new ProxyFixture();
        DatagramSocket syslog = fx.vertx.createDatagramSocket();
        syslog.handler(p -> logLines.add(p.data().toString().replaceFirst("\n$", "")));  // HAProxy ends each datagram with a line feed
        ProxyFixture.await(syslog.listen(fx.port("SYSLOG"), "127.0.0.1"));
        fx.backend("BE");
        fx.start(BASE + config);
    }

    private String nextLogLine() throws InterruptedException {
        String l = logLines.poll(10, TimeUnit.SECONDS);
        assertNotNull(l, "no log line arrived");
        return l;
    }

    private HttpClient client(HttpClientOptions o) {
        HttpClient c = fx.vertx.createHttpClient(o.setKeepAlive(true));
        clients.add(c);
        return c;
    }

    record Answer(int status, String body, List<X509Certificate> peerChain) {}

    private static Answer get(HttpClient c, RequestOptions o) {
        // composed inside the request callback: resp.body() must be called in the turn that delivers the response
        Future<Answer> f = c.request(o).compose(req -> req.send().compose(resp -> resp.body().map(b -> {
            List<X509Certificate> chain = new ArrayList<>();
            try {
                for (Certificate cert : resp.request().connection().peerCertificates()) chain.add((X509Certificate) cert);
            } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                throw new AssertionError(e);
            }
            return new Answer(resp.statusCode(), b.toString(), chain);
        })));
        return ProxyFixture.await(f);
    }

    private static boolean opensslWorks() {
        try {
            Process p = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "openssl did not finish: " + cmd);
        assertEquals(0, p.exitValue(), () -> String.join(" ", cmd) + "\n" + out);
    }

    /** A 2048-bit RSA key in PKCS#8 PEM ("BEGIN PRIVATE KEY"), NAME.key. */
    private Path key(String name) throws IOException, InterruptedException {
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", name + ".key");
        return dir.resolve(name + ".key");
    }

    private Path selfSigned(String cn, Path key) throws IOException, InterruptedException {
        openssl("req", "-x509", "-key", key.toString(), "-out", cn + ".crt", "-days", "1", "-subj", "/CN=" + cn,
                "-addext", "subjectAltName=DNS:" + cn);
        return dir.resolve(cn + ".crt");
    }

    /** A CA named NAME (NAME.key, NAME.crt): self-signed when {@code issuer} is null, else signed by it. Returns the key path. */
    private Path ca(String name, Path issuerKey) throws IOException, InterruptedException {
        Path k = key(name);
        if (issuerKey == null) {
            openssl("req", "-x509", "-key", k.toString(), "-out", name + ".crt", "-days", "1", "-subj", "/CN=" + name,
                    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        } else {
            sign(name, k, name, issuerKey, "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n");
        }
        return k;
    }

    /** Signs a certificate for {@code key} with subject CN={@code cn} by the CA whose key is {@code issuerKey}. */
    private Path sign(String name, Path key, String cn, Path issuerKey, String extensions) throws IOException, InterruptedException {
        String issuer = issuerKey.getFileName().toString().replace(".key", "");
        Files.writeString(dir.resolve(name + ".ext"), extensions);
        openssl("req", "-new", "-key", key.toString(), "-out", name + ".csr", "-subj", "/CN=" + cn);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", issuer + ".crt", "-CAkey", issuerKey.toString(),
                "-set_serial", Long.toString(System.nanoTime() & Long.MAX_VALUE), "-days", "1", "-out", name + ".crt", "-extfile", name + ".ext");
        return dir.resolve(name + ".crt");
    }

    private Path concat(String target, Path... parts) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Path p : parts) sb.append(Files.readString(p));
        return Files.writeString(dir.resolve(target), sb.toString());
    }
}
