package io.vxlb.config;

import io.vxlb.rules.ClosestName;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.vxlb.config.Section.ALL_PROXIES;
import static io.vxlb.config.Section.BACK_SIDE;
import static io.vxlb.config.Section.FRONTEND;
import static io.vxlb.config.Section.FRONT_SIDE;
import static io.vxlb.config.Section.GLOBAL;
import static io.vxlb.config.Section.LISTEN;

/** Proxy-wide keywords: mode, bind, timeouts, logging, options, stats, captures. */
final class ProxyKeywords {
    private ProxyKeywords() {}

    static final Set<String> FACILITIES = Set.of("kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
            "uucp", "cron", "auth2", "ftp", "ntp", "audit", "alert", "cron2",
            "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7");
    static final List<String> LEVELS = List.of("emerg", "alert", "crit", "err", "warning", "notice", "info", "debug");

    /** Bind options whose name in the address position means the address was left out. */
    private static final Set<String> BIND_OPTIONS = Set.of("name", "ssl", "crt", "crt-list", "ca-file", "verify", "alpn", "maxconn", "backlog", "v6only", "v4v6");

    static void register(KeywordTable t) {
        t.add("mode", ALL_PROXIES, Support.PARSED, "http or tcp", (ctx, line) -> {
            switch (line.arg(1)) {
                case "http" -> ctx.proxy.mode = Mode.HTTP;
                case "tcp" -> ctx.proxy.mode = Mode.TCP;
                case "health" -> throw new ConfigException(1, "'mode health' was removed in HAProxy 2.4", "use 'monitor-uri' or 'http-request return' in mode http");
                default -> throw new ConfigException(1, "unknown mode '" + line.arg(1) + "'", "use 'mode http' or 'mode tcp'");
            }
            noExtra(line, 2);
            ctx.proxy.modeSet = true;
        });
        t.add("bind", FRONTEND | LISTEN, Support.PARSED, "ADDR:PORT, *:PORT, :PORT, ipv6@, port ranges, comma lists; options name, ssl, crt (file or directory), crt-list (plain lines with SNI filters), ca-file + verify none|optional|required (client certificates), alpn, maxconn, backlog",
                (ctx, line) -> addBinds(ctx, line, 1));
        t.add("backlog", FRONT_SIDE, Support.PARSED, "listen queue length", (ctx, line) -> {
            ctx.proxy.backlog = intArg(line, 1, "backlog");
            noExtra(line, 2);
        });
        t.add("fullconn", BACK_SIDE, Support.PARSED, "dynamic maxconn reference", (ctx, line) -> {
            ctx.proxy.fullconn = intArg(line, 1, "connection count");
            noExtra(line, 2);
        });
        t.add("retries", BACK_SIDE, Support.PARSED, "connection retries", (ctx, line) -> {
            ctx.proxy.retries = intArg(line, 1, "retry count");
            noExtra(line, 2);
        });
        t.add("id", Section.PROXIES, Support.SUPPORTED, "numeric proxy id (stats)", (ctx, line) -> {
            ctx.proxy.id = intArg(line, 1, "id");
            noExtra(line, 2);
        });
        t.add("description", GLOBAL | Section.PROXIES, Support.SUPPORTED, "free text", (ctx, line) -> {});
        t.add("disabled", Section.PROXIES, Support.PARSED, "proxy does not start", (ctx, line) -> ctx.proxy.disabled = true);
        t.add("enabled", Section.PROXIES, Support.SUPPORTED, "cancels 'disabled'", (ctx, line) -> ctx.proxy.disabled = false);
        t.add("monitor-uri", FRONT_SIDE, Support.PARSED, "answer 200 on this URI without forwarding", (ctx, line) -> {
            GlobalKeywords.need(line, 1, "a URI");
            noExtra(line, 2);
            ctx.proxy.monitorUri = line.arg(1);
        });

        registerTimeouts(t);
        registerOptions(t);

        t.add("log-format", FRONT_SIDE, Support.PARSED, "custom log line (%[...] and %var)", (ctx, line) -> {
            GlobalKeywords.need(line, 1, "a format string");
            noExtra(line, 2);
            RuleKeywords.logFormat(line, 1);
            ctx.proxy.logFormat = new Proxy.LogFormatSpec(line.arg(1), line.location(1));
        });
        t.add("capture request", FRONT_SIDE & ~Section.DEFAULTS, Support.PARSED, "capture request header NAME len N", (ctx, line) -> capture(ctx, line, true));
        t.add("capture response", FRONT_SIDE & ~Section.DEFAULTS, Support.PARSED, "capture response header NAME len N", (ctx, line) -> capture(ctx, line, false));

        t.add("stats enable", ALL_PROXIES, Support.SUPPORTED, "statistics page", (ctx, line) -> ctx.proxy.statsEnabled = true);
        t.add("stats uri", ALL_PROXIES, Support.SUPPORTED, "statistics page URI", (ctx, line) -> {
            GlobalKeywords.need(line, 2, "a URI");
            noExtra(line, 3);
            ctx.proxy.statsEnabled = true;
            ctx.proxy.statsUri = line.arg(2);
        });
        t.add("stats auth", ALL_PROXIES, Support.SUPPORTED, "user:password for the statistics page", (ctx, line) -> {
            GlobalKeywords.need(line, 2, "user:password");
            noExtra(line, 3);
            if (line.arg(2).indexOf(':') < 0) throw new ConfigException(2, "'stats auth' expects user:password", null);
            ctx.proxy.statsEnabled = true;
            ctx.proxy.statsAuth.add(line.arg(2));
        });
        t.add("stats refresh", ALL_PROXIES, Support.SUPPORTED, "page refresh interval", (ctx, line) -> {
            ctx.proxy.statsEnabled = true;
            ctx.proxy.statsRefresh = duration(line, 2);
            noExtra(line, 3);
        });
        t.add("stats realm", ALL_PROXIES, Support.SUPPORTED, "authentication realm", (ctx, line) -> {
            GlobalKeywords.need(line, 2, "a realm");
            noExtra(line, 3);
            ctx.proxy.statsEnabled = true;
            ctx.proxy.statsRealm = line.arg(2);
        });
        t.add("stats hide-version", ALL_PROXIES, Support.SUPPORTED, "hide the version on the page", (ctx, line) -> ctx.proxy.statsHideVersion = true);
        t.add("stats show-legends", ALL_PROXIES, Support.SUPPORTED, "legends on the page", (ctx, line) -> {
            noExtra(line, 2);
            ctx.proxy.statsShowLegends = true;
        });
        t.add("stats admin", ALL_PROXIES & ~Section.DEFAULTS, Support.SUPPORTED, "admin actions on the page: stats admin if|unless COND", (ctx, line) -> {
            if (!line.has(2) || !(line.arg(2).equals("if") || line.arg(2).equals("unless"))) {
                throw new ConfigException(2, "'stats admin' requires either 'if <cond>' or 'unless <cond>' followed by a condition", "e.g. stats admin if LOCALHOST");
            }
            ctx.proxy.statsEnabled = true;
            ctx.proxy.statsAdmin = RuleKeywords.condition(ctx, line, 2, true);
        });
        t.add("stats scope", ALL_PROXIES, Support.SUPPORTED, "proxies the stats page shows ('.': this one)", (ctx, line) -> {
            GlobalKeywords.need(line, 2, "a proxy name or '.'");
            noExtra(line, 3);
            ctx.proxy.statsEnabled = true;
            ctx.proxy.statsScopes.add(line.arg(2));
        });

        // Old spellings with an unambiguous modern meaning: accepted, with a warning naming it.
        legacyTimeout(t, "contimeout", "connect");
        legacyTimeout(t, "clitimeout", "client");
        legacyTimeout(t, "srvtimeout", "server");
        t.add("redispatch", BACK_SIDE, Support.LEGACY, "= option redispatch", (ctx, line) -> {
            ctx.proxy.redispatch = true;
            ctx.warn(line, 0, "'redispatch' is deprecated; treated as 'option redispatch'", "write 'option redispatch'");
        });

        // Old keywords with no safe modern meaning: refused, naming the replacement.
        t.reject("appsession", BACK_SIDE, Support.REJECTED, "removed in HAProxy 1.6: use 'cookie NAME insert' (or prefix) persistence");
        t.reject("block", Section.PROXIES, Support.REJECTED, "removed in HAProxy 2.1: use 'http-request deny if COND'");
        t.reject("reqrep", Section.PROXIES, Support.REJECTED, "removed in HAProxy 2.1: use 'http-request replace-header', 'replace-path' or 'replace-uri'");
        t.reject("reqirep", Section.PROXIES, Support.REJECTED, "removed in HAProxy 2.1: use 'http-request replace-header', 'replace-path' or 'replace-uri'");
        t.reject("reqadd", Section.PROXIES, Support.REJECTED, "removed in HAProxy 2.1: use 'http-request add-header NAME VALUE'");
        t.reject("reqdel", Section.PROXIES, Support.REJECTED, "removed in HAProxy 2.1: use 'http-request del-header NAME'");
        t.reject("reqidel", Section.PROXIES, Support.REJECTED, "removed in HAProxy 2.1: use 'http-request del-header NAME'");
        t.reject("reqallow", Section.PROXIES, Support.REJECTED, "removed in HAProxy 2.1: use 'http-request allow if COND'");
        t.reject("reqiallow", Section.PROXIES, Support.REJECTED, "removed in HAProxy 2.1: use 'http-request allow if COND'");
        t.reject("reqdeny", Section.PROXIES, Support.REJECTED, "removed in HAProxy 2.1: use 'http-request deny if COND'");
        t.reject("reqideny", Section.PROXIES, Support.REJECTED, "removed in HAProxy 2.1: use 'http-request deny if COND'");
        t.reject("reqpass", Section.PROXIES, Support.REJECTED, "removed in HAProxy 2.1: remove it (it only stopped other req* rules)");
        t.reject("reqipass", Section.PROXIES, Support.REJECTED, "removed in HAProxy 2.1: remove it (it only stopped other req* rules)");
        t.reject("reqtarpit", Section.PROXIES, Support.REJECTED, "removed in HAProxy 2.1: use 'http-request tarpit if COND'");
        t.reject("reqitarpit", Section.PROXIES, Support.REJECTED, "removed in HAProxy 2.1: use 'http-request tarpit if COND'");
        t.reject("reqsetbe", Section.PROXIES, Support.REJECTED, "removed in HAProxy 2.1: use 'use_backend NAME if COND'");
        t.reject("reqisetbe", Section.PROXIES, Support.REJECTED, "removed in HAProxy 2.1: use 'use_backend NAME if COND'");
        t.reject("rsprep", Section.PROXIES, Support.REJECTED, "removed in HAProxy 2.1: use 'http-response replace-header'");
        t.reject("rspirep", Section.PROXIES, Support.REJECTED, "removed in HAProxy 2.1: use 'http-response replace-header'");
        t.reject("rspadd", Section.PROXIES, Support.REJECTED, "removed in HAProxy 2.1: use 'http-response add-header NAME VALUE'");
        t.reject("rspdel", Section.PROXIES, Support.REJECTED, "removed in HAProxy 2.1: use 'http-response del-header NAME'");
        t.reject("rspidel", Section.PROXIES, Support.REJECTED, "removed in HAProxy 2.1: use 'http-response del-header NAME'");
        t.reject("rspdeny", Section.PROXIES, Support.REJECTED, "removed in HAProxy 2.1: use 'http-response deny if COND'");
        t.reject("rspideny", Section.PROXIES, Support.REJECTED, "removed in HAProxy 2.1: use 'http-response deny if COND'");
        t.reject("monitor-net", FRONT_SIDE, Support.REJECTED, "removed in HAProxy 2.2: use 'monitor-uri' or 'http-request return status 200 if { src NET }'");
        t.reject("option forceclose", ALL_PROXIES, Support.REJECTED, "removed in HAProxy 1.9: use 'option httpclose'");
        t.reject("option http_proxy", ALL_PROXIES, Support.REJECTED, "removed in HAProxy 2.0: vxlb forwards only to configured servers");
        t.reject("option http-tunnel", ALL_PROXIES, Support.REJECTED, "removed in HAProxy 2.1: keep-alive is the default; WebSocket upgrades are tunnelled automatically");
        t.reject("option independant-streams", ALL_PROXIES, Support.REJECTED, "misspelt and removed: use 'option independent-streams'");

        // HAProxy keywords vxlb does not implement (yet): refused so nothing is silently dropped.
        String[][] unsupported = {
                {"compression", "compression is not supported yet"},
                {"filter", "filters are not supported"},
                {"force-persist", "not supported yet"},
                {"ignore-persist", "not supported yet"},
                {"persist", "not supported yet"},
                {"server-template", "not supported yet: list the servers"},
                {"email-alert", "not supported: watch the log or the admin API's server states"},
                {"rate-limit", "not supported yet"},
                {"load-server-state-from-file", "server states are shared by the vxlb cluster instead"},
                {"external-check", "external checks are not supported"},
                {"source", "proxy-wide 'source' is not supported yet: put 'source ADDR' on each server line, or 'default-server source ADDR' before them"},
                {"bind-process", "vxlb is one process"},
                {"monitor", "monitor fail is not supported yet"},
                {"http-send-name-header", "not supported yet"},
                {"max-keep-alive-queue", "not supported yet"},
                {"max-session-srv-conns", "not supported yet"},
        };
        for (String[] u : unsupported) t.reject(u[0], Section.ALL_PROXIES, Support.UNSUPPORTED, u[1]);
    }

