package io.vxlb.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The conditions of HAProxy 2.6's {@code .if}/{@code .elif} lines and of {@code -cc}
 * (configuration.txt 2.4): {@code 0} is false and any other integer true; predicates
 * {@code defined(NAME)}, {@code feature(NAME)}, {@code streq(A,B)}, {@code strneq(A,B)},
 * {@code version_atleast(V)}, {@code version_before(V)}, {@code openssl_version_atleast(V)},
 * {@code openssl_version_before(V)}, {@code ssllib_name_startswith(S)}; {@code !} negates,
 * {@code &&} binds tighter than {@code ||}, parentheses group. An empty condition is false.
 * Versions compare as HAProxy's {@code split_version()}: up to four numbers, then a tag
 * ({@code dev} &lt; {@code rc}/{@code pre} &lt; release) and its number.
 */
public final class CfgCondition {
    /** The HAProxy version whose configuration language vxlb speaks (what version_atleast compares to). */
    public static final String HAPROXY_VERSION = "2.6.12";
    /**
     * vxlb's answer to HAProxy's "Feature list": '+' for what it offers (TLS through the JDK,
     * PCRE-compatible regexes, threads, epoll), '-' for what it lacks.
     */
    public static final String FEATURES = "+OPENSSL +PCRE2 +THREAD +EPOLL +POLL +GETADDRINFO +TFO -LUA -PROMEX -ZLIB -SLZ -QUIC -OT "
            + "-DEVICEATLAS -51DEGREES -WURFL -LINUX_SPLICE -LINUX_TPROXY -TPROXY -NETFILTER -NS -SYSTEMD -MEMORY_PROFILING -OBSOLETE_LINKER -PCRE -PCRE_JIT -PCRE2_JIT";
    /** The TLS library behind feature(OPENSSL): the JDK's, which reports OpenSSL's 1.1.1 feature level here. */
    static final String SSL_LIBRARY = "JDK";
    static final String SSL_VERSION = "1.1.1";

    private static final Set<String> PREDICATES = Set.of("defined", "feature", "streq", "strneq", "version_atleast",
            "version_before", "openssl_version_atleast", "openssl_version_before", "ssllib_name_startswith");

    private static final java.util.regex.Pattern INTEGER = java.util.regex.Pattern.compile("[+-]?(0[xX][0-9a-fA-F]+|[0-9]+)");

    private final String text;
    private final Function<String, String> env;
    private int pos;

    private CfgCondition(String text, Function<String, String> env) {
        this.text = text;
        this.env = env;
    }

    /** Evaluates {@code text}; a condition that cannot be parsed throws {@link IllegalArgumentException}. */
    public static boolean eval(String text, Function<String, String> env) {
        if (text.isEmpty()) return false;
        CfgCondition c = new CfgCondition(text, env);
        boolean v = c.orExpr();
        c.blanks();
        if (c.pos < text.length()) {
            throw new IllegalArgumentException("unexpected character '" + text.charAt(c.pos) + "' at the end of conditional expression '" + text + "'");
        }
        return v;
    }

    private boolean orExpr() {
        boolean v = andExpr();
        while (true) {
            blanks();
            if (!text.startsWith("||", pos)) return v;
            pos += 2;
            boolean r = andExpr();
            v = v || r;
        }
    }

    private boolean andExpr() {
        boolean v = term();
        while (true) {
            blanks();
            if (!text.startsWith("&&", pos)) return v;
            pos += 2;
            boolean r = term();
            v = v && r;
        }
    }

    private boolean term() {
        blanks();
        boolean neg = false;
        while (pos < text.length() && text.charAt(pos) == '!') {
            neg = !neg;
            pos++;
            blanks();
        }
        int start = pos;
        // an integer, as strtol(base 0) reads it: decimal, 0x hex or 0 octal, with an optional sign
        java.util.regex.Matcher num = INTEGER.matcher(text).region(pos, text.length());
        if (num.lookingAt()) {
            pos = num.end();
            boolean v = !num.group(1).chars().allMatch(ch -> ch == '0' || ch == 'x' || ch == 'X');
            return v != neg;
        }
        if (pos < text.length() && text.charAt(pos) == '(') {
            pos++;
            boolean v = orExpr();
            blanks();
            if (pos >= text.length() || text.charAt(pos) != ')') {
                throw new IllegalArgumentException("expected ')' after conditional expression '" + text.substring(start) + "'");
            }
            pos++;
            return v != neg;
        }
        int nameEnd = pos;
        while (nameEnd < text.length() && text.charAt(nameEnd) != ' ' && text.charAt(nameEnd) != '(' && text.charAt(nameEnd) != '\t') nameEnd++;
        String name = text.substring(pos, nameEnd);
        if (!PREDICATES.contains(name)) {
            throw new IllegalArgumentException("unparsable conditional expression '" + text.substring(start) + "'"
                    + (name.isEmpty() ? "" : " (known predicates: defined, feature, streq, strneq, version_atleast, version_before, "
                    + "openssl_version_atleast, openssl_version_before, ssllib_name_startswith)"));
        }
        pos = nameEnd;
        List<String> args = args(name);
        int want = name.startsWith("str") ? 2 : 1;
        if (args.size() != want) {
            throw new IllegalArgumentException("predicate '" + name + "' takes " + want + " argument" + (want == 1 ? "" : "s")
                    + ", got " + args.size() + " in conditional expression '" + text.substring(start) + "'");
        }
        boolean v = switch (name) {
            case "defined" -> env.apply(args.get(0)) != null;
            case "feature" -> hasFeature(args.get(0));
            case "streq" -> args.get(0).equals(args.get(1));
            case "strneq" -> !args.get(0).equals(args.get(1));
            case "version_atleast" -> compareVersions(HAPROXY_VERSION, args.get(0)) >= 0;
            case "version_before" -> compareVersions(HAPROXY_VERSION, args.get(0)) < 0;
            case "openssl_version_atleast" -> compareVersions(SSL_VERSION, args.get(0)) >= 0;
            case "openssl_version_before" -> compareVersions(SSL_VERSION, args.get(0)) < 0;
            default -> SSL_LIBRARY.startsWith(args.get(0));  // ssllib_name_startswith
        };
        return v != neg;
    }

