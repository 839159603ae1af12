package io.vxlb.config;

import static io.vxlb.config.Section.GLOBAL;

/** Keywords of the {@code global} section. */
final class GlobalKeywords {
    private GlobalKeywords() {}

    /** Unix-process settings: meaningful to a C daemon, meaningless to a JVM started by its supervisor. */
    private static final String[][] PROCESS_KEYWORDS = {
            {"daemon", "run vxlb under systemd or another supervisor instead"},
            {"user", "start the JVM as the user you want"},
            {"group", "start the JVM with the group you want"},
            {"uid", "start the JVM as the user you want"},
            {"gid", "start the JVM with the group you want"},
            {"chroot", "confine the JVM with systemd or a container instead"},
            {"ulimit-n", "raise the open-files limit of the JVM's service (LimitNOFILE=) instead"},
            {"nbproc", "vxlb uses one process with one event loop per core; removed in HAProxy 2.5"},
            {"pidfile", "the supervisor tracks the JVM's pid"},
            {"master-worker", "the JVM is one process"},
            {"node", "use --node NAME"},
            {"cpu-map", "the JVM schedules its event loops"},
            {"quiet", "use -q"},
            {"setenv", "set the variable in the JVM's environment"},
            {"presetenv", "set the variable in the JVM's environment"},
            {"unsetenv", "unset the variable in the JVM's environment"},
            {"resetenv", "control the JVM's environment"},
            {"spread-checks", "vxlb spreads checks across the interval already"},
            {"ssl-default-bind-ciphers", "JDK TLS settings apply"},
            {"ssl-default-bind-options", "JDK TLS settings apply"},
            {"ssl-default-server-ciphers", "JDK TLS settings apply"},
            {"ssl-default-server-options", "JDK TLS settings apply"},
            {"ssl-default-bind-ciphersuites", "JDK TLS settings apply"},
            {"ssl-server-verify", "JDK TLS settings apply"},
            {"maxsslconn", "global maxconn bounds all connections"},
            {"localpeer", "vxlb has no peers; see --cluster"},
            {"expose-experimental-directives", "nothing experimental is exposed"},
            {"insecure-fork-wanted", "vxlb never forks"},
            {"h1-case-adjust-bogus-client", "header case is preserved as received"},
    };