    private static void registerTimeouts(KeywordTable t) {
        timeout(t, "connect", BACK_SIDE, "server connection timeout", (b, v) -> b.tConnect = v);
        timeout(t, "client", FRONT_SIDE, "client inactivity", (b, v) -> b.tClient = v);
        timeout(t, "server", BACK_SIDE, "server inactivity", (b, v) -> b.tServer = v);
        timeout(t, "tunnel", BACK_SIDE, "inactivity once a tunnel (WebSocket, CONNECT) is established", (b, v) -> b.tTunnel = v);
        timeout(t, "http-request", FRONT_SIDE | Section.BACKEND, "time to receive a whole request head", (b, v) -> b.tHttpRequest = v);
        timeout(t, "http-keep-alive", ALL_PROXIES, "idle time between two requests", (b, v) -> b.tHttpKeepAlive = v);
        timeout(t, "queue", BACK_SIDE, "time a request may wait for a server slot; 503 sQ when it expires; falls back to timeout connect", (b, v) -> b.tQueue = v);
        timeout(t, "check", BACK_SIDE, "health check read timeout after connect", (b, v) -> b.tCheck = v);
        timeout(t, "tarpit", ALL_PROXIES, "tarpit hold time", (b, v) -> b.tTarpit = v);
        timeout(t, "client-fin", FRONT_SIDE, "half-closed client inactivity", (b, v) -> b.tClientFin = v);
        timeout(t, "server-fin", BACK_SIDE, "half-closed server inactivity", (b, v) -> b.tServerFin = v);
    }

