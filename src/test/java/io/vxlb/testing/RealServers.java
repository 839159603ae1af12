package io.vxlb.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the Debian-packaged servers that some tests start (redis-server, mariadbd...). Where one
 * is missing, the test is skipped on a developer machine but fails under CI: {@code .ci/run}
 * installs the packages and exports {@code VXLB_REAL_SERVERS=required}, and CI systems set
 * {@code CI}, so a broken install can never pass as a run of skipped tests.
 */
public final class RealServers {
    private RealServers() {}

    /** True when a missing server must fail the test instead of skipping it. */
    public static boolean required() {
        String v = System.getenv("VXLB_REAL_SERVERS");
        String ci = System.getenv("CI");
        return "required".equals(v) || (ci != null && !ci.isEmpty() && !ci.equalsIgnoreCase("false"));
    }

    /** The executable {@code name} on PATH or in the {@code extraDirs} (e.g. /usr/sbin), or null. */
    public static Path find(String name, String... extraDirs) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of(extraDirs));
        for (String dir : dirs) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return p;
        }
        return null;
    }

    /** Skips (locally) or fails (under CI) the calling test when {@code found} is false. */
    public static void assume(boolean found, String what, String install) {
        if (found) return;
        String msg = what + " is not installed (" + install + ")";
        if (required()) throw new AssertionError(msg + ": required under CI (.ci/run installs it), not skipping");
        Assumptions.assumeTrue(false, msg + "; skipping the test that needs it");
    }
}
