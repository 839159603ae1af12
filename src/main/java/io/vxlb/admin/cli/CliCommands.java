package io.vxlb.admin.cli;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vxlb.cluster.SharedState.Rejected;
import io.vxlb.config.Balance;
import io.vxlb.config.Proxy;
import io.vxlb.config.Server;
import io.vxlb.maps.MapFile;
import io.vxlb.runtime.ServerState;
import io.vxlb.runtime.Snapshot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HAProxy 2.6's runtime API commands that vxlb runs, with HAProxy's usage lines, access levels and
 * messages word for word (src/cli.c, map.c, server.c, proxy.c, stats.c). A command answers a
 * text; the session adds the prompt. Changes go to the cluster (see {@link Operations}).
 * Commands HAProxy has and vxlb does not are answered as unknown commands, as HAProxy answers
 * commands it lacks (with the closest known ones listed).
 */
public final class CliCommands {
    /**
     * A command: its leading words, HAProxy's usage line (null: not listed), the level it needs,
     * and the session mode it also needs (HAProxy's ACCESS_EXPERIMENTAL), else null.
     */
    private record Command(String[] words, String usage, CliLevel level, Handler handler, String mode) {
        boolean listedFor(CliSession s) {
            return usage != null && (mode == null || s.mode(mode));
        }
    }

    interface Handler {
        Future<String> run(String[] args, String payload, CliSession session);
    }

    static final String PERMISSION_DENIED = "Permission denied\n";
    static final String UNKNOWN_MAP = "Unknown map identifier. Please use #<id> or <file>.\n";

    private final Operations ops;
    private final List<Command> commands = new ArrayList<>();
    /** {@code prepare map} versions not yet committed, per map: version → entries. Local to this node until commit. */
    private final Map<String, Map<Integer, JsonArray>> pending = new ConcurrentHashMap<>();
    private final Map<String, Integer> nextVersion = new ConcurrentHashMap<>();
    /** The version a {@code commit map} made current, per map (0: the configuration's). */
    private final Map<String, Integer> currentVersion = new ConcurrentHashMap<>();

    public CliCommands(Operations ops) {
        this.ops = ops;
        add("add map", "add map [@<ver>] <map> <key> <val>      : add a map entry (payload supported instead of key/val)", CliLevel.USER, this::addMap);
        add("clear counters", "clear counters [all]                    : clear max statistics counters (or all counters)", CliLevel.OPERATOR, (a, p, s) -> {
            boolean all = a[2].equals("all");
            if (all && !s.level().atLeast(CliLevel.ADMIN)) return done(PERMISSION_DENIED);
            ops.clearCounters(all);
            return done("");
        });
        add("clear map", "clear map [@<ver>] <map>                : clear the contents of this map", CliLevel.USER, this::clearMap);
        add("commit map", "commit map @<ver> <map>                 : commit the map at this version", CliLevel.USER, this::commitMap);
        add("del map", "del map <map> [<key>|#<ref>]            : delete map entries matching <key>", CliLevel.USER, this::delMap);
        add("disable server", "disable server (DEPRECATED)             : disable a server for maintenance (use 'set server' instead)", CliLevel.ADMIN,
                (a, p, s) -> serverAdmin(a, "maint"));
        add("enable server", "enable server  (DEPRECATED)             : enable a disabled server (use 'set server' instead)", CliLevel.ADMIN,
                (a, p, s) -> serverAdmin(a, "ready"));
        add("get weight", "get weight <bk>/<srv>                   : report a server's current weight", CliLevel.USER, this::getWeight);
        add("operator", "operator                                : lower the level of the current CLI session to operator", CliLevel.USER, (a, p, s) -> {
            if (!s.level().atLeast(CliLevel.OPERATOR)) return done(PERMISSION_DENIED);
            s.level(CliLevel.OPERATOR);
            return done("");
        });
        add("prepare map", "prepare map <acl>                       : prepare a new version for atomic map replacement", CliLevel.USER, this::prepareMap);
        add("set map", "set map <map> [<key>|#<ref>] <value>    : modify a map entry", CliLevel.USER, this::setMap);
        add("set server", "set server <bk>/<srv> [opts]            : change a server's state, weight, address or ssl", CliLevel.ADMIN, this::setServer);
        add("set weight", "set weight <bk>/<srv>  (DEPRECATED)     : change a server's weight (use 'set server' instead)", CliLevel.ADMIN,
                (a, p, s) -> weight(a, a[2], a[3]));
        add("show backend", "show backend                            : list backends in the current running config", CliLevel.USER, this::showBackend);
        add("show cli level", "show cli level                          : display the level of the current CLI session", CliLevel.USER,
                (a, p, s) -> done(s.level().name().toLowerCase(java.util.Locale.ROOT) + "\n"));
        add("show info", "show info [desc|json|typed|float]*      : report information about the running process", CliLevel.USER, this::showInfo);
        add("show map", "show map [@ver] [map]                   : report available maps or dump a map's contents", CliLevel.USER, this::showMap);
        add("show servers state", "show servers state [<backend>]          : dump volatile server information (all or for a single backend)", CliLevel.USER, this::showServersState);
        add("show table", "show table <table> [<filter>]*          : report table usage stats or dump this table's contents (filter: data/key)", CliLevel.USER, this::showTable);
        add("clear table", "clear table <table> [<filter>]*         : remove an entry from a table (filter: data/key)", CliLevel.OPERATOR, this::clearTable);
        add("show stat", "show stat [desc|json|no-maint|typed|up]*: report counters for each proxy and server", CliLevel.USER, this::showStat);
        add("user", "user                                    : lower the level of the current CLI session to user", CliLevel.USER, (a, p, s) -> {
            s.level(CliLevel.USER);
            return done("");
        });
        add("get var", "get var <name>                          : retrieve contents of a process-wide variable", CliLevel.OPERATOR, this::getVar);
        commands.add(new Command(new String[] {"set", "var"}, "set var <name> [fmt|expr] {<fmt>|<expr>}: set variable from an expression or a format",
                CliLevel.OPERATOR, this::setVar, "experimental-mode"));
        for (String mode : new String[] {"experimental-mode", "expert-mode"}) {
            commands.add(new Command(new String[] {mode}, null, CliLevel.ADMIN, (a, p, s) -> {
                if (a[1].isEmpty()) return done(mode + " is " + (s.mode(mode) ? "ON" : "OFF") + "\n");
                s.mode(mode, a[1].equals("on"));
                return done("");
            }, null));
        }
        commands.sort(Comparator.comparing(c -> c.usage() == null ? "" : c.usage()));
    }

