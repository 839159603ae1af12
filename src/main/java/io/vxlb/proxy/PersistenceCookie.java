package io.vxlb.proxy;

import io.vxlb.config.CookiePersistence;
import io.vxlb.log.HttpLogRecord;
import io.vxlb.runtime.ServerRuntime;
import io.vxlb.runtime.Snapshot;

import java.util.List;

/**
 * A backend's {@code cookie NAME [insert|rewrite|prefix] [indirect] [nocache] [postonly] [preserve]
 * [httponly] [secure] [domain D]* [attr A]*} persistence, compiled once per snapshot: the cookie
 * each server answers to and the exact {@code Set-Cookie} text inserted for it are built here, so
 * the request path only scans headers.
 *
 * <p>Behaviour follows HAProxy 2.6 (checked against 2.6.12): the request's {@code Cookie} headers
 * are scanned for NAME (name compared case-sensitively, items split on unquoted {@code ;} and
 * {@code ,}); the first server, in declaration order, whose cookie value matches and which is not
 * stopped (health down or maintenance; drain still counts) is chosen directly. A cookie naming a
 * stopped server is "D" and the request is load-balanced as if no cookie was sent, with or without
 * {@code option redispatch}. In insert+indirect mode the cookie is removed from the request; in
 * prefix mode {@code SRV~} is stripped from its value. On the response, a server {@code Set-Cookie}
 * of NAME is deleted (insert, or indirect on a direct hit), rewritten (rewrite) or prefixed (prefix),
 * and in insert mode a cookie is appended unless the client reached its server directly.
 *
 * <p>Not done: {@code maxidle}/{@code maxlife} dates (parsed, not emitted or checked: a dated
 * cookie still matches by its server part), {@code dynamic} cookies, {@code option persist},
 * {@code force-persist}/{@code ignore-persist}, {@code Set-Cookie2}.
 */
public final class PersistenceCookie {
    private static final String EXPIRED = "=; Expires=Thu, 01-Jan-1970 00:00:01 GMT; path=/";

    private final String name;
    private final CookiePersistence.Method method;
    private final boolean indirect, nocache, postonly, preserve;
    /** Insert and indirect: the cookie never reaches the server. */
    private final boolean removeFromRequest;
    /** The %tsc cookie letters are written (HAProxy: any of rewrite, insert, prefix, indirect). */
    private final boolean logs;
    private final ServerRuntime[] servers;
    /** Cookie value of each server, null when it has none. */
    private final String[] values;
    /** The whole Set-Cookie value inserted for each server. */
    private final String[] inserted;

    public PersistenceCookie(CookiePersistence c, List<ServerRuntime> servers) {
        this.name = c.name();
        this.method = c.method();
        this.indirect = c.indirect();
        this.nocache = c.nocache();
        this.postonly = c.postonly();
        this.preserve = c.preserve();
        this.removeFromRequest = method == CookiePersistence.Method.INSERT && indirect;
        this.logs = logs(c);
        this.servers = servers.toArray(new ServerRuntime[0]);
        this.values = new String[this.servers.length];
        this.inserted = new String[this.servers.length];
        StringBuilder attrs = new StringBuilder();
        // HAProxy's order: path, every domain, HttpOnly, Secure, then each "attr" as given
        for (String d : c.domains()) attrs.append("; domain=").append(d);
        if (c.httponly()) attrs.append("; HttpOnly");
        if (c.secure()) attrs.append("; Secure");
        for (String a : c.attributes()) attrs.append("; ").append(a);
        for (int i = 0; i < this.servers.length; i++) {
            String v = this.servers[i].server.cookie();
            values[i] = v;
            // a server without a cookie value makes the client forget the cookie
            inserted[i] = (v == null ? name + EXPIRED : name + "=" + v + "; path=/") + attrs;
        }
    }

    /** The backend's persistence, or null when it has no {@code cookie} line. */
    public static PersistenceCookie of(CookiePersistence c, List<ServerRuntime> servers) {
        return c == null ? null : new PersistenceCookie(c, servers);
    }

    /** Whether HAProxy writes the two cookie letters of %tsc for this cookie setting ("--" otherwise). */
    static boolean logs(CookiePersistence c) {
        return c != null && (c.method() != CookiePersistence.Method.PASSIVE || c.indirect());
    }

    boolean logs() {
        return logs;
    }

    // ---- request side ------------------------------------------------------------------------

