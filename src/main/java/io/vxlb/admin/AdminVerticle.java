package io.vxlb.admin;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vxlb.Node;
import io.vxlb.cluster.Members;
import io.vxlb.cluster.StateKey;
import io.vxlb.cluster.SharedState.Rejected;
import io.vxlb.config.Config;
import io.vxlb.config.ConfigParser;
import io.vxlb.config.Diagnostic;
import io.vxlb.config.ParseResult;
import io.vxlb.config.Proxy;
import io.vxlb.config.Server;
import io.vxlb.maps.FileMapSource;
import io.vxlb.maps.MapFile;
import io.vxlb.runtime.SnapshotCompiler;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The admin REST API (vertx-web), version 1. Any node answers for the whole cluster: writes go
 * to the shared state and reach every node; reads that depend on the node (server states,
 * stats) ask every live member over the event bus. Every error is JSON
 * {@code {"error":"...","status":N}}; a rejected write changes nothing anywhere.
 *
 * <pre>
 * GET    /v1/cluster                              members, their names and applied versions
 * GET    /v1/maps                                 maps in use: name, entries, version
 * GET    /v1/maps/{map}                           entries
 * PUT    /v1/maps/{map}                           replace whole map (JSON entries or text/plain map file)
 * DELETE /v1/maps/{map}/entries                   clear
 * POST   /v1/maps/{map}/entries                   add {"key","value"} (409 if present)
 * GET|PUT|DELETE /v1/maps/{map}/entries/{key}     show / set {"value"} / delete
 * GET    /v1/servers                              every server as every node sees it
 * PUT    /v1/servers/{backend}/{server}           {"admin":"ready|drain|maint","weight":N}
 * GET    /v1/stats   GET /metrics                 per node and summed; Prometheus text
 * POST   /v1/config/validate                      the -c errors as JSON
 * POST   /v1/config                               validate, then reload everywhere
 * GET    /v1/nodes/{node}                         one node's own report
 * </pre>
 * Writes accept {@code ?wait=all}: the answer comes once every live node applied the change,
 * or 504 naming the nodes that have not within {@code ?timeout=MS} (default 5000).
 * A map is named by its path as written in the configuration (URL-encoded) or by its file name.
 */
public final class AdminVerticle extends VerticleBase {
    private final Node node;
    private final AdminOptions options;
    private HttpServer server;

    public AdminVerticle(Node node, AdminOptions options) {
        this.node = node;
        this.options = options;
    }

    public int port() {
        return server == null ? 0 : server.actualPort();
    }

    @Override
    public Future<?> start() {
        Router r = Router.router(vertx);
        r.route().handler(this::checkOrigin);
        r.route().handler(this::authenticate);
        r.route().handler(this::checkContentType);
        r.route().handler(BodyHandler.create().setBodyLimit(options.bodyLimit()).setHandleFileUploads(false));
        r.get("/v1/cluster").handler(this::cluster);
        r.get("/v1/nodes/:node").handler(this::nodeStatus);
        r.get("/v1/maps").handler(this::listMaps);
        r.get("/v1/maps/:map").handler(this::showMap);
        r.put("/v1/maps/:map").handler(ctx -> writeMap(ctx, old -> MapEdits.parseWhole(body(ctx))));
        r.delete("/v1/maps/:map/entries").handler(ctx -> writeMap(ctx, old -> new JsonArray()));
        r.post("/v1/maps/:map/entries").handler(ctx -> {
            JsonObject b = MapEdits.json(body(ctx));
            writeMap(ctx, old -> MapEdits.add(old, b.getString("key"), string(b, "value")));
        });
        r.get("/v1/maps/:map/entries/:key").handler(this::showEntry);
        r.put("/v1/maps/:map/entries/:key").handler(ctx -> {
            JsonObject b = MapEdits.json(body(ctx));
            writeMap(ctx, old -> MapEdits.set(old, ctx.pathParam("key"), string(b, "value")));
        });
        r.delete("/v1/maps/:map/entries/:key").handler(ctx -> writeMap(ctx, old -> MapEdits.delete(old, ctx.pathParam("key"))));
        r.get("/v1/servers").handler(this::servers);
        r.put("/v1/servers/:backend/:server").handler(this::setServer);
        r.get("/v1/stats").handler(this::stats);
        r.get("/metrics").handler(this::metrics);
        r.post("/v1/config/validate").handler(this::validate);
        r.post("/v1/config").handler(this::reload);
        StickTablesApi.register(r, node);  // vxlb-stick: show table / clear table
        r.route().last().handler(ctx -> error(ctx, 404, "no such endpoint: " + ctx.request().method() + " " + ctx.request().path()));
        r.route().failureHandler(this::failure);
        HttpServerOptions so = new HttpServerOptions().setHost(options.host()).setPort(options.port());
        if (options.certPath() != null) {
            so.setSsl(true).setKeyCertOptions(new io.vertx.core.net.PemKeyCertOptions().setCertPath(options.certPath())
                    .setKeyPath(options.keyPath() != null ? options.keyPath() : options.certPath()));
        }
        return vertx.createHttpServer(so).requestHandler(r).listen().onSuccess(s -> server = s);
    }