    private void add(String words, String usage, CliLevel level, Handler h) {
        commands.add(new Command(words.split(" "), usage, level, h, null));
    }

    private static Future<String> done(String s) {
        return Future.succeededFuture(s);
    }

    /** Runs one command line's words ({@code payload}: the lines after "<<", or null). */
    public Future<String> run(String[] args, String payload, CliSession session) {
        if (args.length == 0) return done(usage(args, false, session));
        if (args[0].equals("help")) return done(usage(Arrays.copyOfRange(args, 1, args.length), true, session));
        Command found = null;
        for (Command c : commands) {
            if (c.words().length <= args.length && Arrays.equals(c.words(), Arrays.copyOf(args, c.words().length))) {
                if (found == null || c.words().length > found.words().length) found = c;
            }
        }
        if (found == null) return done(usage(args, false, session));
        if (!session.level().atLeast(found.level())) return done(PERMISSION_DENIED);
        if (found.mode() != null && !session.mode(found.mode())) return done("This command is restricted to experimental mode only.\n");
        String[] padded = Arrays.copyOf(args, Math.max(args.length, 8));
        for (int i = args.length; i < padded.length; i++) padded[i] = "";
        try {
            return found.handler().run(padded, payload, session).recover(t -> done(t instanceof Rejected r ? r.getMessage() + "\n" : "Failed: " + t.getMessage() + "\n"));
        } catch (Rejected r) {
            return done(r.getMessage() + "\n");
        }
    }

    // ---- help and unknown commands (cli_gen_usage_msg) ---------------------------------------

    private static final String ALWAYS = "  help [<command>]                        : list matching or all commands\n"
            + "  prompt                                  : toggle interactive mode with prompt\n"
            + "  quit                                    : disconnect\n";

    /** HAProxy's help: the commands matching the words typed, or the nearest by word fingerprint. */
    String usage(String[] args, boolean help, CliSession session) {
        List<Command> commands = this.commands.stream().filter(c -> c.listedFor(session)).toList();
        int length = 0;
        for (Command c : commands) {
            int i = 0;
            while (i < c.words().length && i < args.length && c.words()[i].equals(args[i])) i++;
            length = Math.max(length, i);
        }
        StringBuilder sb = new StringBuilder();
        if (help) sb.append("The following commands are valid at this level:\n");
        else if (length == 0 && args.length == 0) sb.append("Unknown command. Please enter one of the following commands only:\n");
        else sb.append("Unknown command, but maybe one of the following ones is a better match:\n");
        List<Command> entries = new ArrayList<>();
        if (length < args.length) {
            // the words after the matching ones are compared by fingerprint (5 best, within 2.5x of the best)
            List<Object[]> matches = new ArrayList<>();
            for (Command c : commands) {
                if (!prefixMatches(c, args, length) || c.words().length <= length) continue;
                int[] a = new int[1024], b = new int[1024];
                int total = 0;
                for (int i = length; i < args.length && i < 5; i++) {
                    fingerprint(a, args[i]);
                    total += args[i].length();
                }
                for (int i = length; i < c.words().length; i++) {
                    fingerprint(b, c.words()[i]);
                    total += c.words()[i].length();
                }
                int dist = 0;
                for (int i = 0; i < 1024; i++) dist += Math.abs(a[i] - b[i]);
                if (dist < 5 * total / 2) matches.add(new Object[] {c, dist});
            }
            matches.sort(Comparator.comparingInt(m -> (Integer) m[1]));
            for (int i = 0; i < matches.size() && i < 5; i++) {
                if ((Integer) matches.get(i)[1] > 5 * (Integer) matches.get(0)[1] / 2) break;
                entries.add((Command) matches.get(i)[0]);
            }
        }
        if (entries.isEmpty()) {
            for (Command c : commands) if (prefixMatches(c, args, length)) entries.add(c);
        }
        entries.sort(Comparator.comparing(Command::usage));
        for (Command c : entries) sb.append("  ").append(c.usage()).append('\n');
        return sb.append(ALWAYS).toString();
    }

