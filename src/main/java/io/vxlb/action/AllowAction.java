package io.vxlb.action;

/** {@code allow}: stop evaluating the rule list, go on with the transaction. */
public record AllowAction() implements HttpAction, CompiledAction {
    static void register(HttpActions.Registrar r) {
        for (String side : new String[] {"http-request", "http-response"}) {
            r.add(side + " allow", "stop processing rules, let the " + (side.equals("http-request") ? "request" : "response") + " through", a -> {
                a.end(a.first());
                return new AllowAction();
            });
        }
    }

    @Override public String keyword() { return "allow"; }

    @Override public CompiledAction compile(ActionCompiler c) { return this; }

    @Override public Verdict execute(ActionContext txn) { return Verdict.STOP; }
}
