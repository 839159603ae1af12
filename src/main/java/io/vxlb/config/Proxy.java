package io.vxlb.config;

import java.util.List;
import java.util.Optional;

/**
 * A {@code frontend}, {@code backend}, {@code listen} or {@code defaults} section after
 * inheritance from its defaults section. Immutable: the runtime compiles it, never changes it.
 * Frontend-side lists are empty for backends and vice versa.
 */
public record Proxy(
        String name, ProxyKind kind, Location location, String defaultsName,
        Mode mode, List<Bind> binds, int maxconn, int backlog, int fullconn, Timeouts timeouts, int retries,
        ProxyOptions options, boolean logGlobal, List<LogTarget> logs, LogFormatSpec logFormat,
        List<AclLine> acls, List<HttpRule> httpRequestRules, List<HttpRule> httpResponseRules,
        List<Redirect> redirects, List<BackendSwitch> backendSwitches, String defaultBackend, Location defaultBackendLocation,
        List<UseServerRule> useServerRules, List<Capture> captures, String monitorUri,
        CookiePersistence cookie, Balance balance, HashType hashType, CheckSettings checks,
        List<Server> servers, StatsSettings stats, boolean disabled, int id,
        List<ErrorPageSpec> errorPages, String logTag, LogFormatSpec uniqueIdFormat, String uniqueIdHeader,
        TcpRules tcpRules, List<HttpRule> httpAfterResponseRules,
        StickConfig stick) {

    public Proxy {
        binds = List.copyOf(binds);
        logs = List.copyOf(logs);
        acls = List.copyOf(acls);
        httpRequestRules = List.copyOf(httpRequestRules);
        httpResponseRules = List.copyOf(httpResponseRules);
        redirects = List.copyOf(redirects);
        backendSwitches = List.copyOf(backendSwitches);
        useServerRules = List.copyOf(useServerRules);
        captures = List.copyOf(captures);
        servers = List.copyOf(servers);
        errorPages = List.copyOf(errorPages);
        httpAfterResponseRules = List.copyOf(httpAfterResponseRules);
    }

    public Optional<Server> server(String serverName) {
        for (Server s : servers) if (s.name().equals(serverName)) return Optional.of(s);
        return Optional.empty();
    }

    /** All ACL lines of that name, in order (several lines of one name are ORed). */
    public List<AclLine> acl(String aclName) {
        return acls.stream().filter(a -> a.name().equals(aclName)).toList();
    }

    /** The custom {@code log-format} if set, else the one implied by httplog/tcplog, else null. */
    public record LogFormatSpec(String text, Location location) {}
}