    private static boolean prefixMatches(Command c, String[] args, int length) {
        for (int i = 0; i < length; i++) if (i >= c.words().length || !c.words()[i].equals(args[i])) return false;
        return true;
    }

    /** Character-transition counts of a word (HAProxy's update_word_fingerprint). */
    private static void fingerprint(int[] fp, String word) {
        int from = 28;
        for (int i = 0; i < word.length(); i++) {
            char c = Character.toLowerCase(word.charAt(i));
            int to = c >= 'a' && c <= 'z' ? c - 'a' + 1 : c >= '0' && c <= '9' ? 27 : 28;
            fp[to] = 1;
            fp[32 * from + to]++;
            from = to;
        }
        fp[32 * from + 28]++;
    }

    // ---- proc variables (HAProxy's vars.c CLI) -----------------------------------------------

    /** {@code get var NAME}: "NAME: type=T value=<V>", non-printable bytes as '.'. */
    private Future<String> getVar(String[] a, String p, CliSession s) {
        if (a[2].isEmpty()) return done("Missing process-wide variable identifier.\n");
        Object v = a[2].startsWith("proc.") ? ops.node().snapshot().procVars().raw(a[2]) : null;
        if (v == null) return done("Variable not found.\n");
        return done(a[2] + ": type=" + io.vxlb.rules.Vars.typeName(v) + " value=<" + io.vxlb.rules.Vars.printable(v) + ">");  // cli_msg without a line feed: the session adds one
    }

    /** {@code set var NAME [expr|fmt] X}: a proc variable from an expression or a log-format, on this node. */
    private Future<String> setVar(String[] a, String p, CliSession s) {
        if (a[2].isEmpty()) return done("Missing process-wide variable identifier.\n");
        if (a[3].isEmpty()) return done("Missing either 'expr', 'fmt' or expression.\n");
        boolean fmt = false;
        if (!a[4].isEmpty()) {
            if (a[3].equals("fmt")) fmt = true;
            else if (!a[3].equals("expr")) return done("'set var': arg type must be either 'expr' or 'fmt' but got '" + a[3] + "'.\n");
        }
        if (!a[2].startsWith("proc.")) return done("'set var': cannot set variable '" + a[2] + "', only scope 'proc' is permitted here.\n");
        String text = a[4].isEmpty() ? a[3] : a[4];
        io.vxlb.rules.Vars.Process vars = ops.node().snapshot().procVars();
        io.vxlb.rules.RuleCompiler rc = new io.vxlb.rules.RuleCompiler(ops.node().maps(), path -> List.of());
        rc.procVars(vars);
        io.vxlb.rules.Txn txn = new io.vxlb.rules.ProcessTxn(vars);
        Object value;
        try {
            value = fmt ? rc.compile(io.vxlb.rules.LogFormatParser.parse(text)).format(txn) : rc.compile(io.vxlb.rules.SampleExprParser.parse(text)).eval(txn);
        } catch (RuntimeException e) {
            return done("'set var': " + e.getMessage() + "\n");
        }
        vars.declare(a[2]);
        if (value != null) vars.set(a[2], value, 0);
        return done("");
    }

    // ---- stick tables (HAProxy's stick_table.c CLI) ------------------------------------------

    private io.vxlb.stick.StickTables tables() {
        return ops.node().replica().holder().get().stickTables();
    }

    /** {@code show table}: one line per table; {@code show table NAME [key K]}: its entries. */
    private Future<String> showTable(String[] a, String p, CliSession s) {
        if (word(a, 2).isEmpty()) {
            StringBuilder sb = new StringBuilder();
            for (io.vxlb.stick.StickTable t : tables().all().values()) sb.append(t.dumpHeader());
            return done(sb.toString());
        }
        io.vxlb.stick.StickTable t = tables().get(a[2]);
        if (t == null) return done("No such table\n");
        if (word(a, 3).isEmpty()) return done(t.dump(null));
        if (!word(a, 3).equals("key")) return done("Optional argument only supports \"data.<store_data_type>\" <operator> <value> and key <key>\n");
        if (!s.level().atLeast(CliLevel.OPERATOR)) return done(PERMISSION_DENIED);
        if (word(a, 4).isEmpty()) return done("Key value expected\n");
        Object key = t.parseKey(a[4]);
        if (key == null) return done("Invalid key\n");
        return done(t.dump(key));
    }

