package io.vxlb.rules;

import java.util.regex.Pattern;

/**
 * One integer ACL pattern, normalised to an inclusive range as HAProxy does: {@code gt 5} is
 * 6 and above, {@code 1024:} is 1024 and above. Open ends are Long.MIN_VALUE / Long.MAX_VALUE.
 */
public record IntPattern(Op op, long min, long max) {
    public enum Op { EQ, GE, GT, LE, LT, RANGE }

    private static final Pattern NUMBER = Pattern.compile("[-+]?\\d{1,18}");

    public boolean matches(long value) {
        return value >= min && value <= max;
    }

    static Op op(String word) {
        return switch (word) {
            case "eq" -> Op.EQ;
            case "ge" -> Op.GE;
            case "gt" -> Op.GT;
            case "le" -> Op.LE;
            case "lt" -> Op.LT;
            default -> null;
        };
    }

    /**
     * Parses a value under the operator in force. Like HAProxy, a value holding ':' or '-' is a
     * range and ignores the operator; the range is split at its first ':' or '-'.
     */
    static IntPattern parse(String text, Op op) {
        int sep = -1;
        for (int i = 0; i < text.length() && sep < 0; i++) {
            if (text.charAt(i) == ':' || text.charAt(i) == '-') {
                sep = i;
            }
        }
        if (sep < 0) {
            long v = number(text, text);
            return switch (op) {
                case EQ, RANGE -> new IntPattern(Op.EQ, v, v);
                case GE -> new IntPattern(Op.GE, v, Long.MAX_VALUE);
                case GT -> new IntPattern(Op.GT, v + 1, Long.MAX_VALUE);
                case LE -> new IntPattern(Op.LE, Long.MIN_VALUE, v);
                case LT -> new IntPattern(Op.LT, Long.MIN_VALUE, v - 1);
            };
        }
        String lo = text.substring(0, sep);
        String hi = text.substring(sep + 1);
        if (lo.isEmpty() && hi.isEmpty()) {
            throw new RuleException("'" + text + "' is not a valid number range", "write N, N:M, N: or :M");
        }
        long min = lo.isEmpty() ? Long.MIN_VALUE : number(lo, text);
        long max = hi.isEmpty() ? Long.MAX_VALUE : number(hi, text);
        if (min > max) {
            throw new RuleException("'" + text + "' is not a valid number range: " + min + " is above " + max,
                    "write the lower bound first");
        }
        return new IntPattern(Op.RANGE, min, max);
    }

    private static long number(String s, String whole) {
        if (!NUMBER.matcher(s).matches()) {
            throw new RuleException("'" + whole + "' is neither a number nor a supported operator",
                    "integer matches take N, a range N:M, or an operator (eq, ge, gt, le, lt) followed by N");
        }
        return Long.parseLong(s);
    }

    @Override
    public String toString() {
        return switch (op) {
            case EQ -> Long.toString(min);
            case GE -> "ge " + min;
            case GT -> "gt " + (min - 1);
            case LE -> "le " + max;
            case LT -> "lt " + (max + 1);
            case RANGE -> (min == Long.MIN_VALUE ? "" : Long.toString(min)) + ":"
                    + (max == Long.MAX_VALUE ? "" : Long.toString(max));
        };
    }
}