    private interface TimeoutSetter {
        void set(ProxyBuilder b, long millis);
    }

    private static void timeout(KeywordTable t, String name, int sections, String note, TimeoutSetter setter) {
        t.add("timeout " + name, sections, Support.PARSED, note, (ctx, line) -> {
            setter.set(ctx.proxy, duration(line, 2));
            noExtra(line, 3);
        });
    }

    private static void legacyTimeout(KeywordTable t, String old, String modern) {
        int sections = modern.equals("client") ? FRONT_SIDE : BACK_SIDE;
        t.add(old, sections, Support.LEGACY, "= timeout " + modern, (ctx, line) -> {
            long v = duration(line, 1);
            noExtra(line, 2);
            switch (modern) {
                case "connect" -> ctx.proxy.tConnect = v;
                case "client" -> ctx.proxy.tClient = v;
                default -> ctx.proxy.tServer = v;
            }
            ctx.warn(line, 0, "'" + old + "' is deprecated; treated as 'timeout " + modern + " " + line.arg(1) + "'",
                    "write 'timeout " + modern + " " + line.arg(1) + "'");
        });
    }

    private static void registerOptions(KeywordTable t) {
        flag(t, "httplog", FRONT_SIDE, "HAProxy's HTTP log line ('clf' for common log format)", (ctx, line, on) -> {
            ctx.proxy.httplog = on;
            ctx.proxy.httplogClf = on && line.arg(2).equals("clf");
            if (on) ctx.proxy.tcplog = false;
            if (line.has(2) && !line.arg(2).equals("clf")) throw new ConfigException(2, "unexpected '" + line.arg(2) + "'", "'option httplog [clf]'");
        });
        flag(t, "tcplog", FRONT_SIDE, "HAProxy's TCP log line", (ctx, line, on) -> {
            ctx.proxy.tcplog = on;
            if (on) ctx.proxy.httplog = false;
        });
        flag(t, "dontlognull", FRONT_SIDE, "do not log connections that sent nothing", (ctx, line, on) -> ctx.proxy.dontlognull = on);
        flag(t, "logasap", FRONT_SIDE, "log before the response ends", (ctx, line, on) -> ctx.proxy.logasap = on);
        flag(t, "http-server-close", ALL_PROXIES, "close the server side after each response, keep the client side", (ctx, line, on) -> httpMode(ctx, HttpConnectionMode.SERVER_CLOSE, on));
        flag(t, "httpclose", ALL_PROXIES, "close both sides after each response", (ctx, line, on) -> httpMode(ctx, HttpConnectionMode.CLOSE, on));
        flag(t, "http-keep-alive", ALL_PROXIES, "keep-alive on both sides (the default)", (ctx, line, on) -> httpMode(ctx, HttpConnectionMode.KEEP_ALIVE, on));
        flag(t, "http-pretend-keepalive", ALL_PROXIES, "do not announce the close to the server", (ctx, line, on) -> ctx.proxy.httpPretendKeepalive = on);
        flag(t, "forwardfor", ALL_PROXIES, "[except NET] [header NAME] [if-none]", (ctx, line, on) -> ctx.proxy.forwardFor = on ? forwardFor(line) : null);
        flag(t, "originalto", ALL_PROXIES, "[except NET] [header NAME]", (ctx, line, on) -> ctx.proxy.originalTo = on ? originalTo(line) : null);
        flag(t, "redispatch", BACK_SIDE, "[interval]: retry on another server", (ctx, line, on) -> {
            ctx.proxy.redispatch = on;
            ctx.proxy.redispatchInterval = -1;  // HAProxy's default: the last retry
            if (on && line.has(2)) {
                try {
                    ctx.proxy.redispatchInterval = Integer.parseInt(line.arg(2));
                } catch (NumberFormatException e) {
                    throw new ConfigException(2, "'" + line.arg(2) + "' is not an integer", "'option redispatch [interval]', e.g. 'option redispatch 1' (every retry) or -1 (last retry)");
                }
            }
        });
        t.add("retry-on", BACK_SIDE, Support.SUPPORTED, "none|conn-failure|empty-response|junk-response|response-timeout|0rtt-rejected|401..504|all-retryable-errors: when a request is sent again (only a request without a body after it reached the server)",
                (ctx, line) -> ctx.proxy.retryOn = RetryOn.parse(line));
        flag(t, "contstats", FRONT_SIDE, "count bytes continuously during transfers", (ctx, line, on) -> ctx.proxy.contstats = on);
        t.add("http-reuse", BACK_SIDE, Support.SUPPORTED, "never|safe|aggressive|always, as HAProxy 2.6: never keeps a server connection for its client connection only; safe lets a client connection's later requests take idle connections; aggressive lets first requests take proven ones too; always any. Idle connections live on the event loop of the client that used them and are taken over by another loop that needs one (server pool-max-conn bounds them)", (ctx, line) -> {
            String m = ProxyKeywords.stringArg(line, 1, "a reuse mode");
            HttpReuse r = HttpReuse.of(m);
            if (r == null) throw new ConfigException(1, "unknown http-reuse mode '" + m + "'", "use never, safe, aggressive or always");
            ctx.proxy.httpReuse = r;
            ProxyKeywords.noExtra(line, 2);
        });
        flag(t, "allbackups", BACK_SIDE, "use all backup servers at once", (ctx, line, on) -> ctx.proxy.allbackups = on);
        flag(t, "abortonclose", BACK_SIDE, "drop queued requests whose client left", (ctx, line, on) -> ctx.proxy.abortonclose = on);
        t.add("option http-buffer-request", ALL_PROXIES, Support.SUPPORTED,
                "wait for the request body (whole, or a 15 kB buffer of it) before the http-request rules: req.body*; 408 cR when it does not come in timeout http-request (else timeout client); Expect: 100-continue answered by the proxy",
                (ctx, line) -> ctx.proxy.httpBufferRequest = !ctx.negated());
        for (String ignored : List.of("tcpka", "clitcpka", "srvtcpka", "nolinger", "splice-auto", "splice-request", "splice-response",
                "http-no-delay", "socket-stats", "dontlog-normal", "log-separate-errors", "log-health-checks", "prefer-last-server",
                "independent-streams", "accept-invalid-http-request", "accept-invalid-http-response", "checkcache",
                "http-ignore-probes", "idle-close-on-response", "disable-h2-upgrade", "h1-case-adjust-bogus-server")) {
            flagIgnored(t, ignored);
        }
        t.add("option http-use-htx", ALL_PROXIES, Support.IGNORED, "HTX is always on in HAProxy 2.1+; nothing to do", (ctx, line) ->
                ctx.warn(line, 1, "'option http-use-htx' is obsolete and ignored", "remove the line"));
        t.reject("option httpslog", FRONT_SIDE, Support.UNSUPPORTED, "not supported yet: its format ends with the TLS error and session"
                + " fields %[fc_err]/%[ssl_fc_err,hex]/%[ssl_c_err]/%[ssl_c_ca_err]/%[ssl_fc_is_resumed], which vxlb does not record;"
                + " use 'option httplog', or a log-format with %[ssl_fc_sni] and %sslv/%sslc");
        t.reject("option transparent", ALL_PROXIES, Support.UNSUPPORTED, "transparent proxying needs kernel support vxlb does not use");
        t.reject("option socks4", ALL_PROXIES, Support.UNSUPPORTED, "not supported");
        t.reject("option spop-check", ALL_PROXIES, Support.UNSUPPORTED, "not supported");
        t.reject("option external-check", ALL_PROXIES, Support.UNSUPPORTED, "external checks are not supported");
        t.reject("option persist", ALL_PROXIES, Support.UNSUPPORTED, "not supported yet");
    }

