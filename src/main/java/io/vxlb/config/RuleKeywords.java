package io.vxlb.config;

import io.vxlb.rules.ClosestName;
import io.vxlb.rules.AclDef;
import io.vxlb.rules.AclParser;
import io.vxlb.rules.Condition;
import io.vxlb.rules.ConditionParser;
import io.vxlb.rules.LogFormat;
import io.vxlb.rules.LogFormatParser;
import io.vxlb.rules.RuleException;
import io.vxlb.rules.SampleExprParser;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import static io.vxlb.config.Section.ALL_PROXIES;
import static io.vxlb.config.Section.FRONT_RULES;
import static io.vxlb.config.Section.PROXIES;

/** ACLs and the rules that use them: use_backend, use-server, redirect, http-request, http-response. */
final class RuleKeywords {
    private RuleKeywords() {}

    static void register(KeywordTable t) {
        t.add("acl", ALL_PROXIES, Support.PARSED, "named condition: fetch, flags (-i -m -f --), values; lines of one name are ORed", (ctx, line) -> {
            namedDefaultsOnly(ctx, line);
            GlobalKeywords.need(line, 1, "a name and a criterion (e.g. 'acl is_api path_beg /api')");
            String name = line.arg(1);
            if (!name.matches("[A-Za-z0-9_.:-]+")) throw new ConfigException(1, "invalid ACL name '" + name + "'", "letters, digits, '-', '_', '.' and ':' only");
            GlobalKeywords.need(line, 2, "a criterion after the ACL name (e.g. 'acl " + name + " hdr(host) -i example.com')");
            AclDef acl;
            try {
                acl = AclParser.parse(name, line.args(2));
            } catch (RuleException e) {
                throw new ConfigException(e.wordIndex() < 0 ? 2 : e.wordIndex() + 2, e.getMessage(), e.hint());
            }
            for (String w : acl.warnings()) ctx.warn(line, 1, w, null);  // what HAProxy accepts but reports
            String inherited = ctx.proxy.inheritedAclNames.get(name);
            if (inherited != null) {
                throw new ConfigException(1, "ACL '" + name + "' is also declared in defaults section '" + inherited + "', whose rules this proxy runs",
                        "rename one of them: vxlb cannot keep a defaults section's ACLs apart from its proxies' yet");
            }
            ctx.proxy.acls.add(new AclLine(line.location(1), acl));
        });
        t.add("use_backend", FRONT_RULES, Support.PARSED, "NAME or %[expr], with if/unless", (ctx, line) -> {
            GlobalKeywords.need(line, 1, "a backend name or a %[...] expression");
            Condition cond = condition(ctx, line, 2, true);
            String target = line.arg(1);
            if (target.equals("if") || target.equals("unless")) throw new ConfigException(1, "missing backend name before '" + target + "'", "'use_backend NAME if CONDITION'");
            LogFormat dynamic = target.contains("%[") ? logFormat(line, 1) : null;
            ctx.proxy.backendSwitches.add(new BackendSwitch(line.location(1), dynamic == null ? target : null, dynamic, cond));
        });
        t.add("default_backend", Section.FRONT_SIDE, Support.PARSED, "backend when no use_backend matches", (ctx, line) -> {
            GlobalKeywords.need(line, 1, "a backend name");
            if (line.has(2)) throw new ConfigException(2, "'default_backend' takes one name", "use 'use_backend NAME if COND' for conditions");
            ctx.proxy.defaultBackend = line.arg(1);
            ctx.proxy.defaultBackendLocation = line.location(1);
        });
        t.add("use-server", Section.BACK_RULES, Support.PARSED, "force a server: use-server NAME if|unless COND", (ctx, line) -> {
            GlobalKeywords.need(line, 1, "a server name");
            Condition cond = condition(ctx, line, 2, true);
            if (cond == null) throw new ConfigException(2, "'use-server' needs a condition", "'use-server " + line.arg(1) + " if COND' (use 'if TRUE' for always)");
            ctx.proxy.useServerRules.add(new UseServerRule(line.location(1), line.arg(1), cond));
        });
        t.add("redirect", PROXIES, Support.PARSED, "location|prefix|scheme TARGET, code N, drop-query, append-slash, set-cookie, clear-cookie, ignore-empty (any order)",
                (ctx, line) -> ctx.proxy.redirects.add(redirect(ctx, line, 1)));

        // every http-request/http-response action is registered by its own file (io.vxlb.action)
        io.vxlb.action.HttpActions.register((keyword, note, parser) -> t.add(keyword, ALL_PROXIES, Support.SUPPORTED, note, (ctx, line) -> {
            namedDefaultsOnly(ctx, line);
            boolean response = keyword.startsWith("http-response ");
            ActionLine a = new ActionLine(ctx, line, response);
            io.vxlb.action.HttpAction action = parser.parse(a);
            HttpRule rule = new HttpRule(line.location(1), action, a.condition());
            (response ? ctx.proxy.httpResponseRules : ctx.proxy.httpRequestRules).add(rule);
        }));
        for (String a : List.of("set-log-level",
                "use-service", "wait-for-handshake",
                "do-resolve", "early-hint", "set-nice", "set-tos", "set-mark", "silent-drop",
                "cache-use", "strict-mode", "disable-l7-retry", "add-acl", "del-acl", "set-map", "del-map",
                "set-priority-class", "set-priority-offset", "send-spoe-group", "set-bandwidth-limit")) {
            t.reject("http-request " + a, ALL_PROXIES, Support.UNSUPPORTED, "not supported yet");
        }
        for (String a : List.of("set-log-level", "set-map", "del-map", "add-acl",
                "del-acl", "cache-store", "silent-drop", "send-spoe-group", "wait-for-body",
                "set-nice", "set-tos", "set-mark", "strict-mode", "set-timeout", "tarpit")) {
            t.reject("http-response " + a, ALL_PROXIES, Support.UNSUPPORTED, "not supported yet");
        }
    }

