package io.vxlb.health;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vxlb.config.Config;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static io.vxlb.health.Backends.await;

/**
 * CPU cost of 1,000 servers with option httpchk every 2 s. Off by default:
 * {@code mvn -B -o test -Dtest=HealthCpuBenchTest -Dvxlb.bench=true -Dsurefire.failIfNoSpecifiedTests=false}.
 * The backends answer from the same JVM on their own Vertx instance, so the number is an upper
 * bound for the checker alone.
 */
@Tag("slow")
class HealthCpuBenchTest {
    @Test
    void thousandServersEveryTwoSeconds() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("vxlb.bench"), "set -Dvxlb.bench=true to run the benchmark");
        String kind = System.getProperty("vxlb.bench.kind", "httpchk");
        Vertx backendsVertx = Vertx.vertx();
        Vertx vertx = Vertx.vertx();
        AtomicLong served = new AtomicLong();
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            int port = Backends.freePort();
            HttpServer s = backendsVertx.createHttpServer().requestHandler(r -> {
                served.incrementAndGet();
                r.response().end("ok");
            });
            await(s.listen(port, "127.0.0.1"));
            ports.add(port);
        }
        StringBuilder cfg = new StringBuilder("defaults\n  mode http\n  timeout connect 1s\n  default-server inter 2s\n");
        for (int b = 0; b < 10; b++) {
            cfg.append("backend bk").append(b).append('\n');
            if (kind.equals("httpchk")) cfg.append("  option httpchk GET /health\n");
            for (int s = 0; s < 100; s++) cfg.append("  server s").append(s).append(" 127.0.0.1:").append(ports.get((b + s) % 10)).append(" check\n");
        }
        Config config = Backends.parse(cfg.toString());
        HealthVerticle v = new HealthVerticle(() -> config, HealthVerticle.ADDRESS, l -> System.out.println("LOG " + l));
        await(vertx.deployVerticle(v));
        Thread.sleep(6000);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime(), t0 = System.nanoTime(), n0 = served.get();
        Thread.sleep(20000);
        long cpu = os.getProcessCpuTime() - cpu0, wall = System.nanoTime() - t0, n = served.get() - n0;
        System.out.printf("BENCH kind=%s checks=%d in %.1fs (%.0f/s), process CPU %.2f%% of one core (%.1f us per check, backends included)%n",
                kind, n, wall / 1e9, n / (wall / 1e9), 100.0 * cpu / wall, cpu / 1000.0 / Math.max(1, n));
        await(vertx.close());
        await(backendsVertx.close());
    }
}
