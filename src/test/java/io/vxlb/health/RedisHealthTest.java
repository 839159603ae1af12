package io.vxlb.health;

import io.vxlb.testing.RedisServers;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vxlb.config.Config;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.vxlb.health.Backends.await;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Seed 003's Redis check (PING/+PONG, info replication/role:master, QUIT/+OK) against a real
 * Redis master and replica: only the master is UP, and after a promotion/demotion the states
 * follow within fall×inter + rise×inter (+ tolerance).
 */
@Tag("slow")
class RedisHealthTest {
    static final long INTER = 200;
    static final int RISE = 2, FALL = 3;

    Vertx vertx;
    final RedisServers redis = new RedisServers();
    final Map<String, Boolean> up = new ConcurrentHashMap<>();
    final List<String> lines = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        RedisServers.assumeAvailable();
        vertx = Vertx.vertx();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (vertx != null) await(vertx.close());
        redis.close();
    }



    /** Sends one inline command and returns the first reply chunk. */
    private static String command(int port, String cmd) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write((cmd + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            int n = in.read(buf);
            return n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.ISO_8859_1);
        }
    }

    private void waitFor(String what, long ms, java.util.function.BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + ms * 1_000_000;
        while (System.nanoTime() < end) {
            if (cond.getAsBoolean()) return;
            Thread.sleep(10);
        }
        fail("timed out after " + ms + "ms waiting for " + what + "; log:\n" + String.join("\n", lines));
    }

    @Test
    void onlyTheMasterIsUpAndTheStatesFollowAFailover() throws Exception {
        int p1 = Backends.freePort(), p2 = Backends.freePort();
        redis.start(p1, null);
        redis.start(p2, p1);
        Config config = Backends.parse("""
                defaults REDIS
                 mode tcp
                 timeout connect  4s
                 timeout server  30s
                 timeout client  30s
                frontend ft_redis
                 bind 127.0.0.1:%d name redis
                 default_backend bk_redis
                backend bk_redis
                 option tcp-check
                 tcp-check send PING\\r\\n
                 tcp-check expect string +PONG
                 tcp-check send info\\ replication\\r\\n
                 tcp-check expect string role:master
                 tcp-check send QUIT\\r\\n
                 tcp-check expect string +OK
                 server R1 127.0.0.1:%d check inter %d rise %d fall %d
                 server R2 127.0.0.1:%d check inter %d rise %d fall %d
                """.formatted(Backends.freePort(), p1, INTER, RISE, FALL, p2, INTER, RISE, FALL));
        vertx.eventBus().<JsonObject>consumer(HealthVerticle.ADDRESS, m -> {
            HealthEvent e = HealthEvent.fromJson(m.body());
            up.put(e.server(), e.up());
        });
        HealthVerticle v = new HealthVerticle(() -> config, HealthVerticle.ADDRESS, lines::add);
        await(vertx.deployVerticle(v));

        // (a cold JVM's first check may miss its deadline: a new server starts at health=rise, so
        // HAProxy, and we, take it DOWN on one failure; it is back after rise checks)
        waitFor("R1 (master) UP and R2 (replica) DOWN", 5000,
                () -> v.states().get("bk_redis/R1").up() && !v.states().get("bk_redis/R2").up());
        Thread.sleep(3 * INTER);
        assertTrue(v.states().get("bk_redis/R1").up(), lines::toString);
        assertFalse(v.states().get("bk_redis/R2").up());
        up.clear();
        assertTrue(lines.stream().filter(l -> l.startsWith("Server bk_redis/R2")).findFirst().orElseThrow().startsWith("Server bk_redis/R2 is DOWN, reason: Layer7 timeout, info: \" at step 4 of tcp-check (expect string 'role:master')\""),
                lines.get(0));

        // failover: promote the replica, demote the old master
        long t0 = System.nanoTime();
        assertTrue(command(p2, "REPLICAOF NO ONE").startsWith("+OK"));
        assertTrue(command(p1, "REPLICAOF 127.0.0.1 " + p2).startsWith("+OK"));
        long bound = FALL * INTER + RISE * INTER;
        long tolerance = 1500;
        waitFor("R1 DOWN and R2 UP", bound + tolerance, () -> Boolean.FALSE.equals(up.get("R1")) && Boolean.TRUE.equals(up.get("R2")));
        long took = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("redis failover seen in " + took + "ms (fall*inter + rise*inter = " + bound + "ms)");
        assertTrue(v.states().get("bk_redis/R2").usable());
        assertFalse(v.states().get("bk_redis/R1").up());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("Server bk_redis/R2 is UP, reason: Layer7 check passed, code: 0, info: \"(tcp-check)\"")), lines::toString);
    }
}
