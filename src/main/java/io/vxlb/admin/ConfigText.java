package io.vxlb.admin;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the admin API must not echo from a configuration text: the environment variables it reads
 * ({@code "${NAME}"}, {@code "${NAME-default}"}, {@code "$NAME"} inside double quotes, as the
 * tokenizer expands them) and the lines that read them.
 */
final class ConfigText {
    record Env(Set<String> names, Set<Integer> lines) {}

    private ConfigText() {}

    static Env envReferences(String text) {
        Set<String> names = new LinkedHashSet<>();
        Set<Integer> lines = new LinkedHashSet<>();
        int line = 1;
        boolean dq = false, sq = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                line++;
                dq = sq = false;  // quotes do not span lines
                continue;
            }
            if (sq) {
                if (c == '\'') sq = false;
                continue;
            }
            if (c == '\\') {
                i++;
                continue;
            }
            if (c == '#' && !dq) {  // comment to the end of the line
                while (i + 1 < text.length() && text.charAt(i + 1) != '\n') i++;
                continue;
            }
            if (c == '\'' && !dq) sq = true;
            else if (c == '"') dq = !dq;
            else if (c == '$' && dq && i + 1 < text.length()) {
                int j = i + 1;
                boolean braced = text.charAt(j) == '{';
                if (braced) j++;
                int start = j;
                while (j < text.length() && (Character.isLetterOrDigit(text.charAt(j)) || text.charAt(j) == '_')) j++;
                if (j > start) {
                    names.add(text.substring(start, j));
                    lines.add(line);
                }
            }
        }
        return new Env(names, lines);
    }

    /** {@code s} with every occurrence of a secret value replaced by {@code ***}. */
    static String mask(String s, List<String> secrets) {
        if (s == null) return null;
        for (String v : secrets) s = s.replace(v, "***");
        return s;
    }
}
