package io.vxlb.health;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vxlb.config.CheckSettings;
import io.vxlb.config.CheckStep;
import io.vxlb.config.Config;
import io.vxlb.config.Proxy;
import io.vxlb.config.Server;
import io.vxlb.runtime.ServerState;
import io.vxlb.runtime.SnapshotCompiler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Runs every server's active health check (one instance per node, on its own event loop, never
 * on a proxy verticle's). Each checked server has its own timer chain: check, judge with
 * {@link HealthStateMachine}, wait {@code inter}/{@code fastinter}/{@code downinter}, again.
 * Checks are non-blocking and each is bounded by its own deadline, so a slow or black-holed
 * server only delays itself. First checks are spread as HAProxy's start_checks() spreads them.
 *
 * <p>On every UP/DOWN change it logs HAProxy's line to the sink and publishes a
 * {@link HealthEvent} (JSON) on the event-bus address; servers tracking the changed one follow
 * with their own "via" event and line. Servers without {@code check} never change (always UP);
 * {@code disabled} servers start in maintenance (admin state) and are not logged.
 *
 * <pre>
 * vertx.deployVerticle(new HealthVerticle(() -&gt; config, HealthVerticle.ADDRESS, line -&gt; log(line)));
 * vertx.eventBus().&lt;JsonObject&gt;consumer(HealthVerticle.ADDRESS, m -&gt;
 *     states = HealthStates.apply(states, HealthEvent.fromJson(m.body())));
 * </pre>
 */
public final class HealthVerticle extends VerticleBase {
    public static final String ADDRESS = "vxlb.health.state";
    /** SRV_CHK_INTER_THRES: intervals below it do not dictate the start-up spread. */
    static final long CHK_INTER_THRES = 1000;

    private final Supplier<Config> configSupplier;
    private final String address;
    private final Consumer<String> log;
    /** Whether this node checks a server (cluster: its rendezvous owner); always true standalone. */
    private final Predicate<String> owns;
    /** The states the node already knows (shared verdicts of other owners), used at start. */
    private final Supplier<Map<String, ServerState>> known;

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Map<String, List<Entry>> trackersOf = new LinkedHashMap<>();
    private volatile Map<String, ServerState> states = Map.of();
    private NetClient client, sslClient;
    /** Check clients bound to a server's {@code source} address, by address (built in start()). */
    private final Map<String, NetClient> sourceClients = new java.util.HashMap<>(), sourceSslClients = new java.util.HashMap<>();
    private boolean stopped;

    /** One server of one backend, checked or not. */
    private static final class Entry {
        final Proxy proxy;
        final Server server;
        final String key;
        HealthStateMachine sm;
        Check check;
        Entry tracked;
        long timer = -1;
        boolean running;
        /** This node checks the server now (its results count). */
        boolean owned;

        Entry(Proxy proxy, Server server) {
            this.proxy = proxy;
            this.server = server;
            this.key = proxy.name() + "/" + server.name();
        }
    }

    public HealthVerticle(Supplier<Config> config, String address, Consumer<String> log) {
        this(config, address, log, k -> true, Map::of);
    }

    public HealthVerticle(Supplier<Config> config, String address, Consumer<String> log,
                          Predicate<String> owns, Supplier<Map<String, ServerState>> known) {
        this.configSupplier = Objects.requireNonNull(config);
        this.address = address != null ? address : ADDRESS;
        this.log = log != null ? log : System.err::println;
        this.owns = Objects.requireNonNull(owns);
        this.known = Objects.requireNonNull(known);
    }

    public HealthVerticle(Config config) {
        this(() -> config, ADDRESS, null);
    }

    /** The context the verticle runs on (null before deployment): call {@link #reown}/{@link #observe} there. */
    public io.vertx.core.Context context() {
        return context;
    }

    /** The current states, "backend/server" → state (safe from any thread). */
    public Map<String, ServerState> states() {
        return states;
    }

    @Override
    public Future<?> start() {
        Config config = configSupplier.get();
        Map<String, ServerState> initial = SnapshotCompiler.initialStates(config);
        initial.putAll(known.get());
        states = Map.copyOf(initial);
        client = vertx.createNetClient(checkClientOptions());
        boolean needSsl = false;
        for (Proxy p : config.backends()) {
            for (Server s : p.servers()) {
                Entry e = new Entry(p, s);
                entries.put(e.key, e);
                needSsl |= s.check() && (s.checkSsl() || p.checks().tcpCheckSteps().stream()
                        .anyMatch(st -> st instanceof CheckStep.Connect c && c.ssl()));
            }
        }
        if (needSsl) {
            sslClient = vertx.createNetClient(sslCheckClientOptions());
        }
        for (Entry e : entries.values()) {
            if (e.server.tracks()) {
                String tb = e.server.trackBackend() != null ? e.server.trackBackend() : e.proxy.name();
                Entry target = entries.get(tb + "/" + e.server.trackServer());
                if (target != null) {
                    e.tracked = target;
                    trackersOf.computeIfAbsent(target.key, k -> new ArrayList<>()).add(e);
                }
            } else if (e.server.check()) {
                e.sm = new HealthStateMachine(e.server.rise(), e.server.fall(), e.server.inter(), e.server.fastinter(), e.server.downinter());
                e.check = createCheck(e.proxy, e.server);
            }
        }
        // start_checks(): spread the first checks over the smallest interval >= 1s
        List<Entry> checked = entries.values().stream().filter(e -> e.check != null).toList();
        long mininter = 0;
        for (Entry e : checked) {
            long i = e.sm.nextInterval();
            if (i >= CHK_INTER_THRES && (mininter == 0 || mininter > i)) mininter = i;
        }
        for (int pos = 0; pos < checked.size(); pos++) {
            Entry e = checked.get(pos);
            e.owned = owns.test(e.key);
            if (!e.owned) continue;
            startFrom(e);
            long m = Math.max(mininter, e.sm.nextInterval());
            schedule(e, m * pos / checked.size());
        }
        return Future.succeededFuture();
    }

