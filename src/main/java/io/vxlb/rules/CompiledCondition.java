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