    /**
     * Reads and rewrites the request's Cookie headers. Returns the running server the cookie
     * designates, or null; {@code assigned} is true when a {@code use-server} rule already chose
     * (the cookie is then "U", unused, but still rewritten). Sets {@code log.cookieRequest}.
     */
    ServerRuntime onRequest(Snapshot snapshot, HeaderList headers, boolean assigned, HttpLogRecord log) {
        Match m = null;  // only a request that carries a cookie to look at pays for one
        for (int i = 0; i < headers.size(); i++) {
            if (!headers.name(i).equalsIgnoreCase("cookie")) continue;
            String v = headers.value(i);
            if (v.indexOf(name) < 0 && !spacedEqual(v)) continue;  // nothing for us, nothing to normalise
            if (m == null) m = new Match(snapshot, assigned);
            String out = rewriteCookieHeader(v, m);
            if (out.isEmpty()) {
                headers.remove(i--);
            } else if (!out.equals(v)) {
                headers.setValue(i, out);
            }
        }
        if (logs) log.cookieRequest = m == null ? 'N' : m.state;
        return m == null ? null : m.server;
    }

    /** Per-request result of the cookie scan: the chosen server and HAProxy's cookie letter. */
    private static final class Match {
        final Snapshot snapshot;
        boolean assigned;
        ServerRuntime server;
        char state = 'N';

        Match(Snapshot snapshot, boolean assigned) {
            this.snapshot = snapshot;
            this.assigned = assigned;
        }
    }