    interface OptionHandler {
        void parse(ParseContext ctx, ConfigLine line, boolean on);
    }

    /** An {@code option} that {@code no option} turns off. */
    static void flag(KeywordTable t, String name, int sections, String note, OptionHandler h) {
        t.add("option " + name, sections, Support.PARSED, note, (ctx, line) -> h.parse(ctx, line, !ctx.negated()));
    }

    private static void flagIgnored(KeywordTable t, String name) {
        t.add("option " + name, ALL_PROXIES, Support.IGNORED, "accepted, no effect in vxlb", (ctx, line) ->
                ctx.warn(line, 1, "'option " + name + "' has no effect in vxlb and is ignored", null));
    }

    private static void httpMode(ParseContext ctx, HttpConnectionMode mode, boolean on) {
        if (on) ctx.proxy.httpMode = mode;
        else if (ctx.proxy.httpMode == mode) ctx.proxy.httpMode = null;
    }

    private static ForwardFor forwardFor(ConfigLine line) {
        String except = null, header = ForwardFor.DEFAULT_HEADER;
        boolean ifNone = false;
        for (int i = 2; i < line.size(); i++) {
            switch (line.arg(i)) {
                case "except" -> except = network(line, ++i);
                case "header" -> {
                    GlobalKeywords.need(line, i + 1, "a header name after 'header'");
                    header = line.arg(++i);
                }
                case "if-none" -> ifNone = true;
                default -> throw new ConfigException(i, "unexpected '" + line.arg(i) + "'", "'option forwardfor [except NET] [header NAME] [if-none]'");
            }
        }
        return new ForwardFor(except, header, ifNone);
    }

