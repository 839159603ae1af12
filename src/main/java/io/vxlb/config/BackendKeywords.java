package io.vxlb.config;

import io.vxlb.rules.ClosestName;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.vxlb.config.Section.BACK_RULES;
import static io.vxlb.config.Section.BACK_SIDE;

/** What a backend is made of: balance, hash-type, cookie persistence, servers and default-server. */
final class BackendKeywords {
    private BackendKeywords() {}

    /** Server options that take a value (word after them). */
    private static final Set<String> VALUED = Set.of("inter", "fastinter", "downinter", "rise", "fall", "port", "addr", "weight",
            "maxconn", "minconn", "maxqueue", "track", "cookie", "source", "id", "verify", "sni", "observe", "on-error",
            "on-marked-down", "on-marked-up", "error-limit", "slowstart", "resolvers", "resolve-prefer", "init-addr", "alpn",
            "proto", "pool-max-conn", "pool-purge-delay", "max-reuse", "agent-port", "agent-inter", "agent-send", "agent-addr",
            "check-alpn", "check-proto", "check-sni", "resolve-net", "resolve-opts", "ws", "tcp-ut", "log-proto", "pool-low-conn",
            "crt", "ca-file", "verifyhost", "crl-file", "ciphers", "ciphersuites", "ssl-min-ver", "ssl-max-ver", "redir", "namespace", "usesrc",
            "interface", "shard", "set-proxy-v2-tlv-fmt", "proxy-v2-options", "curves", "sigalgs", "client-sigalgs", "health-check-port");
    /** Options whose effect vxlb leaves to the JVM/Netty: accepted with a warning. */
    private static final Set<String> IGNORED = Set.of("init-addr", "resolvers", "resolve-prefer", "resolve-net", "resolve-opts",
            "tfo", "pool-purge-delay", "pool-low-conn", "max-reuse", "tcp-ut", "ciphers", "ciphersuites",
            "ssl-min-ver", "ssl-max-ver", "no-sslv3", "no-tlsv10", "no-tlsv11", "curves", "sigalgs", "client-sigalgs",
            "allow-0rtt", "no-tls-tickets", "ssl-reuse", "no-ssl-reuse", "shard");
    /** Options parsed and validated whose runtime vxlb does not have yet: each use is warned, never silent. */
    private static final Set<String> NOT_ENFORCED = Set.of("minconn", "agent-check", "agent-inter", "agent-port", "observe",
            "slowstart", "on-error", "on-marked-down", "on-marked-up", "error-limit", "alpn", "check-alpn", "check-proto",
            "check-sni", "non-stick", "stick", "send-proxy-v2-ssl", "send-proxy-v2-ssl-cn");
    private static final Set<String> UNSUPPORTED = Set.of("redir", "namespace", "usesrc", "interface", "crl-file",
            "agent-send", "agent-addr", "set-proxy-v2-tlv-fmt", "socks4", "check-via-socks4", "proto", "ws",
            "log-proto", "health-check-port");
    private static final Set<String> FLAGS = Set.of("check", "no-check", "backup", "no-backup", "disabled", "enabled", "ssl",
            "no-ssl", "send-proxy", "send-proxy-v2", "no-send-proxy", "check-ssl", "check-send-proxy", "agent-check",
            "no-agent-check", "non-stick", "stick", "tfo", "no-sslv3", "no-tlsv10", "no-tlsv11", "allow-0rtt", "no-tls-tickets",
            "ssl-reuse", "no-ssl-reuse", "no-verifyhost", "socks4", "check-via-socks4", "send-proxy-v2-ssl", "send-proxy-v2-ssl-cn");

