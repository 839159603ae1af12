package io.vxlb.config;

import io.vxlb.rules.ClosestName;
import io.vxlb.rules.Condition;
import io.vxlb.rules.LogFormat;
import io.vxlb.rules.PredefinedAcls;
import io.vxlb.rules.SampleExpr;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Checks what no single line can: references between sections (backends, servers, tracks,
 * ACL names), duplicates, and settings that contradict each other. Runs on the built model.
 */
final class ConfigValidator {
    private final ParseContext ctx;
    private final Map<String, Proxy> frontends = new HashMap<>();
    private final Map<String, Proxy> backends = new HashMap<>();

    ConfigValidator(ParseContext ctx) {
        this.ctx = ctx;
    }

    void validate(List<Proxy> proxies) {
        for (Proxy p : proxies) {
            String label = p.kind().word() + " " + p.name();
            if (p.kind().hasFrontend()) {
                Proxy prev = frontends.putIfAbsent(p.name(), p);
                if (prev != null) ctx.error(p.location(), label, p.kind().word(), "proxy name '" + p.name() + "' is already used by the " + prev.kind().word() + " at " + prev.location(), "give each frontend and listen section its own name");
            }
            if (p.kind().hasBackend()) {
                Proxy prev = backends.putIfAbsent(p.name(), p);
                if (prev != null && prev != p) ctx.error(p.location(), label, p.kind().word(), "proxy name '" + p.name() + "' is already used by the " + prev.kind().word() + " at " + prev.location(), "give each backend and listen section its own name");
            }
        }
        for (Proxy p : proxies) validateProxy(p);
        new StickValidator(ctx).validate(proxies);  // vxlb-stick
    }

    /** tcp-request / tcp-response rules (TcpRuleKeywords) and http-after-response (AfterResponseKeywords). */
    private void tcpRules(Proxy p, String label) {
        TcpRules t = p.tcpRules();
        // rules a proxy cannot have itself came from its defaults section, which HAProxy then refuses
        if (p.kind() == ProxyKind.BACKEND && (!t.connection().isEmpty() || !t.session().isEmpty())) {
            ctx.error(p.location(), label, "backend", "defaults section '" + p.defaultsName() + "' defines tcp-request connection/session rules: a backend cannot use it",
                    "use it from frontend sections only, or move the rules");
        }
        if (p.kind() == ProxyKind.FRONTEND && !t.responseContent().isEmpty()) {
            ctx.error(p.location(), label, "frontend", "defaults section '" + p.defaultsName() + "' defines tcp-response content rules: a frontend cannot use it",
                    "use it from backend sections only, or move the rules");
        }
        for (List<TcpRule> rules : List.of(t.connection(), t.session(), t.content(), t.responseContent())) {
            String side = rules == t.connection() ? "tcp-request connection " : rules == t.session() ? "tcp-request session "
                    : rules == t.content() ? "tcp-request content " : "tcp-response content ";
            for (TcpRule r : rules) {
                String kw = side + r.action().keyword();
                condition(p, r.condition(), r.location(), kw);
                if (rules == t.content() && p.mode() == Mode.HTTP && (r.action() instanceof TcpAction.SetAddress || r.action() instanceof TcpAction.SetPort)) {
                    ctx.error(r.location(), label, kw, "'" + kw + "' in a mode http proxy is not supported by vxlb yet",
                            "use 'tcp-request connection " + r.action().keyword() + "' or 'tcp-request session " + r.action().keyword() + "'");
                }
                if (r.action() instanceof TcpAction.SwitchModeHttp && p.mode() != Mode.HTTP) {
                    ctx.error(r.location(), label, kw, "'switch-mode http' in a mode tcp proxy is not supported by vxlb yet",
                            "declare the frontend 'mode http': its tcp-request content rules run before the HTTP layer");
                }
            }
        }
        for (HttpRule r : p.httpAfterResponseRules()) {
            condition(p, r.condition(), r.location(), "http-after-response " + r.action().keyword());
            if (r.action() instanceof io.vxlb.action.SetHeaderAction sh) logFormatRefs(p, sh.value(), r.location(), "http-after-response " + r.action().keyword());
        }
        if (p.mode() == Mode.TCP && !p.httpAfterResponseRules().isEmpty()) {
            ctx.warn(p.httpAfterResponseRules().get(0).location(), label, "http-after-response", "HTTP rules are ignored in 'mode tcp'", "add 'mode http' or remove the rules");
        }
        for (Server s : p.servers()) {
            if (s.check() && s.checkSsl() && (s.sendProxy() > 0 || s.checkSendProxy())) {
                ctx.warn(s.location(), label, "server", "server '" + s.name() + "': its TLS health checks do not send the PROXY header yet",
                        "check without 'check-ssl', or with 'port'/'addr' on a plain port");
            }
        }
        for (Bind b : p.binds()) {
            if (b.acceptProxy() && b.ssl() && p.mode() == Mode.HTTP) {
                ctx.error(b.location(), label, "bind", "'accept-proxy' with 'ssl' on a mode http bind is not supported by vxlb yet",
                        "terminate TLS in a mode tcp frontend, or send the PROXY header to a plain bind");
            }
        }
    }

