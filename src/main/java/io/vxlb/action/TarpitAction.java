package io.vxlb.action;

/** {@code tarpit [deny_status N]}: hold the connection for {@code timeout tarpit}, then answer N (500). */
public record TarpitAction(int status) implements HttpAction, CompiledAction {
    static void register(HttpActions.Registrar r) {
        r.add("http-request tarpit", "[deny_status N | status N]: hold for timeout tarpit, then answer N (500)",
                a -> new TarpitAction(DenyAction.status(a, a.first(), 500)));
    }

    @Override public String keyword() { return "tarpit"; }

    @Override public CompiledAction compile(ActionCompiler c) { return this; }

    @Override
    public Verdict execute(ActionContext txn) {
        txn.tarpit(status);
        return Verdict.ANSWERED;
    }
}