    private static OriginalTo originalTo(ConfigLine line) {
        String except = null, header = OriginalTo.DEFAULT_HEADER;
        for (int i = 2; i < line.size(); i++) {
            switch (line.arg(i)) {
                case "except" -> except = network(line, ++i);
                case "header" -> {
                    GlobalKeywords.need(line, i + 1, "a header name after 'header'");
                    header = line.arg(++i);
                }
                default -> throw new ConfigException(i, "unexpected '" + line.arg(i) + "'", "'option originalto [except NET] [header NAME]'");
            }
        }
        return new OriginalTo(except, header);
    }

    /** An IPv4/IPv6 address with an optional /prefix (e.g. 127.0.0.0/8). */
    static String network(ConfigLine line, int i) {
        GlobalKeywords.need(line, i, "a network (e.g. 127.0.0.0/8)");
        String s = line.arg(i);
        String addr = s;
        int slash = s.indexOf('/');
        if (slash >= 0) {
            addr = s.substring(0, slash);
            String mask = s.substring(slash + 1);
            boolean ok = mask.chars().allMatch(Character::isDigit) && !mask.isEmpty();
            if (!ok && !mask.matches("\\d+\\.\\d+\\.\\d+\\.\\d+")) throw new ConfigException(i, "invalid network mask in '" + s + "'", "e.g. 10.0.0.0/8");
        }
        if (!addr.matches("[0-9.]+") && !addr.matches("[0-9a-fA-F:.]+")) {
            throw new ConfigException(i, "'" + s + "' is not a network address", "e.g. 127.0.0.0/8 or ::1");
        }
        return s;
    }

