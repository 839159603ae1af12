package io.vxlb.rules;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** ACL pattern matching methods (section 7.1), as selected by an ACL keyword or by {@code -m}. */
public enum MatchMethod {
    FOUND, BOOL, INT, IP, BIN, LEN, STR, SUB, REG, BEG, DOM, END, DIR,
    /**
     * The {@code method} ACL keyword's own match: well-known methods compare by identity, other
     * methods as strings ({@code -i} honoured). Not selectable with {@code -m}.
     */
    METH;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The type the sample is cast to before matching; null for FOUND (works on anything). */
    public SampleType expects() {
        return switch (this) {
            case FOUND -> null;
            case BOOL, INT -> SampleType.INTEGER;
            case IP -> SampleType.IP;
            case BIN -> SampleType.BINARY;
            case METH -> SampleType.METHOD;
            default -> SampleType.STRING;
        };
    }

    /** INT and LEN take integer patterns (with eq/ge/gt/le/lt and ranges). */
    public boolean integerPatterns() {
        return this == INT || this == LEN;
    }

    /** FOUND and BOOL ignore patterns. */
    public boolean takesPatterns() {
        return this != FOUND && this != BOOL;
    }

    /** The method named after {@code -m}; "regm" is accepted as REG, as an ACL does not use captures. */
    static MatchMethod fromName(String name) {
        if (name.equals("regm")) {
            return REG;
        }
        for (MatchMethod m : values()) {
            if (m != METH && m.word().equals(name)) {
                return m;
            }
        }
        return null;
    }

    static String names() {
        return Arrays.stream(values()).filter(m -> m != METH).map(MatchMethod::word)
                .collect(Collectors.joining(", "));
    }
}
