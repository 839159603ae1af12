package io.vxlb.action;

import java.util.List;
import java.util.regex.Pattern;

/** {@code del-header NAME [-m str|beg|end|sub|reg]} (names compared case-insensitively except with reg). */
public record DelHeaderAction(String name, String method) implements HttpAction {
    static void register(HttpActions.Registrar r) {
        for (String side : new String[] {"http-request", "http-response"}) {
            r.add(side + " del-header", "NAME [-m str|beg|end|sub|reg]", a -> {
                int i = a.first();
                String name = a.string(i, "a header name");
                String method = "str";
                i++;
                if (a.word(i).equals("-m")) {
                    method = a.string(i + 1, "a match method");
                    if (!List.of("str", "beg", "end", "sub", "reg").contains(method)) throw a.error(i + 1, "unknown match method '" + method + "'", "use str, beg, end, sub or reg");
                    i += 2;
                }
                a.end(i);
                return new DelHeaderAction(name, method);
            });
        }
    }

    @Override public String keyword() { return "del-header"; }

    @Override
    public CompiledAction compile(ActionCompiler c) {
        Pattern regex = method.equals("reg") ? c.regex(name) : null;
        return txn -> {
            txn.headers().removeMatching(name, method, regex);
            return CompiledAction.Verdict.CONTINUE;
        };
    }
}
