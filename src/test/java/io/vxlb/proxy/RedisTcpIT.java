package io.vxlb.proxy;

import io.vxlb.testing.RedisServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Seed 003 (redis-tcp.cfg) end to end: a real Redis master and replica behind vxlb's
 * {@code mode tcp} frontend, talked to in RESP through vxlb. The tcp-check keeps only the master
 * UP, so every command reaches the master; after a promotion/demotion, traffic follows the new
 * master within fall×inter + rise×inter (+ tolerance).
 */
class RedisTcpIT {
    static final long INTER = 200;
    static final int RISE = 2, FALL = 3;

    private ProxyFixture fx;
    private final RedisServers redis = new RedisServers();

    @BeforeEach
    void setUp() {
        RedisServers.assumeAvailable();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (fx != null) fx.close();
        redis.close();
    }



    /** Sends one command as a RESP array on a new connection and returns the reply (simple, error or bulk string). */
    static String command(int port, String... args) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            StringBuilder req = new StringBuilder("*").append(args.length).append("\r\n");
            for (String a : args) req.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            String head = readLine(in);
            switch (head.charAt(0)) {
                case '+', ':' -> { return head.substring(1); }
                case '-' -> { return head; }
                case '$' -> {
                    int n = Integer.parseInt(head.substring(1));
                    if (n < 0) return null;
                    byte[] body = in.readNBytes(n + 2);
                    return new String(body, 0, n, StandardCharsets.UTF_8);
                }
                default -> throw new IOException("unexpected reply " + head);
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) throw new IOException("connection closed after " + b);
            if (c != '\r') b.write(c);
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    private static String field(String info, String name) {
        for (String l : info.split("\r?\n")) if (l.startsWith(name + ":")) return l.substring(name.length() + 1).trim();
        return null;
    }

    /** The tcp_port and role of the Redis that answers through vxlb. */
    private String servedBy() throws IOException {
        int fe = fx.port("FE8080");
        return field(command(fe, "INFO", "server"), "tcp_port") + " " + field(command(fe, "INFO", "replication"), "role");
    }

    /** Polls (bounded) until {@code n} consecutive sessions through vxlb are served by {@code expected}; returns the ms it took. */
    private long eventually(String expected, int n, long ms) throws Exception {
        long t0 = System.nanoTime(), end = t0 + ms * 1_000_000;
        int streak = 0;
        String last = null;
        while (System.nanoTime() < end) {
            try {
                last = servedBy();
            } catch (IOException e) {
                last = e.toString();
            }
            streak = expected.equals(last) ? streak + 1 : 0;
            if (streak >= n) return (System.nanoTime() - t0) / 1_000_000;
            Thread.sleep(20);
        }
        fail("not served by '" + expected + "' " + n + " times in a row within " + ms + " ms; last: " + last);
        return -1;
    }

    @Test
    void commandsGoToTheMasterAndFollowAFailover() throws Exception {
        fx = new ProxyFixture();
        int p1 = fx.port("BE9001"), p2 = fx.port("BE9002");
        redis.start(p1, null);
        redis.start(p2, p1);
        String text = Files.readString(Path.of("src/test/resources/configs/redis-tcp.cfg"))
                .replace("check inter 1s", "check inter " + INTER + "ms rise " + RISE + " fall " + FALL)
                .replaceAll("127\\.0\\.0\\.1:(80\\d\\d)", "127.0.0.1:\\${FE$1}").replaceAll("127\\.0\\.0\\.1:(90\\d\\d)", "127.0.0.1:\\${BE$1}");
        fx.start(text);

        // servers start UP; the replica fails role:master and goes DOWN after fall checks
        eventually(p1 + " master", 10, 5000);
        for (int i = 0; i < 20; i++) assertEquals(p1 + " master", servedBy(), "every session reaches the master only");
        assertEquals("OK", command(fx.port("FE8080"), "SET", "vxlb:k", "v1"));
        assertEquals("v1", command(p1, "GET", "vxlb:k"), "the write through vxlb landed on the master");
        assertEquals("v1", command(fx.port("FE8080"), "GET", "vxlb:k"));

        // failover: promote the replica, demote the old master
        long t0 = System.nanoTime();
        assertEquals("OK", command(p2, "REPLICAOF", "NO", "ONE"));
        assertEquals("OK", command(p1, "REPLICAOF", "127.0.0.1", String.valueOf(p2)));
        long bound = FALL * INTER + RISE * INTER, tolerance = 2000;
        eventually(p2 + " master", 5, bound + tolerance);
        long took = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("redis traffic followed the failover in " + took + " ms (fall*inter + rise*inter = " + bound + " ms)");
        assertTrue(took <= bound + tolerance, "took " + took + " ms");
        for (int i = 0; i < 20; i++) assertEquals(p2 + " master", servedBy(), "every session reaches the new master only");
        assertEquals("OK", command(fx.port("FE8080"), "SET", "vxlb:k", "v2"), "writes through vxlb are accepted (no READONLY replica)");
        assertEquals("v2", command(p2, "GET", "vxlb:k"), "the write through vxlb landed on the new master");
    }
}
