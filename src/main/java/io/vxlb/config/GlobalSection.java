package io.vxlb.config;

import java.util.List;
import java.util.Map;

/**
 * The {@code global} section. Unix-process settings that mean nothing on the JVM (daemon, user,
 * chroot, ulimit-n...) are kept only as warnings; what vxlb uses is typed here.
 */
public record GlobalSection(int maxconn, int nbthread, List<LogTarget> logs, String logTag,
                            List<StatsSocket> statsSockets, Map<String, String> tune,
                            int maxconnrate, long hardStopAfterMillis) {
    public static final GlobalSection DEFAULT = new GlobalSection(0, 0, List.of(), "haproxy", List.of(), Map.of(), 0, 0);

    public GlobalSection {
        logs = List.copyOf(logs);
        statsSockets = List.copyOf(statsSockets);
        tune = Map.copyOf(tune);
    }

    /** {@code stats socket ADDR [params]}; vxlb serves its admin API instead of the CLI socket. */
    public record StatsSocket(Location location, String address, List<String> params) {
        public StatsSocket {
            params = List.copyOf(params);
        }
    }
}
