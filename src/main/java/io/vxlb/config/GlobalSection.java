package io.vxlb.config;

import java.util.List;
import java.util.Map;

/**
 * The {@code global} section. Unix-process settings that mean nothing on the JVM (daemon, user,
 * chroot, ulimit-n...) are kept only as warnings; what vxlb uses is typed here.
 */
public record GlobalSection(int maxconn, int nbthread, List<LogTarget> logs, String logTag,
                            List<StatsSocket> statsSockets, Map<String, String> tune,
                            int maxconnrate, long hardStopAfterMillis, List<SetVar> setVars) {
    public static final GlobalSection DEFAULT = new GlobalSection(0, 0, List.of(), "haproxy", List.of(), Map.of(), 0, 0);

    public GlobalSection {
        logs = List.copyOf(logs);
        statsSockets = List.copyOf(statsSockets);
        tune = Map.copyOf(tune);
        setVars = List.copyOf(setVars);
    }

    public GlobalSection(int maxconn, int nbthread, List<LogTarget> logs, String logTag, List<StatsSocket> statsSockets,
                         Map<String, String> tune, int maxconnrate, long hardStopAfterMillis) {
        this(maxconn, nbthread, logs, logTag, statsSockets, tune, maxconnrate, hardStopAfterMillis, List.of());
    }

    /**
     * {@code set-var NAME EXPR} / {@code set-var-fmt NAME FMT} in global: a proc variable set
     * once the configuration is loaded, in order (only constants and other proc variables exist then).
     */
    public record SetVar(Location location, String name, io.vxlb.rules.SampleExpr expr, io.vxlb.rules.LogFormat format) {}

    /**
     * {@code stats socket ADDR [params]}: HAProxy's runtime API (io.vxlb.admin.cli). ADDR is a
     * unix socket path ({@code /path}, {@code unix@/path}) or {@code [ipv4@|ipv6@]host:port};
     * params: {@code mode OCTAL}, {@code level user|operator|admin}, {@code expose-fd listeners}
     * (accepted: vxlb has no master process to hand listeners to), {@code user}/{@code uid},
     * {@code group}/{@code gid} (accepted, the owner stays the process's).
     */
    public record StatsSocket(Location location, String address, List<String> params) {
        public StatsSocket {
            params = List.copyOf(params);
        }

        /** The unix socket path, or null for a TCP socket. */
        public String path() {
            if (address.startsWith("unix@")) return address.substring(5);
            return address.startsWith("/") || address.startsWith("./") ? address : null;
        }

        /** The TCP host (null for a unix socket). */
        public String host() {
            if (path() != null) return null;
            String a = address.replaceFirst("^ipv[46]@", "");
            int colon = a.lastIndexOf(':');
            String h = a.substring(0, colon);
            if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
            return h.isEmpty() || h.equals("*") ? "0.0.0.0" : h;
        }

        public int port() {
            if (path() != null) return 0;
            return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
        }

        /** The unix socket's permission bits ({@code mode}), -1 when not set. */
        public int mode() {
            String m = param("mode");
            return m == null ? -1 : Integer.parseInt(m, 8);
        }

        /** {@code level}: user, operator or admin (HAProxy's default: admin). */
        public String level() {
            String l = param("level");
            return l == null ? "admin" : l;
        }

        private String param(String name) {
            for (int i = 0; i + 1 < params.size(); i++) if (params.get(i).equals(name)) return params.get(i + 1);
            return null;
        }

        /**
         * Checks the address and parameters; a ConfigException naming the word otherwise (word
         * indexes as on the line: 2 the address, 3.. the parameters).
         */
        public void check() {
            if (path() == null) {
                String a = address.replaceFirst("^ipv[46]@", "");
                int colon = a.lastIndexOf(':');
                if (address.startsWith("abns@") || address.startsWith("fd@") || address.startsWith("sockpair@")) {
                    throw new ConfigException(2, "'stats socket " + address + "': only unix socket paths and host:port addresses are supported", "use /path/to.sock or ipv4@127.0.0.1:9999");
                }
                int port = -1;
                try {
                    if (colon >= 0) port = Integer.parseInt(a.substring(colon + 1));
                } catch (NumberFormatException e) {
                    port = -1;
                }
                if (colon < 0 || port < 1 || port > 65535) {
                    throw new ConfigException(2, "'stats socket " + address + "': expects a unix socket path or host:port", "e.g. /run/haproxy/admin.sock or ipv4@127.0.0.1:9999");
                }
            }
            for (int i = 0; i < params.size(); i++) {
                String p = params.get(i);
                boolean hasArg = i + 1 < params.size();
                switch (p) {
                    case "mode" -> {
                        if (!hasArg || !params.get(i + 1).matches("[0-7]{1,4}")) throw new ConfigException(3 + i, "'mode' expects an octal permission (e.g. 600)", null);
                        i++;
                    }
                    case "level" -> {
                        if (!hasArg || !java.util.List.of("user", "operator", "admin").contains(params.get(i + 1))) {
                            throw new ConfigException(3 + i, "'level' only supports 'user', 'operator', and 'admin'", null);
                        }
                        i++;
                    }
                    case "expose-fd" -> {
                        if (!hasArg || !params.get(i + 1).equals("listeners")) throw new ConfigException(3 + i, "'expose-fd' only supports 'listeners'", null);
                        i++;
                    }
                    case "user", "uid", "group", "gid", "severity-output", "name", "process", "thread" -> {
                        if (!hasArg) throw new ConfigException(3 + i, "'" + p + "' expects an argument", null);
                        i++;
                    }
                    default -> throw new ConfigException(3 + i, "stats socket option '" + p + "' is not supported by vxlb",
                            "supported: mode, level, expose-fd listeners, user, uid, group, gid");
                }
            }
        }
    }
}