    static void register(KeywordTable t) {
        t.add("balance", BACK_SIDE, Support.PARSED, "roundrobin (HAProxy FWRR order), static-rr, leastconn, first, random[(N)] (power of N draws on the consistent-hash ring, fewest connections per weight wins), source, uri [whole] [len N] [depth N], url_param NAME, hdr(NAME) [use_domain_only], hash EXPR; map-based or consistent per hash-type, placed as HAProxy 2.6 places them; without a key: round robin over the map/ring. Not: rdp-cookie (refused), url_param check_post (parsed only)",
                (ctx, line) -> ctx.proxy.balance = balance(line));
        t.add("hash-type", BACK_SIDE, Support.PARSED, "map-based|consistent [sdbm|djb2|wt6|crc32] [avalanche]; HAProxy 2.6 placement (consistent: weight x16 points per server keyed by its id; bare 'consistent' means sdbm avalanche); 'none' is hashed as sdbm; hash-balance-factor not supported", (ctx, line) -> {
            HashType.Method m = switch (line.arg(1)) {
                case "map-based" -> HashType.Method.MAP_BASED;
                case "consistent" -> HashType.Method.CONSISTENT;
                default -> throw new ConfigException(1, line.has(1) ? "unknown hash-type '" + line.arg(1) + "'" : "missing hash method", "use 'map-based' or 'consistent'");
            };
            HashType.Function f = HashType.Function.SDBM;
            // HAProxy: a bare "hash-type consistent" means sdbm with avalanche
            boolean avalanche = m == HashType.Method.CONSISTENT && !line.has(2);
            for (int i = 2; i < line.size(); i++) {
                String w = line.arg(i);
                switch (w) {
                    case "sdbm" -> f = HashType.Function.SDBM;
                    case "djb2" -> f = HashType.Function.DJB2;
                    case "wt6" -> f = HashType.Function.WT6;
                    case "crc32" -> f = HashType.Function.CRC32;
                    case "none" -> f = HashType.Function.NONE;
                    case "avalanche" -> avalanche = true;
                    default -> throw new ConfigException(i, "unknown hash function '" + w + "'", "use sdbm, djb2, wt6, crc32 or none, optionally followed by 'avalanche'");
                }
            }
            ctx.proxy.hashType = new HashType(m, f, avalanche);
        });
        t.add("cookie", BACK_SIDE, Support.PARSED, "NAME insert|rewrite|prefix|passive, indirect, nocache, postonly, preserve, httponly, secure, domain D, attr A; Set-Cookie text, Cache-control: private, Cookie rewriting and the httplog cookie letters as HAProxy 2.6; a cookie naming a down server is load-balanced (new cookie). Parsed only: maxidle, maxlife (no dates), dynamic",
                (ctx, line) -> ctx.proxy.cookie = cookie(line));
        t.add("server", BACK_RULES, Support.SUPPORTED, "NAME ADDR[:PORT]; enforced: check, inter, fastinter, downinter, rise, fall, port, addr, weight, backup, disabled, track, id, cookie, maxconn, maxqueue (queues per server and per backend, HTTP and TCP), source ADDR (connections and checks bind ADDR; a port range is parsed with a warning), ssl with verify none | ca-file FILE (verify required, HAProxy's default), verifyhost NAME (checked when no SNI is sent), sni str(NAME), crt FILE (client certificate; ca-base/crt-base apply); parsed with a warning per use: minconn, agent-check, observe, slowstart, on-error...; send-proxy, send-proxy-v2 (the PROXY header first on every server connection and its checks), proxy-v2-options crc32c,authority,unique-id (not ssl, cert-*), check-send-proxy; refused: crl-file, a non-constant sni",
                BackendKeywords::server);
        t.add("dispatch", Section.LISTEN | Section.BACKEND, Support.SUPPORTED, "ADDR:PORT: the backend's only destination, as a server named 'dispatch' without checks (HAProxy logs it as <NOSRV>); refused next to server lines (HAProxy ignores it in balance mode)",
                BackendKeywords::dispatch);
        t.add("default-server", BACK_SIDE, Support.SUPPORTED, "defaults for the server lines that follow (the options of server, enforced as there)", (ctx, line) -> {
            for (int i = 1; i < line.size(); i++) {
                if (line.arg(i).equals("track") || line.arg(i).equals("id") || line.arg(i).equals("cookie")) {
                    throw new ConfigException(i, "'" + line.arg(i) + "' is not allowed on 'default-server'", "put it on the server line");
                }
            }
            serverOptions(ctx, line, 1, ctx.proxy.defaultServer);
        });
    }

