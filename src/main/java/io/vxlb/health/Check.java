package io.vxlb.health;

import io.vertx.core.Future;

/** One server's health check, run once per call. Never blocks; the future always completes. */
public interface Check {
    Future<CheckResult> run();
}
