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

        httpRequest(t, "allow", "stop processing rules, let the request through", (ctx, line, i) -> { end(line, i); return new HttpAction.Allow(); });
        httpRequest(t, "deny", "[deny_status N | status N]: answer N (403) and close", (ctx, line, i) -> new HttpAction.Deny(denyStatus(line, i, 403)));
        httpRequest(t, "tarpit", "[deny_status N | status N]: hold for timeout tarpit, then answer N (500)", (ctx, line, i) -> new HttpAction.Tarpit(denyStatus(line, i, 500)));
        httpRequest(t, "auth", "[realm R]: ask for Basic credentials", (ctx, line, i) -> {
            String realm = null;
            if (line.arg(i).equals("realm")) {
                realm = ProxyKeywords.stringArg(line, i + 1, "a realm");
                i += 2;
            }
            end(line, i);
            return new HttpAction.Auth(realm);
        });
        httpRequest(t, "redirect", "same syntax as 'redirect'", (ctx, line, i) -> new HttpAction.RedirectAction(redirect(ctx, line, i)));
        for (String side : List.of("http-request", "http-response")) {
            Support s = Support.PARSED;
            t.add(side + " set-header", ALL_PROXIES, s, "NAME FMT: replace the header", (ctx, line) -> add(ctx, line, side, setHeader(line, false)));
            t.add(side + " add-header", ALL_PROXIES, s, "NAME FMT: append a header line", (ctx, line) -> add(ctx, line, side, setHeader(line, true)));
            t.add(side + " del-header", ALL_PROXIES, s, "NAME [-m str|beg|end|sub|reg]", (ctx, line) -> {
                String name = ProxyKeywords.stringArg(line, 2, "a header name");
                String method = "str";
                int i = 3;
                if (line.arg(3).equals("-m")) {
                    method = ProxyKeywords.stringArg(line, 4, "a match method");
                    if (!List.of("str", "beg", "end", "sub", "reg").contains(method)) throw new ConfigException(4, "unknown match method '" + method + "'", "use str, beg, end, sub or reg");
                    i = 5;
                }
                end(line, i);
                add(ctx, line, side, new HttpAction.DelHeader(name, method));
            });
            t.add(side + " replace-header", ALL_PROXIES, s, "NAME REGEX FMT: rewrite whole header lines", (ctx, line) -> add(ctx, line, side, replaceHeader(line, false)));
            t.add(side + " replace-value", ALL_PROXIES, s, "NAME REGEX FMT: rewrite each comma-separated value", (ctx, line) -> add(ctx, line, side, replaceHeader(line, true)));
        }
        t.add("http-response allow", ALL_PROXIES, Support.PARSED, "stop processing rules", (ctx, line) -> {
            end(line, 2);
            add(ctx, line, "http-response", new HttpAction.Allow());
        });
        for (HttpAction.SetRequestPart.Part part : HttpAction.SetRequestPart.Part.values()) {
            String kw = part.name().toLowerCase(java.util.Locale.ROOT);
            httpRequest(t, "set-" + kw, "FMT: rewrite the request " + kw, (ctx, line, i) -> {
                LogFormat f = logFormat(line, i);
                end(line, i + 1);
                return new HttpAction.SetRequestPart(part, f);
            });
            if (part == HttpAction.SetRequestPart.Part.PATH || part == HttpAction.SetRequestPart.Part.URI) {
                httpRequest(t, "replace-" + kw, "REGEX FMT: rewrite the " + kw + " with a regex", (ctx, line, i) -> {
                    String re = regex(line, i);
                    LogFormat f = logFormat(line, i + 1);
                    end(line, i + 2);
                    return new HttpAction.ReplaceRequestPart(part, re, f);
                });
            }
        }
        httpRequest(t, "return", "[status N] [content-type T] [string S|lf-string FMT|file F] [hdr NAME FMT]*", RuleKeywords::returnAction);
        httpRequest(t, "set-var", "set-var(NAME) EXPR", (ctx, line, i) -> {
            String w = line.arg(1);
            if (!w.startsWith("set-var(") || !w.endsWith(")")) throw new ConfigException(1, "expected set-var(SCOPE.NAME)", "e.g. set-var(txn.host) req.hdr(host)");
            String var = w.substring(8, w.length() - 1);
            if (!var.matches("(proc|sess|txn|req|res)\\.[A-Za-z0-9_.]+")) throw new ConfigException(1, "invalid variable name '" + var + "'", "SCOPE.NAME with scope proc, sess, txn, req or res");
            GlobalKeywords.need(line, i, "a sample expression");
            try {
                return new HttpAction.SetVar(var, SampleExprParser.parse(line.arg(i)));
            } catch (RuleException e) {
                throw new ConfigException(i, e.getMessage(), e.hint());
            }
        });
        t.add("http-response deny", ALL_PROXIES, Support.PARSED, "[deny_status N | status N]: replace the response with N (502)", (ctx, line) ->
                add(ctx, line, "http-response", new HttpAction.Deny(denyStatus(line, 2, 502))));
        t.add("http-response set-status", ALL_PROXIES, Support.PARSED, "N [reason R]", (ctx, line) -> {
            int status = ProxyKeywords.intArg(line, 2, "status code");
            if (status < 100 || status > 999) throw new ConfigException(2, "invalid status " + status, "100-999");
            String reason = null;
            int i = 3;
            if (line.arg(3).equals("reason")) {
                reason = ProxyKeywords.stringArg(line, 4, "a reason phrase");
                i = 5;
            }
            end(line, i);
            add(ctx, line, "http-response", new HttpAction.SetStatus(status, reason));
        });
        t.add("http-response redirect", ALL_PROXIES, Support.PARSED, "same syntax as 'redirect'", (ctx, line) ->
                add(ctx, line, "http-response", new HttpAction.RedirectAction(redirect(ctx, line, 2))));
        t.add("http-response return", ALL_PROXIES, Support.PARSED, "as http-request return", (ctx, line) ->
                add(ctx, line, "http-response", returnAction(ctx, line, 2)));
        for (String a : List.of("set-log-level", "capture", "track-sc0", "track-sc1", "track-sc2", "sc-inc-gpc0", "sc-inc-gpc1",
                "set-src", "set-src-port", "set-dst", "set-dst-port", "use-service", "wait-for-body", "wait-for-handshake",
                "do-resolve", "early-hint", "normalize-uri", "set-nice", "set-tos", "set-mark", "silent-drop", "reject",
                "cache-use", "set-timeout", "strict-mode", "disable-l7-retry", "add-acl", "del-acl", "set-map", "del-map",
                "unset-var", "set-priority-class", "set-priority-offset", "send-spoe-group", "set-bandwidth-limit", "sc-set-gpt0")) {
            t.reject("http-request " + a, ALL_PROXIES, Support.UNSUPPORTED, "not supported yet");
        }
        for (String a : List.of("set-log-level", "capture", "track-sc0", "track-sc1", "track-sc2", "set-map", "del-map", "add-acl",
                "del-acl", "set-var", "unset-var", "cache-store", "silent-drop", "send-spoe-group", "sc-inc-gpc0", "wait-for-body",
                "set-nice", "set-tos", "set-mark", "strict-mode", "set-timeout", "tarpit")) {
            t.reject("http-response " + a, ALL_PROXIES, Support.UNSUPPORTED, "not supported yet");
        }
    }

    interface ActionParser {
        HttpAction parse(ParseContext ctx, ConfigLine line, int firstArg);
    }

    private static void httpRequest(KeywordTable t, String action, String note, ActionParser p) {
        t.add("http-request " + action, ALL_PROXIES, Support.PARSED, note, (ctx, line) -> add(ctx, line, "http-request", p.parse(ctx, line, 2)));
    }

    /** HAProxy 2.5+: rules and ACLs may be written in a defaults section only when it is named. */
    static void namedDefaultsOnly(ParseContext ctx, ConfigLine line) {
        if (ctx.proxy.kind == ProxyKind.DEFAULTS && ctx.proxy.name.isEmpty()) {
            throw new ConfigException(0, "'" + ctx.keyword + "' is not allowed in a 'defaults' section",
                    "it may be used in: frontend | listen | backend, and (HAProxy 2.5+) in a named defaults section: 'defaults NAME', used with 'frontend X from NAME'");
        }
    }

    /** Adds a rule, reading its condition (the words from the first if/unless on). */
    private static void add(ParseContext ctx, ConfigLine line, String side, HttpAction action) {
        namedDefaultsOnly(ctx, line);
        // a redirect's condition was read with the action (ignore-empty adds a term to it)
        Condition cond = action instanceof HttpAction.RedirectAction r ? r.redirect().condition() : condition(ctx, line, 2, false);
        HttpRule rule = new HttpRule(line.location(1), action, cond);
        (side.equals("http-request") ? ctx.proxy.httpRequestRules : ctx.proxy.httpResponseRules).add(rule);
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

    private static String regex(ConfigLine line, int i) {
        GlobalKeywords.need(line, i, "a regular expression");
        try {
            Pattern.compile(line.arg(i));
        } catch (PatternSyntaxException e) {
            throw new ConfigException(i, "invalid regular expression '" + line.arg(i) + "': " + e.getDescription(), null);
        }
        return line.arg(i);
    }

    static HttpAction setHeader(ConfigLine line, boolean add) {
        String name = ProxyKeywords.stringArg(line, 2, "a header name");
        if (!name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) throw new ConfigException(2, "invalid header name '" + name + "'", null);
        LogFormat value = logFormat(line, 3);
        end(line, 4);
        return new HttpAction.SetHeader(name, value, add);
    }

    static HttpAction replaceHeader(ConfigLine line, boolean eachValue) {
        String name = ProxyKeywords.stringArg(line, 2, "a header name");
        String re = regex(line, 3);
        LogFormat f = logFormat(line, 4);
        end(line, 5);
        return new HttpAction.ReplaceHeader(name, re, f, eachValue);
    }

    /**
     * {@code [deny_status N]} or HAProxy 2.2's {@code [status N]}; the reply options that may
     * follow {@code status} (a body, headers, error files) are refused until the proxy sends them.
     */
    private static int denyStatus(ConfigLine line, int i, int dflt) {
        int status = dflt;
        String w = line.arg(i);
        if (w.equals("deny_status") || w.equals("status")) {
            status = ProxyKeywords.intArg(line, i + 1, "status code");
            if (status < 200 || status > 599) throw new ConfigException(i + 1, "invalid " + w + " " + status, "use a status between 200 and 599");
            i += 2;
        }
        String next = line.arg(i);
        if (List.of("content-type", "string", "lf-string", "file", "lf-file", "errorfile", "errorfiles", "hdr").contains(next)) {
            throw new ConfigException(i, "'" + next + "' in a deny/tarpit reply is not supported yet (only its status is)",
                    "answer with a body through 'http-request return status N content-type T string S'");
        }
        if (next.equals("default-errorfiles")) i++;
        end(line, i);
        return status;
    }

    private static HttpAction returnAction(ParseContext ctx, ConfigLine line, int i) {
        int status = 200;
        String contentType = null, body = null;
        LogFormat bodyFormat = null;
        HttpAction.Return.BodyKind kind = HttpAction.Return.BodyKind.NONE;
        List<HttpAction.Return.Header> headers = new ArrayList<>();
        int end = conditionStart(line, i);
        while (i < end) {
            String w = line.arg(i);
            switch (w) {
                case "status" -> {
                    status = ProxyKeywords.intArg(line, i + 1, "status code");
                    if (status < 200 || status > 599) throw new ConfigException(i + 1, "invalid status " + status, "use 200-599");
                    i += 2;
                }
                case "content-type" -> {
                    contentType = ProxyKeywords.stringArg(line, i + 1, "a content type");
                    i += 2;
                }
                case "string", "file" -> {
                    kind = w.equals("string") ? HttpAction.Return.BodyKind.STRING : HttpAction.Return.BodyKind.FILE;
                    body = ProxyKeywords.stringArg(line, i + 1, "a value");
                    i += 2;
                }
                case "lf-string" -> {
                    kind = HttpAction.Return.BodyKind.LF_STRING;
                    body = ProxyKeywords.stringArg(line, i + 1, "a value");
                    bodyFormat = logFormat(line, i + 1);
                    i += 2;
                }
                case "lf-file" -> {
                    // HAProxy reads the file when it parses the rule and evaluates its content as a log-format
                    String path = ProxyKeywords.stringArg(line, i + 1, "a file");
                    String content;
                    try {
                        content = java.nio.file.Files.readString(java.nio.file.Path.of(path), java.nio.charset.StandardCharsets.ISO_8859_1);
                    } catch (java.io.IOException | java.io.UncheckedIOException e) {
                        throw new ConfigException(i + 1, "failed to open file '" + path + "' of 'lf-file': " + e.getMessage(), "check the path (relative paths start from vxlb's working directory)");
                    }
                    try {
                        bodyFormat = LogFormatParser.parse(content);
                    } catch (RuleException e) {
                        throw new ConfigException(i + 1, "in 'lf-file' " + path + ": " + e.getMessage(), e.hint());
                    }
                    kind = HttpAction.Return.BodyKind.LF_STRING;
                    body = content;
                    i += 2;
                }
                case "hdr" -> {
                    String name = ProxyKeywords.stringArg(line, i + 1, "a header name");
                    headers.add(new HttpAction.Return.Header(name, logFormat(line, i + 2)));
                    i += 3;
                }
                case "default-errorfiles" -> i++;
                case "errorfile", "errorfiles" -> throw new ConfigException(i, "'" + w + "' in 'return' is not supported yet", "use 'string' or 'file'");
                default -> throw new ConfigException(i, "unexpected '" + w + "' in 'return'",
                        ClosestName.hint(w, List.of("status", "content-type", "string", "lf-string", "file", "lf-file", "hdr")));
            }
        }
        boolean emptyPayload = switch (kind) {
            case STRING, LF_STRING -> body.isEmpty();
            case FILE -> {
                try {
                    yield java.nio.file.Files.size(java.nio.file.Path.of(body)) == 0;
                } catch (java.io.IOException | RuntimeException e) {
                    yield false;
                }
            }
            default -> true;
        };
        if (body != null && contentType == null && !emptyPayload) throw new ConfigException(i - 1, "a 'return' body needs 'content-type'", "e.g. content-type text/plain");
        if ((kind == HttpAction.Return.BodyKind.STRING || kind == HttpAction.Return.BodyKind.FILE) && emptyPayload && contentType != null) {
            // parse_http_reply(): a raw payload that is empty drops its content-type, with a warning
            ctx.warn(line, 1, "content-type '" + contentType + "' ignored by the http reply when used with an empty payload", null);
            contentType = null;
        }
        if (kind == HttpAction.Return.BodyKind.NONE && contentType != null) {
            // http_htx.c parse_http_reply(): an empty reply drops its content-type, with a warning
            ctx.warn(line, 1, "content-type '" + contentType + "' ignored by the http reply because neither errorfile nor payload defined",
                    "remove 'content-type', or give the reply a body ('string', 'lf-string', 'file', 'lf-file')");
            contentType = null;
        }
        return new HttpAction.Return(status, contentType, kind, body, bodyFormat, headers);
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

    private static Redirect redirect(ParseContext ctx, ConfigLine line, int i) {
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