    /** {@code clear table NAME [key K]}: the entries that no stream uses, on every node (vxlb: HAProxy clears one process's). */
    private Future<String> clearTable(String[] a, String p, CliSession s) {
        if (word(a, 2).isEmpty()) return done("Required arguments: <table> \"data.<store_data_type>\" <operator> <value> or <table> key <key>\n");
        io.vxlb.stick.StickTable t = tables().get(a[2]);
        if (t == null) return done("No such table\n");
        if (word(a, 3).isEmpty()) {
            t.clear(e -> true);
            io.vxlb.stick.StickSync.announceClear(ops.node().vertx(), t, null);
            return done("");
        }
        if (!word(a, 3).equals("key") || word(a, 4).isEmpty()) return done("Key value expected\n");
        Object key = t.parseKey(a[4]);
        if (key == null) return done("Invalid key\n");
        t.clear(e -> e.key().equals(key));
        io.vxlb.stick.StickSync.announceClear(ops.node().vertx(), t, key);
        return done("");
    }

    /** Word {@code i} of a command line, "" when absent. */
    private static String word(String[] a, int i) {
        return i < a.length && a[i] != null ? a[i] : "";
    }

    // ---- show --------------------------------------------------------------------------------

    private Future<String> showBackend(String[] a, String p, CliSession s) {
        StringBuilder sb = new StringBuilder("# name\n");
        for (Proxy px : ops.node().replica().config().proxies()) if (px.kind().hasBackend()) sb.append(px.name()).append('\n');
        return done(sb.toString());
    }

    /**
     * {@code show stat [domain proxy] [{IID|PROXY} TYPE SID] [up|no-maint|desc]}: TYPE is HAProxy's
     * bit mask (1 frontends, 2 backends, 4 servers, -1 all), SID a server id (-1 all). Words HAProxy
     * does not know are ignored, as by HAProxy; typed and json are refused (vxlb prints CSV only).
     */
    private Future<String> showStat(String[] a, String p, CliSession s) {
        int arg = 2;
        if (a[arg].equals("domain")) {
            if (a[arg + 1].equals("proxy")) arg += 2;
            else return done("Invalid statistics domain.\n");
        }
        StatsTable t = ops.table();
        Integer iid = null;
        int type = -1, sid = -1;
        if (arg + 2 < a.length && !a[arg].isEmpty() && !a[arg + 1].isEmpty() && !a[arg + 2].isEmpty()) {
            Map<String, Integer> ids = StatsTable.proxyIds(ops.node().replica().config());
            iid = ids.containsKey(a[arg]) ? ids.get(a[arg]) : atoi(a[arg]);
            if (iid == 0) return done("No such proxy.\n");
            type = atoi(a[arg + 1]);
            sid = atoi(a[arg + 2]);
            arg += 3;
        }
        boolean up = false, noMaint = false;
        for (int i = arg; i < a.length && !a[i].isEmpty(); i++) {
            switch (a[i]) {
                case "typed", "json" -> {
                    return done("vxlb: 'show stat " + a[i] + "' is not supported (CSV only)\n");
                }
                case "up" -> up = true;
                case "no-maint" -> noMaint = true;
                default -> { }  // "desc" and unknown words change nothing in CSV, as with HAProxy
            }
        }
        String csv = t.csv();
        StringBuilder sb = new StringBuilder(csv.length());
        sb.append(csv, 0, csv.indexOf('\n') + 1);
        for (StatsTable.Row r : t.rows()) {
            if (iid != null && iid != -1 && r.number("iid") != iid) continue;
            int bit = switch (r.type()) {
                case FRONTEND -> 1;
                case BACKEND -> 2;
                case SERVER -> 4;
            };
            if ((type & bit) == 0) continue;
            if (r.type() == StatsTable.Type.SERVER) {
                if (sid != -1 && r.number("sid") != sid) continue;
                String st = r.get("status");
                if (noMaint && st.equals("MAINT")) continue;
                if (up && !(st.equals("UP") || st.equals("no check") || st.equals("DRAIN"))) continue;
            }
            for (String v : r.values()) sb.append(v).append(',');
            sb.append('\n');
        }
        return done(sb.toString());
    }