    // ---- browsers: DNS rebinding, cross-site requests ---------------------------------------

    /**
     * A web page in the operator's browser must not reach the API: the Host header must name this
     * API as an address (an IP literal, localhost, this machine's name or a name in
     * {@link AdminOptions#hostNames()}), not a name an attacker's DNS points here (DNS rebinding);
     * a request a browser marks as coming from another site ({@code Origin} other than this API,
     * {@code Sec-Fetch-Site: cross-site|same-site}) is refused with 403.
     */
    private void checkOrigin(RoutingContext ctx) {
        String host = ctx.request().getHeader("host");
        if (host != null && !options.hostAllowed(hostName(host))) {
            error(ctx, 403, "Host '" + io.vxlb.cluster.SharedState.printable(host) + "' is not this admin API's address (set VXLB_ADMIN_HOSTS to allow a name)");
            return;
        }
        String site = ctx.request().getHeader("sec-fetch-site");
        if (site != null && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")) {
            error(ctx, 403, "cross-site requests are refused");
            return;
        }
        String origin = ctx.request().getHeader("origin");
        if (origin != null) {
            String scheme = options.certPath() != null ? "https://" : "http://";
            if (host == null || !origin.equalsIgnoreCase(scheme + host)) {
                error(ctx, 403, "requests from another origin are refused");
                return;
            }
        }
        ctx.next();
    }

