package io.vxlb.config;

import io.vxlb.action.HttpActions;

import java.util.ArrayList;
import java.util.List;

import static io.vxlb.config.Section.ALL_PROXIES;

/**
 * {@code http-after-response} (HAProxy 2.6, src/http_rules.c): rules run on every response the
 * client gets, vxlb's own included (errors, redirects, deny, return), after {@code http-response}.
 * Its actions are the {@code http-response} actions of {@link io.vxlb.action} that HAProxy also
 * allows here, parsed by the same files.
 */
final class AfterResponseKeywords {
    private AfterResponseKeywords() {}

    static final List<String> ACTIONS = List.of("allow", "set-header", "add-header", "del-header", "replace-header", "replace-value",
            "set-status", "set-var");

    static void register(KeywordTable t) {
        String kw = "http-after-response";
        List<String> registered = new ArrayList<>();
        HttpActions.register((keyword, note, parser) -> {
            if (!keyword.startsWith("http-response ")) return;
            String action = keyword.substring("http-response ".length());
            if (!ACTIONS.contains(action)) return;
            registered.add(action);
            t.add(kw + " " + action, ALL_PROXIES, Support.SUPPORTED, note + " (on every response, vxlb's own included)", (ctx, line) -> {
                RuleKeywords.namedDefaultsOnly(ctx, line);
                ActionLine a = new ActionLine(ctx, line, true);
                io.vxlb.action.HttpAction parsed = parser.parse(a);
                ctx.proxy.httpAfterResponseRules.add(new HttpRule(line.location(1), parsed, a.condition()));
            });
        });
        t.add(kw, ALL_PROXIES, Support.SUPPORTED, "ACTION [if|unless COND] on every response: " + String.join(", ", registered), (ctx, line) -> {
            GlobalKeywords.need(line, 1, "an action (" + String.join(", ", registered) + ")");
            String w = line.arg(1);
            int paren = w.indexOf('(');
            String action = paren > 0 ? w.substring(0, paren) : w;
            throw new ConfigException(1, "'http-after-response " + action + "' is not supported by vxlb", "supported: " + String.join(", ", registered));
        });
    }
}
