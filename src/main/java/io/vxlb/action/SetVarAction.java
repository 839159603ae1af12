package io.vxlb.action;

import io.vxlb.rules.CompiledSample;
import io.vxlb.rules.SampleExpr;

/** {@code set-var(SCOPE.NAME) EXPR}, on requests and on responses. */
public record SetVarAction(String variable, SampleExpr expr) implements HttpAction {
    static void register(HttpActions.Registrar r) {
        for (String side : new String[] {"http-request", "http-response"}) {
            r.add(side + " set-var", "set-var(NAME) EXPR", a -> {
                String w = a.word(1);
                if (!w.startsWith("set-var(") || !w.endsWith(")")) throw a.error(1, "expected set-var(SCOPE.NAME)", "e.g. set-var(txn.host) req.hdr(host)");
                String var = w.substring(8, w.length() - 1);
                if (!var.matches("(proc|sess|txn|req|res)\\.[A-Za-z0-9_.]+")) throw a.error(1, "invalid variable name '" + var + "'", "SCOPE.NAME with scope proc, sess, txn, req or res");
                return new SetVarAction(var, a.sample(a.first()));
            });
        }
    }

    @Override public String keyword() { return "set-var"; }

    @Override
    public CompiledAction compile(ActionCompiler c) {
        CompiledSample s = c.sample(expr);
        return txn -> {
            Object v = s.eval(txn);
            if (v != null) txn.setVariable(variable, v);  // no sample: the variable keeps its value (HAProxy's action_store)
            return CompiledAction.Verdict.CONTINUE;
        };
    }
}
