package io.vxlb.health;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vxlb.config.Config;
import io.vxlb.health.Backends.FlipBackend;
import io.vxlb.health.Backends.Mode;
import io.vxlb.runtime.ServerState;
import io.vxlb.runtime.SnapshotCompiler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static io.vxlb.health.Backends.await;
import static org.junit.jupiter.api.Assertions.*;

/** The verticle end to end: real backends, real timers, events on the event bus, HAProxy's log lines. */
class HealthVerticleTest {
    Vertx vertx;
    final List<FlipBackend> backends = new ArrayList<>();
    final List<HealthEvent> events = new CopyOnWriteArrayList<>();
    final List<Long> eventTimes = new CopyOnWriteArrayList<>();
    final List<String> lines = new CopyOnWriteArrayList<>();
    HealthVerticle verticle;
    Config config;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        vertx.eventBus().<JsonObject>consumer(HealthVerticle.ADDRESS, m -> {
            events.add(HealthEvent.fromJson(m.body()));
            eventTimes.add(System.nanoTime());
        });
    }

    @AfterEach
    void tearDown() {
        backends.forEach(FlipBackend::close);
        await(vertx.close());
    }

    private FlipBackend backend() {
        FlipBackend b = new FlipBackend(vertx);
        backends.add(b);
        return b;
    }

    private void deploy(String text) {
        config = Backends.parse(text);
        verticle = new HealthVerticle(() -> config, HealthVerticle.ADDRESS, lines::add);
        await(vertx.deployVerticle(verticle));
    }

    private static void waitFor(String what, long ms, BooleanSupplier cond) {
        long end = System.nanoTime() + ms * 1_000_000;
        while (System.nanoTime() < end) {
            if (cond.getAsBoolean()) return;
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        fail("timed out after " + ms + "ms waiting for " + what);
    }

    private List<HealthEvent> eventsFor(String key) {
        return events.stream().filter(e -> e.key().equals(key)).toList();
    }

    private static String withoutDuration(String line) {
        return line.replaceAll("check duration: \\d+ms", "check duration: Nms");
    }

    @Test
    void riseFallFastinterDownInterAndHaproxyLogLines() {
        FlipBackend s1 = backend(), s2 = backend();
        deploy("""
                defaults
                  mode http
                  timeout connect 1s
                  timeout client 5s
                  timeout server 5s
                  default-server inter 100 fastinter 40 downinter 300 rise 2 fall 3
                backend bk
                  option httpchk GET /
                  server s1 127.0.0.1:%d check
                  server s2 127.0.0.1:%d check
                  server b1 127.0.0.1:%d check backup
                """.formatted(s1.port, s2.port, s2.port));
        assertTrue(verticle.states().get("bk/s1").up(), "checked servers start UP");

        waitFor("s1 fully up after its first check", 2000, () -> s1.requests.size() >= 2);
        long t0 = System.nanoTime();
        s1.set(Mode.S503);
        waitFor("s1 DOWN", 2000, () -> eventsFor("bk/s1").size() == 1);
        HealthEvent down = eventsFor("bk/s1").get(0);
        long downMs = (eventTimes.get(events.indexOf(down)) - t0) / 1_000_000;
        // s1 had become fully UP (health 4) at its first check; 3 failures: <= inter + 2 fastinter
        assertTrue(downMs >= 2 * 40 - 10 && downMs < 100 + 2 * 40 + 250, "fall 3 at inter 100/fastinter 40 took " + downMs + "ms");
        assertFalse(down.up());
        assertEquals("L7STS", down.status());
        assertEquals(503, down.code());
        assertEquals(1, down.activeServers());
        assertEquals(1, down.backupServers());
        assertEquals("Server bk/s1 is DOWN, reason: Layer7 wrong status, code: 503, info: \"Service Unavailable\", check duration: Nms."
                + " 1 active and 1 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.", withoutDuration(lines.get(0)));
        assertEquals(down.message(), lines.get(0));
        assertFalse(verticle.states().get("bk/s1").up());

        // fully down: the next checks come every downinter (300ms); then rise 2 with fastinter between
        Thread.yield();
        long t1 = System.nanoTime();
        s1.set(Mode.HEALTHY);
        waitFor("s1 UP", 2000, () -> eventsFor("bk/s1").size() == 2);
        long upMs = (eventTimes.get(events.indexOf(eventsFor("bk/s1").get(1))) - t1) / 1_000_000;
        assertTrue(upMs >= 40 - 10 && upMs < 300 + 40 + 250, "rise 2 after downinter 300 took " + upMs + "ms");
        assertEquals("Server bk/s1 is UP, reason: Layer7 check passed, code: 200, check duration: Nms."
                + " 2 active and 1 backup servers online. 0 sessions requeued, 0 total in queue.", withoutDuration(lines.get(1)));

        // a backup server's line starts with "Backup Server"
        s2.set(Mode.DEAD);
        waitFor("s2 and b1 DOWN", 2000, () -> eventsFor("bk/b1").size() == 1 && eventsFor("bk/s2").size() == 1);
        assertTrue(lines.stream().anyMatch(l -> withoutDuration(l).equals("Backup Server bk/b1 is DOWN, reason: Layer4 connection problem,"
                + " info: \"Connection refused\", check duration: Nms. " + (lines.indexOf(eventsFor("bk/s2").get(0).message()) < lines.indexOf(eventsFor("bk/b1").get(0).message()) ? "1" : "2")
                + " active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.")), lines::toString);
    }

    @Test
    void trackChainsBackupAndNbsrvFallback() {
        FlipBackend s1 = backend(), bak = backend();
        deploy("""
                defaults
                  mode http
                  timeout connect 1s
                  timeout check 1s
                  default-server inter 100 rise 2 fall 2
                backend bk
                  option httpchk GET /
                  server s1 127.0.0.1:%d check
                  server t1 127.0.0.1:%d track s1
                  server b1 127.0.0.1:%d check backup
                backend other
                  server t2 127.0.0.1:%d track bk/t1
                  server plain 127.0.0.1:1
                  server off 127.0.0.1:%d check disabled
                """.formatted(s1.port, s1.port, bak.port, s1.port, bak.port));
        Map<String, ServerState> states = SnapshotCompiler.initialStates(config);
        assertEquals(ServerState.Admin.MAINT, states.get("other/off").admin(), "disabled: maintenance, not health");
        s1.set(Mode.DEAD);
        waitFor("t2 DOWN", 2000, () -> eventsFor("other/t2").size() == 1);
        assertEquals(List.of("bk/s1", "bk/t1", "other/t2"), events.stream().map(HealthEvent::key).toList());
        assertEquals("bk/s1", eventsFor("bk/t1").get(0).via());
        assertEquals("bk/t1", eventsFor("other/t2").get(0).via());
        assertEquals("Server bk/t1 is DOWN via bk/s1. 0 active and 1 backup servers left. Running on backup."
                + " 0 sessions active, 0 requeued, 0 remaining in queue.", lines.get(1));
        assertEquals("Server other/t2 is DOWN via bk/t1. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.",
                lines.get(2));
        // the node folds the events (here: only the first one, trackers derived) into its states
        Map<String, ServerState> folded = HealthStates.apply(config, states, events.get(0));
        assertFalse(folded.get("bk/s1").up());
        assertFalse(folded.get("bk/t1").up());
        assertFalse(folded.get("other/t2").up());
        assertTrue(folded.get("bk/b1").usable(), "backup takes over");
        assertTrue(folded.get("other/plain").up(), "no check: always UP");
        for (HealthEvent e : events) states = HealthStates.apply(states, e);
        assertEquals(folded, states, "one event per server gives the same result");
        assertEquals(verticle.states(), states);

        s1.set(Mode.HEALTHY);
        waitFor("t2 UP", 2000, () -> eventsFor("other/t2").size() == 2);
        assertEquals("Server bk/t1 is UP via bk/s1. 2 active and 1 backup servers online. 0 sessions requeued, 0 total in queue.",
                lines.stream().filter(l -> l.startsWith("Server bk/t1 is UP")).findFirst().orElseThrow());
        assertTrue(events.stream().noneMatch(e -> e.key().equals("other/plain") || e.key().equals("other/off")));
    }

    @Test
    void blackHoledServerDoesNotDelayTheOthers() {
        FlipBackend good = backend();
        int hole = Backends.freePort();
        Backends.blackHole(vertx, hole);
        deploy("""
                defaults
                  mode http
                  timeout connect 1s
                  default-server inter 100 rise 2 fall 2
                backend bk
                  option httpchk GET /
                  server hole 127.0.0.1:%d check inter 1000
                  server good 127.0.0.1:%d check
                """.formatted(hole, good.port));
        long t0 = System.nanoTime();
        waitFor("hole DOWN", 3000, () -> eventsFor("bk/hole").size() == 1);
        long holeMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals("L7TOUT", eventsFor("bk/hole").get(0).status());
        assertTrue(eventsFor("bk/hole").get(0).checkDuration() >= 990, "bounded by inter 1000ms");
        // the first checks are spread (HAProxy start_checks: min inter >= 1s * pos / n = 500ms for good)
        List<Long> t = good.times;
        assertTrue(t.size() >= 4, "good was checked " + t.size() + " times in " + holeMs + "ms");
        for (int i = 1; i < t.size(); i++) {
            long gap = (t.get(i) - t.get(i - 1)) / 1_000_000;
            assertTrue(gap < 100 + 60, "gap between good's checks while hole hangs: " + gap + "ms");
        }
        assertTrue(eventsFor("bk/good").isEmpty());
    }
}