    /** HAProxy 2.5+: rules and ACLs may be written in a defaults section only when it is named. */
    static void namedDefaultsOnly(ParseContext ctx, ConfigLine line) {
        if (ctx.proxy.kind == ProxyKind.DEFAULTS && ctx.proxy.name.isEmpty()) {
            throw new ConfigException(0, "'" + ctx.keyword + "' is not allowed in a 'defaults' section",
                    "it may be used in: frontend | listen | backend, and (HAProxy 2.5+) in a named defaults section: 'defaults NAME', used with 'frontend X from NAME'");
        }
    }

    /** Index of the first {@code if}/{@code unless} at or after {@code from}, or the line size. */
    static int conditionStart(ConfigLine line, int from) {
        for (int i = from; i < line.size(); i++) {
            String w = line.arg(i);
            if (w.equals("if") || w.equals("unless")) return i;
        }
        return line.size();
    }

    /**
     * The condition starting at the first {@code if}/{@code unless} at or after {@code from}, or null.
     * With {@code nothingElse}, any other word before it is an error.
     */
    static Condition condition(ParseContext ctx, ConfigLine line, int from, boolean nothingElse) {
        int at = conditionStart(line, from);
        if (nothingElse && at > from) {
            throw new ConfigException(from, "unexpected '" + line.arg(from) + "'", "expected 'if' or 'unless' followed by a condition");
        }
        if (at >= line.size()) return null;
        Condition cond;
        try {
            cond = ConditionParser.parse(line.args(0), at);
        } catch (RuleException e) {
            throw new ConfigException(e.wordIndex() < 0 ? at : e.wordIndex(), e.getMessage(), e.hint());
        }
        for (String w : cond.warnings()) ctx.warn(line, at, w, null);  // what HAProxy accepts but reports
        return cond;
    }

    /** Words before the condition must all have been consumed. */
    static void end(ConfigLine line, int i) {
        int cond = conditionStart(line, i);
        if (cond > i) throw new ConfigException(i, "unexpected '" + line.arg(i) + "'", "expected 'if', 'unless' or the end of the line");
    }

    static LogFormat logFormat(ConfigLine line, int i) {
        GlobalKeywords.need(line, i, "a value");
        try {
            return LogFormatParser.parse(line.arg(i));
        } catch (RuleException e) {
            throw new ConfigException(i, e.getMessage(), e.hint());
        }
    }

    static String regex(ConfigLine line, int i) {
        GlobalKeywords.need(line, i, "a regular expression");
        try {
            Pattern.compile(line.arg(i));
        } catch (PatternSyntaxException e) {
            throw new ConfigException(i, "invalid regular expression '" + line.arg(i) + "': " + e.getDescription(), null);
        }
        return line.arg(i);
    }

