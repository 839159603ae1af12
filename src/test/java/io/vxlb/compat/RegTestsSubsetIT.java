package io.vxlb.compat;

import io.vxlb.testing.RealServers;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HAProxy 2.6.12's own reg-tests that vxlb passes, run by the compat kit against the jar this
 * build made ({@code compat/run --list compat/ci-subset.txt}): a test of the list that fails
 * fails the suite. The kit lays out the tests and varnishtest from Debian's archive on first
 * use (compat/lib/fetch.sh); where that archive cannot be reached the test is skipped locally
 * and fails under CI, as the other tests that need Debian's packages.
 */
@Tag("slow")
class RegTestsSubsetIT {
    private static String run(File dir, long timeoutSeconds, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir).redirectErrorStream(true);
        pb.environment().put("COMPAT_NO_BUILD", "1");
        Path out = Files.createTempFile("vxlb-compat", ".log");
        pb.redirectOutput(out.toFile());
        Process p = pb.start();
        boolean ended = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!ended) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        String text = Files.readString(out, StandardCharsets.UTF_8);
        Files.deleteIfExists(out);
        return (ended ? p.exitValue() : -1) + "\n" + text;
    }

    @Test
    void theCiSubsetOfHaproxysRegTestsPasses() throws Exception {
        File repo = new File(".").getAbsoluteFile();
        assertTrue(new File(repo, "target/vxlb.jar").isFile(), "the package phase made target/vxlb.jar");
        for (String tool : new String[] {"socat", "openssl", "python3", "apt-get", "dpkg-deb"}) {
            RealServers.assume(RealServers.find(tool, "/usr/sbin", "/sbin") != null, tool, "apt-get install " + tool);
        }
        String fetched = run(repo, 600, "bash", "compat/lib/fetch.sh");
        RealServers.assume(fetched.startsWith("0\n"), "HAProxy 2.6.12's reg-tests and varnishtest from Debian's archive",
                "compat/lib/fetch.sh needs deb.debian.org: " + fetched.substring(0, Math.min(400, fetched.length())));
        String result = run(repo, 600, "python3", "compat/lib/runner.py", "--list", "compat/ci-subset.txt", "--results", "target/compat-ci-subset.tsv");
        String tail = result.length() > 6000 ? result.substring(result.length() - 6000) : result;
        assertEquals("0", result.substring(0, result.indexOf('\n')), "every test of compat/ci-subset.txt passes:\n" + tail);
        assertTrue(result.contains(" 0 failed, 0 excluded of "), tail);
    }
}