    /** A server this node starts checking continues from the verdict the cluster already has. */
    private void startFrom(Entry e) {
        ServerState st = states.get(e.key);
        if (st != null && !st.up()) e.sm.startDown();
    }

    /**
     * Membership changed: start checking the servers this node now owns (from the shared verdict,
     * soon), stop the ones another member owns. Call on this verticle's context.
     */
    public void reown() {
        if (stopped) return;
        for (Entry e : entries.values()) {
            if (e.check == null) continue;
            boolean now = owns.test(e.key);
            if (now == e.owned) continue;
            e.owned = now;
            if (now) {
                e.sm = new HealthStateMachine(e.server.rise(), e.server.fall(), e.server.inter(), e.server.fastinter(), e.server.downinter());
                startFrom(e);
                schedule(e, 1 + (long) (Math.random() * Math.min(1000, e.sm.nextInterval())));
            } else if (e.timer >= 0) {
                vertx.cancelTimer(e.timer);
                e.timer = -1;
            }
        }
    }

    /** Another owner's verdict (cluster): kept so counts and a later take-over start from it. Call on this verticle's context. */
    public void observe(HealthEvent ev) {
        Entry e = entries.get(ev.key());
        if (e == null || e.owned) return;
        ServerState st = states.get(ev.key());
        if (st == null || st.up() != ev.up()) setUp(ev.key(), ev.up());
    }

    @Override
    public Future<?> stop() {
        stopped = true;
        for (Entry e : entries.values()) if (e.timer >= 0) vertx.cancelTimer(e.timer);
        List<Future<?>> closes = new ArrayList<>();
        if (client != null) closes.add(client.close());
        if (sslClient != null) closes.add(sslClient.close());
        for (NetClient c : sourceClients.values()) closes.add(c.close());
        for (NetClient c : sourceSslClients.values()) closes.add(c.close());
        return Future.join(closes);
    }

    private Check createCheck(Proxy p, Server s) {
        String source = Server.sourceHost(s.source());
        if (source == null) return createCheck(vertx, client, sslClient, p, s);
        // HAProxy's checks leave from the server's 'source' address too: one client pair per address
        NetClient plain = sourceClients.computeIfAbsent(source, a -> vertx.createNetClient(checkClientOptions().setLocalAddress(a)));
        NetClient ssl = sslClient == null ? null
                : sourceSslClients.computeIfAbsent(source, a -> vertx.createNetClient(sslCheckClientOptions().setLocalAddress(a)));
        return createCheck(vertx, plain, ssl, p, s);
    }

    private static NetClientOptions checkClientOptions() {
        return new NetClientOptions().setConnectTimeout(120_000).setReuseAddress(true);
    }

    private static NetClientOptions sslCheckClientOptions() {
        return new NetClientOptions().setSsl(true).setTrustAll(true).setHostnameVerificationAlgorithm("").setConnectTimeout(120_000);
    }

    /** The check a server of backend {@code p} gets: its backend's check kind, its addr/port overrides. */
    public static Check createCheck(io.vertx.core.Vertx vertx, NetClient client, NetClient sslClient, Proxy p, Server s) {
        String host = s.checkAddress() != null ? s.checkAddress() : s.address();
        int port = s.checkPort() > 0 ? s.checkPort() : s.port();
        // HAProxy: checks speak the PROXY protocol with check-send-proxy, or when the server's traffic
        // does and the check goes to the server's own address and port
        int pp = s.sendProxy() > 0 && (s.checkSendProxy() || (s.checkAddress() == null && s.checkPort() <= 0)) ? s.sendProxy()
                : s.checkSendProxy() ? 1 : 0;
        CheckTarget t = new CheckTarget(vertx, client, sslClient, host, port, s.inter(),
                p.timeouts().connect(), p.timeouts().check(), pp);
        CheckSettings cs = p.checks();
        return switch (cs.kind()) {
            case HTTP -> new HttpCheck(t, s.checkSsl(), cs.httpRequest(), cs.httpCheckSteps());
            case TCP_CHECK -> new TcpCheck(t, s.checkSsl(), cs.tcpCheckSteps(), false);
            case REDIS -> new TcpCheck(t, s.checkSsl(), TcpCheck.REDIS_STEPS, true);
            case MYSQL -> TcpCheck.mysql(t, s.checkSsl(), cs.mysql() != null ? cs.mysql() : CheckSettings.Mysql.NO_USER);
            default -> new ConnectCheck(t, s.checkSsl());
        };
    }

