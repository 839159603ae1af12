package io.vxlb.action;

import io.vxlb.rules.CompiledLogFormat;
import io.vxlb.rules.LogFormat;

import java.util.Locale;

/**
 * {@code set-path FMT}, {@code set-query FMT}, {@code set-uri FMT}, {@code set-method FMT},
 * {@code set-pathq FMT} (path and query; an absolute URI keeps its scheme and authority).
 */
public record SetRequestPartAction(Part part, LogFormat value) implements HttpAction {
    public enum Part { PATH, QUERY, URI, METHOD, PATHQ }

    static void register(HttpActions.Registrar r) {
        for (Part part : Part.values()) {
            String kw = part.name().toLowerCase(Locale.ROOT);
            r.add("http-request set-" + kw, "FMT: rewrite the request " + kw, a -> {
                LogFormat f = a.logFormat(a.first());
                a.end(a.first() + 1);
                return new SetRequestPartAction(part, f);
            });
        }
    }

    @Override public String keyword() { return "set-" + part.name().toLowerCase(Locale.ROOT); }

    @Override
    public CompiledAction compile(ActionCompiler c) {
        CompiledLogFormat f = c.format(value);
        return txn -> {
            set(txn, part, f.format(txn));
            return CompiledAction.Verdict.CONTINUE;
        };
    }

    static void set(ActionContext txn, Part part, String v) {
        switch (part) {
            case METHOD -> txn.setMethod(v);
            case URI -> txn.setUri(v);
            case PATHQ -> txn.setUri(authority(txn.uri()) + v);
            // an absolute URI keeps its scheme and authority (HAProxy rewrites the path part only)
            case PATH -> txn.setUri(authority(txn.uri()) + v + txn.queryWithMark());
            case QUERY -> {
                String p = authority(txn.uri()) + txn.path();
                txn.setUri(v.isEmpty() ? p : p + "?" + (v.startsWith("?") ? v.substring(1) : v));
            }
        }
    }

    /** "scheme://authority" of an absolute URI, "" for a path. */
    static String authority(String uri) {
        if (uri.isEmpty() || uri.charAt(0) == '/') return "";
        int s = uri.indexOf("://");
        if (s < 0) return "";
        int slash = uri.indexOf('/', s + 3);
        int q = uri.indexOf('?', s + 3);
        int end = slash < 0 ? q : q < 0 ? slash : Math.min(slash, q);
        return end < 0 ? uri : uri.substring(0, end);
    }

    /** The path and query of a URI (the URI itself for a path). */
    static String pathq(String uri) {
        return uri.substring(authority(uri).length());
    }
}
