package io.vxlb.action;

import io.vxlb.config.ActionLine;
import io.vxlb.rules.CompiledLogFormat;
import io.vxlb.rules.CompiledSample;
import io.vxlb.rules.LogFormat;
import io.vxlb.rules.SampleExpr;
import io.vxlb.rules.Vars;

import java.util.Arrays;

/**
 * {@code set-var(SCOPE.NAME[,COND...]) EXPR}, {@code set-var-fmt(SCOPE.NAME[,COND...]) FMT} and
 * {@code unset-var(SCOPE.NAME)}, on requests and on responses; the conditions (ifexists, ifgt...)
 * are HAProxy 2.6's (src/vars.c). Exactly one of {@code expr} / {@code format} is set, neither for unset-var.
 */
public record SetVarAction(String keyword, String variable, int conditions, SampleExpr expr, LogFormat format) implements HttpAction {
    static void register(HttpActions.Registrar r) {
        for (String side : new String[] {"http-request", "http-response"}) {
            r.add(side + " set-var", "set-var(NAME[,COND...]) EXPR (conditions ifexists, ifnotexists, ifempty, ifnotempty, ifset, ifnotset, ifgt, iflt)",
                    a -> parse(a, "set-var"));
            r.add(side + " set-var-fmt", "set-var-fmt(NAME[,COND...]) FMT: a variable from a log-format string", a -> parse(a, "set-var-fmt"));
            r.add(side + " unset-var", "unset-var(NAME): the variable is gone (a proc one stays, unset)", a -> parse(a, "unset-var"));
        }
    }

    private static SetVarAction parse(ActionLine a, String kw) {
        String w = a.word(1);
        if (!w.startsWith(kw + "(") || !w.endsWith(")")) throw a.error(1, "expected " + kw + "(SCOPE.NAME)", "e.g. " + kw + "(txn.host)");
        String[] parts = w.substring(kw.length() + 1, w.length() - 1).split(",", -1);
        String var = parts[0].trim();
        if (!var.matches("(proc|sess|txn|req|res)\\.[A-Za-z0-9_.]+")) throw a.error(1, "invalid variable name '" + var + "'", "SCOPE.NAME with scope proc, sess, txn, req or res");
        int conds = Vars.conditions(Arrays.asList(parts).subList(1, parts.length));
        if (conds < 0) throw a.error(1, "unknown condition in '" + w + "'", "conditions are " + String.join(", ", new java.util.TreeSet<>(Vars.conditionNames())));
        if (kw.equals("unset-var")) {
            if (parts.length > 1) throw a.error(1, "unset-var takes no condition", null);
            a.end(2);
            return new SetVarAction(kw, var, 0, null, null);
        }
        if (kw.equals("set-var-fmt")) return new SetVarAction(kw, var, conds, null, a.logFormat(a.first()));
        return new SetVarAction(kw, var, conds, a.sample(a.first()), null);
    }

    /** set-var(NAME) EXPR, without conditions. */
    public SetVarAction(String variable, SampleExpr expr) {
        this("set-var", variable, 0, expr, null);
    }

    @Override
    public CompiledAction compile(ActionCompiler c) {
        c.declareVariable(variable);
        if (keyword.equals("unset-var")) {
            return txn -> {
                txn.setVariable(variable, null);
                return CompiledAction.Verdict.CONTINUE;
            };
        }
        if (format != null) {
            CompiledLogFormat f = c.format(format);
            return txn -> {
                txn.setVariable(variable, f.format(txn), conditions);
                return CompiledAction.Verdict.CONTINUE;
            };
        }
        CompiledSample s = c.sample(expr);
        return txn -> {
            Object v = s.eval(txn);
            if (v != null) txn.setVariable(variable, v, conditions);  // no sample: the variable keeps its value (HAProxy's action_store)
            return CompiledAction.Verdict.CONTINUE;
        };
    }
}
