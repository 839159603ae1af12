package io.vxlb.action;

import io.vxlb.config.Redirect;
import io.vxlb.runtime.CompiledRedirect;

/** {@code http-request redirect ...} / {@code http-response redirect ...}: the {@code redirect} keyword's syntax. */
public record RedirectAction(Redirect redirect) implements HttpAction {
    static void register(HttpActions.Registrar r) {
        for (String side : new String[] {"http-request", "http-response"}) {
            r.add(side + " redirect", "same syntax as 'redirect'", a -> new RedirectAction(a.redirect(a.first())));
        }
    }

    @Override public String keyword() { return "redirect"; }

    @Override
    public CompiledAction compile(ActionCompiler c) {
        CompiledRedirect compiled = c.redirect(redirect);
        return txn -> {
            txn.redirect(compiled);
            return CompiledAction.Verdict.ANSWERED;
        };
    }

    /** The Location a redirect sends, as HAProxy's http_apply_redirect_rule() builds it. */
    public static String location(CompiledRedirect cr, ActionContext txn) {
        Redirect r = cr.redirect();
        String target = cr.target().format(txn);
        String path = txn.path();
        if (r.appendSlash() && r.dropQuery() && !path.endsWith("/")) path = path + "/";
        return switch (r.type()) {
            case LOCATION -> target;
            case PREFIX -> {
                String rest = r.dropQuery() ? path : path + txn.queryWithMark();
                yield target.equals("/") ? rest : target + rest;
            }
            case SCHEME -> {
                String host = null;
                for (int i = 0; i < txn.requestHeaderCount(); i++) {
                    if (txn.requestHeaderName(i).equalsIgnoreCase("host")) {
                        host = txn.requestHeaderValue(i);
                        break;
                    }
                }
                yield target + "://" + (host == null ? "" : host) + (r.dropQuery() ? path : path + txn.queryWithMark());
            }
        };
    }
}
