package io.vxlb.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;

/** Loopback ports and temporary folders for tests that start real servers. */
public final class Ports {
    private Ports() {}

    /** A loopback port free right now (the caller binds it soon after). */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first of {@code n} consecutive free loopback ports (e.g. Hazelcast members base..base+n-1). */
    public static int freeRange(int n) {
        Random rnd = new Random();
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = 20000 + rnd.nextInt(20000);
            boolean free = true;
            for (int i = 0; i < n && free; i++) {
                try (ServerSocket s = new ServerSocket(base + i, 1, InetAddress.getLoopbackAddress())) {
                    s.setReuseAddress(true);
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) return base;
        }
        throw new IllegalStateException("no range of " + n + " free ports");
    }

    /** Deletes a folder and everything in it (best effort: it is a test's temporary folder). */
    public static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) return;
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temporary folder: whatever is left goes with the machine
        }
    }
}