    /** The host part of a Host header ("h", "h:p", "[v6]:p"). */
    static String hostName(String host) {
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end > 0 ? host.substring(1, end) : host;
        }
        int colon = host.indexOf(':');
        return colon >= 0 && host.indexOf(':', colon + 1) < 0 ? host.substring(0, colon) : host;
    }

    /**
     * Writes carry JSON: every POST, and every request with a body, must say
     * {@code application/json}. A browser cannot send that cross-site without a CORS preflight,
     * which this API never grants (so a form or {@code text/plain} body from a web page is refused).
     */
    private void checkContentType(RoutingContext ctx) {
        io.vertx.core.http.HttpMethod m = ctx.request().method();
        boolean body = ctx.request().getHeader("content-length") != null && !"0".equals(ctx.request().getHeader("content-length"))
                || ctx.request().getHeader("transfer-encoding") != null;
        if (m == io.vertx.core.http.HttpMethod.POST || (body && m != io.vertx.core.http.HttpMethod.GET && m != io.vertx.core.http.HttpMethod.HEAD)) {
            String ct = ctx.request().getHeader("content-type");
            String type = ct == null ? "" : ct.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
            if (!type.equals("application/json") && !(type.startsWith("application/") && type.endsWith("+json"))) {
                error(ctx, 415, "writes take JSON: send content-type application/json (configuration text as {\"text\":...}, map-file text as {\"text\":...})");
                return;
            }
        }
        ctx.next();
    }

    // ---- auth ------------------------------------------------------------------------------

    private void authenticate(RoutingContext ctx) {
        if (!options.authRequired() || authorized(ctx.request().getHeader("authorization"))) {
            ctx.next();
            return;
        }
        ctx.response().putHeader("WWW-Authenticate", options.token() != null ? "Bearer realm=\"vxlb\"" : "Basic realm=\"vxlb\"");
        error(ctx, 401, "authentication required");
    }

    private boolean authorized(String header) {
        if (header == null) return false;
        if (options.token() != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return constantTimeEquals(header.substring(7).trim(), options.token());
        }
        if (options.basicUser() != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
                return constantTimeEquals(decoded, options.basicUser() + ":" + options.basicPassword());
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return false;
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    // ---- cluster ---------------------------------------------------------------------------

    /** Every live member's own report (name, versions, servers, stats), asked over the event bus. */
    private Future<List<JsonObject>> reports() {
        return node.members().sync().otherwiseEmpty().compose(x -> askReports());
    }

    private Future<List<JsonObject>> askReports() {
        List<Future<JsonObject>> asks = new ArrayList<>();
        for (Members.Member m : node.members().members()) {
            asks.add(node.call(m.id(), "status", new JsonObject(), 3000)
                    .map(body -> body.put("admin", m.admin()))
                    .otherwise(t -> new JsonObject().put("id", m.id()).put("name", m.name()).put("error", String.valueOf(t.getMessage()))));
        }
        return Future.all(asks).map(cf -> {
            List<JsonObject> out = new ArrayList<>();
            for (int i = 0; i < asks.size(); i++) out.add(cf.resultAt(i));
            return out;
        });
    }

    private void cluster(RoutingContext ctx) {
        reports().onSuccess(list -> {
            JsonArray members = new JsonArray();
            for (JsonObject j : list) {
                members.add(new JsonObject().put("id", j.getString("id")).put("name", j.getString("name"))
                        .put("admin", j.getString("admin")).put("version", j.getLong("version")).put("error", j.getString("error"))
                        .put("self", node.members().selfId().equals(j.getString("id"))));
            }
            ok(ctx, 200, new JsonObject().put("clustered", node.members().clustered()).put("self", node.name())
                    .put("members", members));
        }).onFailure(ctx::fail);
    }

    private void nodeStatus(RoutingContext ctx) {
        node.members().sync().otherwiseEmpty().onComplete(x -> nodeStatusSynced(ctx));
    }

    private void nodeStatusSynced(RoutingContext ctx) {
        Members.Member m = node.members().byName(ctx.pathParam("node"));
        if (m == null) {
            error(ctx, 404, "no live node named '" + ctx.pathParam("node") + "'");
            return;
        }
        node.call(m.id(), "status", new JsonObject(), 3000)
                .onSuccess(body -> ok(ctx, 200, body))
                .onFailure(t -> error(ctx, 502, "node " + m.name() + " did not answer: " + t.getMessage()));
    }

    // ---- maps ------------------------------------------------------------------------------

    /** Map paths the running configuration uses, in order of first use. */
    private List<String> mapPaths() {
        List<String> out = new ArrayList<>(node.replica().declaredMaps());
        for (var u : node.replica().config().mapUpdates()) if (u.map() && !out.contains(u.file())) out.add(u.file());
        out.sort(null);
        return out;
    }

    /** The configured path a URL names: the path itself, or a unique file name. */
    private String resolveMap(String name) {
        List<String> paths = mapPaths();
        if (paths.contains(name)) return name;
        String found = null;
        for (String p : paths) {
            String base = p.substring(p.lastIndexOf('/') + 1);
            if (base.equals(name) || (base.endsWith(".map") && base.substring(0, base.length() - 4).equals(name))) {
                if (found != null) throw new Rejected(409, "map name '" + name + "' is ambiguous: use the full path (URL-encoded)");
                found = p;
            }
        }
        if (found == null) throw new Rejected(404, "no map '" + name + "' in the running configuration; maps: " + paths);
        return found;
    }

    private MapFile current(String path) {
        return node.maps().get(path);
    }

    private void listMaps(RoutingContext ctx) {
        JsonArray out = new JsonArray();
        for (String p : mapPaths()) {
            MapFile f = current(p);
            out.add(new JsonObject().put("name", p).put("entries", f.size()).put("version", node.replica().versions().getOrDefault(new StateKey.MapKey(p).id(), 0L)));
        }
        ok(ctx, 200, new JsonObject().put("maps", out));
    }

    private void showMap(RoutingContext ctx) {
        String p = resolveMap(ctx.pathParam("map"));
        MapFile f = current(p);
        ok(ctx, 200, new JsonObject().put("name", p).put("version", node.replica().versions().getOrDefault(new StateKey.MapKey(p).id(), 0L))
                .put("entries", MapEdits.toJson(f.entries())));
    }

    private void showEntry(RoutingContext ctx) {
        String p = resolveMap(ctx.pathParam("map"));
        String key = ctx.pathParam("key");
        for (MapFile.Entry e : current(p).entries()) {
            if (e.key().equals(key)) {
                ok(ctx, 200, new JsonObject().put("map", p).put("key", key).put("value", e.value()));
                return;
            }
        }
        error(ctx, 404, "no key '" + key + "' in map " + p);
    }

    /** Read-modify-write of one map under the cluster lock (base: the shared value, else the file). */
    private void writeMap(RoutingContext ctx, UnaryOperator<JsonArray> edit) {
        String p = resolveMap(ctx.pathParam("map"));
        write(ctx, new StateKey.MapKey(p), stored -> {
            JsonArray base = stored != null ? stored.getJsonArray("entries") : MapEdits.toJson(current(p).entries());
            JsonArray next = edit.apply(base);
            return new JsonObject().put("entries", next);
        }, msg -> new JsonObject().put("map", p).put("entries", msg.getJsonObject("value").getJsonArray("entries").size()));
    }

    // ---- servers ---------------------------------------------------------------------------

    private void servers(RoutingContext ctx) {
        reports().onSuccess(list -> {
            Map<String, JsonObject> out = new LinkedHashMap<>();
            for (JsonObject j : list) {
                JsonObject servers = j.getJsonObject("servers", new JsonObject());
                for (String key : servers.fieldNames()) {
                    out.computeIfAbsent(key, k -> new JsonObject()).put(j.getString("name"), servers.getJsonObject(key));
                }
            }
            JsonObject body = new JsonObject();
            out.forEach((k, v) -> body.put(k, new JsonObject().put("nodes", v)));
            ok(ctx, 200, new JsonObject().put("servers", body));
        }).onFailure(ctx::fail);
    }

    private void setServer(RoutingContext ctx) {
        String backend = ctx.pathParam("backend"), name = ctx.pathParam("server");
        Proxy be = node.replica().config().proxy(backend).orElse(null);
        if (be == null || !be.kind().hasBackend()) throw new Rejected(404, "no backend '" + backend + "'");
        Server srv = be.servers().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new Rejected(404, "no server '" + name + "' in backend '" + backend + "'"));
        JsonObject b = MapEdits.json(body(ctx));
        String admin = b.getValue("admin") instanceof String s ? s.toLowerCase() : null;
        if (b.containsKey("admin") && (admin == null || !List.of("ready", "drain", "maint").contains(admin))) {
            throw new Rejected(400, "\"admin\" must be one of ready, drain, maint");
        }
        Integer weight = null;
        if (b.containsKey("weight")) {
            if (!(b.getValue("weight") instanceof Number n) || n.doubleValue() != n.intValue() || n.intValue() < 0 || n.intValue() > 256) {
                throw new Rejected(400, "\"weight\" must be an integer from 0 to 256");
            }
            weight = ((Number) b.getValue("weight")).intValue();
        }
        for (String f : b.fieldNames()) if (!f.equals("admin") && !f.equals("weight")) throw new Rejected(400, "unknown field '" + f + "' (admin, weight)");
        if (admin == null && weight == null) throw new Rejected(400, "set \"admin\" and/or \"weight\"");
        String a = admin;
        Integer w = weight;
        write(ctx, new StateKey.ServerKey(backend, name), ServerEdits.change(srv, a, w), msg -> new JsonObject().put("server", backend + "/" + name).mergeIn(msg.getJsonObject("value")));
    }

    // ---- stats -----------------------------------------------------------------------------

    private void stats(RoutingContext ctx) {
        reports().onSuccess(list -> {
            JsonObject nodes = new JsonObject();
            List<JsonObject> all = new ArrayList<>();
            for (JsonObject j : list) {
                JsonObject st = j.getJsonObject("stats");
                if (st == null) continue;
                nodes.put(j.getString("name"), st);
                all.add(st);
            }
            ok(ctx, 200, new JsonObject().put("nodes", nodes).put("cluster", Stats.sum(all)));
        }).onFailure(ctx::fail);
    }

    private void metrics(RoutingContext ctx) {
        reports().onSuccess(list -> {
            Map<String, JsonObject> byNode = new LinkedHashMap<>();
            for (JsonObject j : list) if (j.getJsonObject("stats") != null) byNode.put(j.getString("name"), j.getJsonObject("stats"));
            ctx.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(Stats.prometheus(byNode));
        }).onFailure(ctx::fail);
    }

    // ---- config ----------------------------------------------------------------------------

    /**
     * Parses and compiles a configuration text as this node would apply it; the errors as JSON
     * (empty when valid). What comes back never reflects the environment or a file: a diagnostic
     * of a line that reads environment variables keeps its position but not its words, values of
     * the variables the text reads are masked in every message, and a file the configuration
     * names is refused (path and rule only) unless {@link io.vxlb.config.FilePolicy} allows it —
     * one that does not load is reported without its contents.
     */
    private JsonArray check(String name, String text) {
        ConfigText.Env refs = ConfigText.envReferences(text);
        java.util.function.Function<String, String> env = node.env();
        List<String> secrets = new ArrayList<>();
        for (String var : refs.names()) {
            String v = env.apply(var);
            if (v != null && v.length() >= 3) secrets.add(v);
        }
        ParseResult r = new ConfigParser(env).parse(name, text);
        JsonArray errors = new JsonArray();
        for (Diagnostic d : r.errors()) errors.add(diagnostic(d, refs.lines(), secrets));
        if (r.ok()) {
            io.vxlb.config.FilePolicy policy = node.replica().apiPolicy();
            for (String refusal : policy.check(r.config())) errors.add(new JsonObject().put("file", name).put("message", ConfigText.mask(refusal, secrets)));
            if (errors.isEmpty()) {
                java.util.Set<String> read = new java.util.LinkedHashSet<>();
                try {
                    io.vxlb.cluster.StateReplica.trialCompile(r.config(), policy, read);
                } catch (RuntimeException e) {
                    String msg = String.valueOf(e.getMessage());
                    if (!(e instanceof io.vxlb.config.FilePolicy.Refused)) {
                        for (String f : read) {
                            if (msg.contains(f)) {
                                msg = "'" + f + "' does not load as the configuration uses it (its contents are not shown)";
                                break;
                            }
                        }
                    }
                    errors.add(new JsonObject().put("file", name).put("message", ConfigText.mask(msg, secrets)));
                }
            }
        }
        return errors;
    }

    private static JsonObject diagnostic(Diagnostic d, java.util.Set<Integer> envLines, List<String> secrets) {
        JsonObject j = new JsonObject().put("severity", d.severity().name().toLowerCase());
        if (d.location() != null) j.put("file", d.location().file()).put("line", d.location().line()).put("column", d.location().column());
        if (d.section() != null) j.put("section", d.section());
        if (d.location() != null && envLines.contains(d.location().line())) {
            j.put("message", "this line reads environment variables: the error is not shown through the API (environment values are never echoed); check it with 'vxlb -c' on the node");
            return j;
        }
        j.put("message", ConfigText.mask(d.message(), secrets));
        if (d.keyword() != null) j.put("keyword", ConfigText.mask(d.keyword(), secrets));
        if (d.hint() != null) j.put("hint", ConfigText.mask(d.hint(), secrets));
        j.put("text", ConfigText.mask(d.format(), secrets));
        return j;
    }

    /** The configuration of a body {@code {"text":"...","name":"api.cfg"}} ({@code ?name=} also names it). */
    private record ConfigBody(String name, String text) {}

    private ConfigBody configBody(RoutingContext ctx) {
        JsonObject b = MapEdits.json(body(ctx));
        if (!(b.getValue("text") instanceof String text) || text.isBlank()) throw new Rejected(400, "the body must be {\"text\": \"<configuration>\"}");
        String n = b.getValue("name") instanceof String bn && !bn.isBlank() ? bn : ctx.queryParams().get("name");
        if (n == null || n.isBlank()) n = "api.cfg";
        for (int i = 0; i < n.length(); i++) if (n.charAt(i) < ' ' || n.charAt(i) == '/' || n.length() > 200) throw new Rejected(400, "a configuration name is a plain file name");
        return new ConfigBody(n, text);
    }

    private void validate(RoutingContext ctx) {
        ConfigBody c = configBody(ctx);
        vertx.<JsonArray>executeBlocking(() -> check(c.name(), c.text())).onSuccess(errors ->
                ok(ctx, 200, new JsonObject().put("valid", errors.isEmpty()).put("errors", errors))).onFailure(ctx::fail);
    }

    private void reload(RoutingContext ctx) {
        ConfigBody c = configBody(ctx);
        String name = c.name(), text = c.text();
        vertx.<JsonArray>executeBlocking(() -> check(name, text)).onSuccess(errors -> {
            if (!errors.isEmpty()) {
                ok(ctx, 400, new JsonObject().put("error", "configuration rejected, nothing changed").put("status", 400).put("errors", errors));
                return;
            }
            write(ctx, StateKey.CONFIG, stored -> new JsonObject().put("name", name).put("text", text),
                    msg -> new JsonObject().put("config", name));
        }).onFailure(ctx::fail);
    }

    // ---- writes ----------------------------------------------------------------------------

    /**
     * Writes one key of the shared state and answers with its new version; with {@code ?wait=all}
     * only after every live node acknowledged it: 200 {@code "applied":"all"} when each applied it,
     * 409 naming the nodes that failed to apply it (with their errors), 504 naming the nodes that
     * did not answer or had not applied it within {@code ?timeout=MS}.
     */
    private void write(RoutingContext ctx, StateKey key, UnaryOperator<JsonObject> change, java.util.function.Function<JsonObject, JsonObject> answer) {
        boolean waitAll = "all".equals(ctx.queryParams().get("wait"));
        long timeout = parseTimeout(ctx.queryParams().get("timeout"));
        node.shared().update(key, change).onSuccess(msg -> {
            long version = msg.getLong("version");
            JsonObject body = answer.apply(msg).put("version", version);
            if (!waitAll) {
                ok(ctx, 200, body);
                return;
            }
            awaitAll(key.id(), version, timeout).onSuccess(acks -> {
                JsonArray failed = new JsonArray(), pending = new JsonArray();
                for (JsonObject a : acks) {
                    if (a.getBoolean("applied", false)) continue;
                    if (a.getString("error") != null) failed.add(new JsonObject().put("node", a.getString("node")).put("error", a.getString("error")));
                    else pending.add(a.getString("node"));
                }
                body.put("nodes", new JsonArray(new ArrayList<>(acks)));
                if (!failed.isEmpty()) {
                    ok(ctx, 409, body.put("error", "not applied on " + failed.size() + " node(s): they refused the change").put("status", 409)
                            .put("failed", failed).put("pending", pending));
                } else if (!pending.isEmpty()) {
                    ok(ctx, 504, body.put("error", "not applied everywhere within " + timeout + " ms").put("status", 504).put("pending", pending));
                } else {
                    ok(ctx, 200, body.put("applied", "all"));
                }
            });
        }).onFailure(ctx::fail);
    }

    private static long parseTimeout(String s) {
        if (s == null) return 5000;
        try {
            long v = Long.parseLong(s);
            if (v > 0 && v <= 60_000) return v;
        } catch (NumberFormatException ignored) {
            // refused below
        }
        throw new Rejected(400, "timeout must be 1 to 60000 ms");
    }

    /**
     * Every live node's acknowledgement of {@code key}@{@code version}: {@code {"node","applied"}}
     * plus {@code "error"} when it failed to apply it; a node that does not answer in time is pending.
     */
    private Future<List<JsonObject>> awaitAll(String key, long version, long timeout) {
        return node.members().sync().otherwiseEmpty().compose(x -> askAll(key, version, timeout));
    }

    private Future<List<JsonObject>> askAll(String key, long version, long timeout) {
        List<Members.Member> members = node.members().members();
        List<Future<JsonObject>> asks = new ArrayList<>();
        JsonObject q = new JsonObject().put("key", key).put("version", version).put("timeout", timeout);
        for (Members.Member m : members) {
            asks.add(node.call(m.id(), "await", q, timeout + 1000)
                    .map(b -> b.put("node", m.name()))
                    .otherwise(t -> new JsonObject().put("node", m.name()).put("applied", false).put("pending", true)
                            .put("reason", String.valueOf(t.getMessage()))));
        }
        return Future.all(asks).map(cf -> {
            List<JsonObject> out = new ArrayList<>();
            for (int i = 0; i < asks.size(); i++) out.add(cf.resultAt(i));
            return out;
        });
    }

    // ---- plumbing --------------------------------------------------------------------------

    private static String body(RoutingContext ctx) {
        return ctx.body() == null || ctx.body().buffer() == null ? null : ctx.body().asString();
    }

    private static String string(JsonObject b, String field) {
        Object v = b.getValue(field);
        if (v == null) throw new Rejected(400, "missing \"" + field + "\"");
        if (!(v instanceof String s)) throw new Rejected(400, "\"" + field + "\" must be a string");
        return s;
    }

    private void failure(RoutingContext ctx) {
        Throwable t = ctx.failure();
        if (t instanceof Rejected r) error(ctx, r.status, r.getMessage());
        else if (ctx.statusCode() == 413) error(ctx, 413, "request body over " + options.bodyLimit() + " bytes");
        else if (t == null) error(ctx, ctx.statusCode() > 0 ? ctx.statusCode() : 500, "request failed");
        else error(ctx, 500, String.valueOf(t.getMessage()));
    }

    private static void ok(RoutingContext ctx, int status, JsonObject body) {
        if (ctx.response().ended()) return;
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encodePrettily() + "\n");
    }

    private static void error(RoutingContext ctx, int status, String message) {
        ok(ctx, status, new JsonObject().put("error", message).put("status", status));
    }

    @Override
    public Future<?> stop() {
        return server == null ? Future.succeededFuture() : server.close();
    }

}