    private static Balance balance(ConfigLine line) {
        GlobalKeywords.need(line, 1, "an algorithm (e.g. roundrobin)");
        String w = line.arg(1);
        String base = w.indexOf('(') > 0 ? w.substring(0, w.indexOf('(')) : w;
        String inner = w.indexOf('(') > 0 && w.endsWith(")") ? w.substring(w.indexOf('(') + 1, w.length() - 1) : null;
        Balance d = Balance.DEFAULT;
        switch (base) {
            case "roundrobin", "static-rr", "leastconn", "first", "source" -> {
                noMore(line, 2);
                Balance.Algorithm a = switch (base) {
                    case "roundrobin" -> Balance.Algorithm.ROUNDROBIN;
                    case "static-rr" -> Balance.Algorithm.STATIC_RR;
                    case "leastconn" -> Balance.Algorithm.LEASTCONN;
                    case "first" -> Balance.Algorithm.FIRST;
                    default -> Balance.Algorithm.SOURCE;
                };
                return new Balance(a, null, false, 0, 0, false, d.draws(), -1);
            }
            case "random" -> {
                int draws = 2;
                if (inner != null) {
                    try {
                        draws = Integer.parseInt(inner);
                        if (draws < 1) throw new NumberFormatException();
                    } catch (NumberFormatException e) {
                        throw new ConfigException(1, "invalid number of draws in '" + w + "'", "e.g. random(2)");
                    }
                }
                noMore(line, 2);
                return new Balance(Balance.Algorithm.RANDOM, null, false, 0, 0, false, draws, -1);
            }
            case "uri" -> {
                boolean whole = false;
                int len = 0, depth = 0;
                for (int i = 2; i < line.size(); i++) {
                    switch (line.arg(i)) {
                        case "whole" -> whole = true;
                        case "len" -> len = ProxyKeywords.intArg(line, ++i, "length");
                        case "depth" -> depth = ProxyKeywords.intArg(line, ++i, "depth");
                        case "path-only" -> { }
                        default -> throw new ConfigException(i, "unexpected '" + line.arg(i) + "'", "'balance uri [whole] [len N] [depth N] [path-only]'");
                    }
                }
                return new Balance(Balance.Algorithm.URI, null, whole, len, depth, false, 2, -1);
            }
            case "url_param" -> {
                String param = ProxyKeywords.stringArg(line, 2, "a parameter name");
                int checkPost = -1;
                for (int i = 3; i < line.size(); i++) {
                    if (line.arg(i).equals("check_post")) {
                        checkPost = line.has(i + 1) ? ProxyKeywords.intArg(line, ++i, "byte count") : 0;
                    } else {
                        throw new ConfigException(i, "unexpected '" + line.arg(i) + "'", "'balance url_param NAME [check_post [MAX_BYTES]]'");
                    }
                }
                return new Balance(Balance.Algorithm.URL_PARAM, param, false, 0, 0, false, 2, checkPost);
            }
            case "hdr" -> {
                if (inner == null || inner.isEmpty()) throw new ConfigException(1, "'balance hdr' needs a header name", "e.g. 'balance hdr(Host)'");
                boolean domainOnly = false;
                for (int i = 2; i < line.size(); i++) {
                    if (line.arg(i).equals("use_domain_only")) domainOnly = true;
                    else throw new ConfigException(i, "unexpected '" + line.arg(i) + "'", "'balance hdr(NAME) [use_domain_only]'");
                }
                return new Balance(Balance.Algorithm.HDR, inner, false, 0, 0, domainOnly, 2, -1);
            }
            case "hash" -> {
                String expr = ProxyKeywords.stringArg(line, 2, "a sample expression");
                try {
                    io.vxlb.rules.SampleExprParser.parse(expr);
                } catch (io.vxlb.rules.RuleException e) {
                    throw new ConfigException(2, e.getMessage(), e.hint());
                }
                noMore(line, 3);
                return new Balance(Balance.Algorithm.HASH, expr, false, 0, 0, false, 2, -1);
            }
            case "rdp-cookie" -> throw new ConfigException(1, "'balance rdp-cookie' is not supported by vxlb (it needs RDP protocol parsing)",
                    "use 'balance source' for RDP farms");
            default -> throw new ConfigException(1, "unknown balance algorithm '" + w + "'",
                    ClosestName.hint(base, List.of("roundrobin", "static-rr", "leastconn", "first", "source", "random", "uri", "url_param", "hdr", "hash")));
        }
    }

