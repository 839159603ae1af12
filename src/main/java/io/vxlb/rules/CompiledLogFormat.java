package io.vxlb.rules;

/**
 * A log-format string (header values, redirect targets, {@code use_backend %[...]}, ...)
 * compiled into an evaluator: literal text, log variables (written by
 * {@link Txn#appendLogVariable}) and sample expressions. A missing sample writes nothing, or "-"
 * with the {@code +M} flag; {@code +Q} quotes it and {@code +E} escapes '"', '\' and ']', as
 * HAProxy 2.6's lf_text_len does. Immutable and safe to share between event loops.
 */
public final class CompiledLogFormat {
    private final LogFormat format;
    /** String (literal), LogVariable, or SamplePart. */
    private final Object[] parts;
    private final String constant;

    CompiledLogFormat(LogFormat format, Object[] parts) {
        this.format = format;
        this.parts = parts;
        String c = "";
        for (Object p : parts) {
            if (!(p instanceof String)) {
                c = null;
                break;
            }
            c += (String) p;
        }
        this.constant = c;
    }

    /** True when there is no variable and no sample: {@link #constant()} is the whole result. */
    public boolean isConstant() {
        return constant != null;
    }

    /** The text of a constant format; null when it is not constant. */
    public String constant() {
        return constant;
    }

    public void append(Txn t, StringBuilder out) {
        for (Object p : parts) {
            if (p instanceof String s) {
                out.append(s);
            } else if (p instanceof SamplePart sp) {
                sp.append(t, out);
            } else if (p instanceof QuotedVariable q) {
                out.append('"');
                t.appendLogVariable(q.variable(), out);
                out.append('"');
            } else {
                t.appendLogVariable((LogVariable) p, out);
            }
        }
    }

    public String format(Txn t) {
        if (constant != null) {
            return constant;
        }
        if (parts.length == 1 && parts[0] instanceof SamplePart sp && sp.plain) {
            String s = sp.sample.evalString(t);
            return s == null ? "" : s;
        }
        StringBuilder sb = new StringBuilder(64);
        append(t, sb);
        return sb.toString();
    }

    public LogFormat logFormat() {
        return format;
    }

    /**
     * The variables HAProxy 2.6 writes as text (lf_text, lf_ip), so that {@code +Q} quotes them;
     * numbers, dates and the termination state are never quoted.
     */
    public static final java.util.Set<String> QUOTABLE = java.util.Set.of("ci", "fi", "bi", "si", "f", "ft", "b", "s", "r",
            "HM", "HU", "HP", "HPO", "HQ", "HV", "ID", "H", "CC", "CS", "sslc", "sslv");

    /** A {@code %{+Q}var} of a text variable. */
    record QuotedVariable(LogVariable variable) {}

    static final class SamplePart {
        private final CompiledSample sample;
        private final boolean quote;
        private final boolean mandatory;
        private final boolean escape;
        private final boolean plain;

        SamplePart(CompiledSample sample, boolean quote, boolean mandatory, boolean escape) {
            this.sample = sample;
            this.quote = quote;
            this.mandatory = mandatory;
            this.escape = escape;
            this.plain = !quote && !mandatory && !escape;
        }

        void append(Txn t, StringBuilder out) {
            String s = sample.evalString(t);
            if (quote) {
                out.append('"');
            }
            if (s != null && !s.isEmpty()) {
                if (escape) {
                    for (int i = 0; i < s.length(); i++) {
                        char c = s.charAt(i);
                        if (c == '"' || c == '\\' || c == ']') {
                            out.append('\\');
                        }
                        out.append(c);
                    }
                } else {
                    out.append(s);
                }
            } else if (!quote && mandatory) {
                out.append('-');
            }
            if (quote) {
                out.append('"');
            }
        }
    }
}
