package io.vxlb.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Mutable state of one proxy section while it is parsed. A proxy starts as a copy of its
 * defaults section's settings (never its rules, binds or servers), as HAProxy does.
 */
final class ProxyBuilder {
    final String name;
    final ProxyKind kind;
    final Location location;
    String defaultsName;

    Mode mode = Mode.TCP;  // HAProxy's default when no "mode" line anywhere
    boolean modeSet;
    int maxconn, backlog, fullconn, retries = 3, id;
    boolean disabled;
    // timeouts
    long tConnect, tClient, tServer, tTunnel, tHttpRequest, tHttpKeepAlive, tQueue, tCheck, tTarpit, tClientFin, tServerFin;
    // options
    boolean httplog, httplogClf, tcplog, dontlognull, httpPretendKeepalive, redispatch, contstats, allbackups,
            logasap, httpUseHtx = true, abortonclose, httpBufferRequest, splice;
    HttpReuse httpReuse = HttpReuse.SAFE;
    /** HAProxy's redispatch_after: every Nth retry (N > 0), the Nth before the last (N < 0, default -1), never (0). */
    long redispatchInterval = -1;
    RetryOn retryOn = RetryOn.DEFAULT;
    HttpConnectionMode httpMode;
    ForwardFor forwardFor;
    OriginalTo originalTo;
    boolean logGlobal;
    /** {@code unique-id-format} and {@code unique-id-header}; null: none. */
    Proxy.LogFormatSpec uniqueIdFormat;
    String uniqueIdHeader;
    /** {@code log-tag} of the proxy (its defaults'); null: the global one. */
    String logTag;
    List<LogTarget> logs = new ArrayList<>();
    Proxy.LogFormatSpec logFormat;
    String monitorUri;
    CookiePersistence cookie;
    Balance balance = Balance.DEFAULT;
    HashType hashType = HashType.DEFAULT;
    CheckSettings.Kind checkKind = CheckSettings.Kind.CONNECT;
    HttpCheckRequest httpchk;
    List<CheckStep> httpCheckSteps = new ArrayList<>();
    List<CheckStep> tcpCheckSteps = new ArrayList<>();
    boolean disableOn404;
    CheckSettings.Mysql mysqlCheck;
    ServerBuilder defaultServer = new ServerBuilder();
    // stats
    boolean statsEnabled, statsHideVersion, statsShowLegends;
    io.vxlb.rules.Condition statsAdmin;
    List<String> statsScopes = new ArrayList<>();
    String statsUri, statsRealm;
    long statsRefresh;
    List<String> statsAuth = new ArrayList<>();
    String defaultBackend;
    Location defaultBackendLocation;
    List<Capture> captures = new ArrayList<>();
    /** errorfile/errorloc entries ({@link ErrorPageSpec}) and errorfiles imports, in order; inherited from defaults. */
    List<Object> errorPages = new ArrayList<>();
    /** {@link #errorPages} with the imports resolved, set when parsing ends. */
    List<ErrorPageSpec> resolvedErrorPages = List.of();

    /** ACL names that came with the defaults section's rules, and the section's name. */
    final java.util.Map<String, String> inheritedAclNames = new java.util.HashMap<>();
    /** For a defaults section: the kind of the first proxy that runs its rules (frontend or backend side). */
    String rulesUsedBy;

    // never inherited, except the rules and ACLs of a named defaults section, which run first
    final List<Bind> binds = new ArrayList<>();
    final List<AclLine> acls = new ArrayList<>();
    final List<HttpRule> httpRequestRules = new ArrayList<>();
    final List<HttpRule> httpResponseRules = new ArrayList<>();
    final List<Redirect> redirects = new ArrayList<>();
    final List<BackendSwitch> backendSwitches = new ArrayList<>();
    final List<UseServerRule> useServerRules = new ArrayList<>();
    final List<Server> servers = new ArrayList<>();
    /** Where 'dispatch' made the backend's only server, null without it. */
    Location dispatch;
    // tcp-request / tcp-response rules (TcpRuleKeywords) and http-after-response rules
    long tcpInspectDelay, tcpResponseInspectDelay;
    final List<TcpRule> tcpConnectionRules = new ArrayList<>();
    final List<TcpRule> tcpSessionRules = new ArrayList<>();
    final List<TcpRule> tcpContentRules = new ArrayList<>();
    final List<TcpRule> tcpResponseRules = new ArrayList<>();
    final List<HttpRule> httpAfterResponseRules = new ArrayList<>();
    // vxlb-stick: never inherited from defaults (HAProxy allows neither there)
    StickTableSpec stickTable;
    final List<StickRule> stickRules = new ArrayList<>();
    final java.util.Set<String> nonStickServers = new java.util.HashSet<>();

    ProxyBuilder(String name, ProxyKind kind, Location location) {
        this.name = name;
        this.kind = kind;
        this.location = location;
    }