    private static void noMore(ConfigLine line, int i) {
        if (line.has(i)) throw new ConfigException(i, "unexpected '" + line.arg(i) + "' after 'balance " + line.arg(1) + "'", null);
    }

    private static CookiePersistence cookie(ConfigLine line) {
        String name = ProxyKeywords.stringArg(line, 1, "a cookie name");
        CookiePersistence.Method method = null;
        boolean indirect = false, nocache = false, postonly = false, preserve = false, httponly = false, secure = false, dynamic = false;
        long maxidle = 0, maxlife = 0;
        List<String> domains = new ArrayList<>(), attrs = new ArrayList<>();
        int methodWord = -1;
        for (int i = 2; i < line.size(); i++) {
            String w = line.arg(i);
            CookiePersistence.Method m = switch (w) {
                case "insert" -> CookiePersistence.Method.INSERT;
                case "rewrite" -> CookiePersistence.Method.REWRITE;
                case "prefix" -> CookiePersistence.Method.PREFIX;
                default -> null;
            };
            if (m != null) {
                if (method != null && method != m) throw new ConfigException(i, "'" + w + "' conflicts with '" + line.arg(methodWord) + "'", "'rewrite', 'insert' and 'prefix' are mutually exclusive");
                method = m;
                methodWord = i;
                continue;
            }
            switch (w) {
                case "indirect" -> indirect = true;
                case "nocache" -> nocache = true;
                case "postonly" -> postonly = true;
                case "preserve" -> preserve = true;
                case "httponly" -> httponly = true;
                case "secure" -> secure = true;
                case "dynamic" -> dynamic = true;
                case "domain" -> domains.add(ProxyKeywords.stringArg(line, ++i, "a domain"));
                case "attr" -> attrs.add(ProxyKeywords.stringArg(line, ++i, "an attribute"));
                case "maxidle" -> maxidle = ProxyKeywords.duration(line, ++i);
                case "maxlife" -> maxlife = ProxyKeywords.duration(line, ++i);
                default -> throw new ConfigException(i, "unknown cookie option '" + w + "'",
                        ClosestName.hint(w, List.of("insert", "rewrite", "prefix", "indirect", "nocache", "postonly", "preserve", "httponly", "secure", "domain", "maxidle", "maxlife", "dynamic", "attr")));
            }
        }
        if (method == null) method = CookiePersistence.Method.PASSIVE;
        if ((maxidle > 0 || maxlife > 0) && method != CookiePersistence.Method.INSERT) {
            throw new ConfigException(1, "'maxidle' and 'maxlife' need 'insert'", "add 'insert' to the cookie line");
        }
        if ((postonly || nocache) && method != CookiePersistence.Method.INSERT) {
            throw new ConfigException(1, "'" + (postonly ? "postonly" : "nocache") + "' only applies to 'insert' mode", "add 'insert' to the cookie line");
        }
        return new CookiePersistence(name, method, indirect, nocache, postonly, preserve, httponly, secure, domains, maxidle, maxlife, dynamic, attrs);
    }

