package io.vxlb.rules;

/**
 * A rule (sample expression, ACL, condition, log-format) that HAProxy 2.6 would reject.
 * {@code wordIndex} indexes the word list handed to the parser (-1 when the parser got a single
 * string); {@code hint} says what would be right, e.g. "did you mean 'url'?".
 */
public class RuleException extends RuntimeException {
    private final int wordIndex;
    private final String hint;

    public RuleException(int wordIndex, String message, String hint) {
        super(message, null, false, false);
        this.wordIndex = wordIndex;
        this.hint = hint;
    }

    public RuleException(String message, String hint) {
        this(-1, message, hint);
    }

    public int wordIndex() {
        return wordIndex;
    }

    public String hint() {
        return hint;
    }

    /** Same error pinned to a word of an enclosing word list. */
    RuleException at(int index) {
        return index == wordIndex ? this : new RuleException(index, getMessage(), hint);
    }
}