    static void register(KeywordTable t) {
        for (String kw : new String[] {"ca-base", "crt-base"}) {
            t.add(kw, GLOBAL, Support.SUPPORTED, "directory for relative " + (kw.equals("ca-base") ? "ca-file and crl-file" : "crt and crt-list") + " paths of the bind and server lines that follow", (ctx, line) -> {
                need(line, 1, "a directory");
                ProxyKeywords.noExtra(line, 2);
                if (kw.equals("ca-base") ? ctx.global.caBase != null : ctx.global.crtBase != null) {
                    throw new ConfigException(0, "'" + kw + "' already specified", "keep one '" + kw + "' line");
                }
                if (kw.equals("ca-base")) ctx.global.caBase = line.arg(1);
                else ctx.global.crtBase = line.arg(1);
            });
        }
        t.add("log", GLOBAL | Section.ALL_PROXIES, Support.PARSED, "targets: ADDR[:PORT] (UDP syslog), unix datagram sockets (/dev/log, unix@PATH), stdout, stderr; len 80-65535, format local (default) rfc3164 rfc5424 priority short timed iso raw, sample R:S; 'log global' in proxies",
                (ctx, line) -> ProxyKeywords.parseLog(ctx, line));
        t.add("log-tag", GLOBAL | Section.ALL_PROXIES, Support.SUPPORTED, "syslog tag (global, or per proxy for its lines)", (ctx, line) -> {
            need(line, 1, "a tag");
            ProxyKeywords.noExtra(line, 2);
            if (ctx.proxy == null) ctx.global.logTag = line.arg(1);
            else ctx.proxy.logTag = line.arg(1);
        });
        t.add("log-send-hostname", GLOBAL, Support.SUPPORTED, "[NAME]: the hostname field of syslog headers (default: the system's); switches the default log format to rfc3164", (ctx, line) -> {
            ProxyKeywords.noExtra(line, 2);
            if (ctx.global.logSendHostname != null) ctx.warn(line, 0, "'log-send-hostname' already specified; the last one wins", null);
            ctx.global.logSendHostname = line.has(1) ? line.arg(1) : systemHostname();
        });
        t.add("maxconn", GLOBAL | Section.FRONT_SIDE, Support.PARSED, "limits concurrent client connections (frontend falls back to global); extra connections are held unread until a place frees (HAProxy: kernel backlog)", (ctx, line) -> {
            int v = ProxyKeywords.intArg(line, 1, "connection count");
            ProxyKeywords.noExtra(line, 2);
            if (ctx.proxy == null) ctx.global.maxconn = v; else ctx.proxy.maxconn = v;
        });
        t.add("maxconnrate", GLOBAL, Support.PARSED, "new connections per second", (ctx, line) -> {
            ctx.global.maxconnrate = ProxyKeywords.intArg(line, 1, "rate");
            ProxyKeywords.noExtra(line, 2);
        });
        t.add("nbthread", GLOBAL, Support.PARSED, "number of event loops (default: 2 x cores, Vert.x's default)", (ctx, line) -> {
            ctx.global.nbthread = ProxyKeywords.intArg(line, 1, "thread count");
            ProxyKeywords.noExtra(line, 2);
        });
        for (String kw : java.util.List.of("set-var", "set-var-fmt")) {
            t.add(kw, GLOBAL, Support.SUPPORTED, kw.equals("set-var") ? "proc.NAME EXPR: a proc variable set at start-up (constants, proc variables)"
                    : "proc.NAME FMT: a proc variable set at start-up from a log-format string", (ctx, line) -> {
                need(line, 2, "a variable name and " + (kw.equals("set-var") ? "an expression" : "a format"));
                String name = line.arg(1);
                if (!name.matches("proc\\.[A-Za-z0-9_.]+")) {
                    throw new ConfigException(1, "'" + kw + "' in global takes a proc variable, not '" + name + "'", "e.g. '" + kw + " proc.limit int(100)'");
                }
                ProxyKeywords.noExtra(line, 3);
                io.vxlb.rules.SampleExpr expr = null;
                io.vxlb.rules.LogFormat fmt = null;
                if (kw.equals("set-var")) {
                    try {
                        expr = io.vxlb.rules.SampleExprParser.parse(line.arg(2));
                    } catch (io.vxlb.rules.RuleException e) {
                        throw new ConfigException(2, e.getMessage(), e.hint());
                    }
                } else {
                    fmt = RuleKeywords.logFormat(line, 2);
                }
                ctx.global.setVars.add(new GlobalSection.SetVar(line.location(1), name, expr, fmt));
            });
        }
        t.add("hard-stop-after", GLOBAL, Support.PARSED, "bound on graceful shutdown", (ctx, line) -> {
            ctx.global.hardStopAfter = ProxyKeywords.duration(line, 1);
            ProxyKeywords.noExtra(line, 2);
        });
        t.add("stats socket", GLOBAL, Support.SUPPORTED, "HAProxy's runtime API (unix socket or host:port)", (ctx, line) -> {
            need(line, 2, "an address or path");
            GlobalSection.StatsSocket s = new GlobalSection.StatsSocket(line.location(2), line.arg(2), line.args(3));
            s.check();
            ctx.global.statsSockets.add(s);
        });
        t.add("stats timeout", GLOBAL, Support.PARSED, "idle timeout of runtime API connections (vxlb: 10s)", (ctx, line) -> {
            need(line, 2, "a timeout");
        });
        for (String[] k : PROCESS_KEYWORDS) {
            String name = k[0];
            String why = k[1];
            t.add(name, GLOBAL, Support.IGNORED, why, (ctx, line) ->
                    ctx.warn(line, 0, "'" + name + "' means nothing on the JVM and is ignored", why));
        }
        t.add(TUNE, GLOBAL, Support.IGNORED, "kept for information; the JVM and Netty size their own buffers", (ctx, line) -> {
            need(line, 1, "a value");
            ProxyKeywords.noExtra(line, 2);
            ctx.global.tune.put(line.arg(0), line.arg(1));
            ctx.warn(line, 0, "'" + line.arg(0) + "' is ignored: the JVM and Netty size their own buffers", null);
        });
    }

    /** The system's host name, as HAProxy's gethostname() at start-up. */
    private static String systemHostname() {
        try {
            String h = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).strip();
            if (!h.isEmpty()) return h;
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux: ask the resolver
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }

    /** Tune settings arrive as "tune.bufsize 16384"; all of them share one table entry. */
    static final String TUNE = "tune.*";

    static String keywordOf(String word) {
        return word.startsWith("tune.") ? TUNE : word;
    }

    static void need(ConfigLine line, int index, String what) {
        if (!line.has(index)) throw new ConfigException(index, "'" + line.arg(0) + "' expects " + what, null);
    }
}
