package io.vxlb.testing;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real redis-server processes on loopback for the tests that need one (Debian's package,
 * installed by .ci/run): started on a given port, optionally as a replica, stopped on close.
 */
public final class RedisServers implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();

    /** Skips the calling test with a clear message when redis-server is not installed; fails instead under CI (see {@link RealServers}). */
    public static void assumeAvailable() {
        RealServers.assume(RealServers.find("redis-server") != null, "redis-server", "apt-get install -y redis-server");
    }

    /** Starts redis-server on 127.0.0.1:{@code port} (a replica of {@code replicaOf} when not null) and waits for PONG (≤ 5 s). */
    public void start(int port, Integer replicaOf) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no"));
        if (replicaOf != null) cmd.addAll(List.of("--replicaof", "127.0.0.1", String.valueOf(replicaOf)));
        processes.add(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        long end = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < end) {
            try {
                if (ping(port)) return;
            } catch (Exception e) {
                Thread.sleep(20);
            }
        }
        throw new AssertionError("redis-server on port " + port + " did not start");
    }

    private static boolean ping(int port) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[64];
            int n = in.read(buf);
            return n > 0 && new String(buf, 0, n, StandardCharsets.ISO_8859_1).startsWith("+PONG");
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly();
        }
        processes.clear();
    }
}
