package io.vxlb.rules;

/**
 * An {@code if}/{@code unless} condition compiled into an evaluator: OR of groups, each the AND
 * of (possibly negated) ACL terms; a named ACL holds when one of its lines holds. As in HAProxy
 * 2.6, an ACL whose sample is missing does not hold (so its negation does), and evaluation stops
 * at the first term that decides. Immutable and safe to share between event loops.
 */
public final class CompiledCondition {
    private final Condition condition;
    private final boolean unless;
    private final Term[][] groups;

    CompiledCondition(Condition condition, Term[][] groups) {
        this.condition = condition;
        this.unless = condition.unless();
        this.groups = groups;
    }

    public boolean test(Txn t) {
        boolean result = false;
        for (Term[] group : groups) {
            boolean all = true;
            for (Term term : group) {
                if (term.holds(t) == term.negated) {
                    all = false;
                    break;
                }
            }
            if (all) {
                result = true;
                break;
            }
        }
        return result != unless;
    }

    /** {@link #evaluate}'s answers: HAProxy's ACL_TEST_PASS, ACL_TEST_FAIL and ACL_TEST_MISS (not decidable yet). */
    public enum Result { PASS, FAIL, MISS }

    /**
     * The condition over bytes still arriving (HAProxy's acl_exec_cond on a partial buffer): an
     * ACL that does not match while its fetch said "may change" is MISS, and MISS survives
     * negation, AND (unless a term FAILs) and OR (unless a group PASSes), so the rule waits.
     */
    public Result evaluate(PayloadTxn t) {
        Result result = Result.FAIL;
        for (Term[] group : groups) {
            Result all = Result.PASS;
            for (Term term : group) {
                Result r = term.holds(t);
                if (term.negated && r != Result.MISS) r = r == Result.PASS ? Result.FAIL : Result.PASS;
                if (r == Result.FAIL) {
                    all = Result.FAIL;
                    break;
                }
                if (r == Result.MISS) all = Result.MISS;
            }
            if (all == Result.PASS) {
                result = Result.PASS;
                break;
            }
            if (all == Result.MISS) result = Result.MISS;
        }
        if (unless && result != Result.MISS) result = result == Result.PASS ? Result.FAIL : Result.PASS;
        return result;
    }

    public Condition condition() {
        return condition;
    }

    /** One term: a named ACL (all its lines ORed) or an anonymous one, possibly negated. */
    static final class Term {
        private final boolean negated;
        private final CompiledAcl[] acls;

        Term(boolean negated, CompiledAcl[] acls) {
            this.negated = negated;
            this.acls = acls;
        }

        Result holds(PayloadTxn t) {
            Result r = Result.FAIL;
            for (CompiledAcl a : acls) {
                t.takePayloadMayChange();
                if (a.test(t)) return Result.PASS;
                if (t.takePayloadMayChange()) r = Result.MISS;
            }
            return r;
        }

        boolean holds(Txn t) {
            for (CompiledAcl a : acls) {
                if (a.test(t)) {
                    return true;
                }
            }
            return false;
        }
    }
}
