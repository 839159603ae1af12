package io.vxlb.action;

/** {@code tarpit [deny_status N]}: hold the connection for {@code timeout tarpit}, then answer N (500). */
public record TarpitAction(int status) implements HttpAction, CompiledAction {
    static void register(HttpActions.Registrar r) {
        r.add("http-request tarpit", "[deny_status N | status N]: hold for timeout tarpit, then answer N (500)", a -> {
            HttpReply reply = DenyAction.reply(a, 500);
            if (reply.kind() != HttpReply.Kind.DEFAULT_ERRORFILES) {
                throw a.error(a.first(), "a tarpit's reply options (error files, a body, headers) are not supported yet (only its status is)",
                        "use 'http-request tarpit deny_status N' and the proxy's errorfile for N");
            }
            return new TarpitAction(reply.status());
        });
    }

    @Override public String keyword() { return "tarpit"; }

    @Override public CompiledAction compile(ActionCompiler c) { return this; }

    @Override
    public Verdict execute(ActionContext txn) {
        txn.tarpit(status);
        return Verdict.ANSWERED;
    }
}