    private void validateProxy(Proxy p) {
        String label = p.kind().word() + " " + p.name();
        if (p.kind().hasFrontend() && p.binds().isEmpty() && !p.disabled() && !ctx.brokenBinds.contains(p.location())) {
            String hint = "add a 'bind ADDR:PORT' line";
            if (p.kind() == ProxyKind.LISTEN && p.name().matches(".*:\\d+")) hint = "HAProxy 1.x wrote 'listen NAME ADDR:PORT'; write 'listen NAME' and 'bind " + p.name() + "'";
            else if (p.kind() == ProxyKind.LISTEN) hint += ", or declare it as a 'backend' if it only serves other frontends";
            ctx.error(p.location(), label, p.kind().word(), p.kind().word() + " '" + p.name() + "' has no 'bind' line, so it would accept no connection", hint);
        }
        if (p.kind().hasFrontend() && p.timeouts().client() == 0 && !p.binds().isEmpty()) {
            ctx.warn(p.location(), label, "timeout client", "missing 'timeout client': idle clients are never disconnected", "set 'timeout client' (e.g. 30s) in defaults");
        }
        if (p.kind().hasBackend() && !p.servers().isEmpty() && (p.timeouts().connect() == 0 || p.timeouts().server() == 0)) {
            ctx.warn(p.location(), label, "timeout", "missing 'timeout " + (p.timeouts().connect() == 0 ? "connect" : "server") + "': a dead server could hold requests forever",
                    "set 'timeout connect' (e.g. 5s) and 'timeout server' (e.g. 30s) in defaults");
        }
        if (p.mode() == Mode.TCP && (!p.httpRequestRules().isEmpty() || !p.httpResponseRules().isEmpty() || !p.redirects().isEmpty())) {
            Location at = !p.httpRequestRules().isEmpty() ? p.httpRequestRules().get(0).location() : !p.httpResponseRules().isEmpty() ? p.httpResponseRules().get(0).location() : p.redirects().get(0).location();
            ctx.warn(at, label, "http-request", "HTTP rules are ignored in 'mode tcp'", "add 'mode http' or remove the rules");
        }
        if (p.mode() == Mode.TCP && p.kind().hasFrontend() && p.logFormat() != null) {
            ctx.warn(p.logFormat().location(), label, "log-format", "a custom log-format is not applied in 'mode tcp' yet: only 'option tcplog' lines are written",
                    "use 'option tcplog', or 'mode http' for a custom line");
        }
        if (p.mode() == Mode.TCP && p.balance().algorithm() != null) {
            switch (p.balance().algorithm()) {
                case URI, URL_PARAM, HDR -> ctx.warn(p.location(), label, "balance", "'balance " + p.balance().algorithm().word + "' needs HTTP; this TCP backend uses roundrobin instead", "add 'mode http' or use 'balance source'");
                default -> { }
            }
        }
        if (!p.checks().tcpCheckSteps().isEmpty() && p.checks().kind() != CheckSettings.Kind.TCP_CHECK) {
            ctx.warn(p.checks().tcpCheckSteps().get(0).location(), label, "tcp-check", "tcp-check rules are ignored without 'option tcp-check'", "add 'option tcp-check'");
        }
        if (!p.checks().httpCheckSteps().isEmpty() && p.checks().kind() != CheckSettings.Kind.HTTP) {
            ctx.warn(p.checks().httpCheckSteps().get(0).location(), label, "http-check", "http-check rules are ignored without 'option httpchk'", "add 'option httpchk'");
        }

        // Routing targets.
        if (p.defaultBackend() != null) backendRef(p, p.defaultBackend(), p.defaultBackendLocation(), "default_backend");
        for (BackendSwitch s : p.backendSwitches()) {
            if (s.backend() != null) backendRef(p, s.backend(), s.location(), "use_backend");
            else logFormatRefs(p, s.dynamic(), s.location(), "use_backend");
            condition(p, s.condition(), s.location(), "use_backend");
        }
        for (UseServerRule u : p.useServerRules()) {
            if (p.server(u.server()).isEmpty()) {
                ctx.error(u.location(), label, "use-server", "no server '" + u.server() + "' in " + label,
                        ClosestName.hint(u.server(), p.servers().stream().map(Server::name).toList()));
            }
            condition(p, u.condition(), u.location(), "use-server");
        }
        for (Redirect r : p.redirects()) {
            logFormatRefs(p, r.target(), r.location(), "redirect");
            condition(p, r.condition(), r.location(), "redirect");
        }
        for (List<HttpRule> rules : List.of(p.httpRequestRules(), p.httpResponseRules())) {
            for (HttpRule r : rules) {
                String kw = (rules == p.httpRequestRules() ? "http-request " : "http-response ") + r.action().keyword();
                condition(p, r.condition(), r.location(), kw);
                if (r.action() instanceof io.vxlb.action.RedirectAction ra) condition(p, ra.redirect().condition(), r.location(), kw);
                if (r.action() instanceof io.vxlb.action.SetHeaderAction sh) logFormatRefs(p, sh.value(), r.location(), kw);
            }
        }
        tcpRules(p, label);
        for (AclLine acl : p.acls()) {
            for (SampleExpr e : acl.acl().sampleExprs()) exprRefs(p, e, acl.location(), "acl " + acl.name());
        }
        for (Server s : p.servers()) {
            track(p, s);
            tls(p, s);
        }
    }

