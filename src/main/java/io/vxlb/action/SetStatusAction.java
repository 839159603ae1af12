package io.vxlb.action;

/** {@code http-response set-status N [reason R]}. */
public record SetStatusAction(int status, String reason) implements HttpAction, CompiledAction {
    static void register(HttpActions.Registrar r) {
        r.add("http-response set-status", "N [reason R]", a -> {
            int i = a.first();
            int status = a.integer(i, "status code");
            if (status < 100 || status > 999) throw a.error(i, "invalid status " + status, "100-999");
            String reason = null;
            i++;
            if (a.word(i).equals("reason")) {
                reason = a.string(i + 1, "a reason phrase");
                i += 2;
            }
            a.end(i);
            return new SetStatusAction(status, reason);
        });
    }

    @Override public String keyword() { return "set-status"; }

    @Override public CompiledAction compile(ActionCompiler c) { return this; }

    @Override
    public Verdict execute(ActionContext txn) {
        txn.setStatus(status, reason);
        return Verdict.CONTINUE;
    }
}
