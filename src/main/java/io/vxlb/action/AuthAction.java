package io.vxlb.action;

/** {@code auth [realm R]}: 401 with a Basic challenge (realm: the proxy's name by default). */
public record AuthAction(String realm) implements HttpAction, CompiledAction {
    static void register(HttpActions.Registrar r) {
        r.add("http-request auth", "[realm R]: ask for Basic credentials", a -> {
            int i = a.first();
            String realm = null;
            if (a.word(i).equals("realm")) {
                realm = a.string(i + 1, "a realm");
                i += 2;
            }
            a.end(i);
            return new AuthAction(realm);
        });
    }

    @Override public String keyword() { return "auth"; }

    @Override public CompiledAction compile(ActionCompiler c) { return this; }

    @Override
    public Verdict execute(ActionContext txn) {
        txn.challenge(realm);
        return Verdict.ANSWERED;
    }
}
