package io.vxlb.rules;

/**
 * One term of a condition: a named ACL (declared in the section, or predefined) or an anonymous
 * ACL written between braces; exactly one of {@code aclName} and {@code anonymous} is set.
 * {@code wordIndex} is the word of the name or of the opening brace.
 */
public record CondTerm(boolean negated, String aclName, AclDef anonymous, int wordIndex) {
    public CondTerm {
        if ((aclName == null) == (anonymous == null)) {
            throw new IllegalArgumentException("a term is either a named or an anonymous ACL");
        }
    }
}
