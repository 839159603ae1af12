package io.vxlb.action;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code http-request normalize-uri NORMALIZER [OPTION]}, HAProxy 2.6's (src/http_act.c over
 * src/uri_normalizer.c): path-merge-slashes, path-strip-dot, path-strip-dotdot [full] (on the
 * path without its query), query-sort-by-name, percent-to-uppercase [strict],
 * percent-decode-unreserved [strict], fragment-strip, fragment-encode (on path and query). A
 * URI without a path ({@code *}, an authority) is left as it is; with {@code strict}, a '%'
 * not followed by two hex digits makes the request a 400, as HAProxy's ACT_RET_INV.
 */
public record NormalizeUriAction(Normalizer normalizer, boolean option) implements HttpAction {
    public enum Normalizer {
        PATH_MERGE_SLASHES(null), PATH_STRIP_DOT(null), PATH_STRIP_DOTDOT("full"), QUERY_SORT_BY_NAME(null),
        PERCENT_TO_UPPERCASE("strict"), PERCENT_DECODE_UNRESERVED("strict"), FRAGMENT_STRIP(null), FRAGMENT_ENCODE(null);

        final String option;

        Normalizer(String option) {
            this.option = option;
        }

        String word() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    static void register(HttpActions.Registrar r) {
        StringBuilder names = new StringBuilder();
        for (Normalizer n : Normalizer.values()) names.append(names.isEmpty() ? "" : ", ").append(n.word()).append(n.option == null ? "" : " [" + n.option + "]");
        r.add("http-request normalize-uri", "NORMALIZER [OPTION]: " + names, a -> {
            String w = a.string(a.first(), "a normalizer");
            Normalizer n = null;
            for (Normalizer x : Normalizer.values()) if (x.word().equals(w)) n = x;
            if (n == null) throw a.error(a.first(), "unknown normalizer '" + w + "'", "one of " + names);
            boolean opt = false;
            int next = a.first() + 1;
            if (n.option != null && a.has(next) && a.word(next).equals(n.option)) {
                opt = true;
                next++;
            }
            a.end(next);
            return new NormalizeUriAction(n, opt);
        });
    }

    @Override public String keyword() { return "normalize-uri"; }

    @Override
    public CompiledAction compile(ActionCompiler c) {
        return txn -> {
            String uri = txn.uri();
            String authority = SetRequestPartAction.authority(uri);
            String pq = uri.substring(authority.length());
            if (authority.isEmpty() && !pq.startsWith("/")) return CompiledAction.Verdict.CONTINUE;  // "*", authority-form
            int q = pq.indexOf('?');
            String path = q < 0 ? pq : pq.substring(0, q), query = q < 0 ? "" : pq.substring(q);
            String out;
            switch (normalizer) {
                case PATH_MERGE_SLASHES -> out = mergeSlashes(path) + query;
                case PATH_STRIP_DOT -> out = stripDot(path) + query;
                case PATH_STRIP_DOTDOT -> out = stripDotdot(path, option) + query;
                case QUERY_SORT_BY_NAME -> out = q < 0 ? pq : path + sortQuery(query);
                case FRAGMENT_STRIP -> out = pq.indexOf('#') < 0 ? pq : pq.substring(0, pq.indexOf('#'));
                case FRAGMENT_ENCODE -> out = pq.replace("#", "%23");
                default -> {
                    out = percent(pq, normalizer == Normalizer.PERCENT_DECODE_UNRESERVED, option);
                    if (out == null) {
                        txn.deny(400);  // invalid percent-encoding under strict: a bad request
                        return CompiledAction.Verdict.ANSWERED;
                    }
                }
            }
            if (!out.equals(pq)) txn.setUri(authority + out);
            return CompiledAction.Verdict.CONTINUE;
        };
    }

    static String mergeSlashes(String path) {
        StringBuilder sb = new StringBuilder(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '/' && i > 0 && path.charAt(i - 1) == '/') continue;
            sb.append(c);
        }
        return sb.toString();
    }

    /** Drops "." segments (uri_normalizer_path_dot). */
    static String stripDot(String path) {
        StringBuilder sb = new StringBuilder(path.length());
        int from = 0;
        while (from < path.length()) {
            int slash = path.indexOf('/', from);
            String segment = slash < 0 ? path.substring(from) : path.substring(from, slash);
            if (!segment.equals(".")) {
                sb.append(segment);
                if (slash >= 0) sb.append('/');
            }
            if (slash < 0) break;
            from = slash + 1;
        }
        return sb.toString();
    }

    /** uri_normalizer_path_dotdot: "/x/../" pops x; what climbs above the root stays as "/.." unless {@code full}. */
    static String stripDotdot(String path, boolean full) {
        StringBuilder rev = new StringBuilder(path.length());  // built backwards, as HAProxy writes from the tail
        int offset = path.length() - 1, up = 0;
        if (offset >= 2 && path.startsWith("/..", offset - 2)) {
            up++;
            offset -= 2;
        }
        while (offset >= 0) {
            if (offset >= 3 && path.startsWith("/../", offset - 3)) {
                up++;
                offset -= 3;
                continue;
            }
            if (up > 0) {
                offset--;
                if (offset >= 0) {
                    up--;
                    while (offset >= 0 && path.charAt(offset) != '/') offset--;
                }
            } else {
                rev.append(path.charAt(offset--));
                while (offset >= 0 && path.charAt(offset) != '/') rev.append(path.charAt(offset--));
            }
        }
        if (up > 0) {
            rev.append('/');
            if (!full) {
                do {
                    rev.append("../");  // "/.." per level, written backwards
                    up--;
                } while (up > 0);
            }
        }
        return rev.reverse().toString();
    }

    /** "?b=1&a=2" → "?a=2&b=1": parameters ordered by name, equal names kept in order. */
    static String sortQuery(String query) {
        List<String> params = new ArrayList<>(List.of(query.substring(1).split("&", -1)));
        if (query.length() == 1) params.clear();
        params.sort((x, y) -> {
            int ex = x.indexOf('='), ey = y.indexOf('=');
            return (ex < 0 ? x : x.substring(0, ex)).compareTo(ey < 0 ? y : y.substring(0, ey));
        });
        return "?" + String.join("&", params);
    }

    /** percent-to-uppercase or percent-decode-unreserved; null for a bad escape under {@code strict}. */
    static String percent(String s, boolean decode, boolean strict) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '%') {
                sb.append(c);
                continue;
            }
            if (i + 2 < s.length() && hex(s.charAt(i + 1)) && hex(s.charAt(i + 2))) {
                char h1 = s.charAt(i + 1), h2 = s.charAt(i + 2);
                i += 2;
                if (decode) {
                    char d = (char) (Character.digit(h1, 16) * 16 + Character.digit(h2, 16));
                    if (unreserved(d)) sb.append(d);
                    else sb.append('%').append(h1).append(h2);
                } else {
                    sb.append('%').append(Character.toUpperCase(h1)).append(Character.toUpperCase(h2));
                }
                continue;
            }
            if (strict) return null;
            sb.append(c);
        }
        return sb.toString();
    }

    private static boolean hex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean unreserved(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    }
}
