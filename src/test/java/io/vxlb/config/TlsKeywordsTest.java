package io.vxlb.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ca-base/crt-base and the TLS file options of bind and server lines, as HAProxy 2.6 resolves them. */
class TlsKeywordsTest {
    private static Config ok(String text) {
        ParseResult r = new ConfigParser().parse("t.cfg", text);
        assertTrue(r.ok(), () -> r.diagnostics().toString());
        return r.config();
    }

    private static String error(String text) {
        ParseResult r = new ConfigParser().parse("t.cfg", text);
        assertFalse(r.ok());
        return r.diagnostics().toString();
    }

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;

    @Test
    void basesApplyToRelativePathsOfLaterLinesOnly() throws Exception {
        java.nio.file.Path tls = java.nio.file.Path.of("src/test/resources/io/vxlb/compat/tls");
        for (String d : new String[] {"ca", "crt/", "abs"}) java.nio.file.Files.createDirectories(dir.resolve(d));
        java.nio.file.Files.copy(tls.resolve("ca.crt"), dir.resolve("ca/servers.crt"));
        java.nio.file.Files.copy(tls.resolve("ca.crt"), dir.resolve("abs/ca.crt"));
        java.nio.file.Files.copy(tls.resolve("client.pem"), dir.resolve("crt/client.pem"));
        java.nio.file.Files.copy(tls.resolve("client.pem"), dir.resolve("abs/client.pem"));
        Config c = ok("""
                global
                    ca-base /ca
                    crt-base /crt/
                listen l
                    mode http
                    bind :443 ssl crt site.pem crt /abs/other.pem crt-list lists/l.txt ca-file clients.crt verify optional
                    server s 10.0.0.1:443 ssl ca-file servers.crt crt client.pem
                    server t 10.0.0.1:443 ssl ca-file /abs/ca.crt crt /abs/client.pem
                """.replace(" /ca", " " + dir + "/ca").replace("/crt/", dir + "/crt/").replace("/abs/", dir + "/abs/"));
        Proxy l = c.proxies().get(0);
        Bind b = l.binds().get(0);
        // HAProxy joins base and path with "%s/%s"; vxlb does not double a trailing "/" (same file)
        assertEquals(List.of(dir + "/crt/site.pem", dir + "/abs/other.pem"), b.certificates());
        assertEquals(List.of("lists/l.txt"), b.tls().crtLists(), "crt-base is not applied to the list itself, only to its lines");
        assertEquals(dir + "/crt/", b.tls().crtBase());
        assertEquals(dir + "/ca/clients.crt", b.tls().caFile());
        assertEquals("optional", b.tls().verify());
        assertEquals(dir + "/ca/servers.crt", l.servers().get(0).caFile());
        assertEquals(dir + "/crt/client.pem", l.servers().get(0).crt());
        assertEquals(dir + "/abs/ca.crt", l.servers().get(1).caFile());
        assertEquals(dir + "/abs/client.pem", l.servers().get(1).crt());
        assertTrue(error("listen l\n server s 10.0.0.1:443 ssl verify none crt " + dir + "/nope.pem\n").contains("cannot read crt '" + dir + "/nope.pem'"));
    }

    @Test
    void bindVerifyNeedsACaFileAndAKnownMode() {
        assertTrue(error("listen l\n bind :443 ssl crt a.pem verify required\n").contains("verify is enabled but no CA file specified"));
        assertTrue(error("listen l\n bind :443 ssl crt a.pem ca-file c.crt verify sometimes\n").contains("unknown verify mode 'sometimes'"));
        assertEquals("none", ok("listen l\n bind :443 ssl crt a.pem ca-file c.crt\n").proxies().get(0).binds().get(0).tls().verify());
        assertTrue(error("global\n crt-base /a\n crt-base /b\n").contains("'crt-base' already specified"));
    }

    @Test
    void aPushedConfigurationMayNameOnlyTheTlsFilesTheNodesOwnNames() throws Exception {
        java.nio.file.Path tls = java.nio.file.Path.of("src/test/resources/io/vxlb/compat/tls").toAbsolutePath();
        Config own = ok("listen l\n mode http\n bind :443 ssl crt " + tls + "/default.pem crt-list " + tls + "/list.txt ca-file " + tls + "/ca.crt verify optional\n"
                + " server s 10.0.0.1:443 ssl ca-file " + tls + "/ca.crt crt " + tls + "/client.pem\n");
        FilePolicy policy = FilePolicy.restricted(List.of(), List.of(), FilePolicy.namedCerts(own), 1024 * 1024);
        assertEquals(List.of(), policy.check(own), "what the node's own configuration names is allowed");
        java.nio.file.Path other = java.nio.file.Files.writeString(dir.resolve("other.txt"), "secret\n");
        Config pushed = ok("listen l\n mode http\n bind :443 ssl crt " + tls + "/default.pem crt-list " + other + " ca-file " + other + " verify optional\n"
                + " server s 10.0.0.1:443 ssl ca-file " + other + " crt " + other + "\n");
        List<String> refused = policy.check(pushed);
        assertEquals(4, refused.size(), refused.toString());
        assertTrue(refused.stream().noneMatch(m -> m.contains("secret")), "contents are never shown");
    }
}