    private static void capture(ParseContext ctx, ConfigLine line, boolean request) {
        String side = request ? "request" : "response";
        if (line.arg(2).equals("cookie")) throw new ConfigException(2, "'capture " + side + " cookie' is not supported", "use 'capture " + side + " header Cookie len N'");
        if (!line.arg(2).equals("header")) throw new ConfigException(2, "expected 'header'", "'capture " + side + " header NAME len N'");
        GlobalKeywords.need(line, 3, "a header name");
        if (!line.arg(4).equals("len")) throw new ConfigException(4, "expected 'len N' after the header name", "'capture " + side + " header NAME len N'");
        int len = intArg(line, 5, "length");
        if (len < 1) throw new ConfigException(5, "capture length must be at least 1", null);
        if (line.has(6)) throw new ConfigException(6, "unexpected '" + line.arg(6) + "'", null);
        ctx.proxy.captures.add(new Capture(request, line.arg(3), len));
    }

    /** Parses {@code bind ADDR[,ADDR] [options]} starting at word {@code first}. */
    static void addBinds(ParseContext ctx, ConfigLine line, int first) {
        GlobalKeywords.need(line, first, "an address (e.g. *:80 or 127.0.0.1:8080)");
        String text = line.arg(first);
        if (BIND_OPTIONS.contains(text)) {
            // checked before the options: "bind name redis" has lost its address, "redis" is no option
            throw new ConfigException(first, "missing address before '" + text + "'", "a bind line is 'bind ADDR:PORT [options]', e.g. 'bind *:80 " + text + " ...'");
        }
        String name = null;
        boolean ssl = false;
        List<String> certs = new ArrayList<>();
        List<String> crtLists = new ArrayList<>();  // bind TLS (config branch): crt-list, ca-file, verify
        String caFile = null, verify = null;
        boolean strictSni = false;
        List<String> alpn = new ArrayList<>();
        int maxconn = 0, backlog = 0;
        boolean v6only = false;
        boolean acceptProxy = false;
        for (int i = first + 1; i < line.size(); i++) {
            String o = line.arg(i);
            switch (o) {
                case "name" -> name = stringArg(line, ++i, "a name");
                case "ssl" -> ssl = true;
                case "crt" -> certs.add(ctx.crtPath(stringArg(line, ++i, "a PEM file or directory")));
                // HAProxy applies crt-base to the certificates inside the list, not to the list itself
                case "strict-sni" -> strictSni = true;
                case "crt-list" -> crtLists.add(stringArg(line, ++i, "a crt-list file"));
                case "ca-file" -> caFile = ctx.caPath(stringArg(line, ++i, "a CA file (PEM) for client certificates"));
                case "verify" -> {
                    verify = stringArg(line, ++i, "none, optional or required");
                    if (!List.of("none", "optional", "required").contains(verify)) {
                        throw new ConfigException(i, "unknown verify mode '" + verify + "'", "use 'none', 'optional' or 'required'");
                    }
                }
                case "alpn" -> alpn.addAll(List.of(stringArg(line, ++i, "a protocol list (e.g. h2,http/1.1)").split(",")));
                case "maxconn" -> maxconn = intArg(line, ++i, "connection count");
                case "backlog" -> backlog = intArg(line, ++i, "backlog");
                case "v6only" -> v6only = true;
                case "accept-proxy" -> acceptProxy = true;
                case "v4v6", "defer-accept", "tfo", "transparent-off", "no-sslv3", "no-tlsv10", "no-tlsv11", "no-tls-tickets",
                     "prefer-client-ciphers", "allow-0rtt" ->
                        ctx.warn(line, i, "bind option '" + o + "' has no effect in vxlb and is ignored", null);
                case "process", "thread", "id", "nice", "ciphers", "ciphersuites", "ssl-min-ver", "ssl-max-ver", "curves", "ecdhe",
                     "interface", "mss", "npn", "level", "mode", "user", "group", "uid", "gid", "tcp-ut", "severity-output" -> {
                    stringArg(line, ++i, "a value for '" + o + "'");
                    ctx.warn(line, i - 1, "bind option '" + o + "' has no effect in vxlb and is ignored", null);
                }
                case "transparent", "crl-file", "namespace", "generate-certificates",
                     "proto", "expose-fd", "ca-sign-file", "quic-cc-algo" ->
                        throw new ConfigException(i, "bind option '" + o + "' is not supported by vxlb", null);
                default -> throw new ConfigException(i, "unknown bind option '" + o + "'",
                        ClosestName.hint(o, List.of("name", "ssl", "crt", "crt-list", "ca-file", "verify", "alpn", "maxconn", "backlog", "v6only", "v4v6", "accept-proxy")));
            }
        }
        if (ssl && certs.isEmpty() && crtLists.isEmpty()) throw new ConfigException(first, "'ssl' on a bind line needs a certificate", "add 'crt /path/to/cert.pem' (certificate chain and key in one PEM file) or 'crt-list FILE'");
        if (!ssl && (!certs.isEmpty() || !crtLists.isEmpty())) ctx.warn(line, first, "'crt' without 'ssl': the address will serve plain text", "add 'ssl'");
        if (verify != null && !verify.equals("none") && caFile == null) {
            // HAProxy: "verify is enabled but no CA file specified"
            throw new ConfigException(first, "verify is enabled but no CA file specified", "add 'ca-file FILE' with the CAs that sign client certificates");
        }
        Bind.Tls tls = new Bind.Tls(crtLists, caFile, verify == null ? "none" : verify, ctx.crtPath(""), strictSni);
        for (String part : text.split(",")) {
            Address a;
            try {
                a = Address.parse(part, true);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(first, e.getMessage());
            }
            for (int p = a.port(); p <= a.portEnd(); p++) {
                ctx.proxy.binds.add(new Bind(line.location(first), a.host(), p, a.ipv6() || v6only, name, ssl, certs, alpn, maxconn, backlog, tls, acceptProxy));
            }
        }
    }

