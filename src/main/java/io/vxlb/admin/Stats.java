package io.vxlb.admin;

import io.vertx.core.json.JsonObject;
import io.vxlb.runtime.CompiledBackend;
import io.vxlb.runtime.CompiledFrontend;
import io.vxlb.runtime.ServerRuntime;
import io.vxlb.runtime.ServerState;
import io.vxlb.runtime.Snapshot;
import io.vxlb.runtime.TrafficCounters;

import java.util.List;
import java.util.Map;

/**
 * A node's counters as JSON, the cluster's sum of several nodes, and both in Prometheus text.
 * Names follow HAProxy's stats CSV (scur, stot, econ, status) so operators find the same words:
 * <pre>
 * {"frontends":{"fe":{"scur":1}},
 *  "backends":{"be":{"scur":0,"stot":12,"econ":0,"servers":{"s1":{"scur":0,"stot":12,"econ":0,
 *     "status":"UP","admin":"ready","weight":1}}}}}
 * </pre>
 */
public final class Stats {
    private Stats() {}

    public static JsonObject of(Snapshot s, TrafficCounters c) {
        JsonObject fes = new JsonObject();
        for (CompiledFrontend f : s.frontends().values()) {
            fes.put(f.name(), new JsonObject().put("scur", c.frontend(f.name()).get()));
        }
        JsonObject bes = new JsonObject();
        for (CompiledBackend b : s.backends().values()) {
            JsonObject servers = new JsonObject();
            long stot = 0, econ = 0;
            for (ServerRuntime r : b.servers()) {
                ServerState st = s.state(r);
                long t = r.totalRequests.sum(), e = r.failedConnections.get();
                stot += t;
                econ += e;
                servers.put(r.server.name(), new JsonObject().put("scur", r.currentConnections.get()).put("stot", t).put("econ", e)
                        .put("status", status(st)).put("admin", st.admin().name().toLowerCase()).put("weight", st.weight()));
            }
            bes.put(b.name(), new JsonObject().put("scur", c.backend(b.name()).get()).put("stot", stot).put("econ", econ)
                    .put("servers", servers));
        }
        return new JsonObject().put("frontends", fes).put("backends", bes);
    }

    /** HAProxy's stats status words. */
    static String status(ServerState st) {
        if (st.admin() == ServerState.Admin.MAINT) return "MAINT";
        if (!st.up()) return "DOWN";
        return st.admin() == ServerState.Admin.DRAIN ? "DRAIN" : "UP";
    }

    /** The cluster's counters: numbers summed over nodes, words (status) kept when all agree. */
    public static JsonObject sum(List<JsonObject> nodes) {
        JsonObject out = new JsonObject();
        for (JsonObject n : nodes) merge(out, n);
        return out;
    }

    private static void merge(JsonObject into, JsonObject from) {
        for (Map.Entry<String, Object> e : from) {
            Object v = e.getValue(), cur = into.getValue(e.getKey());
            if (v instanceof JsonObject j) {
                if (!(cur instanceof JsonObject)) into.put(e.getKey(), cur = new JsonObject());
                merge((JsonObject) cur, j);
            } else if (v instanceof Number num && !e.getKey().equals("weight")) {
                into.put(e.getKey(), (cur instanceof Number c ? c.longValue() : 0L) + num.longValue());
            } else if (cur == null) {
                into.put(e.getKey(), v);
            } else if (!cur.equals(v)) {
                into.put(e.getKey(), "MIXED");
            }
        }
    }

    /** Prometheus text exposition of per-node stats, labelled by node. */
    public static String prometheus(Map<String, JsonObject> byNode) {
        StringBuilder sb = new StringBuilder();
        metric(sb, "vxlb_frontend_current_sessions", "gauge", "Current sessions of a frontend (scur).");
        byNode.forEach((node, st) -> st.getJsonObject("frontends", new JsonObject()).forEach(f ->
                line(sb, "vxlb_frontend_current_sessions", node, "frontend", f.getKey(), null, ((JsonObject) f.getValue()).getLong("scur"))));
        metric(sb, "vxlb_backend_current_sessions", "gauge", "Current sessions of a backend (scur).");
        byNode.forEach((node, st) -> st.getJsonObject("backends", new JsonObject()).forEach(b ->
                line(sb, "vxlb_backend_current_sessions", node, "backend", b.getKey(), null, ((JsonObject) b.getValue()).getLong("scur"))));
        String[][] server = {{"scur", "vxlb_server_current_sessions", "gauge", "Current sessions of a server (scur)."},
                {"stot", "vxlb_server_sessions_total", "counter", "Sessions sent to a server (stot)."},
                {"econ", "vxlb_server_connection_errors_total", "counter", "Failed connections to a server (econ)."},
                {"weight", "vxlb_server_weight", "gauge", "Current weight of a server."}};
        for (String[] m : server) {
            metric(sb, m[1], m[2], m[3]);
            byNode.forEach((node, st) -> st.getJsonObject("backends", new JsonObject()).forEach(b ->
                    ((JsonObject) b.getValue()).getJsonObject("servers", new JsonObject()).forEach(s ->
                            line(sb, m[1], node, "backend", b.getKey(), s.getKey(), ((JsonObject) s.getValue()).getLong(m[0])))));
        }
        metric(sb, "vxlb_server_up", "gauge", "1 when the server takes traffic (UP or DRAIN), else 0.");
        byNode.forEach((node, st) -> st.getJsonObject("backends", new JsonObject()).forEach(b ->
                ((JsonObject) b.getValue()).getJsonObject("servers", new JsonObject()).forEach(s -> {
                    String status = ((JsonObject) s.getValue()).getString("status");
                    line(sb, "vxlb_server_up", node, "backend", b.getKey(), s.getKey(), "UP".equals(status) || "DRAIN".equals(status) ? 1L : 0L);
                })));
        return sb.toString();
    }

    private static void metric(StringBuilder sb, String name, String type, String help) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void line(StringBuilder sb, String name, String node, String kind, String proxy, String server, Long value) {
        sb.append(name).append("{node=\"").append(esc(node)).append("\",").append(kind).append("=\"").append(esc(proxy)).append('"');
        if (server != null) sb.append(",server=\"").append(esc(server)).append('"');
        sb.append("} ").append(value == null ? 0 : value).append('\n');
    }

    private static String esc(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

}
