package io.vxlb.config;

import io.vxlb.rules.ClosestName;
import io.vxlb.rules.Condition;
import io.vxlb.rules.RuleException;
import io.vxlb.rules.SampleExpr;
import io.vxlb.rules.SampleExprParser;

import java.util.List;

import static io.vxlb.config.Section.ALL_PROXIES;
import static io.vxlb.config.Section.BACK_RULES;
import static io.vxlb.config.Section.FRONT_RULES;
import static io.vxlb.config.Section.PROXIES;

/**
 * {@code tcp-request connection|session|content|inspect-delay} and
 * {@code tcp-response content|inspect-delay} (HAProxy 2.6 src/tcp_rules.c): parsed into
 * {@link TcpRules}. Actions HAProxy has and vxlb does not run are refused by name.
 */
final class TcpRuleKeywords {
    private TcpRuleKeywords() {}

    enum Hook {
        CONNECTION("tcp-request connection", List.of("accept", "reject", "expect-proxy", "set-var", "set-var-fmt", "unset-var", "set-src", "set-dst", "set-src-port", "set-dst-port", "track-sc0", "track-sc1", "track-sc2", "sc-inc-gpc0", "sc-inc-gpc1", "sc-set-gpt0")),
        SESSION("tcp-request session", List.of("accept", "reject", "set-var", "set-var-fmt", "unset-var", "set-src", "set-dst", "set-src-port", "set-dst-port", "track-sc0", "track-sc1", "track-sc2", "sc-inc-gpc0", "sc-inc-gpc1", "sc-set-gpt0")),
        CONTENT("tcp-request content", List.of("accept", "reject", "set-var", "set-var-fmt", "unset-var", "set-src", "set-dst", "set-src-port", "set-dst-port", "switch-mode", "set-log-level", "track-sc0", "track-sc1", "track-sc2", "sc-inc-gpc0", "sc-inc-gpc1", "sc-set-gpt0")),
        RESPONSE("tcp-response content", List.of("accept", "reject", "close", "set-var", "set-var-fmt", "unset-var", "set-log-level"));

        final String keyword;
        final List<String> actions;

        Hook(String keyword, List<String> actions) {
            this.keyword = keyword;
            this.actions = actions;
        }
    }

    /** HAProxy 2.6 actions vxlb does not run (yet): refused with their name rather than "unknown". */
    private static final List<String> UNSUPPORTED = List.of("capture", "do-resolve", "use-service", "silent-drop", "set-mark", "set-tos",
            "set-nice", "set-priority-class", "set-priority-offset", "send-spoe-group", "set-bandwidth-limit", "expect-netscaler-cip",
            "sc-inc-gpc", "sc-add-gpc", "sc-set-gpt", "set-fc-mark", "set-fc-tos", "attach-srv");

    static void register(KeywordTable t) {
        t.add("tcp-request connection", FRONT_RULES | Section.DEFAULTS, Support.SUPPORTED,
                "ACTION [if|unless COND] at accept: accept, reject, expect-proxy layer4, set-var, unset-var, set-src, set-dst, set-src-port, set-dst-port, track-sc0..2 (for the connection's life), sc-inc-gpc0/1, sc-set-gpt0",
                (ctx, line) -> ctx.proxy.tcpConnectionRules.add(rule(ctx, line, Hook.CONNECTION)));
        t.add("tcp-request session", FRONT_RULES | Section.DEFAULTS, Support.SUPPORTED,
                "ACTION [if|unless COND] once the PROXY header and TLS handshake are done: accept, reject, set-var, set-src, set-dst..., track-sc0..2, sc-inc-gpc0/1, sc-set-gpt0",
                (ctx, line) -> ctx.proxy.tcpSessionRules.add(rule(ctx, line, Hook.SESSION)));
        t.add("tcp-request content", ALL_PROXIES, Support.SUPPORTED,
                "ACTION [if|unless COND] on the request's first bytes (up to inspect-delay): accept, reject, set-var, set-src, set-dst, switch-mode http, set-log-level, track-sc0..2 (for the stream), sc-inc-gpc0/1, sc-set-gpt0",
                (ctx, line) -> ctx.proxy.tcpContentRules.add(rule(ctx, line, Hook.CONTENT)));
        t.add("tcp-response content", BACK_RULES | Section.DEFAULTS, Support.SUPPORTED,
                "ACTION [if|unless COND] on the response's first bytes (up to tcp-response inspect-delay): accept, reject, close, set-var, set-log-level",
                (ctx, line) -> ctx.proxy.tcpResponseRules.add(rule(ctx, line, Hook.RESPONSE)));
        t.add("tcp-request inspect-delay", ALL_PROXIES, Support.SUPPORTED, "how long tcp-request content rules wait for the data they need",
                (ctx, line) -> ctx.proxy.tcpInspectDelay = delay(line));
        t.add("tcp-response inspect-delay", ALL_PROXIES, Support.SUPPORTED, "how long tcp-response content rules wait for the data they need",
                (ctx, line) -> ctx.proxy.tcpResponseInspectDelay = delay(line));
        for (String side : List.of("tcp-request", "tcp-response")) {
            List<String> subs = side.equals("tcp-request") ? List.of("connection", "session", "content", "inspect-delay") : List.of("content", "inspect-delay");
            t.add(side, PROXIES, Support.SUPPORTED, "followed by " + String.join(", ", subs), (ctx, line) -> {
                GlobalKeywords.need(line, 1, "one of " + String.join(", ", subs));
                throw new ConfigException(1, "unknown '" + side + "' rule set '" + line.arg(1) + "'", ClosestName.hint(line.arg(1), subs));
            });
        }
    }

