package io.vxlb.rules;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/** One piece of a log-format string. Flags are the effective ones (including those set by %o). */
public sealed interface LogFormatPart {

    /** An unmodifiable copy that iterates in Q, X, E, M order. */
    private static Set<LogFlag> copy(Set<LogFlag> flags) {
        EnumSet<LogFlag> set = EnumSet.noneOf(LogFlag.class);
        set.addAll(flags);
        return Collections.unmodifiableSet(set);
    }

    /** Verbatim text ("%%" already turned into "%"). */
    record Literal(String text) implements LogFormatPart {
    }

    /** A {@code %var} or {@code %{+Q}var} log variable. */
    record Variable(LogVariable variable, Set<LogFlag> flags) implements LogFormatPart {
        public Variable {
            flags = LogFormatPart.copy(flags);
        }
    }

    /** A {@code %[expr]} sample expression. */
    record Sample(SampleExpr expr, Set<LogFlag> flags) implements LogFormatPart {
        public Sample {
            flags = LogFormatPart.copy(flags);
        }
    }
}