    /** C's atoi: the leading integer, 0 when there is none. */
    private static int atoi(String w) {
        int i = 0, sign = 1;
        if (i < w.length() && (w.charAt(i) == '-' || w.charAt(i) == '+')) sign = w.charAt(i++) == '-' ? -1 : 1;
        long v = 0;
        while (i < w.length() && Character.isDigit(w.charAt(i)) && v < Integer.MAX_VALUE) v = v * 10 + (w.charAt(i++) - '0');
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, sign * v));
    }

    private Future<String> showInfo(String[] a, String p, CliSession s) {
        var node = ops.node();
        var c = node.counters();
        long up = (System.currentTimeMillis() - ops.startMillis()) / 1000;
        long cumConns = 0, cumReq = 0;
        for (Proxy px : node.replica().config().proxies()) {
            if (!px.kind().hasFrontend()) continue;
            cumConns += c.frontendStats(px.name()).sessions.sum();
            cumReq += c.frontendStats(px.name()).requests.sum();
        }
        int maxconn = node.replica().config().global().maxconn();
        Runtime rt = Runtime.getRuntime();
        String[][] f = {
                {"Name", "vxlb"}, {"Version", String.valueOf(io.vxlb.Main.class.getPackage().getImplementationVersion())},
                {"Release_date", ""}, {"Nbthread", String.valueOf(Runtime.getRuntime().availableProcessors())}, {"Nbproc", "1"}, {"Process_num", "1"},
                {"Pid", String.valueOf(ProcessHandle.current().pid())},
                {"Uptime", String.format("%dd %dh%02dm%02ds", up / 86400, up / 3600 % 24, up / 60 % 60, up % 60)}, {"Uptime_sec", String.valueOf(up)},
                {"Memmax_MB", String.valueOf(rt.maxMemory() >> 20)}, {"PoolAlloc_MB", String.valueOf(rt.totalMemory() >> 20)},
                {"PoolUsed_MB", String.valueOf((rt.totalMemory() - rt.freeMemory()) >> 20)}, {"PoolFailed", "0"},
                {"Ulimit-n", "0"}, {"Maxsock", "0"}, {"Maxconn", String.valueOf(maxconn)}, {"Hard_maxconn", String.valueOf(maxconn)},
                {"CurrConns", String.valueOf(c.activeConnections.get())}, {"CumConns", String.valueOf(cumConns)}, {"CumReq", String.valueOf(cumReq)},
                {"MaxSslConns", "0"}, {"CurrSslConns", "0"}, {"CumSslConns", "0"}, {"Maxpipes", "0"}, {"PipesUsed", "0"}, {"PipesFree", "0"},
                {"ConnRate", "0"}, {"ConnRateLimit", String.valueOf(node.replica().config().global().maxconnrate())}, {"MaxConnRate", "0"},
                {"SessRate", "0"}, {"SessRateLimit", "0"}, {"MaxSessRate", "0"}, {"SslRate", "0"}, {"SslRateLimit", "0"}, {"MaxSslRate", "0"},
                {"SslFrontendKeyRate", "0"}, {"SslFrontendMaxKeyRate", "0"}, {"SslFrontendSessionReuse_pct", "0"}, {"SslBackendKeyRate", "0"},
                {"SslBackendMaxKeyRate", "0"}, {"SslCacheLookups", "0"}, {"SslCacheMisses", "0"}, {"CompressBpsIn", "0"}, {"CompressBpsOut", "0"},
                {"CompressBpsRateLim", "0"}, {"Tasks", "0"}, {"Run_queue", "0"}, {"Idle_pct", "100"}, {"node", node.name()}, {"Stopping", "0"},
                {"Jobs", "0"}, {"Unstoppable Jobs", "0"}, {"Listeners", "0"}, {"ActivePeers", String.valueOf(Math.max(0, node.members().members().size() - 1))},
                {"ConnectedPeers", String.valueOf(Math.max(0, node.members().members().size() - 1))}, {"DroppedLogs", "0"}, {"BusyPolling", "0"},
                {"FailedResolutions", "0"}, {"TotalBytesOut", "0"}, {"TotalSplicdedBytesOut", "0"}, {"BytesOutRate", "0"}, {"DebugCommandsIssued", "0"},
                {"CumRecvLogs", "0"}, {"Build info", "vxlb"}, {"Memmax_bytes", String.valueOf(rt.maxMemory())},
                {"PoolAlloc_bytes", String.valueOf(rt.totalMemory())}, {"PoolUsed_bytes", String.valueOf(rt.totalMemory() - rt.freeMemory())},
                {"Start_time_sec", String.valueOf(ops.startMillis() / 1000)}, {"Tainted", "0"}};
        StringBuilder sb = new StringBuilder();
        for (String[] kv : f) sb.append(kv[0]).append(": ").append(kv[1]).append('\n');
        return done(sb.toString());
    }

    static final String SERVERS_STATE_HEADER = "1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight"
            + " srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id"
            + " srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port\n";

    /** HAProxy's HCHK_STATUS_* numbers of the check statuses vxlb reports. */
    private static int checkStatusNumber(String status) {
        if (status == null) return 1;
        return switch (status) {
            case "SOCKERR" -> 5;
            case "L4OK" -> 6;
            case "L4TOUT" -> 7;
            case "L4CON" -> 8;
            case "L6OK" -> 9;
            case "L6TOUT" -> 10;
            case "L6RSP" -> 11;
            case "L7TOUT" -> 12;
            case "L7RSP" -> 13;
            case "L7OK" -> 15;
            case "L7OKC" -> 16;
            case "L7STS" -> 17;
            default -> 0;
        };
    }

    private Future<String> showServersState(String[] a, String p, CliSession s) {
        List<Proxy> backends = new ArrayList<>();
        if (!a[3].isEmpty()) {
            Proxy be = ops.backend(a[3]);
            if (be == null) return done("Can't find backend.\n");
            backends.add(be);
        } else {
            for (Proxy px : ops.node().replica().config().proxies()) if (px.kind().hasBackend()) backends.add(px);
        }
        Snapshot snap = ops.node().snapshot();
        long now = System.currentTimeMillis();
        StringBuilder sb = new StringBuilder(SERVERS_STATE_HEADER);
        Map<String, Integer> ids = StatsTable.proxyIds(ops.node().replica().config());
        for (Proxy be : backends) {
            var cb = snap.backends().get(be.name());
            if (cb == null) continue;
            int sid = 0;
            for (var r : cb.servers()) {
                sid++;
                Server srv = r.server;
                ServerState st = snap.state(r);
                boolean checked = srv.check() && !srv.tracks();
                var e = ops.last(r.key);
                int op = st.admin() == ServerState.Admin.MAINT || !st.up() ? 0 : 2;
                int admin = switch (st.admin()) {
                    case MAINT -> srv.disabled() ? 2 : 1;
                    case DRAIN -> 8;
                    case READY -> 0;
                };
                long changed = ops.lastChange(r.key);
                long since = Math.max(0, (now - (changed > 0 ? changed : ops.startMillis())) / 1000);
                int checkStatus = checked ? (e == null ? 1 : checkStatusNumber(e.status())) : 1;
                int result = !checked || e == null ? 0 : e.up() ? 3 : 2;
                int health = !checked ? srv.rise() : e == null ? srv.rise() + srv.fall() - 1 : e.health();
                if (op == 0 && !checked) health = 0;
                sb.append(ids.get(be.name())).append(' ').append(be.name()).append(' ').append(srv.id() > 0 ? srv.id() : sid).append(' ').append(srv.name())
                        .append(' ').append(srv.address()).append(' ').append(op).append(' ').append(admin).append(' ').append(st.weight())
                        .append(' ').append(srv.weight()).append(' ').append(since).append(' ').append(checkStatus).append(' ').append(result)
                        .append(' ').append(health).append(' ').append(checked ? 6 : 0).append(" 0 ").append(be.id() > 0 ? 1 : 0).append(' ').append(srv.id() > 0 ? 1 : 0).append(" - ").append(srv.port()).append(" - ")
                        .append(srv.ssl() ? 1 : 0).append(' ').append(srv.checkPort()).append(" - - 0\n");
            }
        }
        return done(sb.toString());
    }

    // ---- maps --------------------------------------------------------------------------------

    /** The synthetic entry reference {@code show map} prints (HAProxy prints the entry's address). */
    private static String ref(int index) {
        return "0x" + Long.toHexString(0x7f0000001000L + 0x40L * index);
    }

    private Future<String> showMap(String[] a, String p, CliSession s) {
        int i = 2;
        Integer ver = null;
        if (a[i].startsWith("@")) ver = version(a[i++]);
        if (a[i].isEmpty()) {
            StringBuilder sb = new StringBuilder("# id (file) description\n");
            List<String> maps = ops.maps();
            for (int n = 0; n < maps.size(); n++) {
                String m = maps.get(n);
                int next = nextVersion.getOrDefault(m, 0);
                sb.append(n).append(" (").append(m).append(") pattern loaded from file '").append(m).append("' used by map at ")
                        .append(ops.usedAt(m)).append(". curr_ver=").append(currentVersion.getOrDefault(m, 0)).append(" next_ver=").append(next).append(" entry_cnt=").append(entryCount(m)).append('\n');
            }
            return done(sb.toString());
        }
        String map = ops.resolveMap(a[i]);
        if (map == null) return done(UNKNOWN_MAP);
        StringBuilder sb = new StringBuilder();
        if (ver != null && ver != 0) {
            JsonArray e = pending.getOrDefault(map, Map.of()).get(ver);
            if (e == null) return done("");
            for (int n = 0; n < e.size(); n++) sb.append(ref(n)).append(' ').append(e.getJsonArray(n).getString(0)).append(' ').append(e.getJsonArray(n).getString(1)).append('\n');
            return done(sb.toString());
        }
        List<MapFile.Entry> entries = ops.entries(map);
        for (int n = 0; n < entries.size(); n++) sb.append(ref(n)).append(' ').append(entries.get(n).key()).append(' ').append(entries.get(n).value()).append('\n');
        return done(sb.toString());
    }

    /** HAProxy counts the entries of every version of a map, the prepared ones too. */
    private int entryCount(String map) {
        int n = ops.entries(map).size();
        for (JsonArray e : pending.getOrDefault(map, Map.of()).values()) n += e.size();
        return n;
    }

    private static Integer version(String word) {
        try {
            return Integer.parseInt(word.substring(1));
        } catch (NumberFormatException e) {
            throw new Rejected(400, "Malformed version number.");
        }
    }

    private Future<String> addMap(String[] a, String payload, CliSession s) {
        int i = 2;
        Integer ver = a[i].startsWith("@") ? version(a[i++]) : null;
        String mapName = a[i];
        if (mapName.isEmpty() || (payload == null && (a[i + 1].isEmpty() || a[i + 2].isEmpty()))) {
            return done("'add map' expects three parameters (map identifier, key and value) or one parameter (map identifier) and a payload\n");
        }
        String map = ops.resolveMap(mapName);
        if (map == null) return done(UNKNOWN_MAP);
        List<String[]> add = new ArrayList<>();
        if (payload != null) {
            for (String line : payload.split("\n")) {
                String l = line.strip();
                if (l.isEmpty()) continue;
                String[] kv = l.split("[ \t]+", 2);
                if (kv.length < 2) return done("Missing value for key '" + kv[0] + "'.\n");
                add.add(kv);
            }
        } else {
            StringBuilder v = new StringBuilder(a[i + 2]);
            for (int j = i + 3; j < a.length && !a[j].isEmpty(); j++) v.append(' ').append(a[j]);  // as HAProxy: the rest of the line
            add.add(new String[] {a[i + 1], v.toString()});
        }
        for (String[] kv : add) {
            io.vxlb.admin.MapEdits.checkKey(kv[0]);
            io.vxlb.admin.MapEdits.checkValue(kv[1]);
        }
        if (ver != null) {
            JsonArray e = pending.getOrDefault(map, Map.of()).get(ver);
            if (e == null) return done("Version number in the future, please use 'prepare map' before.\n");
            for (String[] kv : add) e.add(new JsonArray().add(kv[0]).add(kv[1]));
            return done("");
        }
        return ops.editMap(map, old -> {
            JsonArray next = old.copy();
            for (String[] kv : add) next.add(new JsonArray().add(kv[0]).add(kv[1]));
            return next;
        }).map("");
    }

    private Future<String> setMap(String[] a, String p, CliSession s) {
        if (a[2].isEmpty() || a[3].isEmpty() || a[4].isEmpty()) return done("'set map' expects three parameters: map identifier, key and value.\n");
        String map = ops.resolveMap(a[2]);
        if (map == null) return done(UNKNOWN_MAP);
        String key = a[3], value = a[4];
        io.vxlb.admin.MapEdits.checkValue(value);
        int byRef = key.startsWith("#") ? refIndex(key) : -1;
        if (key.startsWith("#") && byRef < 0) return done("Malformed identifier. Please use #<id> or <file>.\n");
        return ops.editMap(map, old -> {
            JsonArray next = new JsonArray();
            boolean found = false;
            for (int n = 0; n < old.size(); n++) {
                JsonArray kv = old.getJsonArray(n);
                if (byRef >= 0 ? n == byRef : kv.getString(0).equals(key)) {
                    next.add(new JsonArray().add(kv.getString(0)).add(value));
                    found = true;
                } else {
                    next.add(kv);
                }
            }
            if (!found) throw new Rejected(404, "entry not found.");
            return next;
        }).map("");
    }

    private static int refIndex(String ref) {
        try {
            long v = Long.parseLong(ref.substring(ref.startsWith("#0x") ? 3 : 1), 16) - 0x7f0000001000L;
            return v >= 0 && v % 0x40 == 0 && v / 0x40 < Integer.MAX_VALUE ? (int) (v / 0x40) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private Future<String> delMap(String[] a, String p, CliSession s) {
        if (a[2].isEmpty() || a[3].isEmpty()) return done("This command expects two parameters: map identifier and key.\n");
        String map = ops.resolveMap(a[2]);
        if (map == null) return done(UNKNOWN_MAP);
        String key = a[3];
        int byRef = key.startsWith("#") ? refIndex(key) : -1;
        if (key.startsWith("#") && byRef < 0) return done("Malformed identifier. Please use #<id> or <file>.\n");
        return ops.editMap(map, old -> {
            JsonArray next = new JsonArray();
            for (int n = 0; n < old.size(); n++) {
                JsonArray kv = old.getJsonArray(n);
                if (!(byRef >= 0 ? n == byRef : kv.getString(0).equals(key))) next.add(kv);
            }
            if (next.size() == old.size()) throw new Rejected(404, "Key not found.");
            return next;
        }).map("");
    }

    private Future<String> clearMap(String[] a, String p, CliSession s) {
        int i = 2;
        Integer ver = a[i].startsWith("@") ? version(a[i++]) : null;
        if (a[i].isEmpty()) return done("Missing map identifier.\n");
        String map = ops.resolveMap(a[i]);
        if (map == null) return done(UNKNOWN_MAP);
        if (ver != null) {
            JsonArray e = pending.getOrDefault(map, Map.of()).get(ver);
            if (e != null) e.clear();
            return done("");
        }
        return ops.editMap(map, old -> new JsonArray()).map("");
    }

    private Future<String> prepareMap(String[] a, String p, CliSession s) {
        if (a[2].isEmpty()) return done("Missing map identifier.\n");
        String map = ops.resolveMap(a[2]);
        if (map == null) return done(UNKNOWN_MAP);
        int v = nextVersion.merge(map, 1, Integer::sum);
        pending.computeIfAbsent(map, k -> new ConcurrentHashMap<>()).put(v, new JsonArray());
        return done("New version created: " + v + "\n");
    }

    private Future<String> commitMap(String[] a, String p, CliSession s) {
        if (!a[2].startsWith("@")) return done("Missing version number.\n");
        int ver = version(a[2]);
        if (a[3].isEmpty()) return done("Missing map identifier.\n");
        String map = ops.resolveMap(a[3]);
        if (map == null) return done(UNKNOWN_MAP);
        Map<Integer, JsonArray> versions = pending.getOrDefault(map, Map.of());
        JsonArray e = versions.get(ver);
        if (e == null) return done("Version number out of range.\n");
        JsonArray entries = e.copy();
        versions.keySet().removeIf(v -> v <= ver);  // committing a version drops the older ones, as HAProxy
        return ops.editMap(map, old -> entries).map(x -> {
            currentVersion.put(map, ver);
            return "";
        });
    }

    // ---- servers -----------------------------------------------------------------------------

    private record Target(Proxy backend, Server server, String error) {}

    private Target target(String word) {
        int slash = word.indexOf('/');
        if (slash < 0) return new Target(null, null, "Require 'backend/server'.\n");
        Proxy be = ops.backend(word.substring(0, slash));
        if (be == null) return new Target(null, null, "No such backend.\n");
        String name = word.substring(slash + 1);
        for (Server srv : be.servers()) if (srv.name().equals(name)) return new Target(be, srv, null);
        return new Target(null, null, "No such server.\n");
    }

    private Future<String> serverAdmin(String[] a, String admin) {
        Target t = target(a[2]);
        if (t.error() != null) return done(t.error());
        return ops.setServer(t.backend(), t.server(), admin, null).map("");
    }

    private Future<String> setServer(String[] a, String p, CliSession s) {
        Target t = target(a[2]);
        if (t.error() != null) return done(t.error());
        switch (a[3]) {
            case "state" -> {
                if (!List.of("ready", "drain", "maint").contains(a[4])) return done("'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n");
                return ops.setServer(t.backend(), t.server(), a[4], null).map("");
            }
            case "weight" -> {
                return weight(a, a[2], a[4]);
            }
            case "addr", "agent", "agent-addr", "agent-port", "agent-send", "check-addr", "check-port", "fqdn", "health", "ssl" -> {
                return done("vxlb: 'set server <b>/<s> " + a[3] + "' is not supported (change the configuration and reload)\n");
            }
            default -> {
                return done("usage: set server <backend>/<server> addr | agent | agent-addr | agent-port | agent-send | check-addr | check-port | fqdn | health | ssl | state | weight\n");
            }
        }
    }

    /** HAProxy's server_parse_weight_change_request: N or N% of the initial weight, static algorithms only 0%/100%. */
    private Future<String> weight(String[] a, String serverWord, String w) {
        Target t = target(serverWord);
        if (t.error() != null) return done(t.error());
        if (w.isEmpty()) return done("Require <weight> or <weight%>.\n");
        int end = 0;
        if (end < w.length() && (w.charAt(end) == '-' || w.charAt(end) == '+')) end++;
        while (end < w.length() && Character.isDigit(w.charAt(end))) end++;
        int digitsFrom = w.charAt(0) == '-' || w.charAt(0) == '+' ? 1 : 0;
        if (end == digitsFrom) return done("Empty weight string empty or preceded by garbage");
        long v;
        try {
            v = Long.parseLong(w.substring(0, end));
        } catch (NumberFormatException e) {
            v = Long.MAX_VALUE;
        }
        int iweight = t.server().weight();
        String rest = w.substring(end);
        if (rest.equals("%")) {
            if (v < 0) return done("Relative weight must be positive.\n");
            v = Math.min(v, 25600);
            v = Math.min(256, iweight * v / 100);
        } else if (v < 0 || v > 256) {
            return done("Absolute weight can only be between 0 and 256 inclusive.\n");
        } else if (!rest.isEmpty()) {
            return done("Trailing garbage in weight string");
        }
        if (v != 0 && v != iweight && staticAlgorithm(t.backend())) {
            return done("Backend is using a static LB algorithm and only accepts weights '0%' and '100%'.\n");
        }
        return ops.setServer(t.backend(), t.server(), null, (int) v).map("");
    }

    private static boolean staticAlgorithm(Proxy be) {
        Balance b = be.balance();
        if (b == null) return false;
        return switch (b.algorithm()) {
            case STATIC_RR -> true;
            case SOURCE, URI, URL_PARAM, HDR, RDP_COOKIE, HASH -> be.hashType() == null || be.hashType().method() != io.vxlb.config.HashType.Method.CONSISTENT;
            default -> false;
        };
    }

    private Future<String> getWeight(String[] a, String p, CliSession s) {
        Target t = target(a[2]);
        if (t.error() != null) return done(t.error());
        var cb = ops.node().snapshot().backends().get(t.backend().name());
        var r = cb == null ? null : cb.server(t.server().name());
        int cur = r == null ? t.server().weight() : ops.node().snapshot().state(r).weight();
        return done(cur + " (initial " + t.server().weight() + ")\n");
    }
}