    private static long delay(ConfigLine line) {
        long d = ProxyKeywords.duration(line, 2);
        if (line.has(3)) throw new ConfigException(3, "unexpected '" + line.arg(3) + "'", "'" + line.arg(0) + " inspect-delay TIMEOUT'");
        return d;
    }

    private static TcpRule rule(ParseContext ctx, ConfigLine line, Hook hook) {
        RuleKeywords.namedDefaultsOnly(ctx, line);
        GlobalKeywords.need(line, 2, "an action (" + String.join(", ", hook.actions) + ")");
        String w = line.arg(2);
        int paren = w.indexOf('(');
        String action = paren > 0 ? w.substring(0, paren) : w;
        if (action.matches("track-sc[0-9]+") && !hook.actions.contains(action)) {
            throw new ConfigException(2, "invalid stick counter in '" + action + "'", hook == Hook.RESPONSE ? "'tcp-response content' cannot track: use 'tcp-request content track-sc0..2'" : "track-sc0, track-sc1 or track-sc2");
        }
        if (UNSUPPORTED.contains(action)) {
            throw new ConfigException(2, "'" + hook.keyword + " " + action + "' is not supported by vxlb", "supported here: " + String.join(", ", hook.actions));
        }
        if (!hook.actions.contains(action)) {
            throw new ConfigException(2, "unknown action '" + action + "' for '" + hook.keyword + "'", ClosestName.hint(action, hook.actions));
        }
        int next = 3;
        TcpAction a;
        switch (action) {
            case "accept" -> a = new TcpAction.Accept();
            case "reject" -> a = new TcpAction.Reject();
            case "close" -> a = new TcpAction.Close();
            case "expect-proxy" -> {
                if (!line.arg(3).equals("layer4")) throw new ConfigException(3, "'expect-proxy' needs 'layer4'", "'tcp-request connection expect-proxy layer4 [if COND]'");
                next = 4;
                a = new TcpAction.ExpectProxy();
            }
            case "switch-mode" -> {
                if (!line.arg(3).equals("http")) throw new ConfigException(3, "'switch-mode' needs 'http'", "'tcp-request content switch-mode http [proto h1]'");
                next = 4;
                if (line.arg(4).equals("proto")) {
                    if (!line.arg(5).equals("h1")) throw new ConfigException(5, "'switch-mode http proto " + line.arg(5) + "' is not supported by vxlb", "vxlb's HTTP frontends speak HTTP/1 ('proto h1')");
                    next = 6;
                }
                a = new TcpAction.SwitchModeHttp();
            }
            case "set-log-level" -> {
                String level = line.arg(3);
                if (!List.of("silent", "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug").contains(level)) {
                    throw new ConfigException(3, "invalid log level '" + level + "'", "silent, emerg, alert, crit, err, warning, notice, info or debug");
                }
                next = 4;
                a = new TcpAction.SetLogLevel(level);
            }
            case "set-var", "set-var-fmt", "unset-var" -> {
                if (paren < 0 || !w.endsWith(")")) throw new ConfigException(2, "expected " + action + "(SCOPE.NAME)", "e.g. " + action + "(sess.src)");
                String[] parts = w.substring(paren + 1, w.length() - 1).split(",", -1);
                String var = parts[0].trim();
                int conds = io.vxlb.rules.Vars.conditions(java.util.Arrays.asList(parts).subList(1, parts.length));
                if (conds < 0 || (action.equals("unset-var") && parts.length > 1)) {
                    throw new ConfigException(2, "unknown condition in '" + w + "'", "conditions are " + String.join(", ", new java.util.TreeSet<>(io.vxlb.rules.Vars.conditionNames())));
                }
                if (!var.matches("(proc|sess|txn|req|res)\\.[A-Za-z0-9_.]+")) throw new ConfigException(2, "invalid variable name '" + var + "'", "SCOPE.NAME with scope proc, sess, txn, req or res");
                if ((hook == Hook.CONNECTION || hook == Hook.SESSION) && !var.startsWith("sess.") && !var.startsWith("proc.")) {
                    throw new ConfigException(2, "variable '" + var + "' has no transaction yet in '" + hook.keyword + "'", "use scope 'sess' (the connection) or 'proc'");
                }
                if (action.equals("unset-var")) {
                    a = new TcpAction.UnsetVar(var);
                } else if (action.equals("set-var-fmt")) {
                    a = new TcpAction.SetVar(var, null, RuleKeywords.logFormat(line, 3), conds);
                    next = 4;
                } else {
                    a = new TcpAction.SetVar(var, expr(line, 3), null, conds);
                    next = 4;
                }
            }
            case "set-src", "set-dst" -> {
                a = new TcpAction.SetAddress(action.equals("set-src"), expr(line, 3));
                next = 4;
            }
            case "set-src-port", "set-dst-port" -> {
                a = new TcpAction.SetPort(action.equals("set-src-port"), expr(line, 3));
                next = 4;
            }
            case "track-sc0", "track-sc1", "track-sc2" -> {
                GlobalKeywords.need(line, 3, "a key to track (e.g. '" + action + " src')");
                SampleExpr key = expr(line, 3);
                next = 4;
                String table = ctx.proxy.name;  // without 'table': the rule's own proxy (checked by StickValidator)
                if (line.arg(4).equals("table")) {
                    GlobalKeywords.need(line, 5, "a table name");
                    table = line.arg(5);
                    next = 6;
                }
                a = new TcpAction.TrackSc(action.charAt(8) - '0', key, table);
            }
            case "sc-inc-gpc0", "sc-inc-gpc1" -> a = new TcpAction.ScIncGpc(scArg(w, action), action.charAt(10) - '0');
            case "sc-set-gpt0" -> {
                GlobalKeywords.need(line, 3, "an integer or a sample expression");
                String v = line.arg(3);
                next = 4;
                if (v.matches("-?[0-9]{1,18}")) a = new TcpAction.ScSetGpt0(scArg(w, action), null, Long.parseLong(v));
                else a = new TcpAction.ScSetGpt0(scArg(w, action), expr(line, 3), 0);
            }
            default -> throw new IllegalStateException(action);
        }
        int at = RuleKeywords.conditionStart(line, next);
        if (at > next) throw new ConfigException(next, "unexpected '" + line.arg(next) + "'", "expected 'if', 'unless' or the end of the line");
        Condition cond = RuleKeywords.condition(ctx, line, next, true);
        return new TcpRule(line.location(2), a, cond);
    }

    /** {@code sc-inc-gpc0(N)}: the stick counter N (0..2); HAProxy 2.6 also takes the bare keyword as counter 0. */
    private static int scArg(String word, String action) {
        if (word.equals(action)) return 0;
        if (!word.startsWith(action + "(") || !word.endsWith(")")) throw new ConfigException(2, "expected " + action + "(<sc-id>)", "e.g. " + action + "(0)");
        String n = word.substring(action.length() + 1, word.length() - 1);
        if (!n.matches("[0-2]")) throw new ConfigException(2, "invalid stick counter '" + n + "' in " + word, "0, 1 or 2");
        return n.charAt(0) - '0';
    }

    private static SampleExpr expr(ConfigLine line, int i) {
        GlobalKeywords.need(line, i, "a sample expression");
        try {
            return SampleExprParser.parse(line.arg(i));
        } catch (RuleException e) {
            throw new ConfigException(i, e.getMessage(), e.hint());
        }
    }
}