    /** {@code log global}, {@code no log}, {@code log ADDR [len N] [format F] [sample R:S] FACILITY [LEVEL [MINLEVEL]]}. */
    static void parseLog(ParseContext ctx, ConfigLine line) {
        GlobalKeywords.need(line, 1, "'global' or an address and a facility (e.g. 'log 127.0.0.1 local0')");
        if (line.arg(1).equals("global")) {
            if (ctx.proxy == null) throw new ConfigException(1, "'log global' is for proxies", "in global, write 'log ADDR FACILITY'");
            ctx.proxy.logGlobal = true;
            return;
        }
        String address = line.arg(1);
        if (FACILITIES.contains(address)) {
            throw new ConfigException(1, "'" + address + "' is a facility: the log address is missing",
                    "write 'log ADDRESS " + address + "', e.g. 'log 127.0.0.1 " + address + "' or 'log stdout format raw " + address + "'");
        }
        if (address.startsWith("unix@") && address.length() > 5 || address.startsWith("/")) {
            // a unix datagram socket (syslog's /dev/log): sent through Netty's epoll transport (log/LogSink)
            String path = address.startsWith("unix@") ? address.substring(5) : address;
            if (path.length() > 107) throw new ConfigException(1, "unix socket path '" + path + "' is too long", "a unix socket path has at most 107 bytes");
        } else if (!address.equals("stdout") && !address.equals("stderr")) {
            if (address.matches("(abns|fd|ring)@.*")) {
                throw new ConfigException(1, "log address '" + address + "' is not supported by vxlb", "use a UDP address, a unix socket path (/dev/log), stdout or stderr");
            }
            try {
                Address.parse(address, false);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(1, e.getMessage());
            }
        }
        int i = 2, len = 1024;
        String format = null;  // HAProxy's default is settled when parsing ends (LogTarget.settled)
        LogTarget.Sample sample = null;
        while (line.has(i)) {
            String w = line.arg(i);
            if (w.equals("len")) {
                len = intArg(line, i + 1, "length");
                if (len < 80 || len > 65535) throw new ConfigException(i + 1, "invalid log length '" + line.arg(i + 1) + "', must be between 80 and 65535", null);
                i += 2;
            } else if (w.equals("format")) {
                format = stringArg(line, i + 1, "a format");
                if (!List.of("rfc3164", "rfc5424", "raw", "short", "timed", "iso", "local", "priority").contains(format)) {
                    throw new ConfigException(i + 1, "unknown log format '" + format + "'", "use rfc3164, rfc5424, raw, short, timed, iso, local or priority");
                }
                i += 2;
            } else if (w.equals("sample")) {
                try {
                    sample = LogTarget.Sample.parse(stringArg(line, i + 1, "RANGES:SIZE"));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(i + 1, e.getMessage(), "e.g. 'sample 1,3-4:5' sends lines 1, 3 and 4 of every 5");
                }
                i += 2;
            } else {
                break;
            }
        }
        String facility = line.arg(i);
        if (!FACILITIES.contains(facility)) {
            throw new ConfigException(i, line.has(i) ? "unknown log facility '" + facility + "'" : "missing log facility",
                    line.has(i) ? ClosestName.hint(facility, FACILITIES) : "e.g. 'log " + address + " local0'");
        }
        String level = line.has(i + 1) ? line.arg(i + 1) : null;
        String minLevel = line.has(i + 2) ? line.arg(i + 2) : null;
        if (level != null && !LEVELS.contains(level)) throw new ConfigException(i + 1, "unknown log level '" + level + "'", "use one of " + LEVELS);
        if (minLevel != null && !LEVELS.contains(minLevel)) throw new ConfigException(i + 2, "unknown log level '" + minLevel + "'", "use one of " + LEVELS);
        if (line.has(i + 3)) throw new ConfigException(i + 3, "unexpected '" + line.arg(i + 3) + "'", null);
        LogTarget target = new LogTarget(line.location(1), false, address, len, format, facility, level, minLevel, sample);
        if (ctx.proxy == null) ctx.global.logs.add(target);
        else ctx.proxy.logs.add(target);
    }

