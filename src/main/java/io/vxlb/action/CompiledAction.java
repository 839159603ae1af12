package io.vxlb.action;

/** An action ready to run on a transaction; stateless and shared by every event loop. */
public interface CompiledAction {
    /** What the rule list does after the action. */
    enum Verdict {
        /** Go on with the next rule. */
        CONTINUE,
        /** Stop evaluating this list ({@code allow}); the transaction goes on. */
        STOP,
        /** The action answered the request itself (deny, redirect, return...): stop everything. */
        ANSWERED,
        /** The action waits (wait-for-body): the list resumes at the next rule once the wait ends. */
        YIELD
    }

    Verdict execute(ActionContext txn);
}
