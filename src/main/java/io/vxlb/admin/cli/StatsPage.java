package io.vxlb.admin.cli;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vxlb.config.AclLine;
import io.vxlb.config.Proxy;
import io.vxlb.config.Server;
import io.vxlb.config.StatsSettings;
import io.vxlb.rules.AclDef;
import io.vxlb.rules.CompiledCondition;
import io.vxlb.rules.Txn;
import io.vxlb.runtime.Snapshot;
import io.vxlb.runtime.SnapshotHolder;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * HAProxy's stats page, answered locally by a frontend, listen or backend with {@code stats
 * enable} for requests whose URI starts with its {@code stats uri} (HAProxy's stats applet):
 * the HTML tables (per proxy: frontend, servers, backend; HAProxy's row classes and colours),
 * {@code ;csv} (the same CSV as {@code show stat}), {@code ;json}, {@code ;norefresh}, and in a
 * cluster every node's tables plus the cluster's sums ({@code ;csv;cluster}, {@code ;csv;node=N}
 * for one node's). {@code stats auth} (Basic, constant-time compare), {@code stats realm},
 * {@code stats refresh}, {@code stats show-legends}, {@code stats hide-version}; with
 * {@code stats admin if COND} the page posts HAProxy's admin form (servers {@code s}, backend
 * {@code b}, {@code action} ready|drain|maint, plus vxlb's {@code weight}), applied cluster-wide
 * through {@link Operations}, answered 303 to {@code URI;st=DONE|PART|NONE|ERRP|DENY} as HAProxy;
 * a POST a browser marks as cross-site (Sec-Fetch-Site, Origin) is denied.
 */
public final class StatsPage {
    static final int MAX_BODY = 16 * 1024;

    private StatsPage() {}

    /** A local reply: status, reason, headers (name, value pairs), body. */
    public record Reply(int status, String reason, List<String> headers, Buffer body) {}

    /** The request as the page needs it: method, URI, a header by name (null: none), the body once read. */
    public record Request(String method, String uri, java.util.function.Function<String, String> header, Future<Buffer> body) {
        String getHeader(String name) {
            return header.apply(name);
        }
    }

    /**
     * Collects a POST's body as the exchange receives it ({@link #add}, {@link #end}), at most
     * {@link #MAX_BODY} bytes: beyond, the body fails (the action is refused) and the rest is dropped.
     */
    public static final class Body {
        private final io.vertx.core.Promise<Buffer> done = io.vertx.core.Promise.promise();
        private final Buffer buffer = Buffer.buffer();

        public void add(io.netty.buffer.ByteBuf bytes) {
            try {
                if (done.future().isComplete()) return;
                if (buffer.length() + bytes.readableBytes() > MAX_BODY) {
                    done.tryFail("body over " + MAX_BODY + " bytes");
                    return;
                }
                byte[] b = new byte[bytes.readableBytes()];
                bytes.readBytes(b);
                buffer.appendBytes(b);
            } finally {
                bytes.release();
            }
        }

        public void end() {
            done.tryComplete(buffer);
        }

        public Future<Buffer> future() {
            return done.future();
        }
    }

    /** Whether {@code px} answers this request with its stats page (hook in HttpExchange). */
    public static boolean serves(Proxy px, String uri) {
        StatsSettings st = px.stats();
        return st.enabled() && uri != null && uri.startsWith(st.uri());
    }

    /** Compiled {@code stats admin} conditions of one snapshot (built at first use, per snapshot). */
    private static final class AdminConditions {
        final Snapshot snapshot;
        final Map<String, CompiledCondition> byProxy = new HashMap<>();

        AdminConditions(Snapshot s, Operations ops) {
            snapshot = s;
            io.vxlb.rules.RuleCompiler rc = new io.vxlb.rules.RuleCompiler(ops.node().maps(), path -> {
                try {
                    return List.of(java.nio.file.Files.readString(java.nio.file.Path.of(path), StandardCharsets.ISO_8859_1).split("\n", -1));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            for (Proxy p : s.config().proxies()) {
                if (p.stats().admin() == null) continue;
                Map<String, List<AclDef>> acls = new HashMap<>();
                for (AclLine a : p.acls()) acls.computeIfAbsent(a.name(), k -> new ArrayList<>()).add(a.acl());
                try {
                    byProxy.put(p.name(), rc.compile(p.stats().admin(), acls));
                } catch (RuntimeException e) {
                    // a condition that does not compile grants nothing
                }
            }
        }
    }

    private static volatile AdminConditions conditions;

    private static boolean adminAllowed(Proxy px, Snapshot s, Operations ops, Txn txn) {
        if (px.stats().admin() == null) return false;
        AdminConditions c = conditions;
        if (c == null || c.snapshot != s) conditions = c = new AdminConditions(s, ops);
        CompiledCondition cond = c.byProxy.get(px.name());
        return cond != null && cond.test(txn);
    }

    /**
     * Answers a stats request of {@code px}. {@code txn} evaluates {@code stats admin}'s
     * condition; the request's body (an admin POST) is read here, bounded.
     */
    public static Future<Reply> serve(SnapshotHolder holder, Proxy px, Snapshot snapshot, Txn txn, Request req) {
        Operations ops = Operations.of(holder);
        StatsSettings st = px.stats();
        if (!st.auth().isEmpty() && !authorized(st.auth(), req.getHeader("authorization"))) {
            String realm = st.realm() != null ? st.realm() : "HAProxy Statistics";
            return Future.succeededFuture(new Reply(401, "Unauthorized", List.of("content-type", "text/html", "cache-control", "no-cache",
                    "www-authenticate", "Basic realm=\"" + realm.replace("\"", "") + "\""),
                    Buffer.buffer("<html><body><h1>401 Unauthorized</h1>\nYou need a valid user and password to access this content.\n</body></html>\n")));
        }
        if (ops == null) return Future.succeededFuture(text(503, "Service Unavailable", "text/plain", "stats are not ready yet\n"));
        String rest = req.uri().substring(st.uri().length());
        List<String> opts = new ArrayList<>();
        for (String o : rest.split(";")) {
            if (o.startsWith("?")) o = o.substring(1);  // "/stats?;csv" and "/?scope=b1" as HAProxy reads them
            if (!o.isEmpty()) opts.add(o);
        }
        String scope = null;
        for (String o : opts) if (o.startsWith("scope=")) scope = QueryStringDecoder.decodeComponent(o.substring(6));
        if (req.method().equals("POST")) {
            // a form another site's page makes the operator's browser post is refused (vxlb, not HAProxy)
            boolean admin = !crossSite(req) && adminAllowed(px, snapshot, ops, txn);
            return form(req).compose(form -> admin ? apply(ops, form) : Future.succeededFuture("DENY"))
                    .recover(t -> Future.succeededFuture("ERRP"))
                    .map(result -> new Reply(303, "See Other", List.of("cache-control", "no-cache", "content-type", "text/plain",
                            "location", st.uri() + ";st=" + result), Buffer.buffer()));
        }
        String node = null;
        boolean cluster = false;
        String done = null;
        for (String o : opts) {
            if (o.startsWith("node=")) node = QueryStringDecoder.decodeComponent(o.substring(5));
            if (o.equals("cluster")) cluster = true;
            if (o.startsWith("st=")) done = o.substring(3);
        }
        boolean csv = opts.contains("csv"), json = opts.contains("json");
        String wanted = node;
        boolean sum = cluster;
        String status = done;
        java.util.function.Predicate<String> shown = shown(px, scope);
        return ops.clusterTables().map(all -> {
            Map<String, StatsTable> tables = new java.util.LinkedHashMap<>();
            all.forEach((n, t) -> tables.put(n, t.only(shown)));
            if (csv || json) {
                StatsTable t = wanted != null ? tables.get(wanted) : sum ? StatsTable.sum(new ArrayList<>(tables.values())) : tables.get(ops.node().name());
                if (t == null) return text(404, "Not Found", "text/plain", "no node named '" + wanted.replaceAll("[^A-Za-z0-9._-]", "?") + "'\n");
                return csv ? text(200, "OK", "text/plain", t.csv()) : text(200, "OK", "application/json", t.json().encode() + "\n");
            }
            boolean admin = adminAllowed(px, snapshot, ops, txn);
            String html = StatsHtml.page(snapshot, tables, ops.node().name(), px, admin, status, st.showLegends(), st.hideVersion(), st.uri());
            List<String> h = new ArrayList<>(List.of("content-type", "text/html", "cache-control", "no-cache"));
            if (st.refreshMillis() > 0 && !opts.contains("norefresh")) {
                h.add("refresh");
                h.add(String.valueOf(Math.max(1, st.refreshMillis() / 1000)));
            }
            return new Reply(200, "OK", h, Buffer.buffer(html.getBytes(StandardCharsets.UTF_8)));
        });
    }

    /**
     * The proxies a request may see: those of {@code stats scope} ("." the page's own), then those
     * whose name contains the request's {@code scope=} (case-insensitive, as HAProxy).
     */
    static java.util.function.Predicate<String> shown(Proxy px, String scope) {
        List<String> scopes = px.stats().scopes();
        String want = scope == null ? null : scope.toLowerCase(java.util.Locale.ROOT);
        return name -> (scopes.isEmpty() || scopes.contains(name) || scopes.contains(".") && name.equals(px.name()))
                && (want == null || want.isEmpty() || name.toLowerCase(java.util.Locale.ROOT).contains(want));
    }

    private static Reply text(int status, String reason, String type, String body) {
        return new Reply(status, reason, List.of("content-type", type, "cache-control", "no-cache"), Buffer.buffer(body.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * A browser's request from another site: {@code Sec-Fetch-Site} cross-site or same-site, or an
     * {@code Origin} whose host is not the request's Host. Non-browser clients send neither.
     */
    static boolean crossSite(Request req) {
        String site = req.getHeader("sec-fetch-site");
        if (site != null && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")) return true;
        String origin = req.getHeader("origin");
        if (origin == null) return false;
        String host = req.getHeader("host");
        int scheme = origin.indexOf("://");
        return host == null || scheme < 0 || !origin.substring(scheme + 3).equalsIgnoreCase(host);
    }

    static boolean authorized(List<String> users, String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) return false;
        byte[] given;
        try {
            given = Base64.getDecoder().decode(header.substring(6).trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        boolean ok = false;
        for (String u : users) ok |= MessageDigest.isEqual(given, u.getBytes(StandardCharsets.UTF_8));
        return ok;
    }

    private static Future<Map<String, List<String>>> form(Request req) {
        String len = req.getHeader("content-length");
        try {
            if (len != null && Long.parseLong(len) > MAX_BODY) return Future.failedFuture("body too large");
        } catch (NumberFormatException e) {
            return Future.failedFuture("bad content-length");
        }
        return req.body().map(b -> new QueryStringDecoder(b.toString(StandardCharsets.ISO_8859_1), false).parameters());
    }

    /** The admin form's action on the checked servers of one backend; HAProxy's result word. */
    static Future<String> apply(Operations ops, Map<String, List<String>> form) {
        String action = one(form, "action");
        String b = one(form, "b");
        List<String> servers = form.getOrDefault("s", List.of());
        if (action == null || b == null) return Future.succeededFuture("ERRP");
        Proxy be = null;
        Map<String, Integer> ids = StatsTable.proxyIds(ops.node().replica().config());
        for (Proxy p : ops.node().replica().config().proxies()) {
            if (!p.kind().hasBackend()) continue;
            if (b.equals("#" + ids.get(p.name())) || b.equals(p.name())) be = p;
        }
        if (be == null) return Future.succeededFuture("ERRP");
        String admin;
        Integer weight = null;
        switch (action) {
            case "ready", "drain", "maint" -> admin = action;
            case "weight" -> {
                admin = null;
                try {
                    weight = Integer.parseInt(String.valueOf(one(form, "weight")));
                } catch (NumberFormatException e) {
                    return Future.succeededFuture("ERRP");
                }
                if (weight < 0 || weight > 256) return Future.succeededFuture("ERRP");
            }
            default -> {
                return Future.succeededFuture("ERRP");
            }
        }
        if (servers.isEmpty()) return Future.succeededFuture("NONE");
        List<Future<Void>> writes = new ArrayList<>();
        int missing = 0;
        for (String name : servers) {
            Server srv = null;
            for (Server s : be.servers()) if (s.name().equals(name)) srv = s;
            if (srv == null) {
                missing++;
                continue;
            }
            writes.add(ops.setServer(be, srv, admin, weight));
        }
        int miss = missing;
        return Future.join(writes).transform(x -> {
            long failed = writes.stream().filter(Future::failed).count() + miss;
            return Future.succeededFuture(failed == 0 ? "DONE" : failed < servers.size() ? "PART" : "NONE");
        });
    }

    private static String one(Map<String, List<String>> form, String name) {
        List<String> v = form.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }
}