    private void schedule(Entry e, long delay) {
        if (stopped) return;
        e.timer = vertx.setTimer(Math.max(1, delay), id -> {
            e.timer = -1;
            runCheck(e);
        });
    }

    private void runCheck(Entry e) {
        if (stopped || e.running) return;
        e.running = true;
        e.check.run().onComplete(ar -> {
            e.running = false;
            if (stopped || !e.owned) return;  // stopped, or re-owned by another member meanwhile
            CheckResult r = ar.succeeded() ? ar.result()
                    : new CheckResult(CheckStatus.SOCKERR, 0, String.valueOf(ar.cause().getMessage()), -1);
            onResult(e, r);
            schedule(e, e.sm.nextInterval());
        });
    }

    private void onResult(Entry e, CheckResult r) {
        if (!e.sm.record(r.passed())) return;
        boolean up = e.sm.up();
        int before = usable(e.proxy.name());
        setUp(e.key, up);
        String line = line(e, up, r.reasonText(), usableCounts(e.proxy));
        emit(e, up, r, null, line, before);
        propagate(e, up);
    }

    /** Trackers follow their target, nearest first, each with its "via" line. */
    private void propagate(Entry target, boolean up) {
        for (Entry t : trackersOf.getOrDefault(target.key, List.of())) {
            ServerState st = states.get(t.key);
            if (st != null && st.up() == up) continue;
            int before = usable(t.proxy.name());
            setUp(t.key, up);
            String via = target.key;
            String line = line(t, up, null, usableCounts(t.proxy)).replaceFirst(" is (UP|DOWN)\\.", " is $1 via " + via + ".");
            emit(t, up, null, via, line, before);
            propagate(t, up);
        }
    }

    private void emit(Entry e, boolean up, CheckResult r, String via, String line, int usableBefore) {
        ServerState st = states.get(e.key);
        boolean maint = st != null && st.admin() == ServerState.Admin.MAINT;
        if (!maint) {
            log.accept(line);
            if (usableBefore > 0 && usable(e.proxy.name()) == 0) log.accept("backend " + e.proxy.name() + " has no server available!");
        }
        int[] counts = usableCounts(e.proxy);
        HealthStateMachine sm = e.sm;
        HealthEvent ev = new HealthEvent(e.proxy.name(), e.server.name(), up, e.server.backup(),
                r == null ? null : r.status().shortName, r == null ? null : r.status().description,
                r == null ? null : r.code(), r == null ? null : r.info(), r == null ? -1 : r.durationMs(),
                sm == null ? 0 : sm.health(), e.server.rise(), e.server.fall(), counts[0], counts[1], via, line,
                System.currentTimeMillis());
        vertx.eventBus().publish(address, ev.toJson());
    }

    private void setUp(String key, boolean up) {
        ServerState old = states.get(key);
        Map<String, ServerState> next = new java.util.HashMap<>(states);
        next.put(key, new ServerState(up, old != null ? old.admin() : ServerState.Admin.READY, old != null ? old.weight() : 1));
        states = Map.copyOf(next);
    }

    private int usable(String backend) {
        int[] c = usableCounts(entries.values().stream().filter(x -> x.proxy.name().equals(backend)).findFirst().map(x -> x.proxy).orElseThrow());
        return c[0] + c[1];
    }

    /** srv_act / srv_bck: usable active and backup servers (up, ready, weight &gt; 0). */
    private int[] usableCounts(Proxy p) {
        int active = 0, backup = 0;
        for (Server s : p.servers()) {
            ServerState st = states.get(p.name() + "/" + s.name());
            if (st == null || !st.usable()) continue;
            if (s.backup()) backup++;
            else active++;
        }
        return new int[] {active, backup};
    }

    /** src/server.c srv_update_status() + srv_append_status(), without the final newline. */
    private static String line(Entry e, boolean up, String reason, int[] counts) {
        StringBuilder sb = new StringBuilder();
        sb.append(e.server.backup() ? "Backup Server " : "Server ").append(e.key).append(up ? " is UP" : " is DOWN");
        if (reason != null) sb.append(", ").append(reason);
        String onBackup = counts[1] > 0 && counts[0] == 0 ? " Running on backup." : "";
        if (up) {
            sb.append(". ").append(counts[0]).append(" active and ").append(counts[1]).append(" backup servers online.")
                    .append(onBackup).append(" 0 sessions requeued, 0 total in queue.");
        } else {
            sb.append(". ").append(counts[0]).append(" active and ").append(counts[1]).append(" backup servers left.")
                    .append(onBackup).append(" 0 sessions active, 0 requeued, 0 remaining in queue.");
        }
        return sb.toString();
    }
}
