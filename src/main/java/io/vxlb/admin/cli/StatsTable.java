package io.vxlb.admin.cli;

import io.vxlb.config.Proxy;
import io.vxlb.config.Server;
import io.vxlb.health.HealthEvent;
import io.vxlb.runtime.CompiledBackend;
import io.vxlb.runtime.ProxyCounters;
import io.vxlb.runtime.ServerRuntime;
import io.vxlb.runtime.ServerState;
import io.vxlb.runtime.Snapshot;
import io.vxlb.runtime.TrafficCounters;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One immutable picture of HAProxy's stats rows ({@code show stat}, the stats page, {@code ;csv}):
 * per proxy in configuration order its FRONTEND row, its server rows, its BACKEND row, with
 * HAProxy 2.6's 128 columns. Which columns a row type fills (and which stay empty) is HAProxy's:
 * see {@link #FRONTEND_FIELDS} and friends, checked against real HAProxy by CliParityIT.
 * Built from the snapshot (servers, states) and the live counters; {@link #sum} adds several
 * nodes' tables into the cluster's.
 */
public final class StatsTable {
    /** HAProxy 2.6's {@code show stat} columns, in order (src/stats.c stat_fields). */
    public static final List<String> COLUMNS = List.of(("pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,"
            + "status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,tracked,type,rate,rate_lim,rate_max,"
            + "check_status,check_code,check_duration,hrsp_1xx,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other,hanafail,req_rate,req_rate_max,"
            + "req_tot,cli_abrt,srv_abrt,comp_in,comp_out,comp_byp,comp_rsp,lastsess,last_chk,last_agt,qtime,ctime,rtime,ttime,agent_status,"
            + "agent_code,agent_duration,check_desc,agent_desc,check_rise,check_fall,check_health,agent_rise,agent_fall,agent_health,addr,cookie,"
            + "mode,algo,conn_rate,conn_rate_max,conn_tot,intercepted,dcon,dses,wrew,connect,reuse,cache_lookups,cache_hits,srv_icur,src_ilim,"
            + "qtime_max,ctime_max,rtime_max,ttime_max,eint,idle_conn_cur,safe_conn_cur,used_conn_cur,need_conn_est,uweight,agg_server_status,"
            + "agg_server_check_status,agg_check_status,-,ssl_sess,ssl_reused_sess,ssl_failed_handshake,h2_headers_rcvd,h2_data_rcvd,"
            + "h2_settings_rcvd,h2_rst_stream_rcvd,h2_goaway_rcvd,h2_detected_conn_protocol_errors,h2_detected_strm_protocol_errors,"
            + "h2_rst_stream_resp,h2_goaway_resp,h2_open_connections,h2_backend_open_streams,h2_total_connections,h2_backend_total_streams,"
            + "h1_open_connections,h1_open_streams,h1_total_connections,h1_total_streams,h1_bytes_in,h1_bytes_out,h1_spliced_bytes_in,"
            + "h1_spliced_bytes_out").split(","));
    private static final Map<String, Integer> INDEX = new HashMap<>();

    static {
        for (int i = 0; i < COLUMNS.size(); i++) INDEX.put(COLUMNS.get(i), i);
    }

    private static final String H2H1 = " h2_headers_rcvd h2_data_rcvd h2_settings_rcvd h2_rst_stream_rcvd h2_goaway_rcvd h2_detected_conn_protocol_errors"
            + " h2_detected_strm_protocol_errors h2_rst_stream_resp h2_goaway_resp h2_open_connections h2_backend_open_streams h2_total_connections"
            + " h2_backend_total_streams h1_open_connections h1_open_streams h1_total_connections h1_total_streams h1_bytes_in h1_bytes_out"
            + " h1_spliced_bytes_in h1_spliced_bytes_out";
    /** The columns HAProxy fills on a FRONTEND row (the others stay empty). */
    static final Set<String> FRONTEND_FIELDS = Set.of(("pxname svname scur smax slim stot bin bout dreq dresp ereq status pid iid sid type rate rate_lim rate_max"
            + " hrsp_1xx hrsp_2xx hrsp_3xx hrsp_4xx hrsp_5xx hrsp_other req_rate req_rate_max req_tot comp_in comp_out comp_byp comp_rsp mode"
            + " conn_rate conn_rate_max conn_tot intercepted dcon dses wrew cache_lookups cache_hits eint - ssl_sess ssl_reused_sess ssl_failed_handshake" + H2H1).split(" "));
    /** ... on a server row without checks. */
    static final Set<String> SERVER_FIELDS = Set.of(("pxname svname qcur qmax scur smax stot bin bout dresp econ eresp wretr wredis status weight act bck lastchg"
            + " pid iid sid lbtot type rate rate_max hrsp_1xx hrsp_2xx hrsp_3xx hrsp_4xx hrsp_5xx hrsp_other req_tot cli_abrt srv_abrt lastsess qtime ctime"
            + " rtime ttime addr mode wrew connect reuse srv_icur qtime_max ctime_max rtime_max ttime_max eint idle_conn_cur safe_conn_cur used_conn_cur"
            + " need_conn_est uweight - ssl_sess ssl_reused_sess ssl_failed_handshake").split(" "));
    /** ... in addition on a checked server's row. */
    static final Set<String> CHECK_FIELDS = Set.of("chkfail chkdown downtime check_status check_duration check_desc check_rise check_fall check_health".split(" "));
    /** ... on a BACKEND row ({@code downtime} only when it has servers). */
    static final Set<String> BACKEND_FIELDS = Set.of(("pxname svname qcur qmax scur smax slim stot bin bout dreq dresp econ eresp wretr wredis status weight act bck"
            + " chkdown lastchg downtime pid iid sid lbtot type rate rate_max hrsp_1xx hrsp_2xx hrsp_3xx hrsp_4xx hrsp_5xx hrsp_other req_tot cli_abrt srv_abrt"
            + " comp_in comp_out comp_byp comp_rsp lastsess qtime ctime rtime ttime mode algo wrew connect reuse cache_lookups cache_hits qtime_max ctime_max"
            + " rtime_max ttime_max eint uweight agg_server_status agg_server_check_status agg_check_status - ssl_sess ssl_reused_sess ssl_failed_handshake" + H2H1).split(" "));

    /** HAProxy's row types (the {@code type} column). */
    public enum Type { FRONTEND, BACKEND, SERVER }

    /** One row: its type and its 128 values ("" where HAProxy prints nothing). */
    public record Row(Type type, String[] values) {
        public String get(String column) {
            return values[INDEX.get(column)];
        }

        public String pxname() {
            return values[0];
        }

        public String svname() {
            return values[1];
        }

        public long number(String column) {
            try {
                return Long.parseLong(get(column));
            } catch (NumberFormatException e) {
                return 0;
            }
        }
    }

    private final List<Row> rows;
    private final long builtMillis;

    private StatsTable(List<Row> rows) {
        this.rows = List.copyOf(rows);
        this.builtMillis = System.currentTimeMillis();
    }

    public List<Row> rows() {
        return rows;
    }

    public long builtMillis() {
        return builtMillis;
    }

    /** What a node knows of its servers' last check results (key "backend/server"). */
    public interface Checks {
        HealthEvent last(String serverKey);

        long lastChange(String serverKey);

        Checks NONE = new Checks() {
            public HealthEvent last(String k) {
                return null;
            }

            public long lastChange(String k) {
                return 0;
            }
        };
    }

    /** This node's rows now. {@code startMillis}: the node's start (lastchg of what never changed). */
    public static StatsTable of(Snapshot s, TrafficCounters c, Checks checks, long startMillis) {
        List<Row> out = new ArrayList<>();
        long now = System.currentTimeMillis();
        int globalMaxconn = s.config().global().maxconn();
        Map<String, Integer> ids = proxyIds(s.config());
        for (Proxy p : s.config().proxies()) {
            int iid = ids.get(p.name());
            if (p.kind().hasFrontend()) out.add(frontend(p, iid, c, globalMaxconn));
            if (!p.kind().hasBackend()) continue;
            CompiledBackend be = s.backends().get(p.name());
            if (be == null) continue;
            long weight = 0, act = 0, bck = 0, qcur = 0, scur = 0;
            int sid = 0;
            for (ServerRuntime r : be.servers()) {
                sid++;
                ServerState st = s.state(r);
                Row row = server(p, iid, r, st, sid, checks, now, startMillis);
                out.add(row);
                if (st.usable()) {
                    weight += st.weight();
                    if (r.server.backup()) bck++;
                    else act++;
                }
                qcur += r.queue == null ? 0 : r.queue.length();
            }
            Row bRow = backend(p, iid, globalMaxconn, be, c, weight, act, bck, now, startMillis);
            long chkdown = 0;
            for (Row r : out) if (r.type() == Type.SERVER && r.pxname().equals(p.name())) chkdown += r.number("chkdown");
            put(bRow.values(), "chkdown", chkdown);  // HAProxy's backend chkdown counts its servers' down transitions too
            out.add(bRow);
        }
        return new StatsTable(out);
    }

    /**
     * Proxy ids as HAProxy numbers them: the configured {@code id}, else the next free one in
     * declaration order from 1, or from 2 with a stats socket (HAProxy's CLI frontend has 1).
     */
    public static Map<String, Integer> proxyIds(io.vxlb.config.Config config) {
        Map<String, Integer> out = new HashMap<>();
        java.util.Set<Integer> used = new java.util.HashSet<>();
        // HAProxy's CLI frontend ("GLOBAL") takes id 1 when there is a stats socket
        if (!config.global().statsSockets().isEmpty()) used.add(1);
        for (Proxy p : config.proxies()) if (p.id() > 0) used.add(p.id());
        int next = 1;
        for (Proxy p : config.proxies()) {
            if (p.id() > 0) {
                out.put(p.name(), p.id());
                continue;
            }
            while (used.contains(next)) next++;
            used.add(next);
            out.put(p.name(), next);
        }
        return out;
    }

    private static String[] blank() {
        String[] v = new String[COLUMNS.size()];
        java.util.Arrays.fill(v, "");
        return v;
    }

    private static void fill(String[] v, Set<String> fields) {
        for (String f : fields) v[INDEX.get(f)] = "0";
        v[INDEX.get("-")] = "-";
    }

    private static void put(String[] v, String col, Object value) {
        v[INDEX.get(col)] = String.valueOf(value);
    }

    private static Row frontend(Proxy p, int iid, TrafficCounters c, int globalMaxconn) {
        String[] v = blank();
        fill(v, FRONTEND_FIELDS);
        ProxyCounters pc = c.frontendStats(p.name());
        put(v, "pxname", p.name());
        put(v, "svname", "FRONTEND");
        put(v, "scur", c.frontend(p.name()).get());
        put(v, "smax", pc.smax.get());
        int slim = p.maxconn() > 0 ? p.maxconn() : globalMaxconn > 0 ? globalMaxconn : 0;
        put(v, "slim", slim > 0 ? String.valueOf(slim) : "");
        put(v, "stot", pc.sessions.sum());
        put(v, "bin", pc.bytesIn.sum());
        put(v, "bout", pc.bytesOut.sum());
        put(v, "ereq", pc.requestErrors.sum());
        put(v, "status", p.disabled() ? "STOP" : "OPEN");
        put(v, "pid", 1);
        put(v, "iid", iid);
        put(v, "type", 0);
        responses(v, pc);
        put(v, "req_tot", pc.requests.sum());
        put(v, "conn_tot", pc.sessions.sum());
        put(v, "mode", p.mode().name().toLowerCase(java.util.Locale.ROOT));
        return new Row(Type.FRONTEND, v);
    }

    private static void responses(String[] v, ProxyCounters pc) {
        put(v, "hrsp_1xx", pc.responses(1));
        put(v, "hrsp_2xx", pc.responses(2));
        put(v, "hrsp_3xx", pc.responses(3));
        put(v, "hrsp_4xx", pc.responses(4));
        put(v, "hrsp_5xx", pc.responses(5));
        put(v, "hrsp_other", pc.responses(6));
    }

    /** HAProxy's server status word: MAINT, DRAIN, "no check", UP, DOWN. */
    static String status(Server srv, ServerState st) {
        if (st.admin() == ServerState.Admin.MAINT) return "MAINT";
        if (!st.up()) return "DOWN";
        if (st.admin() == ServerState.Admin.DRAIN) return "DRAIN";
        return srv.check() || srv.tracks() ? "UP" : "no check";
    }

    private static Row server(Proxy p, int iid, ServerRuntime r, ServerState st, int sid, Checks checks, long now, long start) {
        String[] v = blank();
        fill(v, SERVER_FIELDS);
        Server srv = r.server;
        boolean checked = srv.check() && !srv.tracks();
        if (checked) fill(v, CHECK_FIELDS);
        put(v, "pxname", p.name());
        put(v, "svname", srv.name());
        put(v, "qcur", r.queue == null ? 0 : r.queue.length());
        put(v, "scur", r.currentConnections.get());
        put(v, "smax", r.stats.smax.get());
        if (srv.maxconn() > 0) put(v, "slim", srv.maxconn());
        put(v, "stot", r.totalRequests.sum());
        put(v, "bin", r.stats.bytesIn.sum());
        put(v, "bout", r.stats.bytesOut.sum());
        put(v, "econ", r.failedConnections.get());
        put(v, "status", status(srv, st));
        put(v, "weight", st.weight());
        put(v, "act", srv.backup() ? 0 : 1);
        put(v, "bck", srv.backup() ? 1 : 0);
        long changed = checks.lastChange(r.key);
        put(v, "lastchg", Math.max(0, (now - (changed > 0 ? changed : start)) / 1000));
        put(v, "pid", 1);
        put(v, "iid", iid);
        put(v, "sid", srv.id() > 0 ? srv.id() : sid);
        put(v, "lbtot", r.totalRequests.sum());
        put(v, "type", 2);
        responses(v, r.stats);
        put(v, "req_tot", r.stats.requests.sum());
        long last = r.stats.lastSession;
        put(v, "lastsess", last == 0 ? -1 : (now - last) / 1000);
        put(v, "addr", (srv.address().indexOf(':') >= 0 ? "[" + srv.address() + "]" : srv.address()) + ":" + srv.port());
        put(v, "mode", p.mode().name().toLowerCase(java.util.Locale.ROOT));
        put(v, "uweight", st.weight());
        if (srv.tracks()) put(v, "tracked", srv.trackBackend() + "/" + srv.trackServer());
        if (checked) {
            HealthEvent e = checks.last(r.key);
            put(v, "check_rise", srv.rise());
            put(v, "check_fall", srv.fall());
            if (e != null && e.status() != null) {
                put(v, "check_status", e.status());
                put(v, "check_duration", Math.max(0, e.checkDuration()));
                put(v, "check_desc", e.reason() == null ? "" : e.reason());
                if (e.code() != null && e.status().startsWith("L7")) put(v, "check_code", e.code());
                put(v, "check_health", e.health());
                if (e.info() != null && !e.info().isEmpty()) {
                    // HAProxy's last_chk is the reason's last words ("Connection refused"), not Netty's whole message
                    String info = e.info();
                    put(v, "last_chk", info.contains(": ") ? info.substring(info.lastIndexOf(": ") + 2) : info);
                }
                if (!e.up()) put(v, "chkdown", 1);
            } else {
                put(v, "check_status", st.up() ? "INI" : "");
                put(v, "check_health", srv.rise() + srv.fall() - 1);
                put(v, "check_desc", "Initializing");
            }
        }
        return new Row(Type.SERVER, v);
    }

    private static Row backend(Proxy p, int iid, int globalMaxconn, CompiledBackend be, TrafficCounters c, long weight, long act, long bck, long now, long start) {
        String[] v = blank();
        fill(v, BACKEND_FIELDS);
        if (be.servers().isEmpty()) v[INDEX.get("downtime")] = "";
        ProxyCounters pc = c.backendStats(p.name());
        long econ = 0, lbtot = 0, qcur = 0;
        for (ServerRuntime r : be.servers()) {
            econ += r.failedConnections.get();
            lbtot += r.totalRequests.sum();
            qcur += r.queue == null ? 0 : r.queue.length();
        }
        if (be.servers().isEmpty() || be.servers().get(0).backendQueue == null) {
            // nothing waits in the backend queue without maxconn
        } else {
            qcur += be.servers().get(0).backendQueue.length();
        }
        put(v, "pxname", p.name());
        put(v, "svname", "BACKEND");
        put(v, "qcur", qcur);
        put(v, "scur", c.backend(p.name()).get());
        put(v, "smax", pc.smax.get());
        // HAProxy: fullconn, else a tenth of the frontends' maxconn (approximated by the global one), else 999
        put(v, "slim", p.fullconn() > 0 ? p.fullconn() : globalMaxconn > 0 ? Math.max(1, globalMaxconn / 10) : 999);
        put(v, "stot", pc.sessions.sum());
        put(v, "bin", pc.bytesIn.sum());
        put(v, "bout", pc.bytesOut.sum());
        put(v, "econ", econ);
        put(v, "status", act + bck > 0 || be.servers().isEmpty() ? "UP" : "DOWN");
        put(v, "weight", weight);
        put(v, "act", act);
        put(v, "bck", bck);
        put(v, "lastchg", Math.max(0, (now - start) / 1000));
        put(v, "pid", 1);
        put(v, "iid", iid);
        put(v, "lbtot", lbtot);
        put(v, "type", 1);
        responses(v, pc);
        put(v, "req_tot", pc.requests.sum());
        long last = pc.lastSession;
        put(v, "lastsess", last == 0 ? -1 : (now - last) / 1000);
        put(v, "mode", p.mode().name().toLowerCase(java.util.Locale.ROOT));
        put(v, "algo", p.balance() == null ? "roundrobin" : p.balance().algorithm().word);
        put(v, "uweight", weight);
        return new Row(Type.BACKEND, v);
    }

    /** {@code show stat}'s CSV: the "# " header with a trailing comma, one line per row, each ending in ','. */
    public String csv() {
        StringBuilder sb = new StringBuilder(256 + rows.size() * 300);
        sb.append("# ");
        for (String c : COLUMNS) sb.append(c).append(',');
        sb.append('\n');
        for (Row r : rows) {
            for (String v : r.values()) sb.append(csvValue(v)).append(',');
            sb.append('\n');
        }
        return sb.toString();
    }

    /** HAProxy quotes nothing, but a field must not break the CSV: commas and line ends become blanks. */
    private static String csvValue(String v) {
        if (v.indexOf(',') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) return v;
        return v.replace(',', ' ').replace('\n', ' ').replace('\r', ' ');
    }

    /** The rows as JSON ({@code ;json} of the page): one object per row, only the filled columns. */
    public io.vertx.core.json.JsonArray json() {
        io.vertx.core.json.JsonArray a = new io.vertx.core.json.JsonArray();
        for (Row r : rows) {
            io.vertx.core.json.JsonObject o = new io.vertx.core.json.JsonObject();
            for (int i = 0; i < COLUMNS.size(); i++) if (!r.values()[i].isEmpty() && !COLUMNS.get(i).equals("-")) o.put(COLUMNS.get(i), r.values()[i]);
            a.add(o);
        }
        return a;
    }

    /** Parses {@link #csv} back (another node's table, sent as text). */
    public static StatsTable parseCsv(String csv) {
        List<Row> out = new ArrayList<>();
        for (String line : csv.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] f = line.split(",", -1);
            String[] v = blank();
            for (int i = 0; i < v.length && i < f.length; i++) v[i] = f[i];
            Type t = switch (v[INDEX.get("type")]) {
                case "0" -> Type.FRONTEND;
                case "1" -> Type.BACKEND;
                default -> Type.SERVER;
            };
            out.add(new Row(t, v));
        }
        return new StatsTable(out);
    }

    /** Words summed would be nonsense: these columns keep the first node's value when nodes agree, else "MIXED". */
    private static final Set<String> WORDS = Set.of("pxname", "svname", "status", "pid", "iid", "sid", "type", "check_status", "check_desc", "addr",
            "mode", "algo", "tracked", "weight", "uweight", "act", "bck", "slim", "check_rise", "check_fall", "check_health", "check_code",
            "lastchg", "lastsess", "check_duration", "-", "cookie", "qlimit");

    /** The cluster's table: rows matched by (pxname, svname), counters summed, words kept when all nodes agree. */
    public static StatsTable sum(List<StatsTable> nodes) {
        if (nodes.isEmpty()) return new StatsTable(List.of());
        List<Row> out = new ArrayList<>();
        StatsTable first = nodes.get(0);
        for (Row r : first.rows()) {
            String[] v = r.values().clone();
            for (int n = 1; n < nodes.size(); n++) {
                Row o = nodes.get(n).find(r.pxname(), r.svname());
                if (o == null) continue;
                for (int i = 0; i < v.length; i++) {
                    String col = COLUMNS.get(i);
                    if (WORDS.contains(col)) {
                        if (!v[i].equals(o.values()[i])) v[i] = col.equals("lastchg") || col.equals("lastsess") ? min(v[i], o.values()[i]) : "MIXED";
                    } else if (!v[i].isEmpty()) {
                        try {
                            v[i] = String.valueOf(Long.parseLong(v[i]) + Long.parseLong(o.values()[i]));
                        } catch (NumberFormatException e) {
                            // a value that is not a number stays the first node's
                        }
                    }
                }
            }
            out.add(new Row(r.type(), v));
        }
        return new StatsTable(out);
    }

    private static String min(String a, String b) {
        try {
            long x = Long.parseLong(a), y = Long.parseLong(b);
            if (x < 0) return b;
            if (y < 0) return a;
            return String.valueOf(Math.min(x, y));
        } catch (NumberFormatException e) {
            return a;
        }
    }

    /** The rows of the proxies {@code shown} accepts. */
    public StatsTable only(java.util.function.Predicate<String> shown) {
        List<Row> out = new ArrayList<>();
        for (Row r : rows) if (shown.test(r.pxname())) out.add(r);
        return out.size() == rows.size() ? this : new StatsTable(out);
    }

    public Row find(String pxname, String svname) {
        for (Row r : rows) if (r.pxname().equals(pxname) && r.svname().equals(svname)) return r;
        return null;
    }
}
