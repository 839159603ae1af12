package io.vxlb.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vxlb.Node;
import io.vxlb.stick.StickTable;

/**
 * The stick tables of this node through the admin API (HAProxy's {@code show table} and {@code
 * clear table}, vxlb-stick). Counters read here are the cluster's totals as this node sees them.
 * <ul>
 *   <li>{@code GET /v1/tables}: every table's settings and use;</li>
 *   <li>{@code GET /v1/tables/:table[?key=K][&limit=N][&format=text]}: entries (JSON, or the
 *   text of {@code show table});</li>
 *   <li>{@code DELETE /v1/tables/:table}: removes every unused entry; {@code
 *   DELETE /v1/tables/:table/entries/:key}: removes one; every other node of the cluster
 *   removes them too (the answer counts this node's).</li>
 * </ul>
 */
final class StickTablesApi {
    private static final int DEFAULT_LIMIT = 1000;
    private static final int MAX_LIMIT = 100_000;

    private final Node node;

    private StickTablesApi(Node node) {
        this.node = node;
    }

    static void register(Router r, Node node) {
        StickTablesApi api = new StickTablesApi(node);
        r.get("/v1/tables").handler(api::list);
        r.get("/v1/tables/:table").handler(api::show);
        r.delete("/v1/tables/:table").handler(api::clear);
        r.delete("/v1/tables/:table/entries/:key").handler(api::clearKey);
    }

    private void list(RoutingContext ctx) {
        JsonArray out = new JsonArray();
        for (StickTable t : node.snapshot().stickTables().all().values()) out.add(t.summary());
        ok(ctx, 200, new JsonObject().put("tables", out));
    }

    private StickTable table(RoutingContext ctx) {
        String name = ctx.pathParam("table");
        StickTable t = node.snapshot().stickTables().get(name);
        if (t == null) error(ctx, 404, "no stick-table named '" + name + "'");
        return t;
    }

    /** The key query or path parameter parsed for the table's type; error 400 (and null) when invalid. */
    private static Object key(RoutingContext ctx, StickTable t, String text) {
        Object k = t.parseKey(text);
        if (k == null) error(ctx, 400, "not a valid key for the " + t.spec().type().word + " table '" + t.name() + "'");
        return k;
    }

    private void show(RoutingContext ctx) {
        StickTable t = table(ctx);
        if (t == null) return;
        String keyText = ctx.request().getParam("key");
        Object key = null;
        if (keyText != null) {
            key = key(ctx, t, keyText);
            if (key == null) return;
        }
        int limit = DEFAULT_LIMIT;
        String l = ctx.request().getParam("limit");
        if (l != null) {
            try {
                limit = Integer.parseInt(l);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                error(ctx, 400, "limit must be 1 to " + MAX_LIMIT);
                return;
            }
        }
        if ("text".equals(ctx.request().getParam("format"))) {
            ctx.response().putHeader("content-type", "text/plain; charset=utf-8").end(t.dump(key));
            return;
        }
        ok(ctx, 200, t.toJson(key, limit));
    }

    private void clear(RoutingContext ctx) {
        StickTable t = table(ctx);
        if (t == null) return;
        int n = t.clear(e -> true);
        io.vxlb.stick.StickSync.announceClear(node.vertx(), t, null);  // every node clears it
        ok(ctx, 200, new JsonObject().put("table", t.name()).put("removed", n).put("used", t.used()));
    }

    private void clearKey(RoutingContext ctx) {
        StickTable t = table(ctx);
        if (t == null) return;
        Object key = key(ctx, t, ctx.pathParam("key"));
        if (key == null) return;
        int n = t.clear(e -> e.key().equals(key));
        io.vxlb.stick.StickSync.announceClear(node.vertx(), t, key);  // every node clears it
        if (n == 0 && t.lookup(key) != null) {
            error(ctx, 409, "the entry is in use by a stream (use > 0): it is removed once unused");
            return;
        }
        ok(ctx, n == 0 ? 404 : 200, new JsonObject().put("table", t.name()).put("removed", n).put("used", t.used()));
    }

    private static void ok(RoutingContext ctx, int status, JsonObject body) {
        if (ctx.response().ended()) return;
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encodePrettily() + "\n");
    }

    private static void error(RoutingContext ctx, int status, String message) {
        ok(ctx, status, new JsonObject().put("error", message).put("status", status));
    }
}
