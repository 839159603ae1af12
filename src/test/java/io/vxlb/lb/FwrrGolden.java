package io.vxlb.lb;

import java.util.ArrayList;
import java.util.List;

/**
 * Round-robin sequences recorded on real HAProxy 2.6.12 (Debian 2.6.12-1+deb12u3), with runtime
 * changes sent to its stats socket between requests, by src/test/golden/record_fwrr.py:
 *
 * <pre>
 * global
 *     stats socket /tmp/vxlb-golden-fwrr.sock level admin
 * defaults
 *     mode http
 *     timeout connect 1s
 *     timeout client 5s
 *     timeout server 5s
 * frontend fe
 *     bind 127.0.0.1:18400
 *     default_backend be
 * backend be
 *     balance roundrobin
 *     server s1 127.0.0.1:18401 weight W1      (one line per server, weights per scenario)
 *     ...
 * listen s1
 *     bind 127.0.0.1:18401
 *     http-request return status 200 content-type text/plain string s1
 *     ...
 * </pre>
 *
 * One new connection per request. {@code |} marks where the command was sent
 * ({@code echo "set weight be/s2 5" | socat - /tmp/vxlb-golden-fwrr.sock} does the same).
 */
public final class FwrrGolden {
    private FwrrGolden() {
    }

    /** A step: requests, or a command; each command is the HAProxy CLI line and its vxlb admin API body. */
    public sealed interface Step permits Requests, Change {}

    public record Requests(int count) implements Step {}

    /** {@code set weight be/S N} ({@code weight}) or {@code set server be/S state maint|ready} ({@code admin}). */
    public record Change(String server, String field, Object value) implements Step {
        public String json() {
            return "{\"" + field + "\":" + (value instanceof String s ? "\"" + s + "\"" : value) + "}";
        }
    }

    /** Servers with their configured weights, the steps, and what HAProxy served (names, "|" at each change). */
    public record Scenario(String name, List<String> servers, List<Integer> weights, List<Step> steps, String haproxy) {
        public List<String> expected() {
            return List.of(haproxy.split(" "));
        }
    }

    private static Requests req(int n) {
        return new Requests(n);
    }

    private static Change weight(String server, int w) {
        return new Change(server, "weight", w);
    }

    private static Change admin(String server, String state) {
        return new Change(server, "admin", state);
    }

    private static Scenario scenario(String name, List<Integer> weights, List<Step> steps, String haproxy) {
        List<String> servers = new ArrayList<>();
        for (int i = 1; i <= weights.size(); i++) servers.add("s" + i);
        return new Scenario(name, servers, weights, steps, haproxy);
    }

    public static final List<Scenario> SCENARIOS = List.of(
            scenario("w321_s2_to_5", List.of(3, 2, 1), List.of(req(30), weight("s2", 5), req(30)),
                    "s1 s2 s1 s3 s1 s2 s1 s2 s1 s3 s1 s2 s1 s2 s1 s3 s1 s2 s1 s2 s1 s3 s1 s2 s1 s2 s1 s3 s1 s2 | "
                            + "s1 s2 s2 s1 s3 s2 s1 s2 s2 s1 s2 s2 s1 s3 s2 s1 s2 s2 s1 s2 s2 s1 s3 s2 s1 s2 s2 s1 s2 s2"),
            scenario("w111_s1_to_3_s3_to_0", List.of(1, 1, 1),
                    List.of(req(7), weight("s1", 3), req(20), weight("s3", 0), req(10), weight("s3", 2), req(20)),
                    "s1 s2 s3 s1 s2 s3 s1 | s2 s1 s3 s1 s1 s2 s1 s3 s1 s1 s2 s1 s3 s1 s1 s2 s1 s3 s1 s1 | "
                            + "s2 s1 s1 s1 s2 s1 s1 s1 s2 s1 | s1 s3 s1 s2 s3 s1 s1 s3 s1 s2 s3 s1 s1 s3 s1 s2 s1 s3 s1 s3"),
            scenario("w1234_s4_to_1_mid", List.of(1, 2, 3, 4), List.of(req(13), weight("s4", 1), req(30)),
                    "s4 s3 s4 s2 s3 s4 s1 s4 s3 s2 s4 s3 s4 | "
                            + "s2 s3 s4 s1 s2 s3 s3 s2 s3 s4 s1 s2 s3 s3 s2 s3 s4 s1 s2 s3 s3 s2 s3 s4 s1 s2 s3 s3 s2 s3"),
            scenario("w321_s2_maint_ready", List.of(3, 2, 1), List.of(req(7), admin("s2", "maint"), req(20), admin("s2", "ready"), req(30)),
                    "s1 s2 s1 s3 s1 s2 s1 | s1 s1 s3 s1 s1 s1 s3 s1 s1 s1 s3 s1 s1 s1 s3 s1 s1 s1 s3 s1 | "
                            + "s1 s2 s3 s1 s1 s2 s1 s2 s3 s1 s1 s2 s1 s2 s3 s1 s1 s2 s1 s2 s3 s1 s1 s2 s1 s2 s3 s1 s1 s2"),
            // s3 alone for 101 requests (vxlb serves a lone server without the lock and plays the picks afterwards)
            scenario("w213_s3_alone_100", List.of(2, 1, 3),
                    List.of(req(5), admin("s1", "maint"), admin("s2", "maint"), req(101), admin("s2", "ready"), req(7), admin("s1", "ready"), req(24)),
                    "s3 s1 s3 s2 s3 | | " + "s3 ".repeat(101)
                            + "| s3 s3 s3 s2 s3 s3 s3 | s2 s3 s1 s3 s3 s1 s2 s3 s1 s3 s3 s1 s2 s3 s1 s3 s3 s1 s2 s3 s1 s3 s3 s1"),
            scenario("w111_s1_maint_alone_ready", List.of(1, 1, 1),
                    List.of(req(4), admin("s2", "maint"), req(3), admin("s3", "maint"), req(9), admin("s2", "ready"), req(5), admin("s3", "ready"), req(20)),
                    "s1 s2 s3 s1 | s3 s1 s3 | s1 s1 s1 s1 s1 s1 s1 s1 s1 | s1 s2 s1 s2 s1 | "
                            + "s2 s1 s3 s2 s1 s3 s2 s1 s3 s2 s1 s3 s2 s1 s3 s2 s1 s3 s2 s1"));
}
