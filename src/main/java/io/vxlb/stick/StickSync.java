package io.vxlb.stick;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vxlb.cluster.ClusterSecret;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Cluster-wide stick counters. The request path only updates the node's own tables; every
 * {@code interval} this verticle takes each table's unsent local changes (per key: counter and
 * rate deltas, tags with their versions) and publishes them on {@link #ADDRESS}, sealed with the
 * cluster secret. Every other node adds the deltas to its entries (counters and rates merge by
 * sum; gpt0 and server_id by newest version), so each node reads the cluster's totals, at most
 * one interval (plus delivery) late.
 *
 * <p>The bound this gives a limit of R per period over N nodes: each node can admit what the
 * others admitted during the last interval without having seen it, so at most {@code R + (N-1) ×
 * r × interval} get through, r being the request rate one node receives. With the default 100 ms
 * and a 10 s period that is ≤ 1% over R for any r ≤ R/(N-1) per second.
 *
 * <p>Messages are refused unless they open with the secret, come from another node, carry a
 * sequence number above the sender's last one (no replay), name a table this node runs with the
 * same layout, and hold only valid keys and bounded deltas. Also purges expired entries once a
 * second (on a standalone node too).
 */
public final class StickSync extends AbstractVerticle {
    private static final Logger LOG = Logger.getLogger(StickSync.class.getName());
    public static final String ADDRESS = "vxlb.stick.deltas";
    public static final String PURPOSE = "vxlb-stick-v1";
    /** Entries per message: a burst of new keys is cut into messages of this size. */
    static final int MAX_ENTRIES = 2000;
    /** Default sync interval (ms); -Dvxlb.stick.sync-interval or VXLB_STICK_SYNC_INTERVAL override it. */
    public static final long DEFAULT_INTERVAL_MS = 100;

    private final ClusterSecret secret;
    private final String selfId;
    private final Supplier<StickTables> tables;
    private final long intervalMs;
    private final String epoch = java.util.UUID.randomUUID().toString();
    private long seq;
    /** Last sequence number seen per sender epoch. */
    private final Map<String, Long> seen = new ConcurrentHashMap<>();
    private MessageConsumer<Object> consumer;
    private long lastRefusalLog;

    public StickSync(ClusterSecret secret, String selfId, Supplier<StickTables> tables, long intervalMs) {
        this.secret = secret;
        this.selfId = selfId;
        this.tables = tables;
        this.intervalMs = Math.max(1, intervalMs);
    }

    /** The interval from -Dvxlb.stick.sync-interval / VXLB_STICK_SYNC_INTERVAL (a duration: 100ms, 1s), else 100 ms. */
    public static long configuredInterval() {
        String v = System.getProperty("vxlb.stick.sync-interval", System.getenv("VXLB_STICK_SYNC_INTERVAL"));
        if (v == null || v.isBlank()) return DEFAULT_INTERVAL_MS;
        try {
            return Math.max(1, io.vxlb.config.Units.durationMillis(v.trim()));
        } catch (IllegalArgumentException e) {
            LOG.warning("ignoring stick sync interval '" + v + "': " + e.getMessage() + "; using " + DEFAULT_INTERVAL_MS + " ms");
            return DEFAULT_INTERVAL_MS;
        }
    }

    @Override
    public void start(Promise<Void> started) {
        boolean clustered = vertx.isClustered();
        vertx.setPeriodic(1000, id -> {
            for (StickTable t : tables.get().all().values()) t.purgeExpired();
        });
        if (!clustered) {
            started.complete();
            return;
        }
        tables.get().enableSync();  // before the first tick: no event of the first interval is lost
        vertx.setPeriodic(intervalMs, id -> publish());
        consumer = vertx.eventBus().consumer(ADDRESS, m -> receive(m.body()));
        consumer.completion().onComplete(started);
    }

    private void publish() {
        StickTables current = tables.get();
        for (int round = 0; round < 50; round++) {
            JsonObject byTable = new JsonObject();
            int n = 0;
            for (StickTable t : current.all().values()) {
                if (n >= MAX_ENTRIES) break;
                JsonArray d = t.takeDeltas(MAX_ENTRIES - n);
                if (d.isEmpty()) continue;
                n += d.size();
                byTable.put(t.name(), new JsonObject().put("sig", t.signature()).put("e", d));
            }
            if (n == 0) return;
            JsonObject payload = new JsonObject().put("node", selfId).put("epoch", epoch).put("seq", ++seq).put("tables", byTable);
            vertx.eventBus().publish(ADDRESS, secret.seal(PURPOSE, payload));
        }
    }

    void receive(Object body) {
        ClusterSecret.Opened o = secret.open(PURPOSE, body);
        if (o.payload() == null) {
            refused(o.refusal());
            return;
        }
        JsonObject p = o.payload();
        if (!(p.getValue("node") instanceof String node) || !(p.getValue("epoch") instanceof String ep)
                || !(p.getValue("seq") instanceof Number seqn) || !(p.getValue("tables") instanceof JsonObject byTable)) {
            refused("malformed");
            return;
        }
        if (node.equals(selfId)) return;
        long s = seqn.longValue();
        Long last = seen.get(ep);
        if (last != null && s <= last) {
            refused("replayed or out of order (sequence " + s + ")");
            return;
        }
        seen.put(ep, s);
        if (seen.size() > 10_000) seen.clear();  // epochs of restarted senders: bounded
        StickTables current = tables.get();
        for (Map.Entry<String, Object> e : byTable) {
            StickTable t = current.get(e.getKey());
            if (t == null || !(e.getValue() instanceof JsonObject one)) continue;  // a table this node does not run (reload in progress)
            if (!t.signature().equals(one.getString("sig")) || !(one.getValue("e") instanceof JsonArray list)) continue;
            String why = t.applyDeltas(list);
            if (why != null) refused("table " + t.name() + ": " + why);
        }
    }

    private void refused(String why) {
        long now = System.currentTimeMillis();
        if (now - lastRefusalLog < 1000) return;
        lastRefusalLog = now;
        LOG.warning("refused stick table deltas: " + why);
    }
}
