package io.vxlb.action;

import io.vxlb.rules.CompiledLogFormat;
import io.vxlb.rules.LogFormat;

import java.util.Locale;

/** {@code set-path FMT}, {@code set-query FMT}, {@code set-uri FMT}, {@code set-method FMT}. */
public record SetRequestPartAction(Part part, LogFormat value) implements HttpAction {
    public enum Part { PATH, QUERY, URI, METHOD }

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
            case PATH -> txn.setUri(v + txn.queryWithMark());
            case QUERY -> {
                String p = txn.path();
                txn.setUri(v.isEmpty() ? p : p + "?" + (v.startsWith("?") ? v.substring(1) : v));
            }
        }
    }
}
