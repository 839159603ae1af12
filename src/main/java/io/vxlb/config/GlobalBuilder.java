package io.vxlb.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Mutable state of the {@code global} section while it is parsed. */
final class GlobalBuilder {
    int maxconn, nbthread, maxconnrate;
    long hardStopAfter;
    String logTag = "haproxy";
    /** {@code ca-base}/{@code crt-base}: applied to relative TLS paths of the bind and server lines that follow, as HAProxy. */
    String caBase, crtBase;
    /** {@code log-send-hostname [NAME]}: the hostname in syslog headers; null: none. */
    String logSendHostname;
    final List<LogTarget> logs = new ArrayList<>();
    final List<GlobalSection.StatsSocket> statsSockets = new ArrayList<>();
    final Map<String, String> tune = new LinkedHashMap<>();
    final List<GlobalSection.SetVar> setVars = new ArrayList<>();

    GlobalSection build() {
        return new GlobalSection(maxconn, nbthread, logs, logTag, statsSockets, tune, maxconnrate, hardStopAfter, setVars);
    }
}