    private static void server(ParseContext ctx, ConfigLine line) {
        GlobalKeywords.need(line, 1, "a name and an address (e.g. 'server s1 10.0.0.1:80 check')");
        String name = line.arg(1);
        if (ctx.proxy.dispatch != null) {
            throw new ConfigException(0, "a server line in a backend with 'dispatch' (" + ctx.proxy.dispatch + ")",
                    "HAProxy ignores dispatch in balance mode: remove 'dispatch' or the server lines");
        }
        if (!name.matches("[A-Za-z0-9_.:-]+")) throw new ConfigException(1, "invalid server name '" + name + "'", "letters, digits, '-', '_', '.' and ':' only");
        for (Server s : ctx.proxy.servers) {
            if (s.name().equals(name)) throw new ConfigException(1, "server '" + name + "' is already declared in this backend (" + s.location() + ")", "give each server its own name");
        }
        if (!line.has(2)) {
            throw new ConfigException(2, "server '" + name + "' has no address", "write 'server " + name + " ADDRESS[:PORT] [options]', e.g. 'server " + name + " 10.0.0.1:80 check'");
        }
        String addr = line.arg(2);
        if (FLAGS.contains(addr) || VALUED.contains(addr)) {
            throw new ConfigException(2, "server '" + name + "' has no address: '" + addr + "' is a server option",
                    "write 'server " + name + " ADDRESS[:PORT] " + String.join(" ", line.args(2)) + "'");
        }
        Address a;
        try {
            a = Address.parse(addr, false);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(2, e.getMessage());
        }
        if (a.port() != a.portEnd()) throw new ConfigException(2, "a server address takes one port, not a range", null);
        if (a.host() == null && !addr.startsWith("0.0.0.0") && !addr.startsWith("*")) {
            throw new ConfigException(2, "server '" + name + "' needs a host in its address", "e.g. 127.0.0.1:" + (a.port() == 0 ? 80 : a.port()));
        }
        ServerBuilder b = ctx.proxy.defaultServer.copy();
        b.name = name;
        b.location = line.location(1);
        b.address = a.host() == null ? "0.0.0.0" : a.host();
        b.port = a.port();
        serverOptions(ctx, line, 3, b);
        if (b.trackServer != null && b.check) {
            int w = line.args(0).indexOf("check");
            throw new ConfigException(w < 0 ? 1 : w, "server '" + name + "' has both 'check' and 'track'",
                    "a tracking server mirrors the state of " + (b.trackBackend == null ? "" : b.trackBackend + "/") + b.trackServer + "; remove 'check' (or 'track')");
        }
        ctx.proxy.servers.add(b.build());
        if (b.nonStick) ctx.proxy.nonStickServers.add(name);  // vxlb-stick
    }

    /** The server a {@code dispatch} line stands for: the backend's one destination. */
    static final String DISPATCH = "dispatch";

    private static void dispatch(ParseContext ctx, ConfigLine line) {
        GlobalKeywords.need(line, 1, "an address and a port (e.g. 'dispatch 10.0.0.1:80')");
        noMore(line, 2);
        if (!ctx.proxy.servers.isEmpty()) {
            throw new ConfigException(0, "'dispatch' in a backend that has servers (" + ctx.proxy.servers.get(0).location() + ")",
                    "HAProxy ignores dispatch in balance mode: remove 'dispatch' or the server lines");
        }
        Address a;
        try {
            a = Address.parse(line.arg(1), false);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(1, e.getMessage());
        }
        if (a.host() == null || a.port() == 0 || a.port() != a.portEnd()) {
            throw new ConfigException(1, "'dispatch' needs a host and one port", "e.g. 'dispatch 127.0.0.1:8080'");
        }
        ServerBuilder b = new ServerBuilder();
        b.name = DISPATCH;
        b.location = line.location(1);
        b.address = a.host();
        b.port = a.port();
        ctx.proxy.servers.add(b.build());
        ctx.proxy.dispatch = b.location;
    }

    /** proxy-v2-options OPT[,OPT...]: the TLVs the PROXY v2 header carries (srv_parse_proxy_v2_options). */
    private static int proxyV2Options(ConfigLine line, int i) {
        String v = ProxyKeywords.stringArg(line, i, "a list of options (e.g. unique-id,authority)");
        int bits = 0;
        for (String o : v.split(",", -1)) {
            switch (o) {
                case "crc32c" -> bits |= Server.PP2_CRC32C;
                case "authority" -> bits |= Server.PP2_AUTHORITY;
                case "unique-id" -> bits |= Server.PP2_UNIQUE_ID;
                case "ssl", "cert-cn", "cert-key", "cert-sig", "ssl-cipher" ->
                        throw new ConfigException(i, "proxy-v2-options '" + o + "' is not supported by vxlb yet", "use crc32c, authority or unique-id");
                default -> throw new ConfigException(i, "'proxy-v2-options' : '" + o + "' is an unknown option",
                        "one of ssl, cert-cn, cert-key, cert-sig, ssl-cipher, authority, crc32c, unique-id");
            }
        }
        return bits;
    }

