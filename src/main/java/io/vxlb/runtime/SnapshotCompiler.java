package io.vxlb.runtime;

import io.vxlb.config.AclLine;
import io.vxlb.config.Config;
import io.vxlb.action.ActionCompiler;
import io.vxlb.config.HttpRule;
import io.vxlb.config.Proxy;
import io.vxlb.config.Redirect;
import io.vxlb.config.Server;
import io.vxlb.lb.Balancer;
import io.vxlb.lb.ChashBalancer;
import io.vxlb.lb.FirstBalancer;
import io.vxlb.lb.FwrrBalancer;
import io.vxlb.lb.HashKey;
import io.vxlb.lb.LeastconnBalancer;
import io.vxlb.lb.MapHashBalancer;
import io.vxlb.lb.RandomBalancer;
import io.vxlb.maps.MapSource;
import io.vxlb.rules.AclDef;
import io.vxlb.rules.CompiledCondition;
import io.vxlb.rules.CompiledLogFormat;
import io.vxlb.rules.Condition;
import io.vxlb.rules.Direction;
import io.vxlb.rules.LogFormat;
import io.vxlb.rules.RegexDialect;
import io.vxlb.rules.RuleCompiler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns a validated {@link Config} into a {@link Snapshot}: every condition, log-format, regex
 * and map lookup compiled once, so the request path only evaluates.
 */
public final class SnapshotCompiler {
    private final RuleCompiler rules;
    /** Server counters carried over from the previous snapshot, by "backend/server". */
    private final Map<String, ServerRuntime> previous;
    /** Balancers of the snapshot being replaced, by backend: stateful ones (roundrobin) carry on. */
    private final Map<String, Balancer> previousBalancers;
    private final java.util.function.Function<String, Path> files;

    public SnapshotCompiler(MapSource maps, Map<String, ServerRuntime> previous) {
        this(maps, previous, null);
    }

    /** {@code replaced}: the snapshot the new one replaces (null for the first), for counters and balancer state. */
    public SnapshotCompiler(MapSource maps, Map<String, ServerRuntime> previous, Snapshot replaced) {
        this(maps, previous, replaced, Path::of);
    }

    /**
     * {@code files}: the file to read for a path the configuration names ({@code return file}, ACL
     * {@code -f}); it may refuse by throwing (a configuration pushed through the admin API may
     * only name allowed files, see {@link io.vxlb.config.FilePolicy}).
     */
    public SnapshotCompiler(MapSource maps, Map<String, ServerRuntime> previous, Snapshot replaced, java.util.function.Function<String, Path> files) {
        this.files = files;
        this.rules = new RuleCompiler(maps, this::readPatternFile);
        this.previous = previous;
        Map<String, Balancer> b = new HashMap<>();
        if (replaced != null) for (CompiledBackend cb : replaced.backends().values()) b.put(cb.name(), cb.balancer());
        this.previousBalancers = b;
        this.previousTables = replaced == null ? null : replaced.stickTables();
        this.previousProcVars = replaced == null ? null : replaced.procVars();
    }

    /** vxlb-stick: the replaced snapshot's tables, whose entries a reload keeps. */
    private final io.vxlb.stick.StickTables previousTables;
    private final io.vxlb.rules.Vars.Process previousProcVars;

