package io.vxlb.cluster;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vxlb.admin.MapEdits;
import io.vxlb.config.MapUpdate;
import io.vxlb.maps.MapFile;
import io.vxlb.maps.MapSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * The {@code dynamic-update} section (HAPEE's lb-update, seed 003): every {@code delay}, fetch a
 * map from its URL and, when the contents changed, write it to the shared state like an admin
 * replace, so every node applies it (and rewrites its map file). Only the rendezvous owner of
 * {@code update:FILE} fetches, so a cluster of N nodes makes one download per period, not N;
 * when the owner leaves, another member takes over at its next tick. A failed download (after
 * {@code retries} attempts, each bounded by {@code timeout}) keeps the current contents.
 */
public final class DynamicUpdateVerticle extends VerticleBase {
    private static final Logger LOG = Logger.getLogger(DynamicUpdateVerticle.class.getName());

    private final List<MapUpdate> updates;
    private final Predicate<String> owns;
    private final MapSource maps;
    private final SharedState shared;
    private final String nodeName;
    private final List<Long> timers = new ArrayList<>();
    private HttpClient client;

    public DynamicUpdateVerticle(List<MapUpdate> updates, Predicate<String> owns, MapSource maps, SharedState shared, String nodeName) {
        this.updates = List.copyOf(updates);
        this.owns = owns;
        this.maps = maps;
        this.shared = shared;
        this.nodeName = nodeName;
    }

    /** The ownership key of an update line. */
    public static String key(MapUpdate u) {
        return "update:" + u.file();
    }

    @Override
    public Future<?> start() {
        client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
        for (MapUpdate u : updates) {
            if (!u.map()) {
                LOG.warning(u.location() + ": 'update ... acl' is not supported yet (only map files are shared); ignored");
                continue;
            }
            timers.add(vertx.setPeriodic(1, u.delayMillis(), id -> tick(u)));
        }
        return Future.succeededFuture();
    }

    /** Lines with a download in flight: a slow one skips its own ticks, never another line's. */
    private final java.util.Set<MapUpdate> busy = new java.util.HashSet<>();

    private void tick(MapUpdate u) {
        if (busy.contains(u) || !owns.test(key(u))) return;
        busy.add(u);
        fetch(u, Math.max(1, u.retries())).compose(text -> {
            List<MapFile.Entry> entries = MapFile.parse(u.file(), text).entries();
            for (MapFile.Entry e : entries) {  // what every node would refuse is refused here, before it is shared
                MapEdits.checkKey(e.key());
                MapEdits.checkValue(e.value());
            }
            if (sameEntries(entries, current(u))) return Future.succeededFuture();
            return shared.update(new StateKey.MapKey(u.file()), stored -> new JsonObject().put("entries", MapEdits.toJson(entries)))
                    .onSuccess(msg -> LOG.info("dynamic-update: " + u.file() + " from " + u.url() + " is version " + msg.getLong("version")));
        }).onComplete(ar -> {
            busy.remove(u);
            if (ar.failed()) LOG.warning("dynamic-update: " + u.file() + " from " + u.url() + " kept as it is: " + ar.cause().getMessage());
        });
    }

    private List<MapFile.Entry> current(MapUpdate u) {
        try {
            return maps.get(u.file()).entries();
        } catch (RuntimeException e) {
            return List.of();  // no file yet: the download creates it
        }
    }

    private static boolean sameEntries(List<MapFile.Entry> a, List<MapFile.Entry> b) {
        if (a.size() != b.size()) return false;
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).key().equals(b.get(i).key()) || !a.get(i).value().equals(b.get(i).value())) return false;
        }
        return true;
    }

    private Future<String> fetch(MapUpdate u, int attempts) {
        RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(u.url())
                .setTimeout(u.timeoutMillis()).addHeader("user-agent", "vxlb dynamic-update (" + nodeName + ")");
        Future<String> f = client.request(o).compose(req -> req.send().compose(resp -> {
            if (resp.statusCode() != 200) return Future.failedFuture("HTTP status " + resp.statusCode());
            return resp.body().map(b -> b.toString(StandardCharsets.ISO_8859_1));
        }));
        return attempts <= 1 ? f : f.recover(t -> fetch(u, attempts - 1));
    }

    @Override
    public Future<?> stop() {
        timers.forEach(vertx::cancelTimer);
        return client == null ? Future.succeededFuture() : client.close();
    }
}