    private static void serverOptions(ParseContext ctx, ConfigLine line, int from, ServerBuilder b) {
        for (int i = from; i < line.size(); i++) {
            String o = line.arg(i);
            if (UNSUPPORTED.contains(o)) throw new ConfigException(i, "server option '" + o + "' is not supported by vxlb", null);
            if (NOT_ENFORCED.contains(o)) ctx.warn(line, i, "server option '" + o + "' is parsed but not enforced by vxlb yet", null);
            if (IGNORED.contains(o)) {
                ctx.warn(line, i, "server option '" + o + "' has no effect in vxlb and is ignored", null);
                if (VALUED.contains(o)) i++;
                continue;
            }
            switch (o) {
                case "check" -> b.check = true;
                case "no-check" -> b.check = false;
                case "backup" -> b.backup = true;
                case "no-backup" -> b.backup = false;
                case "disabled" -> b.disabled = true;
                case "enabled" -> b.disabled = false;
                case "ssl" -> b.ssl = true;
                case "no-ssl" -> b.ssl = false;
                case "send-proxy" -> b.sendProxy = 1;
                case "send-proxy-v2" -> b.sendProxy = 2;
                case "no-send-proxy", "no-send-proxy-v2" -> b.sendProxy = 0;
                case "check-ssl" -> b.checkSsl = true;
                case "agent-check" -> b.agentCheck = true;
                case "no-agent-check" -> b.agentCheck = false;
                case "check-send-proxy" -> b.checkSendProxy = true;
                case "non-stick" -> b.nonStick = true;  // vxlb-stick
                case "stick" -> b.nonStick = false;
                case "no-verifyhost", "send-proxy-v2-ssl", "send-proxy-v2-ssl-cn" -> { }
                case "inter" -> b.inter = positiveDuration(line, ++i);
                case "fastinter" -> b.fastinter = positiveDuration(line, ++i);
                case "downinter" -> b.downinter = positiveDuration(line, ++i);
                case "rise" -> b.rise = atLeastOne(line, ++i, "rise");
                case "fall" -> b.fall = atLeastOne(line, ++i, "fall");
                case "port" -> b.checkPort = port(line, ++i);
                case "addr" -> b.checkAddress = ProxyKeywords.stringArg(line, ++i, "an address");
                case "weight" -> {
                    b.weight = ProxyKeywords.intArg(line, ++i, "weight");
                    if (b.weight > 256) throw new ConfigException(i, "weight " + b.weight + " is out of range", "weights go from 0 to 256");
                }
                case "maxconn" -> b.maxconn = ProxyKeywords.intArg(line, ++i, "connection count");
                case "minconn" -> b.minconn = ProxyKeywords.intArg(line, ++i, "connection count");
                case "maxqueue" -> b.maxqueue = ProxyKeywords.intArg(line, ++i, "queue length");
                case "proxy-v2-options" -> b.proxyV2Options = proxyV2Options(line, ++i);
                case "pool-max-conn" -> {
                    b.poolMaxConn = ProxyKeywords.intArg(line, ++i, "connection count");
                    if (b.poolMaxConn < -1) throw new ConfigException(i, "pool-max-conn " + b.poolMaxConn + " is out of range", "-1 (no limit), 0 (no idle connection) or a count");
                }
                case "id" -> {
                    b.id = ProxyKeywords.intArg(line, ++i, "id");
                    if (b.id < 1) throw new ConfigException(i, "server id must be positive", null);
                }
                case "cookie" -> b.cookie = ProxyKeywords.stringArg(line, ++i, "a cookie value");
                case "source" -> {
                    String src = ProxyKeywords.stringArg(line, ++i, "an address (e.g. 10.0.0.2 or 10.0.0.2:1025-65000)");
                    if (!Address.looksLikeAddress(src) && (FLAGS.contains(src) || VALUED.contains(src))) {
                        throw new ConfigException(i - 1, "'source' needs an address, found option '" + src + "'", "e.g. 'source 10.0.0.2'");
                    }
                    Address a;
                    try {
                        a = Address.parse(src, false);
                    } catch (IllegalArgumentException e) {
                        throw new ConfigException(i, e.getMessage());
                    }
                    if (a.port() != 0) {
                        // Vert.x binds a local address only (ClientOptionsBase#setLocalAddress): no source port choice
                        ctx.warn(line, i, "source port " + (a.portEnd() != a.port() ? "range " + a.port() + "-" + a.portEnd() : a.port())
                                + " is not applied: vxlb binds " + (a.host() == null ? "any address" : a.host()) + " and the kernel picks the port",
                                "write 'source " + (a.host() == null ? "*" : a.host().indexOf(':') >= 0 ? "[" + a.host() + "]" : a.host()) + "' to silence this warning");
                    }
                    b.source = src;
                }
                case "track" -> {
                    String tr = ProxyKeywords.stringArg(line, ++i, "[BACKEND/]SERVER");
                    int slash = tr.indexOf('/');
                    b.trackBackend = slash < 0 ? ctx.proxy.name : tr.substring(0, slash);
                    b.trackServer = slash < 0 ? tr : tr.substring(slash + 1);
                    if (b.trackServer.isEmpty() || b.trackBackend.isEmpty()) throw new ConfigException(i, "invalid track target '" + tr + "'", "'track BACKEND/SERVER' or 'track SERVER'");
                }
                case "verify" -> {
                    String v = ProxyKeywords.stringArg(line, ++i, "none or required");
                    if (!v.equals("none") && !v.equals("required")) throw new ConfigException(i, "unknown verify mode '" + v + "'", "use 'none' or 'required'");
                    b.verifyNone = v.equals("none");
                }
                case "sni" -> {
                    String expr = ProxyKeywords.stringArg(line, ++i, "a sample expression");
                    // the name is fixed per server connection pool: only a constant is supported so far
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("str\\(([^()]+)\\)").matcher(expr);
                    if (!m.matches()) throw new ConfigException(i, "'sni " + expr + "': only a constant name is supported by vxlb so far",
                            "write 'sni str(NAME)' (a per-request expression such as req.hdr(host) is not supported yet)");
                    b.sni = m.group(1);
                }
                case "ca-file" -> b.caFile = ctx.caPath(ProxyKeywords.stringArg(line, ++i, "a CA file (PEM)"));
                case "crt" -> b.crt = ctx.crtPath(ProxyKeywords.stringArg(line, ++i, "a PEM file (certificate chain and key)"));
                case "verifyhost" -> b.verifyHost = ProxyKeywords.stringArg(line, ++i, "a host name");
                case "observe" -> {
                    String v = ProxyKeywords.stringArg(line, ++i, "layer4 or layer7");
                    if (!v.equals("layer4") && !v.equals("layer7")) throw new ConfigException(i, "unknown observe mode '" + v + "'", "use 'layer4' or 'layer7'");
                    b.observeLayer7 = v.equals("layer7");
                }
                case "slowstart", "agent-inter" -> ProxyKeywords.duration(line, ++i);
                case "agent-port" -> port(line, ++i);
                case "on-error", "on-marked-down", "on-marked-up", "error-limit", "alpn", "check-alpn", "check-proto", "check-sni" ->
                        ProxyKeywords.stringArg(line, ++i, "a value for '" + o + "'");
                default -> throw new ConfigException(i, "unknown server option '" + o + "'",
                        ClosestName.hint(o, union(FLAGS, VALUED)));
            }
        }
    }

    private static List<String> union(Set<String> a, Set<String> b) {
        List<String> l = new ArrayList<>(a);
        l.addAll(b);
        return l;
    }

    private static long positiveDuration(ConfigLine line, int i) {
        long v = ProxyKeywords.duration(line, i);
        if (v <= 0) throw new ConfigException(i, "'" + line.arg(i - 1) + "' must be greater than 0", null);
        return v;
    }

    private static int atLeastOne(ConfigLine line, int i, String what) {
        int v = ProxyKeywords.intArg(line, i, what + " count");
        if (v < 1) throw new ConfigException(i, "'" + what + "' must be at least 1", null);
        return v;
    }

    private static int port(ConfigLine line, int i) {
        int v = ProxyKeywords.intArg(line, i, "port");
        if (v < 1 || v > 65535) throw new ConfigException(i, "invalid port " + v, "1-65535");
        return v;
    }
}
