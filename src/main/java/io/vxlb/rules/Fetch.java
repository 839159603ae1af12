package io.vxlb.rules;

/**
 * A compiled sample fetch. {@link #get} is the sample context (one value: e.g. the last
 * occurrence of a header); {@link #anyMatch} is the ACL context, where HAProxy iterates over
 * every value a fetch can give (SMP_OPT_ITERATE) and the ACL holds when one of them matches.
 * A fetch that has no sample returns null and never calls the test.
 */
abstract class Fetch {
    final SampleType type;

    Fetch(SampleType type) {
        this.type = type;
    }

    abstract Object get(Txn t);

    boolean anyMatch(Txn t, ValueTest test) {
        Object v = get(t);
        return v != null && test.test(t, v);
    }

    /** What an ACL does with each value of its fetch: converters, cast, patterns. */
    interface ValueTest {
        boolean test(Txn t, Object value);
    }

    /** An integer fetch that can answer without boxing. */
    abstract static class IntFetch extends Fetch {
        IntFetch() {
            super(SampleType.INTEGER);
        }

        /** False when there is no sample (then {@link #getLong} is not called). */
        boolean present(Txn t) {
            return true;
        }

        abstract long getLong(Txn t);

        @Override
        Object get(Txn t) {
            return present(t) ? (Object) getLong(t) : null;
        }
    }
}
