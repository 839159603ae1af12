package io.vxlb.health;

import io.vertx.core.Future;

/** The default check: a TCP connection is established, then closed (HAProxy: L4OK / L4CON / L4TOUT). */
public final class ConnectCheck implements Check {
    private final CheckTarget target;
    private final boolean ssl;

    public ConnectCheck(CheckTarget target, boolean ssl) {
        this.target = target;
        this.ssl = ssl;
    }

    @Override
    public Future<CheckResult> run() {
        CheckRun r = new CheckRun(target);
        r.onTimeout = connected -> new CheckResult(connected ? CheckStatus.L4OK : CheckStatus.L4TOUT, 0, "", 0);
        r.connect(target.port(), ssl,
                () -> r.finish(ssl ? CheckStatus.L6OK : CheckStatus.L4OK, 0, ""),
                err -> r.finish(CheckStatus.L4CON, 0, err));
        return r.future();
    }
}
