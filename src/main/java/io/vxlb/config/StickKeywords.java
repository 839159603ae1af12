package io.vxlb.config;

import io.vxlb.rules.Condition;
import io.vxlb.rules.RuleException;
import io.vxlb.rules.SampleExpr;
import io.vxlb.rules.SampleExprParser;

import java.util.ArrayList;
import java.util.List;

import static io.vxlb.config.Section.BACK_RULES;
import static io.vxlb.config.Section.PROXIES;

/**
 * The stick-table family (HAProxy 2.6 sections 4.2 "stick-table", "stick *", "http-request
 * track-sc*"): the table declaration, persistence rules and stick counter actions. The runtime
 * lives in io.vxlb.stick.
 */
final class StickKeywords {
    private StickKeywords() {}

    /** Key length of string and binary tables without {@code len} (HAProxy's default). */
    static final int DEFAULT_KEY_LENGTH = 32;

    static void register(KeywordTable t) {
        t.add("stick-table", PROXIES, Support.SUPPORTED,
                "type ip|ipv6|integer|string [len N]|binary [len N] size N [expire T] [nopurge] [peers NAME] [store T,...]; counters are summed across the vxlb cluster",
                (ctx, line) -> {
                    if (ctx.proxy.stickTable != null) {
                        throw new ConfigException(0, "only one stick-table per proxy (already declared at " + ctx.proxy.stickTable.location() + ")",
                                "declare the second table in a backend of its own and name it with 'table NAME'");
                    }
                    ctx.proxy.stickTable = table(ctx.proxy.name, line);
                });
        for (StickRule.Kind k : StickRule.Kind.values()) {
            t.add("stick " + k.word, BACK_RULES, Support.SUPPORTED, "PATTERN [table T] [if|unless COND]: persistence through the table's server_id",
                    (ctx, line) -> ctx.proxy.stickRules.add(stickRule(ctx, line, k)));
        }
        t.reject("stick", BACK_RULES, Support.UNSUPPORTED, "use 'stick on', 'stick match', 'stick store-request' or 'stick store-response'");
        // track-sc*, sc-inc-gpc*, sc-set-gpt0: io.vxlb.action.StickCounterAction
    }

    static StickTableSpec table(String proxy, ConfigLine line) {
        StickTableSpec.KeyType type = null;
        int len = 0;
        int size = -1;
        long expire = 0;
        boolean nopurge = false;
        String peers = null;
        List<StickTableSpec.Store> stores = new ArrayList<>();
        for (int i = 1; i < line.size(); i++) {
            String w = line.arg(i);
            switch (w) {
                case "type" -> {
                    GlobalKeywords.need(line, i + 1, "a table type after 'type': ip, ipv6, integer, string or binary");
                    String tw = line.arg(++i);
                    type = switch (tw) {
                        case "ip" -> StickTableSpec.KeyType.IP;
                        case "ipv6" -> StickTableSpec.KeyType.IPV6;
                        case "integer" -> StickTableSpec.KeyType.INTEGER;
                        case "string" -> StickTableSpec.KeyType.STRING;
                        case "binary" -> StickTableSpec.KeyType.BINARY;
                        default -> throw new ConfigException(i, "unknown stick-table type '" + tw + "'", "use ip, ipv6, integer, string or binary");
                    };
                    if ((type == StickTableSpec.KeyType.STRING || type == StickTableSpec.KeyType.BINARY) && line.arg(i + 1).equals("len")) {
                        i += 2;
                        len = ProxyKeywords.intArg(line, i, "key length");
                        if (len < 1 || len > 1024) throw new ConfigException(i, "invalid key length " + len, "1 to 1024 bytes");
                    }
                }
                case "size" -> {
                    GlobalKeywords.need(line, i + 1, "a number of entries after 'size' (e.g. 100k)");
                    long s;
                    try {
                        s = Units.size(line.arg(++i));
                    } catch (IllegalArgumentException e) {
                        throw new ConfigException(i, e.getMessage());
                    }
                    if (s < 1 || s > 100_000_000L) throw new ConfigException(i, "invalid table size " + s, "1 to 100m entries");
                    size = (int) s;
                }
                case "expire" -> expire = ProxyKeywords.duration(line, ++i);
                case "nopurge" -> nopurge = true;
                case "peers" -> peers = ProxyKeywords.stringArg(line, ++i, "a peers section name");
                case "store" -> {
                    GlobalKeywords.need(line, i + 1, "a list of data types after 'store' (e.g. http_req_rate(10s),conn_cur)");
                    i++;
                    for (String one : splitStores(line.arg(i))) stores.add(store(line, i, one, stores));
                }
                default -> throw new ConfigException(i, "unknown stick-table argument '" + w + "'",
                        "expected type, size, expire, nopurge, peers or store (vxlb does not support 'write-to' or 'srvkey')");
            }
        }
        if (type == null) throw new ConfigException(0, "stick-table needs a 'type'", "e.g. 'stick-table type ip size 100k expire 30s store http_req_rate(10s)'");
        if (size < 0) throw new ConfigException(0, "stick-table needs a 'size'", "e.g. 'size 100k' (the number of entries the table may hold)");
        if (type == StickTableSpec.KeyType.STRING || type == StickTableSpec.KeyType.BINARY) {
            if (len == 0) len = DEFAULT_KEY_LENGTH;
        } else {
            len = type == StickTableSpec.KeyType.IP ? 4 : type == StickTableSpec.KeyType.IPV6 ? 16 : 4;
        }
        return new StickTableSpec(proxy, type, len, size, expire, nopurge, peers, stores, line.location(0));
    }