    /** Arguments in parentheses, comma-separated; quotes group and backslashes escape, as in make_arg_list(). */
    private List<String> args(String name) {
        List<String> out = new ArrayList<>();
        if (pos >= text.length() || text.charAt(pos) != '(') {
            throw new IllegalArgumentException("missing arguments (expected '(') for predicate '" + name + "' used in conditional expression");
        }
        pos++;
        StringBuilder cur = new StringBuilder();
        char quote = 0;
        boolean any = false;
        while (true) {
            if (pos >= text.length()) {
                throw new IllegalArgumentException("missing closing ')' after arguments to predicate '" + name + "' used in conditional expression");
            }
            char c = text.charAt(pos++);
            if (quote != 0) {
                if (c == quote) quote = 0;
                else if (c == '\\' && pos < text.length()) cur.append(text.charAt(pos++));
                else cur.append(c);
                continue;
            }
            if (c == '"' || c == '\'') {
                quote = c;
                any = true;
            } else if (c == '\\' && pos < text.length()) {
                cur.append(text.charAt(pos++));
                any = true;
            } else if (c == ',' || c == ')') {
                if (any || cur.length() > 0 || c == ',' || !out.isEmpty()) out.add(cur.toString());
                cur.setLength(0);
                any = false;
                if (c == ')') return out;
            } else {
                cur.append(c);
                any = true;
            }
        }
    }

    /** HAProxy's feature(): the name listed with a '+' in the feature list. */
    public static boolean hasFeature(String name) {
        for (String f : FEATURES.split(" ")) {
            if (f.equals("+" + name)) return true;
        }
        return false;
    }

    /** Compares versions as HAProxy's split_version(): negative when a &lt; b. Unparsable versions throw. */
    static int compareVersions(String a, String b) {
        long[] x = split(a), y = split(b);
        for (int i = 0; i < x.length; i++) {
            if (x[i] != y[i]) return Long.compare(x[i], y[i]);
        }
        return 0;
    }

    /** [a, b, c, d, tag (dev=1, rc/pre=2, release=3), tag number, commit number]. */
    static long[] split(String v) {
        long[] out = {0, 0, 0, 0, 3, 0, 0};
        if (v.isEmpty()) throw new IllegalArgumentException("empty version");
        int p = 0;
        for (int part = 0; part < 4; part++) {
            int s = p;
            while (p < v.length() && Character.isDigit(v.charAt(p))) p++;
            out[part] = s == p ? 0 : Long.parseLong(v.substring(s, p));
            if (p >= v.length()) return out;
            char c = v.charAt(p++);
            if (c == '-') break;
            if (c != '.' || part == 3) throw new IllegalArgumentException("invalid version '" + v + "'");
        }
        String rest = v.substring(p);
        if (!rest.isEmpty() && !Character.isDigit(rest.charAt(0))) {
            String tagNum = null;
            if (rest.startsWith("dev")) { out[4] = 1; tagNum = rest.substring(3); }
            else if (rest.startsWith("rc")) { out[4] = 2; tagNum = rest.substring(2); }
            else if (rest.startsWith("pre")) { out[4] = 2; tagNum = rest.substring(3); }
            if (tagNum != null) {
                int q = 0;
                while (q < tagNum.length() && Character.isDigit(tagNum.charAt(q))) q++;
                out[5] = q == 0 ? 0 : Long.parseLong(tagNum.substring(0, q));
                if (q >= tagNum.length()) return out;
                if (tagNum.charAt(q) != '-') throw new IllegalArgumentException("invalid version '" + v + "'");
                rest = tagNum.substring(q + 1);
            }
        }
        int dash = rest.lastIndexOf('-');
        String commit = dash >= 0 ? rest.substring(dash + 1) : rest;
        if (dash >= 0 && commit.isEmpty()) throw new IllegalArgumentException("invalid version '" + v + "'");
        out[6] = commit.matches("\\d+") ? Long.parseLong(commit) : 0;
        return out;
    }

    private void blanks() {
        while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) pos++;
    }

}