    static int intArg(ConfigLine line, int i, String what) {
        if (!line.has(i)) throw new ConfigException(i, "'" + line.arg(0) + "' expects a " + what, null);
        try {
            return Units.integer(line.arg(i), what);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(i, e.getMessage());
        }
    }

    static long duration(ConfigLine line, int i) {
        if (!line.has(i)) throw new ConfigException(i, "missing duration after '" + String.join(" ", line.args(0).subList(0, i)) + "'", "e.g. 5s, 300ms, 1m (a plain number is milliseconds)");
        try {
            return Units.durationMillis(line.arg(i));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(i, e.getMessage());
        }
    }

    /** HAProxy's alertif_too_many_args(): the keyword's arguments end before word {@code i}. */
    static void noExtra(ConfigLine line, int i) {
        if (line.has(i)) {
            throw new ConfigException(i, "extra argument '" + line.arg(i) + "' after '" + String.join(" ", line.args(0).subList(0, i)) + "'",
                    "remove it, or quote the value (or escape its spaces with '\\ ') if it is one value");
        }
    }

    static String stringArg(ConfigLine line, int i, String what) {
        if (!line.has(i)) throw new ConfigException(i, "'" + line.arg(i - 1) + "' expects " + what, null);
        return line.arg(i);
    }
}
