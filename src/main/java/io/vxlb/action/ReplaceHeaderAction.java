package io.vxlb.action;

import io.vxlb.config.ActionLine;
import io.vxlb.proxy.HeaderList;
import io.vxlb.rules.CompiledLogFormat;
import io.vxlb.rules.LogFormat;

import java.util.regex.Pattern;

/** {@code replace-header NAME REGEX FMT} (whole line) or {@code replace-value} (each comma-separated value). */
public record ReplaceHeaderAction(String name, String regex, LogFormat replacement, boolean eachValue) implements HttpAction {
    static void register(HttpActions.Registrar r) {
        for (String side : new String[] {"http-request", "http-response"}) {
            r.add(side + " replace-header", "NAME REGEX FMT: rewrite whole header lines", a -> parse(a, false));
            r.add(side + " replace-value", "NAME REGEX FMT: rewrite each comma-separated value", a -> parse(a, true));
        }
    }

    private static ReplaceHeaderAction parse(ActionLine a, boolean eachValue) {
        int i = a.first();
        String name = a.string(i, "a header name");
        String re = a.regex(i + 1);
        LogFormat f = a.logFormat(i + 2);
        a.end(i + 3);
        return new ReplaceHeaderAction(name, re, f, eachValue);
    }

    @Override public String keyword() { return eachValue ? "replace-value" : "replace-header"; }

    @Override
    public CompiledAction compile(ActionCompiler c) {
        Pattern re = c.regex(regex);
        CompiledLogFormat f = c.format(replacement);
        return txn -> {
            String replacement = f.format(txn);
            HeaderList headers = txn.headers();
            for (int i = 0; i < headers.size(); i++) {
                if (!headers.name(i).equalsIgnoreCase(name)) continue;
                headers.setValue(i, eachValue ? replaceEachValue(headers.value(i), re, replacement) : Regsub.replace(headers.value(i), re, replacement));
            }
            return CompiledAction.Verdict.CONTINUE;
        };
    }

    private static String replaceEachValue(String value, Pattern re, String replacement) {
        String[] parts = value.split(",", -1);
        StringBuilder sb = new StringBuilder(value.length());
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) sb.append(',');
            String p = parts[i];
            int lead = 0;
            while (lead < p.length() && p.charAt(lead) == ' ') lead++;
            sb.append(p, 0, lead).append(Regsub.replace(p.substring(lead), re, replacement));
        }
        return sb.toString();
    }
}