    /** TLS to a server as HAProxy 2.6 allows it: verified by default, so a CA file or an explicit "verify none". */
    private void tls(Proxy p, Server s) {
        if (!s.ssl()) return;
        String label = p.kind().word() + " " + p.name();
        if (!s.verifyNone() && s.caFile() == null) {
            ctx.error(s.location(), label, "server", "'server " + p.name() + "/" + s.name() + "': verify is enabled by default but no CA file specified",
                    "add 'ca-file FILE', or 'verify none' if you are certain to trust the server's certificate (HAProxy refuses the same line)");
        } else if (s.caFile() != null && !new java.io.File(s.caFile()).canRead()) {
            ctx.error(s.location(), label, "server", "'server " + p.name() + "/" + s.name() + "': cannot read ca-file '" + s.caFile() + "'", "give a readable PEM file of CA certificates");
        }
        if (s.crt() != null && !new java.io.File(s.crt()).canRead()) {
            // HAProxy: "unable to load SSL private key from PEM file"; crt-base applies to a relative path
            ctx.error(s.location(), label, "server", "'server " + p.name() + "/" + s.name() + "': cannot read crt '" + s.crt() + "'",
                    "give a readable PEM file with the client certificate chain and its key");
        }
    }

    private void backendRef(Proxy from, String name, Location at, String kw) {
        String label = from.kind().word() + " " + from.name();
        Proxy be = backends.get(name);
        if (be == null) {
            String hint = ClosestName.hint(name, backends.keySet());
            if (frontends.containsKey(name)) hint = "'" + name + "' is a frontend; routing needs a backend or listen section";
            ctx.error(at, label, kw, "no backend named '" + name + "'", hint != null ? hint : "declare 'backend " + name + "'");
            return;
        }
        if (from.mode() == Mode.HTTP && be.mode() == Mode.TCP) {
            ctx.error(at, label, kw, "HTTP " + from.kind().word() + " '" + from.name() + "' cannot use TCP backend '" + name + "'", "put 'mode http' in backend '" + name + "' (or its defaults)");
        }
    }

