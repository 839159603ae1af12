package io.vxlb.rules;

import io.vxlb.maps.IpLiteral;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The run-time side of HAProxy 2.6's sample fetches (src/http_fetch.c, src/sample.c,
 * src/tcp_sample.c): {@link #create} binds a parsed fetch and its arguments to an evaluator.
 * A registered fetch without an evaluator here is a compile error ("not implemented yet"), never
 * a silent missing sample.
 */
final class Fetches {
    private Fetches() {
    }

    /** Request or response headers of a transaction. */
    enum Side {
        REQUEST {
            @Override
            int count(Txn t) {
                return t.requestHeaderCount();
            }

            @Override
            String name(Txn t, int i) {
                return t.requestHeaderName(i);
            }

            @Override
            String value(Txn t, int i) {
                return t.requestHeaderValue(i);
            }

            @Override
            boolean absent(Txn t) {
                return false;
            }
        },
        RESPONSE {
            @Override
            int count(Txn t) {
                return t.responseHeaderCount();
            }

            @Override
            String name(Txn t, int i) {
                return t.responseHeaderName(i);
            }

            @Override
            String value(Txn t, int i) {
                return t.responseHeaderValue(i);
            }

            @Override
            boolean absent(Txn t) {
                return t.status() == 0;
            }
        };

        abstract int count(Txn t);

        abstract String name(Txn t, int i);

        abstract String value(Txn t, int i);

        /** True when this side does not exist yet (no response): its fetches have no sample. */
        abstract boolean absent(Txn t);
    }

    static Fetch create(SampleExpr e, Direction dir) {
        String name = e.fetch().name();
        List<String> a = e.fetchArgs();
        Side dirSide = dir == Direction.RESPONSE ? Side.RESPONSE : Side.REQUEST;
        return switch (name) {
            case "always_true" -> new Const(SampleType.BOOLEAN, Boolean.TRUE);
            case "always_false" -> new Const(SampleType.BOOLEAN, Boolean.FALSE);
            case "int" -> new Const(SampleType.INTEGER, Long.parseLong(stripPlus(a.get(0))));
            case "str" -> new Const(SampleType.STRING, a.get(0));
            case "bool" -> new Const(SampleType.BOOLEAN, a.get(0).equalsIgnoreCase("true") || a.get(0).equals("1"));
            case "bin" -> new Const(SampleType.BINARY, hexBytes(a.get(0)));
            case "ipv4", "ipv6" -> new Const(SampleType.IP, IpLiteral.canonical(a.get(0)));
            case "meth" -> new Const(SampleType.METHOD, a.get(0));
            case "rand" -> new Rand(a.isEmpty() || a.get(0).isEmpty() ? -1 : Long.parseLong(stripPlus(a.get(0))));
            case "date" -> new Date(a.isEmpty() || a.get(0).isEmpty() ? 0 : Long.parseLong(stripPlus(a.get(0))),
                    a.size() > 1 ? a.get(1) : "");
            case "var" -> new Var(a.get(0), a.size() > 1 ? a.get(1) : null);
            case "nbsrv" -> new Nbsrv(a.isEmpty() ? "" : a.get(0));
            case "srv_is_up" -> new SrvIsUp(a.get(0));
            case "unique-id" -> new StringFetch(Txn::uniqueId);
            case "uuid" -> {
                if (!arg(a, 0).isEmpty() && !arg(a, 0).equals("4")) throw new RuleException("uuid: only version 4 is supported", "write uuid or uuid(4)");
                yield new StringFetch(t -> java.util.UUID.randomUUID().toString());  // a random (version 4) UUID, as 2.6
            }
            case "capture.req.hdr" -> captureSlot(true, a);
            case "capture.res.hdr" -> captureSlot(false, a);
            // the request line as received (before any rewrite), as HAProxy keeps it for the log
            case "capture.req.method" -> new StringFetch(Txn::receivedMethod);
            case "capture.req.uri" -> new StringFetch(t -> Path.path(t.receivedUri(), true));
            case "capture.req.ver" -> new StringFetch(t -> t.version() == null ? null : "1.1".equals(t.version()) ? "HTTP/1.1" : "HTTP/1.0");
            case "be_name" -> new StringFetch(Txn::backendName);
            case "fe_name" -> new StringFetch(Txn::frontendName);
            // connection counts and the stream's server (read when the rule runs; -1 / null: no sample)
            case "http_first_req" -> new ObjectFetch(SampleType.BOOLEAN, Txn::firstRequest);
            case "fe_conn" -> { String fe = arg(a, 0); yield new ObjectFetch(SampleType.INTEGER, t -> sample(t.feConn(fe.isEmpty() ? t.frontendName() : fe))); }
            case "be_conn" -> { String be = arg(a, 0); yield new ObjectFetch(SampleType.INTEGER, t -> sample(t.beConn(be.isEmpty() ? t.backendName() : be))); }
            case "srv_conn" -> {
                String[] bs = arg(a, 0).split("/", 2);
                if (bs.length != 2 || bs[0].isEmpty() || bs[1].isEmpty()) throw new RuleException("srv_conn expects BACKEND/SERVER", "e.g. srv_conn(be_app/s1)");
                yield new ObjectFetch(SampleType.INTEGER, t -> sample(t.srvConn(bs[0], bs[1])));
            }
            case "srv_name" -> new StringFetch(Txn::serverName);
            case "srv_id" -> new ObjectFetch(SampleType.INTEGER, t -> t.serverName() == null ? null : (Object) (long) t.serverId());
            case "so_name" -> new StringFetch(Txn::listenerName);
            case "date_us" -> new ObjectFetch(SampleType.INTEGER, t -> (Object) (long) (java.time.Instant.now().getNano() / 1000));
            case "env" -> { String v = System.getenv(arg(a, 0)); yield new ObjectFetch(SampleType.STRING, t -> v); }
            case "hostname" -> new Const(SampleType.STRING, HOSTNAME);
            case "nbproc", "proc" -> new Const(SampleType.INTEGER, 1L);  // one process, as HAProxy 2.6 always is
            case "stopping" -> new BoolFetch(t -> false);  // vxlb stops by draining its listeners: no rule runs while stopping
            case "fe_defbe" -> new StringFetch(Txn::frontendDefaultBackend);
            case "last_rule_file" -> new StringFetch(Txn::lastRuleFile);
            case "last_rule_line" -> new ObjectFetch(SampleType.INTEGER, t -> t.lastRuleLine() == 0 ? null : (Object) (long) t.lastRuleLine());
            case "req.body" -> new ObjectFetch(SampleType.BINARY, Txn::requestBody);
            case "req.body_len" -> new ObjectFetch(SampleType.INTEGER, t -> { byte[] b = t.requestBody(); return b == null ? null : (Object) (long) b.length; });
            case "req.body_size" -> new ObjectFetch(SampleType.INTEGER, t -> { long v = t.requestBodySize(); return v < 0 ? null : (Object) v; });
            case "req.body_param" -> { String n = arg(a, 0); yield new ObjectFetch(SampleType.STRING, t -> bodyParam(t.requestBody(), n)); }
            case "be_server_timeout" -> timeout("server", false);
            case "be_tunnel_timeout" -> timeout("tunnel", false);
            case "fe_client_timeout" -> timeout("client", false);
            case "cur_server_timeout" -> timeout("server", true);
            case "cur_tunnel_timeout" -> timeout("tunnel", true);
            case "ssl_fc" -> new BoolFetch(Txn::ssl);
            case "ssl_fc_has_sni" -> new BoolFetch(t -> t.ssl() && t.sni() != null);
            case "ssl_fc_sni" -> new StringFetch(t -> t.ssl() ? t.sni() : null);
            case "src" -> new Address(true);
            case "dst" -> new Address(false);
            case "src_port" -> new Port(true);
            case "dst_port" -> new Port(false);
            case "method" -> new MethodFetch();
            case "path" -> new Path(false);
            case "pathq" -> new Path(true);
            case "url" -> new StringFetch(Txn::uri);
            case "base" -> new Base(false);
            case "baseq" -> new Base(true);
            case "query" -> new Query();
            case "url_param", "urlp" -> new UrlParam(arg(a, 0), arg(a, 1));
            case "urlp_val" -> new IntOfString(new UrlParam(arg(a, 0), arg(a, 1)));
            case "req.ver", "req_ver" -> new StringFetch(Txn::version);
            case "req.proto_http", "req_proto_http" -> new BoolFetch(t -> t.method() != null);
            case "status" -> new Status();
            case "hdr" -> header(e, dirSide, false);
            case "req.hdr" -> header(e, Side.REQUEST, false);
            case "res.hdr", "shdr" -> header(e, Side.RESPONSE, false);
            case "req.fhdr" -> header(e, Side.REQUEST, true);
            case "res.fhdr" -> header(e, Side.RESPONSE, true);
            case "hdr_cnt", "req.hdr_cnt" -> new HeaderCount(Side.REQUEST, arg(a, 0), false);
            case "res.hdr_cnt", "shdr_cnt" -> new HeaderCount(Side.RESPONSE, arg(a, 0), false);
            case "req.fhdr_cnt" -> new HeaderCount(Side.REQUEST, arg(a, 0), true);
            case "res.fhdr_cnt" -> new HeaderCount(Side.RESPONSE, arg(a, 0), true);
            case "hdr_val", "req.hdr_val" -> new IntOfString(header(e, Side.REQUEST, false));
            case "hdr_ip", "req.hdr_ip" -> new HashConverters.IpOfString(header(e, Side.REQUEST, false));
            case "res.hdr_ip", "shdr_ip" -> new HashConverters.IpOfString(header(e, Side.RESPONSE, false));
            case "res.hdr_val", "shdr_val" -> new IntOfString(header(e, Side.RESPONSE, false));
            case "req.hdr_names" -> new HeaderNames(Side.REQUEST, a.isEmpty() || a.get(0).isEmpty() ? ',' : a.get(0).charAt(0));
            case "res.hdr_names" -> new HeaderNames(Side.RESPONSE, a.isEmpty() || a.get(0).isEmpty() ? ',' : a.get(0).charAt(0));
            case "cook", "req.cook" -> new Cookie(Side.REQUEST, arg(a, 0));
            case "res.cook", "scook" -> new Cookie(Side.RESPONSE, arg(a, 0));
            case "cookie" -> new Cookie(dirSide, arg(a, 0));
            case "cook_cnt", "req.cook_cnt" -> new CookieCount(Side.REQUEST, arg(a, 0));
            case "res.cook_cnt", "scook_cnt" -> new CookieCount(Side.RESPONSE, arg(a, 0));
            case "cook_val", "req.cook_val" -> new IntOfString(new Cookie(Side.REQUEST, arg(a, 0)));
            case "res.cook_val", "scook_val" -> new IntOfString(new Cookie(Side.RESPONSE, arg(a, 0)));
            default -> throw new RuleException("fetch method '" + name + "' is not implemented yet in vxlb",
                    "it is valid HAProxy 2.6, but vxlb cannot evaluate it; see the list of supported fetches in the documentation");
        };
    }

    /** {@code capture.req.hdr(N)}/{@code capture.res.hdr(N)}: the frontend's capture slot N. */
    private static Fetch captureSlot(boolean request, List<String> a) {
        int slot;
        try {
            slot = Integer.parseInt(arg(a, 0));
        } catch (NumberFormatException e) {
            throw new RuleException("capture." + (request ? "req" : "res") + ".hdr expects a slot number", "e.g. capture.req.hdr(0), the first capture of the frontend");
        }
        return new StringFetch(t -> t.captured(request, slot));
    }

    private static String arg(List<String> a, int i) {
        return i < a.size() ? a.get(i) : "";
    }

    private static String stripPlus(String s) {
        return s.startsWith("+") ? s.substring(1) : s;
    }

    private static byte[] hexBytes(String hex) {
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    /** True when the fetch was written with parentheses ("hdr()" has an empty name, "hdr" none). */
    static boolean hasParens(SampleExpr e) {
        String text = e.text();
        int k = SampleExprParser.keyword(text).length();
        return k < text.length() && text.charAt(k) == '(';
    }

    private static Header header(SampleExpr e, Side side, boolean full) {
        List<String> a = e.fetchArgs();
        // 2.6 reads no header at all when the name argument is absent (args[0] is not a string);
        // "hdr()" gives an empty name, which means every header
        String name = a.isEmpty() ? (hasParens(e) ? "" : null) : a.get(0);
        int occ = a.size() > 1 && !a.get(1).isEmpty() ? Integer.parseInt(stripPlus(a.get(1))) : 0;
        return new Header(side, name, occ, full);
    }

    static final class Const extends Fetch {
        private final Object value;

        Const(SampleType type, Object value) {
            super(type);
            this.value = value;
        }

        @Override
        Object get(Txn t) {
            return value;
        }

        Object value() {
            return value;
        }
    }

    static final class StringFetch extends Fetch {
        private final java.util.function.Function<Txn, String> f;

        StringFetch(java.util.function.Function<Txn, String> f) {
            super(SampleType.STRING);
            this.f = f;
        }

        @Override
        Object get(Txn t) {
            return f.apply(t);
        }
    }

    /** A count, or no sample when negative (no such proxy or server). */
    private static Object sample(long v) {
        return v < 0 ? null : (Object) v;
    }

    /** A fetch whose function gives the sample itself (null: none). */
    static final class ObjectFetch extends Fetch {
        private final java.util.function.Function<Txn, Object> f;

        ObjectFetch(SampleType type, java.util.function.Function<Txn, Object> f) {
            super(type);
            this.f = f;
        }

        @Override
        Object get(Txn t) {
            return f.apply(t);
        }
    }

    static final class BoolFetch extends Fetch {
        private final java.util.function.Predicate<Txn> f;

        BoolFetch(java.util.function.Predicate<Txn> f) {
            super(SampleType.BOOLEAN);
            this.f = f;
        }

        @Override
        Object get(Txn t) {
            return f.test(t) ? Boolean.TRUE : Boolean.FALSE;
        }
    }

    static final class Rand extends Fetch.IntFetch {
        private final long range;

        Rand(long range) {
            this.range = range;
        }

        @Override
        long getLong(Txn t) {
            long r = ThreadLocalRandom.current().nextInt() & 0xFFFFFFFFL;
            return range < 0 ? r : (r * range) >>> 32;
        }
    }

    static final class Date extends Fetch.IntFetch {
        private final long offset;
        private final String unit;

        Date(long offset, String unit) {
            this.offset = offset;
            this.unit = unit;
        }

        @Override
        long getLong(Txn t) {
            long v;
            if (unit.equals("ms")) {
                v = System.currentTimeMillis();
            } else if (unit.equals("us")) {
                java.time.Instant now = java.time.Instant.now();
                v = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
            } else {
                v = System.currentTimeMillis() / 1000;
            }
            return v + offset;
        }
    }

    static final class Var extends Fetch {
        private final String name;
        private final String def;

        Var(String name, String def) {
            super(SampleType.ANY);
            this.name = name;
            this.def = def;
        }

        @Override
        Object get(Txn t) {
            Object v = t.variable(name);
            return v != null ? SampleValues.normalize(v) : def;
        }
    }

    static final class Nbsrv extends Fetch.IntFetch {
        private final String backend;

        Nbsrv(String backend) {
            this.backend = backend;
        }

        @Override
        long getLong(Txn t) {
            return t.nbsrv(backend.isEmpty() ? ownProxy(t) : backend);
        }
    }

    /** The proxy a rule without an explicit backend refers to: its own backend (or listen). */
    static String ownProxy(Txn t) {
        String b = t.backendName();
        return b != null ? b : t.frontendName();
    }

    static final class SrvIsUp extends Fetch {
        private final String backend;
        private final String server;

        SrvIsUp(String ref) {
            super(SampleType.BOOLEAN);
            int slash = ref.lastIndexOf('/');
            backend = slash < 0 ? "" : ref.substring(0, slash);
            server = slash < 0 ? ref : ref.substring(slash + 1);
        }

        @Override
        Object get(Txn t) {
            return t.srvIsUp(backend.isEmpty() ? ownProxy(t) : backend, server);
        }
    }

    static final class Address extends Fetch {
        private final boolean src;

        Address(boolean src) {
            super(SampleType.IP);
            this.src = src;
        }

        @Override
        Object get(Txn t) {
            return src ? t.srcAddress() : t.dstAddress();
        }
    }

    static final class Port extends Fetch.IntFetch {
        private final boolean src;

        Port(boolean src) {
            this.src = src;
        }

        @Override
        boolean present(Txn t) {
            return (src ? t.srcAddress() : t.dstAddress()) != null;
        }

        @Override
        long getLong(Txn t) {
            return src ? t.srcPort() : t.dstPort();
        }
    }

    static final class MethodFetch extends Fetch {
        MethodFetch() {
            super(SampleType.METHOD);
        }

        @Override
        Object get(Txn t) {
            return t.method();
        }
    }

    /** {@code hostname}: the system's, read once (gethostname; no name lookup on the request path). */
    private static final String HOSTNAME = hostname();

    private static String hostname() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (java.io.IOException | RuntimeException e) {
            String h = System.getenv("HOSTNAME");
            return h != null ? h : "localhost";
        }
    }

    /** req.body_param(NAME): the first value of NAME in a url-encoded body (any parameter without a name), undecoded. */
    private static String bodyParam(byte[] body, String name) {
        if (body == null) return null;
        String text = new String(body, java.nio.charset.StandardCharsets.ISO_8859_1);
        long p = HttpText.nextParam(text, 0, text.length(), name, '&');
        return p < 0 ? null : text.substring(HttpText.first(p), HttpText.second(p));
    }

    /** The timeout fetches: no sample while the stream cannot tell (HAProxy: no such proxy yet). */
    private static Fetch timeout(String which, boolean current) {
        return new ObjectFetch(SampleType.INTEGER, t -> {
            long v = t.timeout(which, current);
            return v < 0 ? null : (Object) v;
        });
    }

    static final class Path extends Fetch {
        private final boolean withQuery;

        Path(boolean withQuery) {
            super(SampleType.STRING);
            this.withQuery = withQuery;
        }

        @Override
        Object get(Txn t) {
            return path(t.uri(), withQuery);
        }

        static String path(String uri, boolean withQuery) {
            if (uri == null) {
                return null;
            }
            int p = HttpText.pathStart(uri);
            if (p < 0) {
                return null;
            }
            int end = uri.length();
            if (!withQuery) {
                int q = uri.indexOf('?', p);
                if (q >= 0) {
                    end = q;
                }
            }
            return uri.substring(p, end);
        }
    }

    /** The first value of the first Host header followed by the path when it starts with '/'. */
    static final class Base extends Fetch {
        private final boolean withQuery;

        Base(boolean withQuery) {
            super(SampleType.STRING);
            this.withQuery = withQuery;
        }

        @Override
        Object get(Txn t) {
            String host = null;
            int hb = 0;
            int he = 0;
            for (int i = 0, n = t.requestHeaderCount(); i < n; i++) {
                if (t.requestHeaderName(i).equalsIgnoreCase("host")) {
                    host = t.requestHeaderValue(i);
                    long v = HttpText.headerValue(host, 0);
                    hb = HttpText.first(v);
                    he = HttpText.second(v);
                    break;
                }
            }
            String uri = t.uri();
            if (host == null || he == hb) {
                return Path.path(uri, withQuery);
            }
            StringBuilder sb = new StringBuilder(he - hb + (uri == null ? 0 : uri.length()));
            sb.append(host, hb, he);
            int p = uri == null ? -1 : HttpText.pathStart(uri);
            if (p >= 0) {
                int end = uri.length();
                if (!withQuery) {
                    int q = uri.indexOf('?', p);
                    if (q >= 0) {
                        end = q;
                    }
                }
                if (end > p && uri.charAt(p) == '/') {
                    sb.append(uri, p, end);
                }
            }
            return sb.toString();
        }
    }

    static final class Query extends Fetch {
        Query() {
            super(SampleType.STRING);
        }

        @Override
        Object get(Txn t) {
            String uri = t.uri();
            if (uri == null) {
                return null;
            }
            int q = uri.indexOf('?');
            return q < 0 ? null : uri.substring(q + 1);
        }
    }

    /** url_param / urlp: the first occurrence; in an ACL every occurrence. */
    static final class UrlParam extends Fetch {
        private final String name;
        private final char delim;

        UrlParam(String name, String delim) {
            super(SampleType.STRING);
            this.name = name;
            this.delim = delim.isEmpty() ? '?' : delim.charAt(0);
        }

        @Override
        Object get(Txn t) {
            String uri = t.uri();
            if (uri == null) {
                return null;
            }
            int q = uri.indexOf(delim);
            if (q < 0) {
                return null;
            }
            long p = HttpText.nextParam(uri, q + 1, uri.length(), name, delim);
            return p < 0 ? null : uri.substring(HttpText.first(p), HttpText.second(p));
        }

        @Override
        boolean anyMatch(Txn t, ValueTest test) {
            String uri = t.uri();
            if (uri == null) {
                return false;
            }
            int q = uri.indexOf(delim);
            if (q < 0) {
                return false;
            }
            int from = q + 1;
            int end = uri.length();
            while (from < end) {
                long p = HttpText.nextParam(uri, from, end, name, delim);
                if (p < 0) {
                    return false;
                }
                int vb = HttpText.first(p);
                int ve = HttpText.second(p);
                if (test.test(t, uri.substring(vb, ve))) {
                    return true;
                }
                from = ve;
            }
            return false;
        }
    }

    static final class Status extends Fetch.IntFetch {
        @Override
        boolean present(Txn t) {
            return t.status() != 0;
        }

        @Override
        long getLong(Txn t) {
            return t.status();
        }
    }

    /**
     * hdr / req.hdr / res.hdr (comma-separated values) and req.fhdr / res.fhdr (whole lines).
     * Sample context: occurrence {@code occ} (1 = first, -1 = last, 0 = last); ACL context with
     * occ 0: every value of every occurrence.
     */
    static final class Header extends Fetch {
        private final Side side;
        /** null: no name argument, which in 2.6 never gives a sample; "": every header. */
        private final String name;
        private final int occ;
        private final boolean full;

        Header(Side side, String name, int occ, boolean full) {
            super(SampleType.STRING);
            this.side = side;
            this.name = name;
            this.occ = occ;
            this.full = full;
        }

        private boolean named(Txn t, int i) {
            return name.isEmpty() || side.name(t, i).equalsIgnoreCase(name);
        }

        /** The n-th value (0-based) in order; null when there are fewer. */
        private String nth(Txn t, int n) {
            int seen = 0;
            for (int i = 0, c = side.count(t); i < c; i++) {
                if (!named(t, i)) {
                    continue;
                }
                String v = side.value(t, i);
                if (full) {
                    if (seen++ == n) {
                        long p = HttpText.fullValue(v);
                        return v.substring(HttpText.first(p), HttpText.second(p));
                    }
                    continue;
                }
                int pos = 0;
                while (true) {
                    long p = HttpText.headerValue(v, pos);
                    if (seen++ == n) {
                        return v.substring(HttpText.first(p), HttpText.second(p));
                    }
                    int e = HttpText.third(p);
                    if (e >= v.length()) {
                        break;
                    }
                    pos = e + 1;
                }
            }
            return null;
        }

        private int countValues(Txn t) {
            return count(t, side, name, full);
        }

        @Override
        Object get(Txn t) {
            if (name == null || side.absent(t)) {
                return null;
            }
            int o = occ == 0 ? -1 : occ;
            if (o > 0) {
                return nth(t, o - 1);
            }
            if (-o > 10) {
                return null; // MAX_HDR_HISTORY
            }
            int n = countValues(t) + o;
            return n < 0 ? null : nth(t, n);
        }

        @Override
        boolean anyMatch(Txn t, ValueTest test) {
            if (occ != 0) {
                Object v = get(t);
                return v != null && test.test(t, v);
            }
            if (name == null || side.absent(t)) {
                return false;
            }
            for (int i = 0, c = side.count(t); i < c; i++) {
                if (!named(t, i)) {
                    continue;
                }
                String v = side.value(t, i);
                if (full) {
                    long p = HttpText.fullValue(v);
                    if (test.test(t, v.substring(HttpText.first(p), HttpText.second(p)))) {
                        return true;
                    }
                    continue;
                }
                int pos = 0;
                while (true) {
                    long p = HttpText.headerValue(v, pos);
                    if (test.test(t, v.substring(HttpText.first(p), HttpText.second(p)))) {
                        return true;
                    }
                    int e = HttpText.third(p);
                    if (e >= v.length()) {
                        break;
                    }
                    pos = e + 1;
                }
            }
            return false;
        }
    }

    /** Number of values (or of whole lines) of a header; every header when the name is empty. */
    static int count(Txn t, Side side, String name, boolean full) {
        int seen = 0;
        for (int i = 0, c = side.count(t); i < c; i++) {
            if (!name.isEmpty() && !side.name(t, i).equalsIgnoreCase(name)) {
                continue;
            }
            if (full) {
                seen++;
                continue;
            }
            String v = side.value(t, i);
            int pos = 0;
            while (true) {
                seen++;
                int e = HttpText.third(HttpText.headerValue(v, pos));
                if (e >= v.length()) {
                    break;
                }
                pos = e + 1;
            }
        }
        return seen;
    }

    static final class HeaderCount extends Fetch.IntFetch {
        private final Side side;
        private final String name;
        private final boolean full;

        HeaderCount(Side side, String name, boolean full) {
            this.side = side;
            this.name = name;
            this.full = full;
        }

        @Override
        boolean present(Txn t) {
            return !side.absent(t);
        }

        @Override
        long getLong(Txn t) {
            return count(t, side, name, full);
        }
    }

    static final class HeaderNames extends Fetch {
        private final Side side;
        private final char delim;

        HeaderNames(Side side, char delim) {
            super(SampleType.STRING);
            this.side = side;
            this.delim = delim;
        }

        @Override
        Object get(Txn t) {
            if (side.absent(t)) {
                return null;
            }
            StringBuilder sb = new StringBuilder();
            for (int i = 0, c = side.count(t); i < c; i++) {
                if (i > 0) {
                    sb.append(delim);
                }
                sb.append(side.name(t, i));
            }
            return sb.toString();
        }
    }

    /** A string fetch read as an integer the way 2.6's *_val fetches do (strl2ic). */
    static final class IntOfString extends Fetch {
        private final Fetch inner;

        IntOfString(Fetch inner) {
            super(SampleType.INTEGER);
            this.inner = inner;
        }

        @Override
        Object get(Txn t) {
            String s = (String) inner.get(t);
            return s == null ? null : (Object) (long) HttpText.strl2ic(s, 0, s.length());
        }

        @Override
        boolean anyMatch(Txn t, ValueTest test) {
            return inner.anyMatch(t, (tx, v) -> {
                String s = (String) v;
                return test.test(tx, (long) HttpText.strl2ic(s, 0, s.length()));
            });
        }
    }

    /**
     * req.cook / res.cook: in a sample, the LAST cookie of that name (the first cookie of any name
     * when no name is given); in an ACL, every one. Request cookies come from Cookie headers
     * (several per value), response cookies from Set-Cookie (the first pair only).
     */
    static final class Cookie extends Fetch {
        private final Side side;
        private final String header;
        private final String name;
        private final boolean list;

        Cookie(Side side, String name) {
            super(SampleType.STRING);
            this.side = side;
            this.header = side == Side.RESPONSE ? "set-cookie" : "cookie";
            this.name = name;
            this.list = side == Side.REQUEST;
        }

        @Override
        Object get(Txn t) {
            return scan(t, null, name.isEmpty() ? 1 : 0);
        }

        @Override
        boolean anyMatch(Txn t, ValueTest test) {
            return scan(t, test, 2) != null;
        }

        /**
         * mode 0: the last match; 1: the first match; 2: the first match passing {@code test}
         * (then a non-null marker is returned).
         */
        private Object scan(Txn t, ValueTest test, int mode) {
            if (side.absent(t)) {
                return null;
            }
            String last = null;
            int nl = name.length();
            for (int i = 0, c = side.count(t); i < c; i++) {
                if (!side.name(t, i).equalsIgnoreCase(header)) {
                    continue;
                }
                String v = side.value(t, i);
                int pos = 0;
                while (true) {
                    long hv = HttpText.headerValue(v, pos);
                    int b = HttpText.first(hv);
                    int te = HttpText.second(hv);
                    if (te - b >= nl + 1) {
                        int from = b;
                        long ck;
                        while (from < te && (ck = HttpText.extractCookie(v, from, te, name, list)) >= 0) {
                            String value = v.substring(HttpText.second(ck), HttpText.third(ck));
                            if (mode == 1) {
                                return value;
                            }
                            if (mode == 2 && test.test(t, value)) {
                                return Boolean.TRUE;
                            }
                            last = value;
                            from = HttpText.first(ck);
                        }
                    }
                    int e = HttpText.third(hv);
                    if (e >= v.length()) {
                        break;
                    }
                    pos = e + 1;
                }
            }
            return mode == 0 ? last : null;
        }
    }

    static final class CookieCount extends Fetch.IntFetch {
        private final Cookie cookie;

        CookieCount(Side side, String name) {
            cookie = new Cookie(side, name);
        }

        @Override
        boolean present(Txn t) {
            return !cookie.side.absent(t);
        }

        @Override
        long getLong(Txn t) {
            int[] n = new int[1];
            cookie.anyMatch(t, (tx, v) -> {
                n[0]++;
                return false;
            });
            return n[0];
        }
    }
}
