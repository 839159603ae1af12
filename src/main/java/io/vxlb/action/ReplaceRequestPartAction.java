package io.vxlb.action;

import io.vxlb.rules.CompiledLogFormat;
import io.vxlb.rules.LogFormat;

import java.util.Locale;
import java.util.regex.Pattern;

/** {@code replace-path REGEX FMT} / {@code replace-uri REGEX FMT} / {@code replace-pathq REGEX FMT}. */
public record ReplaceRequestPartAction(SetRequestPartAction.Part part, String regex, LogFormat replacement) implements HttpAction {
    static void register(HttpActions.Registrar r) {
        for (SetRequestPartAction.Part part : new SetRequestPartAction.Part[] {SetRequestPartAction.Part.PATH, SetRequestPartAction.Part.URI, SetRequestPartAction.Part.PATHQ}) {
            String kw = part.name().toLowerCase(Locale.ROOT);
            r.add("http-request replace-" + kw, "REGEX FMT: rewrite the " + kw + " with a regex", a -> {
                int i = a.first();
                String re = a.regex(i);
                LogFormat f = a.logFormat(i + 1);
                a.end(i + 2);
                return new ReplaceRequestPartAction(part, re, f);
            });
        }
    }

    @Override public String keyword() { return "replace-" + part.name().toLowerCase(Locale.ROOT); }

    @Override
    public CompiledAction compile(ActionCompiler c) {
        Pattern re = c.regex(regex);
        CompiledLogFormat f = c.format(replacement);
        return txn -> {
            String with = f.format(txn);
            if (part == SetRequestPartAction.Part.PATH) txn.setUri(SetRequestPartAction.authority(txn.uri()) + Regsub.replace(txn.path(), re, with) + txn.queryWithMark());
            else if (part == SetRequestPartAction.Part.PATHQ) {
                String u = txn.uri(), pre = SetRequestPartAction.authority(u);
                txn.setUri(pre + Regsub.replace(u.substring(pre.length()), re, with));
            } else txn.setUri(Regsub.replace(txn.uri(), re, with));
            return CompiledAction.Verdict.CONTINUE;
        };
    }
}