    private void condition(Proxy p, Condition c, Location at, String kw) {
        if (c == null) return;
        for (String name : c.aclNames()) {
            // vxlb does not require the acl line to come first: a section's ACLs form one set.
            if (p.acls().stream().anyMatch(a -> a.name().equals(name))) continue;
            if (PredefinedAcls.find(name).isPresent()) continue;
            List<String> names = p.acls().stream().map(AclLine::name).distinct().toList();
            String hint = ClosestName.hint(name, names);
            if (hint == null) hint = "ACLs belong to the section that declares them; declare 'acl " + name + " ...' in " + p.kind().word() + " " + p.name();
            ctx.error(at, p.kind().word() + " " + p.name(), kw, "no ACL named '" + name + "' in " + p.kind().word() + " '" + p.name() + "'", hint);
        }
        for (SampleExpr e : c.sampleExprs()) exprRefs(p, e, at, kw);
    }

    private void logFormatRefs(Proxy p, LogFormat f, Location at, String kw) {
        if (f == null) return;
        for (SampleExpr e : f.sampleExprs()) exprRefs(p, e, at, kw);
    }

    /** nbsrv(BACKEND) and srv_is_up(BACKEND/SERVER) name things that must exist. */
    private void exprRefs(Proxy p, SampleExpr e, Location at, String kw) {
        String label = p.kind().word() + " " + p.name();
        for (String b : e.backendRefs()) {
            if (!backends.containsKey(b)) ctx.error(at, label, kw, "'" + e.text() + "' names backend '" + b + "', which does not exist", ClosestName.hint(b, backends.keySet()));
        }
        for (String ref : e.serverRefs()) {
            int slash = ref.indexOf('/');
            String b = slash < 0 ? p.name() : ref.substring(0, slash);
            String s = ref.substring(slash + 1);
            Proxy be = backends.get(b);
            if (be == null) ctx.error(at, label, kw, "'" + e.text() + "' names backend '" + b + "', which does not exist", ClosestName.hint(b, backends.keySet()));
            else if (be.server(s).isEmpty()) ctx.error(at, label, kw, "'" + e.text() + "' names server '" + s + "', which backend '" + b + "' does not have",
                    ClosestName.hint(s, be.servers().stream().map(Server::name).toList()));
        }
    }

    /** A tracked server must exist; following the chain must end on a server that checks, without loops. */
    private void track(Proxy p, Server s) {
        if (!s.tracks()) return;
        String label = p.kind().word() + " " + p.name();
        Set<String> seen = new HashSet<>();
        seen.add(p.name() + "/" + s.name());
        String be = s.trackBackend(), srv = s.trackServer();
        while (true) {
            Proxy target = backends.get(be);
            if (target == null) {
                ctx.error(s.location(), label, "track", "server '" + s.name() + "' tracks '" + be + "/" + srv + "' but there is no backend '" + be + "'",
                        Objects.requireNonNullElse(ClosestName.hint(be, backends.keySet()), "declare 'backend " + be + "' with a server '" + srv + "' that has 'check'"));
                return;
            }
            Server t = target.server(srv).orElse(null);
            if (t == null) {
                ctx.error(s.location(), label, "track", "server '" + s.name() + "' tracks '" + be + "/" + srv + "' but backend '" + be + "' has no server '" + srv + "'",
                        Objects.requireNonNullElse(ClosestName.hint(srv, target.servers().stream().map(Server::name).toList()),
                                "servers of backend '" + be + "': " + String.join(", ", target.servers().stream().map(Server::name).toList())));
                return;
            }
            if (!seen.add(be + "/" + srv)) {
                ctx.error(s.location(), label, "track", "server '" + s.name() + "' is in a tracking loop through '" + be + "/" + srv + "'", "the last server of a track chain must have 'check'");
                return;
            }
            if (t.tracks()) {
                be = t.trackBackend();
                srv = t.trackServer();
                continue;
            }
            if (!t.check()) {
                ctx.error(s.location(), label, "track", "server '" + s.name() + "' tracks '" + be + "/" + srv + "', which has no 'check'",
                        "add 'check' to server " + srv + " in backend " + be);
            }
            return;
        }
    }
}
