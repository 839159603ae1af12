package io.vxlb.rules;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Parses log-format strings as HAProxy 2.6's parse_logformat_string does: {@code %var} (a letter
 * then letters and digits), {@code %{+Q,-E}var}, {@code %[sample expression]} (optionally with
 * {@code %{...}} flags), {@code %%} for a literal percent. Unknown flags are ignored with a warning,
 * as HAProxy ignores them silently.
 */
public final class LogFormatParser {
    private LogFormatParser() {
    }

    /** Parses a format string verbatim (header values, redirects, use_backend names, ...). */
    public static LogFormat parse(String s) {
        return parse(s, false);
    }

    /**
     * Parses a format string; with {@code mergeSpaces} (log-format, unique-id-format), each run
     * of spaces becomes one space, as HAProxy emits one separator for it.
     */
    public static LogFormat parse(String s, boolean mergeSpaces) {
        return parse(s, mergeSpaces, EnumSet.noneOf(LogFlag.class));
    }

    /**
     * A {@code log-format} line: as HAProxy parses it for logs (LOG_OPT_MANDATORY on every
     * node), a missing or empty sample is written "-" unless {@code %{-M}} clears it; header and
     * other formats write nothing.
     */
    public static LogFormat parseLogLine(String s) {
        return parse(s, true, EnumSet.of(LogFlag.M));
    }

    private static LogFormat parse(String s, boolean mergeSpaces, Set<LogFlag> initial) {
        List<LogFormatPart> parts = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        Set<LogFlag> defaults = initial.isEmpty() ? EnumSet.noneOf(LogFlag.class) : EnumSet.copyOf(initial);
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (c != '%') {
                i++;
                if (c == ' ' && mergeSpaces) {
                    while (i < n && s.charAt(i) == ' ') {
                        i++;
                    }
                    if (parts.isEmpty() && literal.length() == 0) {
                        continue; // HAProxy never emits a separator before the first field
                    }
                }
                literal.append(c);
                continue;
            }
            if (i + 1 >= n) {
                throw new RuleException("truncated log-format after '%' at position " + i, "write '%%' for a literal '%'");
            }
            if (s.charAt(i + 1) == '%') {
                literal.append('%');
                i += 2;
                continue;
            }
            int j = i + 1;
            String args = null;
            if (s.charAt(j) == '{') {
                int close = s.indexOf('}', j);
                if (close < 0) {
                    throw new RuleException("truncated log-format after '" + s.substring(i) + "': missing '}'", null);
                }
                args = s.substring(j + 1, close);
                j = close + 1;
                if (j >= n || !(s.charAt(j) == '[' || isAsciiLetterOrDigit(s.charAt(j)))) {
                    throw new RuleException("flags '%{" + args + "}' at position " + i + " are not followed by a variable name",
                            "e.g. %{+Q}r or %{+Q}[req.hdr(host)]");
                }
            }
            if (s.charAt(j) == '[') {
                flush(literal, parts);
                SampleExprParser.Prefix p;
                try {
                    p = SampleExprParser.parsePrefix(s, j + 1);
                } catch (RuleException e) {
                    throw new RuleException("in sample expression at position " + j + " of the log-format: "
                            + e.getMessage(), e.hint());
                }
                if (p.end() >= n || s.charAt(p.end()) != ']') {
                    throw new RuleException(p.end() >= n ? "missing ']' after '%[" + p.expr().text() + "'"
                            : "expected ']' after '%[" + p.expr().text() + "', but found '" + s.charAt(p.end()) + "'",
                            "a sample expression in a format string is written %[fetch(args),converter]");
                }
                parts.add(new LogFormatPart.Sample(p.expr(), flags(defaults, args, warnings)));
                i = p.end() + 1;
                continue;
            }
            char first = s.charAt(j);
            if (args == null && !isAsciiLetter(first)) {
                if (Character.isDigit(first) || first == ' ' || first == '\t') {
                    throw new RuleException("unexpected variable name near '" + first + "' at position " + j,
                            "write '%%' for a literal '%'");
                }
                warnings.add("'%' followed by '" + first + "' at position " + i
                        + " is dropped, as HAProxy does; write '%%' for a literal '%'");
                i = j;
                continue;
            }
            int k = j;
            while (k < n && isAsciiLetterOrDigit(s.charAt(k))) {
                k++;
            }
            String name = s.substring(j, k);
            int at = i;
            LogVariable var = LogVariable.find(name).orElseThrow(() -> new RuleException(
                    "no such format variable '" + name + "' at position " + at,
                    ClosestName.among(name, LogVariable.all().stream().map(LogVariable::name).toList())
                            .map(v -> "did you mean '%" + v + "'? ").orElse("")
                            + "Write '%%' for a literal '%'"));
            if (name.equals("o")) {
                defaults = EnumSet.copyOf(flags(defaults, args, warnings));
            } else {
                flush(literal, parts);
                parts.add(new LogFormatPart.Variable(var, flags(defaults, args, warnings)));
            }
            i = k;
        }
        flush(literal, parts);
        return new LogFormat(s, parts, warnings);
    }

    /** Applies "+Q,-E" style arguments on top of the flags in force. */
    private static Set<LogFlag> flags(Set<LogFlag> defaults, String args, List<String> warnings) {
        Set<LogFlag> out = defaults.isEmpty() ? EnumSet.noneOf(LogFlag.class) : EnumSet.copyOf(defaults);
        if (args == null || args.isEmpty()) {
            return out;
        }
        for (String arg : args.split(",", -1)) {
            LogFlag flag = null;
            if (arg.length() == 2 && (arg.charAt(0) == '+' || arg.charAt(0) == '-')) {
                for (LogFlag f : LogFlag.values()) {
                    if (f.name().charAt(0) == arg.charAt(1)) {
                        flag = f;
                    }
                }
            }
            if (flag == null) {
                warnings.add("unknown log-format flag '" + arg + "' is ignored; flags are +Q, +X, +E, +M (or - to clear)");
            } else if (arg.charAt(0) == '+') {
                out.add(flag);
            } else {
                out.remove(flag);
            }
        }
        return out;
    }

    private static void flush(StringBuilder literal, List<LogFormatPart> parts) {
        if (literal.length() > 0) {
            parts.add(new LogFormatPart.Literal(literal.toString()));
            literal.setLength(0);
        }
    }

    private static boolean isAsciiLetter(char c) {
        return c < 128 && Character.isLetter(c);
    }

    private static boolean isAsciiLetterOrDigit(char c) {
        return c < 128 && Character.isLetterOrDigit(c);
    }
}
