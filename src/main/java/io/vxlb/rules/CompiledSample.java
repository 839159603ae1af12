package io.vxlb.rules;

/**
 * A sample expression ({@code fetch,conv,...}) compiled into an evaluator: the fetch and every
 * converter are bound once (regexes compiled, map lookups resolved), so evaluating does no
 * parsing and no compiling. Immutable and safe to share between event loops.
 */
public final class CompiledSample {
    private final SampleExpr expr;
    private final Fetch fetch;
    private final Stage[] stages;
    private final SampleType type;

    CompiledSample(SampleExpr expr, Fetch fetch, Stage[] stages, SampleType type) {
        this.expr = expr;
        this.fetch = fetch;
        this.stages = stages;
        this.type = type;
    }

    /**
     * The sample after its converters: a String (strings and methods), Long, Boolean, byte[] or
     * InetAddress (addresses); null when the sample is missing (absent header, failed converter,
     * map miss without default...).
     */
    public Object eval(Txn t) {
        return SampleValues.toPublic(raw(t), type);
    }

    /** The sample as text, as {@code %[...]} writes it (booleans "1"/"0"); null when missing. */
    public String evalString(Txn t) {
        Object v = raw(t);
        return v == null ? null : SampleValues.toStr(v, type);
    }

    /** The type of the result (ANY when it depends on a variable). */
    public SampleType type() {
        return type;
    }

    public SampleExpr expr() {
        return expr;
    }

    Object raw(Txn t) {
        Object v = fetch.get(t);
        for (Stage s : stages) {
            if (v == null) {
                return null;
            }
            v = s.apply(t, v);
        }
        return v;
    }

    @Override
    public String toString() {
        return "CompiledSample[" + expr.text() + "]";
    }

    /** One converter with the implicit cast of its input. */
    static final class Stage {
        private final SampleType from;
        private final SampleType to;
        private final CompiledConverter conv;

        Stage(SampleType from, SampleType to, CompiledConverter conv) {
            this.from = from;
            this.to = to;
            this.conv = conv;
        }

        Object apply(Txn t, Object v) {
            if (from != to) {
                v = SampleValues.cast(v, from, to);
                if (v == null) {
                    return null;
                }
            }
            return conv.apply(t, v);
        }

        static Object run(Stage[] stages, Txn t, Object v) {
            for (Stage s : stages) {
                if (v == null) {
                    return null;
                }
                v = s.apply(t, v);
            }
            return v;
        }
    }
}
