package io.vxlb.rules;

import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * HAProxy compiles regexes with PCRE (Debian's 2.6 uses PCRE2); vxlb uses java.util.regex. The
 * two agree on nearly everything written in load balancer configurations. Inside bracket
 * expressions they differ, so this maps PCRE's meaning onto Java's: POSIX classes such as
 * {@code [[:alpha:]]}, a literal '[' and a literal "&&". PCRE features Java lacks (recursion
 * {@code (?R)}, conditionals {@code (?(1)...)}, {@code \K}, backtracking verbs) fail to compile and
 * are reported.
 */
public final class RegexDialect {
    private static final Map<String, String> POSIX = Map.ofEntries(
            Map.entry("alpha", "Alpha"), Map.entry("digit", "Digit"), Map.entry("alnum", "Alnum"),
            Map.entry("upper", "Upper"), Map.entry("lower", "Lower"), Map.entry("space", "Space"),
            Map.entry("punct", "Punct"), Map.entry("xdigit", "XDigit"), Map.entry("cntrl", "Cntrl"),
            Map.entry("print", "Print"), Map.entry("graph", "Graph"), Map.entry("blank", "Blank"),
            Map.entry("ascii", "ASCII"), Map.entry("word", "Alnum_"));

    /** Constructs of PCRE that java.util.regex does not have. */
    private static final Pattern PCRE_ONLY = Pattern.compile("\\(\\?(R|[+-]?\\d|&|P>|\\()|\\(\\*|\\\\K");

    private RegexDialect() {
    }

    /** Compiles a PCRE-style regex; throws {@link RuleException} with the reason when it is invalid. */
    public static Pattern compile(String regex, boolean ignoreCase) {
        try {
            return Pattern.compile(toJava(regex), ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
        } catch (PatternSyntaxException e) {
            boolean pcreOnly = PCRE_ONLY.matcher(regex).find();
            throw new RuleException("invalid regex '" + regex + "': " + e.getDescription()
                    + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""),
                    pcreOnly ? "vxlb uses java.util.regex, which lacks PCRE recursion, conditionals, \\K and verbs"
                            : null);
        }
    }

    /** Rewrites the bracket expressions of a PCRE regex into java.util.regex syntax. */
    public static String toJava(String pcre) {
        StringBuilder out = new StringBuilder(pcre.length() + 8);
        boolean inClass = false;
        int classStart = -1;
        for (int i = 0; i < pcre.length(); i++) {
            char c = pcre.charAt(i);
            if (c == '\\' && i + 1 < pcre.length()) {
                out.append(c).append(pcre.charAt(++i));
                continue;
            }
            if (!inClass) {
                if (c == '[') {
                    inClass = true;
                    out.append('[');
                    if (i + 1 < pcre.length() && pcre.charAt(i + 1) == '^') {
                        out.append('^');
                        i++;
                    }
                    classStart = i + 1;
                } else {
                    out.append(c);
                }
                continue;
            }
            if (c == ']' && i == classStart) {
                out.append("\\]"); // PCRE: a ']' first in a class is literal
            } else if (c == ']') {
                inClass = false;
                out.append(']');
            } else if (c == '[' && pcre.startsWith("[:", i)) {
                int end = pcre.indexOf(":]", i + 2);
                String name = end < 0 ? null : pcre.substring(i + 2, end);
                boolean negated = name != null && name.startsWith("^");
                String java = name == null ? null : POSIX.get(negated ? name.substring(1) : name);
                if (java == null) {
                    throw new PatternSyntaxException("unknown POSIX class", pcre, i);
                }
                out.append(java.equals("Alnum_") ? (negated ? "\\W" : "\\w")
                        : (negated ? "\\P{" : "\\p{") + java + "}");
                i = end + 1;
            } else if (c == '[') {
                out.append("\\["); // PCRE has no nested classes: '[' is literal
            } else if (c == '&' && i + 1 < pcre.length() && pcre.charAt(i + 1) == '&') {
                out.append("&\\&"); // Java would read "&&" as class intersection
                i++;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