    /**
     * {@code ignore-empty}: the rule is skipped when its target evaluates to an empty string.
     * For a target that is one {@code %[expr]}, that is the condition {@code { expr -m len gt 0 }}
     * ANDed with the rule's own; a target with text around it is never empty. Other forms are
     * refused rather than ignored.
     */
    private static Condition ignoreEmpty(ConfigLine line, int at, LogFormat target, Condition cond) {
        List<io.vxlb.rules.LogFormatPart> parts = target.parts();
        boolean literalOnly = parts.stream().allMatch(p -> p instanceof io.vxlb.rules.LogFormatPart.Literal l && !l.text().isEmpty());
        if (!parts.isEmpty() && literalOnly) return cond;
        if (parts.size() != 1 || !(parts.get(0) instanceof io.vxlb.rules.LogFormatPart.Sample sample)) {
            throw new ConfigException(at, "'ignore-empty' is supported only when the target is one %[...] expression",
                    "e.g. 'redirect location %[path,map_str(redirects.map)] ignore-empty'");
        }
        if (cond != null && cond.unless()) {
            throw new ConfigException(at, "'ignore-empty' with an 'unless' condition is not supported yet", "write the condition with 'if' and '!'");
        }
        io.vxlb.rules.AclDef nonEmpty;
        try {
            nonEmpty = AclParser.parse("", List.of(sample.expr().text(), "-m", "len", "gt", "0"));
        } catch (RuleException e) {
            throw new ConfigException(at, e.getMessage(), e.hint());
        }
        io.vxlb.rules.CondTerm term = new io.vxlb.rules.CondTerm(false, null, nonEmpty, at);
        List<List<io.vxlb.rules.CondTerm>> groups = new ArrayList<>();
        if (cond == null) {
            groups.add(List.of(term));
        } else {
            for (List<io.vxlb.rules.CondTerm> g : cond.orOfAnds()) {
                List<io.vxlb.rules.CondTerm> withTerm = new ArrayList<>(g);
                withTerm.add(0, term);
                groups.add(withTerm);
            }
        }
        return new Condition(false, groups, cond == null ? List.of() : cond.warnings());
    }

    static Redirect redirect(ParseContext ctx, ConfigLine line, int i) {
        // http_parse_redirect_rule(): the type and its target, 'code N' and the flags come in any order
        Redirect.Type type = null;
        LogFormat target = null;
        int typeAt = i;
        int code = 302;
        boolean dropQuery = false, appendSlash = false;
        String setCookie = null, clearCookie = null;
        int ignoreEmptyAt = -1;
        int end = conditionStart(line, i);
        String usage = "'redirect location|prefix|scheme TARGET [code N] [drop-query] [append-slash] [if COND]'";
        for (int j = i; j < end; j++) {
            String w = line.arg(j);
            switch (w) {
                case "location", "prefix", "scheme" -> {
                    if (type != null) throw new ConfigException(j, "redirect type given twice ('" + line.arg(typeAt) + "' and '" + w + "')", usage);
                    type = switch (w) {
                        case "location" -> Redirect.Type.LOCATION;
                        case "prefix" -> Redirect.Type.PREFIX;
                        default -> Redirect.Type.SCHEME;
                    };
                    typeAt = j;
                    if (j + 1 >= end) throw new ConfigException(j + 1, "'" + w + "' needs a target", usage);
                    target = logFormat(line, ++j);
                }
                case "code" -> {
                    code = ProxyKeywords.intArg(line, ++j, "status code");
                    if (!List.of(301, 302, 303, 307, 308).contains(code)) throw new ConfigException(j, "invalid redirect code " + code, "use 301, 302, 303, 307 or 308");
                }
                case "drop-query" -> dropQuery = true;
                case "append-slash" -> appendSlash = true;
                case "set-cookie" -> setCookie = ProxyKeywords.stringArg(line, ++j, "NAME[=VALUE]");
                case "clear-cookie" -> clearCookie = ProxyKeywords.stringArg(line, ++j, "NAME");
                case "ignore-empty" -> ignoreEmptyAt = j;
                default -> {
                    if (type == null) throw new ConfigException(j, "unknown redirect type '" + w + "'", usage);
                    throw new ConfigException(j, "unknown redirect option '" + w + "'",
                            ClosestName.hint(w, List.of("code", "drop-query", "append-slash", "set-cookie", "clear-cookie", "ignore-empty", "if", "unless")));
                }
            }
        }
        if (type == null) throw new ConfigException(i, "missing redirect type", usage);
        i = typeAt;
        Condition cond = condition(ctx, line, end, true);
        if (ignoreEmptyAt >= 0) cond = ignoreEmpty(line, ignoreEmptyAt, target, cond);
        return new Redirect(line.location(i), type, target, code, dropQuery, appendSlash, setCookie, clearCookie, cond);
    }
}
