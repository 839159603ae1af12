package io.vxlb.action;

import io.vxlb.config.ActionLine;

/**
 * The registry of {@code http-request}/{@code http-response} actions: each action file
 * registers its full keywords here, and only what is registered here is marked supported.
 */
public final class HttpActions {
    private HttpActions() {}

    public interface Parser {
        HttpAction parse(ActionLine line);
    }

    public interface Registrar {
        /** {@code keyword}: the full keyword, e.g. "http-request set-header". */
        void add(String keyword, String note, Parser parser);
    }

    public static void register(Registrar r) {
        AllowAction.register(r);
        DenyAction.register(r);
        TarpitAction.register(r);
        AuthAction.register(r);
        RedirectAction.register(r);
        SetHeaderAction.register(r);
        DelHeaderAction.register(r);
        ReplaceHeaderAction.register(r);
        SetRequestPartAction.register(r);
        NormalizeUriAction.register(r);
        ReplaceRequestPartAction.register(r);
        ReturnAction.register(r);
        SetVarAction.register(r);
        SetTimeoutAction.register(r);
        WaitForBodyAction.register(r);
        SetStatusAction.register(r);
        CaptureAction.register(r);
        ConnectionAction.register(r);
        StickCounterAction.register(r);  // vxlb-stick
    }
}
