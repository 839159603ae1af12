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
 * <p>A node that joins learns the tables as they are (HAProxy's peers "teach" a new peer): it
 * asks one other node on {@link #TEACH}, which sends it every entry's totals on the joiner's own
 * address, then answers with how many messages it sent; the joiner starts serving once it has
 * them (or after {@link #LEARN_TIMEOUT_MS}). Deltas published while the copy is made can be
 * counted twice on the joiner: at most one sync interval's traffic, which only makes a limit
 * stricter for that moment.
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
    public static final String TEACH = "vxlb.stick.teach";
    /** This node's admin API or CLI cleared entries (local address): the other nodes clear them too. */
    static final String CLEARED = "vxlb.stick.cleared";
    static final String TEACH_PURPOSE = "vxlb-stick-teach-v1";
    /** How long a joiner waits for its copy of the tables before it serves without (the rest still applies when it comes). */
    static final long LEARN_TIMEOUT_MS = 3000;
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
    private MessageConsumer<Object> consumer, teacher, learner;
    private final String nonce = java.util.UUID.randomUUID().toString();
    private int learned = 0, toLearn = -1;
    private Promise<Void> learning;
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
        vertx.eventBus().localConsumer(CLEARED, m -> {
            if (clustered && m.body() instanceof JsonObject c) {
                JsonObject payload = new JsonObject().put("node", selfId).put("epoch", epoch).put("seq", ++seq).put("tables", new JsonObject()).put("clear", c);
                vertx.eventBus().publish(ADDRESS, secret.seal(PURPOSE, payload));
            }
        });
        if (!clustered) {
            started.complete();
            return;
        }
        tables.get().enableSync();  // before the first tick: no event of the first interval is lost
        vertx.setPeriodic(intervalMs, id -> publish());
        consumer = vertx.eventBus().consumer(ADDRESS, m -> receive(m.body()));
        learner = vertx.eventBus().consumer(TEACH + "." + selfId, m -> learn(m.body()));
        consumer.completion().compose(v -> learner.completion()).compose(v -> learn()).onComplete(started);
    }

    /** Asks one other node for the tables; completes when they came, no node answers, or after the timeout. */
    private io.vertx.core.Future<Void> learn() {
        learning = Promise.promise();
        long timer = vertx.setTimer(LEARN_TIMEOUT_MS, id -> learning.tryComplete());
        JsonObject ask = new JsonObject().put("node", selfId).put("nonce", nonce);
        vertx.eventBus().request(TEACH, secret.seal(TEACH_PURPOSE, ask), new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(LEARN_TIMEOUT_MS))
                .onComplete(ar -> {
                    ClusterSecret.Opened o = ar.succeeded() ? secret.open(TEACH_PURPOSE, ar.result().body()) : null;
                    if (o == null || o.payload() == null || !(o.payload().getValue("count") instanceof Number n)) {
                        learning.tryComplete();  // the first node (no handler), or a refusal: nothing to learn
                        return;
                    }
                    toLearn = n.intValue();
                    if (learned >= toLearn) learning.tryComplete();
                });
        return learning.future().compose(v -> {
            vertx.cancelTimer(timer);
            // from now on this node teaches the nodes that join after it
            teacher = vertx.eventBus().consumer(TEACH, this::teach);
            return teacher.completion();
        });
    }

    /** A part of the copy this node asked for. */
    private void learn(Object body) {
        ClusterSecret.Opened o = secret.open(TEACH_PURPOSE, body);
        if (o.payload() == null) {
            refused(o.refusal());
            return;
        }
        JsonObject p = o.payload();
        if (!nonce.equals(p.getValue("nonce")) || !(p.getValue("tables") instanceof JsonObject byTable)) {
            refused("a copy of the tables this node did not ask for");
            return;
        }
        apply(byTable);
        learned++;
        if (toLearn >= 0 && learned >= toLearn && learning != null) learning.tryComplete();
    }

    /** Another node joined: send it every entry of every table, then how many messages that took. */
    private void teach(io.vertx.core.eventbus.Message<Object> m) {
        ClusterSecret.Opened o = secret.open(TEACH_PURPOSE, m.body());
        if (o.payload() == null) {
            refused(o.refusal());
            m.fail(403, "refused");
            return;
        }
        if (!(o.payload().getValue("node") instanceof String node) || !(o.payload().getValue("nonce") instanceof String n)
                || node.equals(selfId) || !node.matches("[A-Za-z0-9._:-]{1,128}")) {
            refused("malformed teach request");
            m.fail(400, "malformed");
            return;
        }
        int count = 0;
        for (StickTable t : tables.get().all().values()) {
            for (JsonArray chunk : t.dump(MAX_ENTRIES)) {
                JsonObject byTable = new JsonObject().put(t.name(), new JsonObject().put("sig", t.signature()).put("e", chunk));
                vertx.eventBus().send(TEACH + "." + node, secret.seal(TEACH_PURPOSE, new JsonObject().put("node", selfId).put("nonce", n).put("tables", byTable)));
                count++;
            }
        }
        m.reply(secret.seal(TEACH_PURPOSE, new JsonObject().put("node", selfId).put("count", count)));
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
        apply(byTable);
        if (p.getValue("clear") instanceof JsonObject c) cleared(c);
    }

    /**
     * The admin API or the CLI cleared a table (key null) or one key on this node: every other
     * node clears it too (entries a stream still uses stay, as on the node itself).
     */
    public static void announceClear(io.vertx.core.Vertx vertx, StickTable t, Object key) {
        JsonObject c = new JsonObject().put("table", t.name()).put("sig", t.signature());
        if (key != null) c.put("key", t.keyText(key));
        vertx.eventBus().send(CLEARED, c, new io.vertx.core.eventbus.DeliveryOptions().setLocalOnly(true));  // a local consumer: not in the cluster registry
    }

    private void cleared(JsonObject c) {
        StickTable t = tables.get().get(c.getString("table"));
        if (t == null || !t.signature().equals(c.getValue("sig"))) return;
        if (!(c.getValue("key") instanceof String ks)) {
            if (c.containsKey("key")) {
                refused("malformed clear");
                return;
            }
            t.clear(e -> true);
            return;
        }
        Object key = t.parseKey(ks);
        if (key == null) {
            refused("invalid key in a clear of table " + t.name());
            return;
        }
        t.clear(e -> e.key().equals(key));
    }

    private void apply(JsonObject byTable) {
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
