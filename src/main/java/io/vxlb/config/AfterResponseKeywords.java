package io.vxlb.config;

import io.vxlb.rules.Condition;
import io.vxlb.rules.RuleException;
import io.vxlb.rules.SampleExprParser;

import java.util.List;

import static io.vxlb.config.Section.ALL_PROXIES;

/**
 * {@code http-after-response} (HAProxy 2.6, src/http_rules.c): rules run on every response the
 * client gets, vxlb's own included (errors, redirects, deny, return), after {@code http-response}.
 * The actions are {@link HttpAction} records shared with {@code http-response}.
 */
final class AfterResponseKeywords {
    private AfterResponseKeywords() {}

    static final List<String> ACTIONS = List.of("allow", "set-header", "add-header", "del-header", "replace-header", "replace-value",
            "set-status", "set-var");

    static void register(KeywordTable t) {
        String kw = "http-after-response";
        t.add(kw, ALL_PROXIES, Support.SUPPORTED, "ACTION [if|unless COND] on every response: " + String.join(", ", ACTIONS), (ctx, line) -> {
            RuleKeywords.namedDefaultsOnly(ctx, line);
            GlobalKeywords.need(line, 1, "an action (" + String.join(", ", ACTIONS) + ")");
            String w = line.arg(1);
            int paren = w.indexOf('(');
            String action = paren > 0 ? w.substring(0, paren) : w;
            HttpAction a = switch (action) {
                case "allow" -> {
                    RuleKeywords.end(line, 2);
                    yield new HttpAction.Allow();
                }
                case "set-header", "add-header" -> RuleKeywords.setHeader(line, action.equals("add-header"));
                case "replace-header", "replace-value" -> RuleKeywords.replaceHeader(line, action.equals("replace-value"));
                case "del-header" -> {
                    String name = ProxyKeywords.stringArg(line, 2, "a header name");
                    String method = "str";
                    int i = 3;
                    if (line.arg(3).equals("-m")) {
                        method = ProxyKeywords.stringArg(line, 4, "a match method");
                        if (!List.of("str", "beg", "end", "sub", "reg").contains(method)) throw new ConfigException(4, "unknown match method '" + method + "'", "use str, beg, end, sub or reg");
                        i = 5;
                    }
                    RuleKeywords.end(line, i);
                    yield new HttpAction.DelHeader(name, method);
                }
                case "set-status" -> {
                    int status = ProxyKeywords.intArg(line, 2, "status code");
                    if (status < 100 || status > 999) throw new ConfigException(2, "invalid status " + status, "100-999");
                    String reason = null;
                    int i = 3;
                    if (line.arg(3).equals("reason")) {
                        reason = ProxyKeywords.stringArg(line, 4, "a reason phrase");
                        i = 5;
                    }
                    RuleKeywords.end(line, i);
                    yield new HttpAction.SetStatus(status, reason);
                }
                case "set-var" -> {
                    if (paren < 0 || !w.endsWith(")")) throw new ConfigException(1, "expected " + action + "(SCOPE.NAME)", "e.g. set-var(txn.status) status");
                    String var = w.substring(paren + 1, w.length() - 1);
                    if (!var.matches("(proc|sess|txn|req|res)\\.[A-Za-z0-9_.]+")) throw new ConfigException(1, "invalid variable name '" + var + "'", "SCOPE.NAME with scope proc, sess, txn, req or res");
                    GlobalKeywords.need(line, 2, "a sample expression");
                    try {
                        RuleKeywords.end(line, 3);
                        yield new HttpAction.SetVar(var, SampleExprParser.parse(line.arg(2)));
                    } catch (RuleException e) {
                        throw new ConfigException(2, e.getMessage(), e.hint());
                    }
                }
                default -> throw new ConfigException(1, "'http-after-response " + action + "' is not supported by vxlb",
                        "supported: " + String.join(", ", ACTIONS));
            };
            Condition cond = RuleKeywords.condition(ctx, line, 2, false);
            ctx.proxy.httpAfterResponseRules.add(new HttpRule(line.location(1), a, cond));
        });
    }
}
