package io.vxlb.rules;

/**
 * What an ACL matches: the criterion word as written, the ACL keyword it starts with (null when
 * it is a plain sample fetch such as {@code req.hdr(host),lower}) and the sample expression. For
 * an ACL keyword the expression's fetch is the keyword's fetch ({@code hdr_beg} → {@code req.hdr}).
 */
public record AclCriterion(String text, String aclKeyword, SampleExpr sample) {
}