    /** "return file F": read once when the snapshot is built, never on the request path. */
    private io.vertx.core.buffer.Buffer readBody(String path) {
        try {
            return io.vertx.core.buffer.Buffer.buffer(Files.readAllBytes(files.apply(path)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read 'return file " + path + "': " + e.getMessage(), e);
        }
    }

    private List<String> readPatternFile(String path) {
        try {
            // bytes as HAProxy sees them: one char per byte, lines split on LF only
            String text = Files.readString(files.apply(path), java.nio.charset.StandardCharsets.ISO_8859_1);
            return List.of(text.split("\n", -1));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read pattern file '" + path + "': " + e.getMessage(), e);
        }
    }

    /**
     * global set-var / set-var-fmt, in order, once per compilation: nothing but constants and
     * proc variables exist then (HAProxy evaluates them without a stream). A sample that cannot
     * be made leaves the variable as it was, as set-var does.
     */
    private void globalSetVars(Config config, io.vxlb.rules.Vars.Process procVars) {
        io.vxlb.rules.Txn none = new io.vxlb.rules.ProcessTxn(procVars);
        for (io.vxlb.config.GlobalSection.SetVar v : config.global().setVars()) {
            procVars.declare(v.name());
            Object value = v.expr() != null ? rules.compile(v.expr(), Direction.REQUEST).eval(none)
                    : rules.compile(v.format(), Direction.REQUEST).format(none);
            if (value != null) procVars.set(v.name(), value, 0);
        }
    }

    /** The proxy's error pages, read once (a listen section's two halves share them). */
    private ErrorReplies errorReplies(Proxy p, Config config) {
        return errorPages.computeIfAbsent(p.name(), n -> ErrorReplies.compile(p, files, bufsize(config), r -> r.response(errorReplyCompiler)));
    }

    private final Map<String, ErrorReplies> errorPages = new HashMap<>();

    /** http-error replies: their log-formats may read the request and the response (HAProxy's ARGC_HERR). */
    private final ActionCompiler errorReplyCompiler = new ActionCompiler() {
        @Override public CompiledLogFormat format(LogFormat f) { return fmt(f, Direction.RESPONSE); }

        @Override public Pattern regex(String re) { return RegexDialect.compile(re, false); }

        @Override public io.vxlb.rules.CompiledSample sample(io.vxlb.rules.SampleExpr e) { return rules.compile(e, Direction.RESPONSE); }

        @Override public CompiledRedirect redirect(Redirect r) { throw new IllegalStateException("an http-error reply does not redirect"); }

        @Override public io.vertx.core.buffer.Buffer file(String path) { return readBody(path); }
    };

    /** {@code tune.bufsize}, HAProxy's bound on an error file (default 16384). */
    private static int bufsize(Config config) {
        String v = config.global().tune().get("tune.bufsize");
        try {
            return v == null ? 16384 : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return 16384;
        }
    }

    public Snapshot compile(long version, Config config, Map<String, ServerState> states) {
        errorPages.clear();
        Map<String, CompiledFrontend> frontends = new LinkedHashMap<>();
        Map<String, CompiledBackend> backends = new LinkedHashMap<>();
        io.vxlb.stick.StickTables stickTables = io.vxlb.stick.StickTables.of(config, previousTables);
        rules.stickTables(stickTables);
        // proc variables live as long as the node: a reload keeps them and runs global set-var again
        io.vxlb.rules.Vars.Process procVars = previousProcVars != null ? previousProcVars : new io.vxlb.rules.Vars.Process();
        rules.procVars(procVars);
        globalSetVars(config, procVars);
        for (Proxy p : config.proxies()) {
            rules.currentProxy(p.name());
            Map<String, List<AclDef>> acls = acls(p);
            if (p.kind().hasFrontend()) {
                List<CompiledSwitch> switches = new ArrayList<>();
                for (var s : p.backendSwitches()) {
                    switches.add(new CompiledSwitch(s.backend(), s.dynamic() == null ? null : rules.compile(s.dynamic()), cond(s.condition(), acls)));
                }
                frontends.put(p.name(), new CompiledFrontend(p, httpRules(p.httpRequestRules(), acls, Direction.REQUEST), httpRules(p.httpResponseRules(), acls, Direction.RESPONSE),
                        redirects(p.redirects(), acls), switches, p.defaultBackend(), logLine(p), errorReplies(p, config),
                        p.uniqueIdFormat() == null ? null : rules.compile(io.vxlb.rules.LogFormatParser.parse(p.uniqueIdFormat().text(), true), Direction.REQUEST),  // a missing sample is empty here (measured)
                        tcpRules(p, acls), httpRules(p.httpAfterResponseRules(), acls, Direction.RESPONSE)));
            }
            if (p.kind().hasBackend()) {
                List<ServerRuntime> servers = new ArrayList<>();
                for (Server s : p.servers()) {
                    ServerRuntime old = previous.get(p.name() + "/" + s.name());
                    servers.add(old != null && old.server.equals(s) ? old : new ServerRuntime(p.name(), s));
                }
                linkBackendQueue(p.name(), servers);
                List<CompiledSwitch> useServer = new ArrayList<>();
                for (var u : p.useServerRules()) useServer.add(new CompiledSwitch(u.server(), null, cond(u.condition(), acls)));
                Balancer balancer = balancer(p, List.copyOf(servers), states, hashKey(p), previousBalancers.get(p.name()));
                backends.put(p.name(), new CompiledBackend(p, httpRules(p.httpRequestRules(), acls, Direction.REQUEST), httpRules(p.httpResponseRules(), acls, Direction.RESPONSE),
                        redirects(p.redirects(), acls), useServer, List.copyOf(servers), balancer,
                        io.vxlb.proxy.PersistenceCookie.of(p.cookie(), servers), errorReplies(p, config),
                        tcpRules(p, acls), httpRules(p.httpAfterResponseRules(), acls, Direction.RESPONSE), stickPersistence(p, acls, stickTables)));
            }
        }
        return new Snapshot(version, config, Map.copyOf(frontends), Map.copyOf(backends), Map.copyOf(states), stickTables, procVars);
    }

    /**
     * Gives the servers of a backend their shared backend queue when one of them has maxconn: the
     * queue of the previous configuration when there was one (requests waiting in it across a
     * reload stay reachable), else a new one.
     */
    private void linkBackendQueue(String backend, List<ServerRuntime> servers) {
        boolean limited = false;
        for (ServerRuntime s : servers) limited |= s.server.maxconn() > 0;
        RequestQueue q = null;
        if (limited) {
            for (ServerRuntime old : previous.values()) {
                if (old.backend.equals(backend) && old.backendQueue != null) {
                    q = old.backendQueue;
                    break;
                }
            }
            if (q == null) q = new RequestQueue();
        }
        for (ServerRuntime s : servers) s.backendQueue = q;
    }

    /**
     * The same snapshot with new server states (a health or admin change): compiled rules are
     * kept, balancers are rebuilt so they see which servers are usable (roundrobin's FWRR state
     * carries on, as HAProxy's does).
     */
    public static Snapshot withStates(Snapshot old, Map<String, ServerState> states) {
        Map<String, CompiledBackend> backends = new LinkedHashMap<>();
        for (CompiledBackend b : old.backends().values()) {
            backends.put(b.name(), new CompiledBackend(b.proxy(), b.requestRules(), b.responseRules(), b.redirects(),
                    b.useServerRules(), b.servers(), balancer(b.proxy(), b.servers(), states, hashKey(b.proxy(), b.balancer()), b.balancer()), b.cookie(), b.errorReplies(),
                    b.tcpRules(), b.afterResponseRules(), b.stick()));
        }
        return new Snapshot(old.version() + 1, old.config(), old.frontends(), Map.copyOf(backends), Map.copyOf(states), old.stickTables(), old.procVars());
    }

    /**
     * An HTTP frontend's custom log line: its {@code log-format} (samples read the request, as
     * HAProxy fetches them with SMP_OPT_DIR_REQ at log time) or the CLF one; null for the
     * built-in httplog line and for TCP frontends (their tcplog line is built in).
     */
    private io.vxlb.rules.CompiledLogFormat logLine(Proxy p) {
        if (p.mode() != io.vxlb.config.Mode.HTTP) return null;
        if (p.logFormat() != null) {
            return rules.compile(io.vxlb.rules.LogFormatParser.parseLogLine(p.logFormat().text()), Direction.REQUEST);  // "-" for a missing sample, as HAProxy's log lines
        }
        return p.options().httplog() && p.options().httplogClf() ? rules.compile(io.vxlb.rules.LogFormat.CLF, Direction.REQUEST) : null;
    }

    /** What a hash-based algorithm hashes; "balance hash EXPR" compiles its expression once here. */
    private HashKey hashKey(Proxy p) {
        io.vxlb.config.Balance b = p.balance();
        return new HashKey(b, p.hashType(), b.algorithm() == io.vxlb.config.Balance.Algorithm.HASH
                ? rules.compile(io.vxlb.rules.SampleExprParser.parse(b.parameter())) : null);
    }

    /** The previous balancer's key, so a state change does not recompile "balance hash EXPR". */
    private static HashKey hashKey(Proxy p, Balancer previous) {
        if (previous instanceof MapHashBalancer m) return m.hashKey();
        if (previous instanceof ChashBalancer c) return c.hashKey();
        return new HashKey(p.balance(), p.hashType(), null);
    }

    /**
     * One balancer per backend and snapshot, in HAProxy's placement for every algorithm;
     * {@code previous} (the replaced snapshot's, or null) lets roundrobin continue its order.
     */
    private static Balancer balancer(Proxy p, List<ServerRuntime> servers, Map<String, ServerState> states, HashKey key, Balancer previous) {
        boolean all = p.options().allbackups();
        return switch (p.balance().algorithm()) {
            case ROUNDROBIN -> FwrrBalancer.of(servers, states, all, previous);
            case LEASTCONN -> new LeastconnBalancer(servers, states, all);
            case FIRST -> new FirstBalancer(servers, states, all);
            case STATIC_RR -> new MapHashBalancer(key, servers, states, all);
            case RANDOM -> new RandomBalancer(p.balance().draws(), servers, states, all);
            case URI, URL_PARAM, HDR, SOURCE, HASH -> p.hashType().method() == io.vxlb.config.HashType.Method.CONSISTENT
                    ? new ChashBalancer(key, servers, states, all)
                    : new MapHashBalancer(key, servers, states, all);
            // rdp-cookie is refused by the parser
            default -> new FwrrBalancer(servers, states, all);
        };
    }

    /** vxlb-stick: the backend's stick rules bound to their tables, null without any. */
    private io.vxlb.stick.StickPersistence stickPersistence(Proxy p, Map<String, List<AclDef>> acls, io.vxlb.stick.StickTables tables) {
        if (p.stick().rules().isEmpty()) return null;
        List<io.vxlb.stick.StickPersistence.Rule> out = new ArrayList<>();
        for (io.vxlb.config.StickRule r : p.stick().rules()) {
            Direction dir = r.kind() == io.vxlb.config.StickRule.Kind.STORE_RESPONSE ? Direction.RESPONSE : Direction.REQUEST;
            io.vxlb.stick.StickTable t = tables.get(r.table() != null ? r.table() : p.name());
            if (t == null) throw new IllegalStateException("stick " + r.kind().word + ": no stick-table '" + (r.table() != null ? r.table() : p.name()) + "'");
            out.add(new io.vxlb.stick.StickPersistence.Rule(r.kind(), t, rules.compile(r.key(), dir), cond(r.condition(), acls, dir)));
        }
        return new io.vxlb.stick.StickPersistence(out, p.stick().nonStickServers());
    }

    /** Default server states: up (checks start UP in HAProxy), maintenance when "disabled", configured weight. */
    public static Map<String, ServerState> initialStates(Config config) {
        Map<String, ServerState> states = new HashMap<>();
        for (Proxy p : config.backends()) {
            for (Server s : p.servers()) {
                states.put(p.name() + "/" + s.name(), new ServerState(true, s.disabled() ? ServerState.Admin.MAINT : ServerState.Admin.READY, s.weight()));
            }
        }
        return states;
    }

    private static Map<String, List<AclDef>> acls(Proxy p) {
        Map<String, List<AclDef>> m = new HashMap<>();
        for (AclLine a : p.acls()) m.computeIfAbsent(a.name(), k -> new ArrayList<>()).add(a.acl());
        return m;
    }

    private CompiledCondition cond(Condition c, Map<String, List<AclDef>> acls) {
        return cond(c, acls, Direction.REQUEST);
    }

    private CompiledCondition cond(Condition c, Map<String, List<AclDef>> acls, Direction dir) {
        return c == null ? null : rules.compile(c, acls, dir);
    }

    private CompiledLogFormat fmt(LogFormat f) {
        return fmt(f, Direction.REQUEST);
    }

    private CompiledLogFormat fmt(LogFormat f, Direction dir) {
        return f == null ? null : rules.compile(f, dir);
    }

    private List<CompiledRedirect> redirects(List<Redirect> list, Map<String, List<AclDef>> acls) {
        List<CompiledRedirect> out = new ArrayList<>();
        for (Redirect r : list) out.add(redirect(r, acls));
        return List.copyOf(out);
    }

    private CompiledRedirect redirect(Redirect r, Map<String, List<AclDef>> acls) {
        return new CompiledRedirect(r, fmt(r.target()), cond(r.condition(), acls));
    }

    /** tcp-request / tcp-response rules: conditions and action samples compiled once (response rules read the response side). */
    private CompiledTcpRules tcpRules(Proxy p, Map<String, List<AclDef>> acls) {
        io.vxlb.config.TcpRules t = p.tcpRules();
        if (t.isEmpty()) return t.inspectDelay() == 0 && t.responseInspectDelay() == 0 ? CompiledTcpRules.NONE
                : new CompiledTcpRules(t.inspectDelay(), List.of(), List.of(), List.of(), t.responseInspectDelay(), List.of());
        return new CompiledTcpRules(t.inspectDelay(), tcpRules(t.connection(), acls, Direction.REQUEST), tcpRules(t.session(), acls, Direction.REQUEST),
                tcpRules(t.content(), acls, Direction.REQUEST), t.responseInspectDelay(), tcpRules(t.responseContent(), acls, Direction.RESPONSE));
    }

    private List<CompiledTcpRules.Rule> tcpRules(List<io.vxlb.config.TcpRule> list, Map<String, List<AclDef>> acls, Direction dir) {
        List<CompiledTcpRules.Rule> out = new ArrayList<>();
        for (io.vxlb.config.TcpRule r : list) {
            io.vxlb.rules.SampleExpr e = null;
            if (r.action() instanceof io.vxlb.config.TcpAction.SetVar v) {
                e = v.format() != null ? null : v.expr();
                rules.declare(v.variable());
            }
            else if (r.action() instanceof io.vxlb.config.TcpAction.SetAddress a) e = a.expr();
            else if (r.action() instanceof io.vxlb.config.TcpAction.SetPort a) e = a.expr();
            else if (r.action() instanceof io.vxlb.config.TcpAction.TrackSc a) e = a.key();  // vxlb-stick
            else if (r.action() instanceof io.vxlb.config.TcpAction.ScSetGpt0 a) e = a.expr();
            io.vxlb.rules.CompiledLogFormat fmt = r.action() instanceof io.vxlb.config.TcpAction.SetVar v && v.format() != null ? fmt(v.format(), dir) : null;
            out.add(new CompiledTcpRules.Rule(r.location(), r.action(), cond(r.condition(), acls, dir), e == null ? null : rules.compile(e, dir), fmt));
        }
        return List.copyOf(out);
    }

    private List<CompiledRule> httpRules(List<HttpRule> list, Map<String, List<AclDef>> acls, Direction dir) {
        ActionCompiler c = new ActionCompiler() {
            @Override public CompiledLogFormat format(LogFormat f) { return fmt(f, dir); }

            @Override public Pattern regex(String re) { return RegexDialect.compile(re, false); }

            @Override public io.vxlb.rules.CompiledSample sample(io.vxlb.rules.SampleExpr e) { return rules.compile(e, dir); }

            @Override public CompiledRedirect redirect(Redirect r) { return SnapshotCompiler.this.redirect(r, acls); }

            @Override public io.vertx.core.buffer.Buffer file(String path) { return readBody(path); }

            @Override public void declareVariable(String name) { rules.declare(name); }
        };
        List<CompiledRule> out = new ArrayList<>();
        for (HttpRule r : list) {
            out.add(new CompiledRule(r.location(), r.action().keyword(), cond(r.condition(), acls, dir), r.action().compile(c)));
        }
        return List.copyOf(out);
    }
}
