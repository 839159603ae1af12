package io.vxlb.rules;

/**
 * One compiled {@code acl} line (or anonymous ACL): the fetch, its converters, the cast to the
 * match method's type and the patterns. It holds when one value of the fetch (HAProxy iterates
 * over every value in an ACL) matches one pattern; a missing sample never matches.
 */
final class CompiledAcl implements Fetch.ValueTest {
    private final AclDef def;
    private final Fetch fetch;
    private final CompiledSample.Stage[] stages;
    private final SampleType afterConverters;
    /** The type the method compares (null for FOUND: any sample). */
    private final SampleType expects;
    private final PatternMatcher matcher;
    /** Integer fetch without converters matched with integers: no boxing. */
    private final PatternMatcher.IntRanges intFastPath;

    CompiledAcl(AclDef def, Fetch fetch, CompiledSample.Stage[] stages, SampleType afterConverters,
                PatternMatcher matcher) {
        this.def = def;
        this.fetch = fetch;
        this.stages = stages;
        this.afterConverters = afterConverters;
        this.expects = def.method().expects();
        this.matcher = matcher;
        this.intFastPath = fetch instanceof Fetch.IntFetch && stages.length == 0
                && matcher instanceof PatternMatcher.IntRanges r && expects == SampleType.INTEGER ? r : null;
    }

    boolean test(Txn t) {
        if (intFastPath != null) {
            Fetch.IntFetch f = (Fetch.IntFetch) fetch;
            return f.present(t) && intFastPath.matchesLong(f.getLong(t));
        }
        return fetch.anyMatch(t, this);
    }

    @Override
    public boolean test(Txn t, Object value) {
        Object v = stages.length == 0 ? value : CompiledSample.Stage.run(stages, t, value);
        if (v == null) {
            return false;
        }
        if (expects != null && afterConverters != expects) {
            v = SampleValues.cast(v, afterConverters, expects);
            if (v == null) {
                return false;
            }
        }
        return matcher.matches(v);
    }

    AclDef def() {
        return def;
    }
}
