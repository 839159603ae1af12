package io.vxlb.action;

import io.vxlb.config.ActionLine;
import io.vxlb.rules.CompiledLogFormat;
import io.vxlb.rules.LogFormat;

/** {@code set-header NAME FMT} (replace every occurrence) or {@code add-header NAME FMT} (append). */
public record SetHeaderAction(String name, LogFormat value, boolean add) implements HttpAction {
    static void register(HttpActions.Registrar r) {
        for (String side : new String[] {"http-request", "http-response"}) {
            r.add(side + " set-header", "NAME FMT: replace the header", a -> parse(a, false));
            r.add(side + " add-header", "NAME FMT: append a header line", a -> parse(a, true));
        }
    }

    private static SetHeaderAction parse(ActionLine a, boolean add) {
        int i = a.first();
        String name = a.string(i, "a header name");
        if (!name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) throw a.error(i, "invalid header name '" + name + "'", null);
        LogFormat value = a.logFormat(i + 1);
        a.end(i + 2);
        return new SetHeaderAction(name, value, add);
    }

    @Override public String keyword() { return add ? "add-header" : "set-header"; }

    @Override
    public CompiledAction compile(ActionCompiler c) {
        CompiledLogFormat f = c.format(value);
        return txn -> {
            String v = f.format(txn);  // evaluated before the old value is removed, as HAProxy does
            if (add) txn.headers().add(name, v);
            else txn.headers().set(name, v);
            return CompiledAction.Verdict.CONTINUE;
        };
    }
}
