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

    /** Every port handed out in this JVM: the kernel may offer a just-closed port again. */
    private static final java.util.Set<Integer> GIVEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A loopback port free right now (the caller binds it soon after), never one handed out
     * before in this JVM. The kernel can return the same ephemeral port to two bind(0) calls in a
     * row once the first socket is closed; two listeners of one Vert.x instance on that port
     * would then silently share it (a proxy frontend answering as a backend).
     */
    public static int freePort() {
        for (int attempt = 0; attempt < 1000; attempt++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (GIVEN.add(s.getLocalPort())) return s.getLocalPort();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("no loopback port left that was not handed out before");
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
            for (int i = 0; i < n && free; i++) free = !GIVEN.contains(base + i);
            if (free) {
                for (int i = 0; i < n; i++) GIVEN.add(base + i);
                return base;
            }
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