    /** HAProxy strips blanks around the '=' of every cookie it parses: only then can a value change here. */
    private static boolean spacedEqual(String v) {
        for (int i = v.indexOf('='); i >= 0; i = v.indexOf('=', i + 1)) {
            if ((i > 0 && isBlank(v.charAt(i - 1))) || (i + 1 < v.length() && isBlank(v.charAt(i + 1)))) return true;
        }
        return false;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    /** Matches a persistence cookie value (the server part: before '~' in prefix mode, before '|' otherwise). */
    private void match(String v, int from, int to, Match m) {
        if (from == to || m.assigned) {
            // an empty value never matches (no sticking to a cookie-less server); an assigned request ignores it
            if (m.state == 'N') m.state = m.assigned ? 'U' : 'I';
            return;
        }
        int len = to - from;
        for (int i = 0; i < servers.length; i++) {
            String c = values[i];
            if (c == null || c.length() != len || !v.regionMatches(from, c, 0, len)) continue;
            if (m.snapshot.state(servers[i]).running()) {
                m.state = 'V';
                m.server = servers[i];
                m.assigned = true;
                return;
            }
            m.state = 'D';  // stopped: look on, another server may share the value
        }
        // only a first verdict is recorded: a later unknown cookie does not undo a "V" or "D"
        if (m.state == 'N') m.state = 'I';
    }

    /**
     * One Cookie header, HAProxy's way: items split on unquoted ';' or ',', blanks around '='
     * removed, "$attributes" left attached to the cookie before them. Our cookie is matched, then
     * removed (insert+indirect) or stripped of its "SRV~" prefix (prefix). A removed run of items
     * followed by a kept one is replaced by that item's delimiter and one space; a removed tail is
     * cut at its delimiter. Returns "" when nothing is left.
     */
    private String rewriteCookieHeader(String v, Match m) {
        int n = v.length();
        StringBuilder out = new StringBuilder(n);
        int delFrom = -1;         // output length where a pending removal starts (-2: at the very start)
        boolean keepHeader = false;
        int prev = 0;             // index of the delimiter before the current item (0 for the first)
        boolean first = true;
        while (prev < n) {
            int attBeg = first ? prev : prev + 1;
            first = false;
            while (attBeg < n && isBlank(v.charAt(attBeg))) attBeg++;
            int equal = attBeg, attEnd = attBeg;
            while (equal < n) {
                char c = v.charAt(equal);
                if (c == '=' || c == ',' || c == ';') break;
                equal++;
                if (!isBlank(c)) attEnd = equal;
            }
            int valBeg, valEnd, next;
            if (equal < n && v.charAt(equal) == '=') {
                valBeg = equal + 1;
                while (valBeg < n && isBlank(v.charAt(valBeg))) valBeg++;
                next = valueEnd(v, valBeg, n);
                valEnd = next;
                while (valEnd > valBeg && isBlank(v.charAt(valEnd - 1))) valEnd--;
            } else {
                valBeg = valEnd = next = equal;
            }
            int itemStart = out.length();
            if (attBeg < n && v.charAt(attBeg) == '$') {
                out.append(v, prev, next);  // attached to the cookie before it: kept or removed with it
            } else if (equal == next) {
                // no '=': not a cookie of ours, kept as is
                keepHeader = true;
                out.append(v, flush(v, out, delFrom, prev, next), next);
                delFrom = -1;
            } else {
                boolean ours = attEnd - attBeg == name.length() && v.startsWith(name, attBeg);
                if (!ours) {
                    keepHeader = true;
                    appendStripped(v, out, flush(v, out, delFrom, prev, next), attBeg, attEnd, valBeg, next);
                    delFrom = -1;
                } else if (method == CookiePersistence.Method.PREFIX) {
                    int delim = v.indexOf('~', valBeg);
                    if (delim < 0 || delim >= valEnd) delim = valEnd;
                    match(v, valBeg, delim, m);
                    if (delim != valEnd) {
                        // the server sees the cookie it emitted
                        keepHeader = true;
                        out.append(v, prev, attBeg).append(v, attBeg, attEnd).append('=').append(v, delim + 1, next);
                    } else {
                        appendStripped(v, out, prev, attBeg, attEnd, valBeg, next);
                    }
                } else {
                    int bar = v.indexOf('|', valBeg);
                    match(v, valBeg, bar >= 0 && bar < valEnd ? bar : valEnd, m);
                    if (removeFromRequest && delFrom == -1) delFrom = itemStart == 0 && prev == 0 ? -2 : itemStart;
                    appendStripped(v, out, prev, attBeg, attEnd, valBeg, next);
                }
            }
            prev = next;
        }
        if (delFrom != -1) {
            if (!keepHeader) return "";
            out.setLength(Math.max(delFrom, 0));
        }
        return out.toString();
    }

    /** Copies one item with the blanks around its '=' removed. */
    private static void appendStripped(String v, StringBuilder out, int prev, int attBeg, int attEnd, int valBeg, int next) {
        out.append(v, prev, attEnd).append('=').append(v, valBeg, next);
    }

    /**
     * A kept item starts at {@code prev}. If a removal is pending since {@code delFrom}, drop what
     * was removed: at the start, the kept item also loses its delimiter and blanks; elsewhere the
     * blanks before the removed run go and the kept item's delimiter plus one space join the two
     * sides. Returns where the rest of the kept item begins in {@code v}, for the caller to append.
     */
    private static int flush(String v, StringBuilder out, int delFrom, int prev, int next) {
        if (delFrom == -1) return prev;
        int rest = prev;
        if (delFrom == -2) {
            out.setLength(0);
            if (rest < next) rest++;
        } else {
            int end = delFrom;
            while (end > 0 && isBlank(out.charAt(end - 1))) end--;
            out.setLength(end);
            out.append(v.charAt(rest++)).append(' ');
        }
        while (rest < next && isBlank(v.charAt(rest))) rest++;
        return rest;
    }

    /** End of a cookie value: the next ';' or ',' outside double quotes (a backslash escapes inside them). */
    private static int valueEnd(String v, int from, int n) {
        boolean quoted = false, escaped = false;
        for (int i = from; i < n; i++) {
            char c = v.charAt(i);
            if (escaped) escaped = false;
            else if (quoted) {
                if (c == '\\') escaped = true;
                else if (c == '"') quoted = false;
            } else if (c == '"') quoted = true;
            else if (c == ';' || c == ',') return i;
        }
        return n;
    }

    // ---- response side -----------------------------------------------------------------------

    /**
     * Server-side cookie handling and insertion, after the http-response rules as in HAProxy.
     * {@code direct}: the server was reached through the client's cookie (or a use-server rule).
     * {@code status}: the server's status, for cacheability. Sets {@code log.cookieResponse}.
     */
    void onResponse(HeaderList headers, ServerRuntime server, boolean direct, String requestMethod, int status, HttpLogRecord log) {
        char state = 'N';
        boolean found = false;
        for (int i = 0; i < headers.size(); i++) {
            if (!headers.name(i).equalsIgnoreCase("set-cookie")) continue;
            String v = headers.value(i);
            int n = v.length();
            int attBeg = 0;
            while (attBeg < n && isBlank(v.charAt(attBeg))) attBeg++;
            int equal = attBeg, attEnd = attBeg;
            while (equal < n) {
                char c = v.charAt(equal);
                if (c == '=' || c == ';') break;
                equal++;
                if (!isBlank(c)) attEnd = equal;
            }
            if (equal >= n || v.charAt(equal) != '=') continue;  // not NAME=VALUE
            int valBeg = equal + 1;
            while (valBeg < n && isBlank(v.charAt(valBeg))) valBeg++;
            int valEnd = valueEnd(v, valBeg, n);
            while (valEnd > valBeg && isBlank(v.charAt(valEnd - 1))) valEnd--;
            if (attEnd != equal || valBeg != equal + 1) {
                // HAProxy normalises "NAME = VALUE" to "NAME=VALUE" in every Set-Cookie it parses
                int shift = (valBeg - attEnd) - 1;
                v = v.substring(0, attEnd) + "=" + v.substring(valBeg);
                headers.setValue(i, v);
                valBeg -= shift;
                valEnd -= shift;
                equal = attEnd;
            }
            if (attEnd - attBeg != name.length() || !v.startsWith(name, attBeg)) continue;
            found = true;
            state = 'P';
            if (preserve) continue;
            String own = values[indexOf(server)];
            if (method == CookiePersistence.Method.INSERT || (direct && indirect)) {
                headers.remove(i--);
                state = 'D';
            } else if (own != null && method == CookiePersistence.Method.REWRITE) {
                headers.setValue(i, v.substring(0, valBeg) + own + v.substring(valEnd));
                state = 'R';
            } else if (own != null && method == CookiePersistence.Method.PREFIX) {
                headers.setValue(i, v.substring(0, valBeg) + own + '~' + v.substring(valBeg));
                state = 'R';
            }
        }
        if (method == CookiePersistence.Method.INSERT && !(found && preserve) && !direct
                && (!postonly || requestMethod.equals("POST"))) {
            headers.add("set-cookie", inserted[indexOf(server)]);
            state = 'I';
            // HAProxy: "private" rather than no-cache="set-cookie", which HTTP/1.0 caches ignore
            if (nocache && cacheable(headers, requestMethod, status)) headers.add("cache-control", "private");
        }
        if (logs) log.cookieResponse = state;
    }

    private int indexOf(ServerRuntime s) {
        for (int i = 0; i < servers.length; i++) if (servers[i] == s) return i;
        throw new IllegalStateException("server " + s.key + " is not in this backend");
    }

    /**
     * HAProxy 2.6's idea of a cacheable response (the Set-Cookie just added is not looked at):
     * a safe method and a status cacheable by default; then "Pragma: no-cache" says no; each
     * Cache-Control value "public" says yes, "private", "no-cache", "no-store", "max-age=0" or
     * "s-maxage=0" say no; and without freshness (max-age, s-maxage, Expires) nor validator
     * (ETag, Last-Modified) it is not cacheable either.
     */
    static boolean cacheable(HeaderList headers, String requestMethod, int status) {
        boolean cacheable = switch (requestMethod) {
            case "GET", "HEAD", "OPTIONS", "TRACE" -> true;
            default -> false;
        };
        switch (status) {
            case 200, 203, 204, 206, 300, 301, 404, 405, 410, 414, 501 -> { }
            default -> cacheable = false;
        }
        String pragma = first(headers, "pragma");
        if (pragma != null && pragma.equalsIgnoreCase("no-cache")) return false;
        boolean fresh = false;
        for (int i = 0; i < headers.size(); i++) {
            if (!headers.name(i).equalsIgnoreCase("cache-control")) continue;
            String v = headers.value(i);
            int from = 0;
            while (from <= v.length()) {
                int comma = v.indexOf(',', from);
                int to = comma < 0 ? v.length() : comma;
                int b = from, e = to;
                while (b < e && isBlank(v.charAt(b))) b++;
                while (e > b && isBlank(v.charAt(e - 1))) e--;
                if (is(v, b, e, "public")) {
                    cacheable = true;
                } else if (is(v, b, e, "private") || is(v, b, e, "no-cache") || is(v, b, e, "no-store")
                        || is(v, b, e, "max-age=0") || is(v, b, e, "s-maxage=0")) {
                    cacheable = false;
                } else if (startsWith(v, b, e, "no-cache=\"set-cookie")) {
                    // only keeps cookies out of the cache: the response stays cacheable
                } else if (startsWith(v, b, e, "s-maxage") || startsWith(v, b, e, "max-age")) {
                    fresh = true;
                }
                if (comma < 0) break;
                from = comma + 1;
            }
        }
        if (!fresh) fresh = first(headers, "expires") != null;
        if (!fresh && first(headers, "etag") == null && first(headers, "last-modified") == null) return false;
        return cacheable;
    }

    private static boolean is(String v, int from, int to, String word) {
        return to - from == word.length() && v.regionMatches(true, from, word, 0, word.length());
    }

    private static boolean startsWith(String v, int from, int to, String word) {
        return to - from >= word.length() && v.regionMatches(true, from, word, 0, word.length());
    }

    private static String first(HeaderList headers, String name) {
        for (int i = 0; i < headers.size(); i++) if (headers.name(i).equalsIgnoreCase(name)) return headers.value(i);
        return null;
    }
}
