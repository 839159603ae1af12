package io.vxlb.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Custom error pages: {@code errorfile CODE FILE}, {@code errorloc[302|303] CODE URL},
 * {@code errorfiles NAME [CODE...]} in proxies, and the {@code errorfile} lines of
 * {@code http-errors NAME} sections. Files are read and checked when the snapshot is compiled
 * (runtime/ErrorReplies), under the node's file policy.
 */
final class ErrorFileKeywords {
    private ErrorFileKeywords() {}

    /** {@code errorfiles NAME [CODE...]}: resolved against the http-errors sections when parsing ends. */
    record Import(String section, Set<Integer> statuses, Location location) {}

    static void register(KeywordTable t) {
        t.add("errorfile", Section.ALL_PROXIES | Section.HTTP_ERRORS, Support.SUPPORTED,
                "CODE FILE: a full HTTP response sent as is (header names lower-cased) instead of the built-in page; an empty file closes the connection",
                (ctx, line) -> {
                    ProxyKeywords.noExtra(line, 3);
                    int status = status(line);
                    GlobalKeywords.need(line, 2, "<status_code> and <file> as arguments");
                    ErrorPageSpec e = new ErrorPageSpec(status, ErrorPageSpec.Kind.FILE, line.arg(2), line.location(2));
                    if (ctx.httpErrors != null) ctx.httpErrors.add(e);
                    else ctx.proxy.errorPages.add(e);
                });
        for (String kw : List.of("errorloc", "errorloc302", "errorloc303")) {
            ErrorPageSpec.Kind kind = kw.equals("errorloc303") ? ErrorPageSpec.Kind.LOCATION_303 : ErrorPageSpec.Kind.LOCATION_302;
            t.add(kw, Section.ALL_PROXIES, Support.SUPPORTED, "CODE URL: answer that error with a " + (kind == ErrorPageSpec.Kind.LOCATION_303 ? 303 : 302) + " redirect to URL",
                    (ctx, line) -> {
                        ProxyKeywords.noExtra(line, 3);
                        int status = status(line);
                        GlobalKeywords.need(line, 2, "<status_code> and <url> as arguments");
                        ctx.proxy.errorPages.add(new ErrorPageSpec(status, kind, line.arg(2), line.location(2)));
                    });
        }
        t.add("http-error", Section.ALL_PROXIES, Support.SUPPORTED,
                "status N [content-type T] [string S|lf-string FMT|file F|lf-file F|errorfile F|errorfiles NAME|default-errorfiles] [hdr NAME FMT]*: the proxy's reply for error N, as http-request return builds it",
                (ctx, line) -> {
                    if (!line.arg(1).equals("status")) throw new ConfigException(1, "'http-error' expects 'status <code>' first", "e.g. 'http-error status 503 content-type text/plain string \"down\"'");
                    ActionLine a = new ActionLine(ctx, line, false);
                    if (RuleKeywords.conditionStart(line, 1) < line.size()) {
                        throw new ConfigException(RuleKeywords.conditionStart(line, 1), "'http-error' takes no condition", "remove the 'if'/'unless' part");
                    }
                    io.vxlb.action.HttpReply r = io.vxlb.action.HttpReply.parse(a, 1, 0, java.util.Set.of("status"), io.vxlb.action.HttpReply.Kind.NONE);
                    if (!ErrorPageSpec.STATUSES.contains(r.status())) {
                        throw new ConfigException(2, "status code '" + r.status() + "' not handled by 'http-error'", "one of " + ErrorPageSpec.STATUSES);
                    }
                    ErrorPageSpec e = new ErrorPageSpec(r.status(), ErrorPageSpec.Kind.REPLY, null, line.location(0), r);
                    ctx.proxy.errorPages.add(e);
                });
        t.add("errorfiles", Section.ALL_PROXIES, Support.SUPPORTED, "NAME [CODE...]: the error files of http-errors section NAME (all, or those codes)",
                (ctx, line) -> {
                    GlobalKeywords.need(line, 1, "<name> as argument");
                    Set<Integer> codes = new LinkedHashSet<>();
                    for (int i = 2; line.has(i); i++) codes.add(status(line, i));
                    ctx.proxy.errorPages.add(new Import(line.arg(1), codes, line.location(1)));
                });
    }

    private static int status(ConfigLine line) {
        GlobalKeywords.need(line, 1, "<status_code> and <file> as arguments");
        return status(line, 1);
    }

    private static int status(ConfigLine line, int i) {
        int s;
        try {
            s = Integer.parseInt(line.arg(i));
        } catch (NumberFormatException e) {
            s = -1;
        }
        if (!ErrorPageSpec.STATUSES.contains(s)) {
            throw new ConfigException(i, "status code '" + line.arg(i) + "' not handled", "one of " + ErrorPageSpec.STATUSES);
        }
        return s;
    }

    /**
     * A proxy's error pages with its {@code errorfiles} imports replaced by the sections' entries
     * (HAProxy's proxy_check_errors); an unknown section is an error at the import's line.
     */
    static List<ErrorPageSpec> resolve(ParseContext ctx, ProxyBuilder p, java.util.Map<String, List<ErrorPageSpec>> sections) {
        List<ErrorPageSpec> out = new ArrayList<>();
        for (Object o : p.errorPages) {
            if (o instanceof ErrorPageSpec e) {
                out.add(e);
                continue;
            }
            Import imp = (Import) o;
            List<ErrorPageSpec> section = sections.get(imp.section());
            if (section == null) {
                ctx.error(imp.location(), (p.kind.word() + " " + p.name).trim(), "errorfiles",
                        "proxy '" + p.name + "': unknown http-errors section '" + imp.section() + "'",
                        sections.isEmpty() ? "declare it: 'http-errors " + imp.section() + "' with 'errorfile CODE FILE' lines"
                                : io.vxlb.rules.ClosestName.hint(imp.section(), sections.keySet()));
                continue;
            }
            for (ErrorPageSpec e : section) {
                if (imp.statuses().isEmpty() || imp.statuses().contains(e.status())) out.add(e);
            }
            for (int s : imp.statuses()) {
                if (section.stream().noneMatch(e -> e.status() == s)) {
                    ctx.warn(imp.location(), (p.kind.word() + " " + p.name).trim(), "errorfiles",
                            "proxy '" + p.name + "': status '" + s + "' not declared in http-errors section '" + imp.section() + "'", null);
                }
            }
        }
        return out;
    }
}
