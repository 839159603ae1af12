package io.vxlb.config;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Splits one configuration line into words exactly as HAProxy's {@code parse_line()} does for
 * configuration files: blanks separate words; {@code #} starts a comment outside quotes;
 * {@code "..."} groups and expands {@code ${VAR}} / {@code ${VAR-default}} / {@code $VAR};
 * {@code '...'} groups with no interpretation; outside single quotes a backslash escapes
 * space, backslash, {@code #}, quotes, {@code \t \n \r \xHH} and is kept literally before any
 * other character (so regexes like {@code \.} survive).
 */
public final class LineTokenizer {
    private final Function<String, String> env;
    private final List<String> warnings = new ArrayList<>();

    public LineTokenizer(Function<String, String> env) {
        this.env = env;
    }

    /** Tokenizes {@code raw}; a syntax error throws {@link ConfigException} with a column in its word index -1 form. */
    public List<Word> tokenize(String raw) {
        List<Word> words = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int start = -1;          // column (0-based) where the current word began, -1 when none
        boolean squote = false, dquote = false;
        int quoteAt = -1;
        int n = raw.length();
        int i = 0;
        while (i < n) {
            char c = raw.charAt(i);
            if (c == '\n' || c == '\r') break;
            if (c == '#' && !squote && !dquote) break;
            if (c == '"' && !squote) {
                if (start < 0) start = i;
                dquote = !dquote;
                quoteAt = dquote ? i : -1;
                i++;
                continue;
            }
            if (c == '\'' && !dquote) {
                if (start < 0) start = i;
                squote = !squote;
                quoteAt = squote ? i : -1;
                i++;
                continue;
            }
            if (c == '\\' && !squote) {
                if (start < 0) start = i;
                char next = i + 1 < n ? raw.charAt(i + 1) : '\0';
                switch (next) {
                    case ' ', '\\', '#', '\'', '"' -> { cur.append(next); i += 2; }
                    case 't' -> { cur.append('\t'); i += 2; }
                    case 'n' -> { cur.append('\n'); i += 2; }
                    case 'r' -> { cur.append('\r'); i += 2; }
                    case '$' -> {
                        if (dquote) { cur.append('$'); i += 2; } else { cur.append('\\'); i++; }
                    }
                    case 'x' -> {
                        if (i + 3 < n && isHex(raw.charAt(i + 2)) && isHex(raw.charAt(i + 3))) {
                            cur.append((char) Integer.parseInt(raw.substring(i + 2, i + 4), 16));
                            i += 4;
                        } else {
                            throw new TokenException(i, "invalid or incomplete hex sequence '\\x' (expected two hex digits, e.g. \\x0d)");
                        }
                    }
                    default -> { cur.append('\\'); i++; }
                }
                continue;
            }
            if (Character.isWhitespace(c) && !squote && !dquote) {
                if (start >= 0) {
                    words.add(new Word(cur.toString(), start + 1));
                    cur.setLength(0);
                    start = -1;
                }
                i++;
                continue;
            }
            if (c == '$' && dquote) {
                i = expand(raw, i, cur);
                continue;
            }
            if (start < 0) start = i;
            cur.append(c);
            i++;
        }
        if (squote || dquote) {
            throw new TokenException(quoteAt, "unmatched " + (squote ? "single" : "double") + " quote (close it, or escape it with a backslash)");
        }
        if (start >= 0) words.add(new Word(cur.toString(), start + 1));
        return words;
    }

    /** Expands {@code $NAME}, {@code ${NAME}} or {@code ${NAME-default}} at {@code i}; returns the index after it. */
    private int expand(String raw, int i, StringBuilder out) {
        int n = raw.length();
        int p = i + 1;
        boolean brace = p < n && raw.charAt(p) == '{';
        if (brace) p++;
        int nameStart = p;
        if (p >= n || !(Character.isLetter(raw.charAt(p)) || raw.charAt(p) == '_')) {
            throw new TokenException(p, "invalid environment variable name after '$' (use ${NAME}, or \\$ for a literal dollar)");
        }
        while (p < n && (Character.isLetterOrDigit(raw.charAt(p)) || raw.charAt(p) == '_')) p++;
        String name = raw.substring(nameStart, p);
        String value = env.apply(name);
        if (brace) {
            if (p < n && raw.charAt(p) == '-') {
                int close = raw.indexOf('}', p);
                if (close < 0) throw new TokenException(i, "unmatched '{' in environment variable reference");
                if (value == null) value = raw.substring(p + 1, close);
                p = close;
            } else if (p >= n || raw.charAt(p) != '}') {
                throw new TokenException(i, "unmatched '{' in environment variable reference ${" + name + "...");
            }
            p++;
        }
        if (value != null) out.append(value);
        else warnings.add("environment variable '" + name + "' is not set: it expands to an empty string");
        return p;
    }

    /** The warnings of the lines tokenized since the last call (unset variables), then forgets them. */
    public List<String> takeWarnings() {
        if (warnings.isEmpty()) return List.of();
        List<String> out = List.copyOf(warnings);
        warnings.clear();
        return out;
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** A tokenizer error with the 0-based character offset of the offending sequence. */
    public static final class TokenException extends RuntimeException {
        private final int offset;

        TokenException(int offset, String message) {
            super(message, null, false, false);
            this.offset = offset;
        }

        public int column() {
            return offset + 1;
        }
    }
}
