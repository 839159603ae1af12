package io.vxlb.stick;

import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tcp-request connection/session/content track-sc*} against HAProxy 2.6.12: tcp.cfg runs
 * on vxlb and the client of steps.py (python3, the same script record.sh ran against haproxy)
 * plays its steps: a keep-alive connection tracked once for its life while each request is a
 * stream of its own (sc1 of a content rule), a conn_cur limit rejecting the third concurrent
 * connection at accept, sess_cnt and gpc0 of session rules, and a mode tcp stream's bytes. What
 * it sees and the final {@code show table} of the four tables must equal haproxy-2.6.12.txt.
 */
class StickTcpTrackIT {
    private StickFixture fx;

    @AfterEach
    void tearDown() {
        if (fx != null) fx.close();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = StickTcpTrackIT.class.getResourceAsStream("tcp-track/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void connectionSessionAndContentTrackingMatchHaproxy() throws Exception {
        String recorded = resource("haproxy-2.6.12.txt");
        fx = new StickFixture();
        fx.backend("BE", req -> req.response().setStatusCode(req.path().equals("/missing") ? 404 : 200).end("ok\n"));
        fx.start(resource("tcp.cfg"));
        Path script = Files.createTempFile("steps", ".py");
        try {
            Files.writeString(script, resource("steps.py"));
            Process p = new ProcessBuilder("python3", script.toString(), String.valueOf(fx.port("FE")), String.valueOf(fx.port("TCP")))
                    .redirectErrorStream(true).start();
            boolean done = p.waitFor(60, TimeUnit.SECONDS);
            if (!done) p.destroyForcibly();
            StringBuilder out = new StringBuilder(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            assertTrue(done, () -> "steps.py did not finish: " + out);
            assertEquals(0, p.exitValue(), out::toString);
            for (String t : List.of("fe", "st", "tcp", "tst")) {
                out.append("TABLE ").append(t).append('\n');
                String dump = fx.admin(HttpMethod.GET, "/v1/tables/" + t + "?format=text").body();
                List<String> lines = new ArrayList<>(List.of(dump.split("\n")));
                List<String> entries = new ArrayList<>();
                for (String e : lines.subList(1, lines.size())) entries.add(e.replaceFirst("^0x[0-9a-f]*:", "0x:").replaceFirst(" exp=[0-9]*", " exp="));
                entries.sort(null);
                out.append(lines.get(0)).append('\n');
                for (String e : entries) out.append(e).append('\n');
                out.append("END\n");
            }
            String expected = recorded.substring(recorded.indexOf('\n') + 1);
            assertEquals(expected, out.toString());
        } finally {
            Files.deleteIfExists(script);
        }
    }
}