    /** Copies what a defaults section passes on to the sections that follow it. */
    void inheritFrom(ProxyBuilder d) {
        defaultsName = d.name;
        mode = d.mode;
        modeSet = d.modeSet;
        maxconn = d.maxconn;
        backlog = d.backlog;
        fullconn = d.fullconn;
        retries = d.retries;
        tConnect = d.tConnect;
        tClient = d.tClient;
        tServer = d.tServer;
        tTunnel = d.tTunnel;
        tHttpRequest = d.tHttpRequest;
        tHttpKeepAlive = d.tHttpKeepAlive;
        tQueue = d.tQueue;
        tCheck = d.tCheck;
        tTarpit = d.tTarpit;
        tClientFin = d.tClientFin;
        tServerFin = d.tServerFin;
        httplog = d.httplog;
        httplogClf = d.httplogClf;
        tcplog = d.tcplog;
        dontlognull = d.dontlognull;
        httpPretendKeepalive = d.httpPretendKeepalive;
        redispatch = d.redispatch;
        redispatchInterval = d.redispatchInterval;
        retryOn = d.retryOn;
        contstats = d.contstats;
        allbackups = d.allbackups;
        httpReuse = d.httpReuse;
        logasap = d.logasap;
        httpUseHtx = d.httpUseHtx;
        abortonclose = d.abortonclose;
        httpBufferRequest = d.httpBufferRequest;
        splice = d.splice;
        httpMode = d.httpMode;
        forwardFor = d.forwardFor;
        originalTo = d.originalTo;
        logGlobal = d.logGlobal;
        logTag = d.logTag;
        uniqueIdFormat = d.uniqueIdFormat;
        uniqueIdHeader = d.uniqueIdHeader;
        logs = new ArrayList<>(d.logs);
        logFormat = d.logFormat;
        monitorUri = d.monitorUri;
        cookie = d.cookie;
        balance = d.balance;
        hashType = d.hashType;
        checkKind = d.checkKind;
        httpchk = d.httpchk;
        httpCheckSteps = new ArrayList<>(d.httpCheckSteps);
        tcpCheckSteps = new ArrayList<>(d.tcpCheckSteps);
        disableOn404 = d.disableOn404;
        mysqlCheck = d.mysqlCheck;
        defaultServer = d.defaultServer.copy();
        statsEnabled = d.statsEnabled;
        statsHideVersion = d.statsHideVersion;
        statsUri = d.statsUri;
        statsRealm = d.statsRealm;
        statsRefresh = d.statsRefresh;
        statsAuth = new ArrayList<>(d.statsAuth);
        statsShowLegends = d.statsShowLegends;
        statsAdmin = d.statsAdmin;
        statsScopes = new ArrayList<>(d.statsScopes);
        // a defaults section passes default_backend on through "from" chains too
        defaultBackend = kind != ProxyKind.BACKEND ? d.defaultBackend : null;
        defaultBackendLocation = kind != ProxyKind.BACKEND ? d.defaultBackendLocation : null;
        // a named defaults section's capture slots come first, as its capture rules refer to them
        captures = kind.hasFrontend() ? new ArrayList<>(d.captures) : new ArrayList<>();
        errorPages = new ArrayList<>(d.errorPages);
        tcpInspectDelay = d.tcpInspectDelay;
        tcpResponseInspectDelay = d.tcpResponseInspectDelay;
        httpAfterResponseRules.addAll(d.httpAfterResponseRules);
        // a named defaults section's tcp-request/tcp-response rules run before the proxy's own (2.5+)
        tcpConnectionRules.addAll(d.tcpConnectionRules);
        tcpSessionRules.addAll(d.tcpSessionRules);
        tcpContentRules.addAll(d.tcpContentRules);
        tcpResponseRules.addAll(d.tcpResponseRules);
        // HAProxy 2.5+: the rules of a (named) defaults section are evaluated before the proxy's
        // own, with the ACLs declared there
        httpRequestRules.addAll(d.httpRequestRules);
        httpResponseRules.addAll(d.httpResponseRules);
        acls.addAll(d.acls);
        for (AclLine a : d.acls) inheritedAclNames.put(a.acl().name(), d.name);
        inheritedAclNames.putAll(d.inheritedAclNames);
    }

    /** True when this defaults section has rules a proxy would run. */
    boolean hasRules() {
        return !httpRequestRules.isEmpty() || !httpResponseRules.isEmpty() || !httpAfterResponseRules.isEmpty()
                || !tcpConnectionRules.isEmpty() || !tcpSessionRules.isEmpty() || !tcpContentRules.isEmpty() || !tcpResponseRules.isEmpty();
    }

    Proxy build() {
        Timeouts t = new Timeouts(tConnect, tClient, tServer, tTunnel, tHttpRequest, tHttpKeepAlive, tQueue, tCheck,
                tTarpit, tClientFin, tServerFin);
        ProxyOptions o = new ProxyOptions(httplog, httplogClf, tcplog, dontlognull, httpMode, httpPretendKeepalive,
                forwardFor, originalTo, redispatch, redispatchInterval, contstats, allbackups, logasap, httpUseHtx,
                abortonclose, httpBufferRequest, splice, httpReuse, retryOn);
        CheckSettings checks = new CheckSettings(checkKind, httpchk, httpCheckSteps, tcpCheckSteps, disableOn404,
                checkKind == CheckSettings.Kind.MYSQL ? mysqlCheck : null);
        StatsSettings stats = new StatsSettings(statsEnabled, statsUri == null ? StatsSettings.OFF.uri() : statsUri,
                statsAuth, statsRefresh, statsRealm, statsHideVersion, statsShowLegends, statsAdmin, statsScopes);
        return new Proxy(name, kind, location, defaultsName, mode, binds, maxconn, backlog, fullconn, t, retries, o,
                logGlobal, logs, logFormat, acls, httpRequestRules, httpResponseRules, redirects, backendSwitches,
                kind.hasFrontend() ? defaultBackend : null, kind.hasFrontend() ? defaultBackendLocation : null, useServerRules, captures, monitorUri,
                cookie, balance, hashType, checks, servers, stats, disabled, id,
                resolvedErrorPages, logTag, kind.hasFrontend() ? uniqueIdFormat : null, kind.hasFrontend() ? uniqueIdHeader : null,
                new TcpRules(tcpInspectDelay, tcpConnectionRules, tcpSessionRules, tcpContentRules, tcpResponseInspectDelay, tcpResponseRules),
                httpAfterResponseRules,
                stickTable == null && stickRules.isEmpty() ? StickConfig.NONE : new StickConfig(stickTable, stickRules, nonStickServers));
    }
}
