package io.vxlb.action;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** HAProxy's regex replacement (exp_replace()) as the replace-* actions use it. */
final class Regsub {
    private Regsub() {}

    /** The value with its first match replaced by the whole replacement, or the value unchanged. */
    static String replace(String value, Pattern regex, String replacement) {
        Matcher m = regex.matcher(value);
        return m.find() ? substitute(replacement, m) : value;
    }

    /** {@code \0}..{@code \9} are the groups of the match; the result replaces the whole value. */
    static String substitute(String replacement, Matcher m) {
        if (replacement.indexOf('\\') < 0) return replacement;
        StringBuilder sb = new StringBuilder(replacement.length() + 16);
        for (int i = 0; i < replacement.length(); i++) {
            char c = replacement.charAt(i);
            if (c == '\\' && i + 1 < replacement.length() && Character.isDigit(replacement.charAt(i + 1))) {
                int g = replacement.charAt(++i) - '0';
                if (g <= m.groupCount() && m.group(g) != null) sb.append(m.group(g));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