    private static List<String> splitStores(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0, from = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') depth++;
            else if (c == ')') depth--;
            else if (c == ',' && depth == 0) {
                out.add(s.substring(from, i));
                from = i + 1;
            }
        }
        out.add(s.substring(from));
        return out;
    }

    private static StickTableSpec.Store store(ConfigLine line, int i, String one, List<StickTableSpec.Store> already) {
        String name = one;
        String arg = null;
        int p = one.indexOf('(');
        if (p >= 0) {
            if (!one.endsWith(")")) throw new ConfigException(i, "missing ')' in data type '" + one + "'", "e.g. http_req_rate(10s)");
            name = one.substring(0, p);
            arg = one.substring(p + 1, one.length() - 1);
        }
        StickDataType t = StickDataType.fromWord(name);
        if (t == null) {
            throw new ConfigException(i, "unknown or unsupported stick-table data type '" + name + "'",
                    "vxlb stores server_id, gpt0, gpc0, gpc0_rate, gpc1, gpc1_rate, conn_cnt, conn_cur, conn_rate, sess_cnt, sess_rate, "
                            + "http_req_cnt, http_req_rate, http_err_cnt, http_err_rate, http_fail_cnt, http_fail_rate, bytes_in_cnt, bytes_in_rate, bytes_out_cnt, bytes_out_rate");
        }
        for (StickTableSpec.Store s : already) {
            if (s.type() == t) throw new ConfigException(i, "data type '" + name + "' is stored twice", null);
        }
        long period = 0;
        if (t.kind == StickDataType.Kind.RATE) {
            if (arg == null || arg.isEmpty()) throw new ConfigException(i, "data type '" + name + "' needs a period", "e.g. " + name + "(10s)");
            try {
                period = Units.durationMillis(arg);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(i, "invalid period of '" + name + "': " + e.getMessage());
            }
            if (period < 1) throw new ConfigException(i, "the period of '" + name + "' must be at least 1ms", null);
        } else if (arg != null) {
            throw new ConfigException(i, "data type '" + name + "' takes no argument", "remove '(" + arg + ")'");
        }
        return new StickTableSpec.Store(t, period);
    }

    private static StickRule stickRule(ParseContext ctx, ConfigLine line, StickRule.Kind kind) {
        GlobalKeywords.need(line, 2, "a sample expression (e.g. 'stick " + kind.word + " src')");
        SampleExpr key = expr(line, 2);
        int i = 3;
        String table = null;
        if (line.arg(i).equals("table")) {
            table = ProxyKeywords.stringArg(line, i + 1, "a table name");
            i += 2;
        }
        Condition cond = RuleKeywords.condition(ctx, line, i, true);
        return new StickRule(kind, key, table, cond, line.location(0));
    }

    private static SampleExpr expr(ConfigLine line, int i) {
        try {
            return SampleExprParser.parse(line.arg(i));
        } catch (RuleException e) {
            throw new ConfigException(i, e.getMessage(), e.hint());
        }
    }
}
