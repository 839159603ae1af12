package io.vxlb.rules;

/**
 * One pattern of an ACL as written, with the index of its word (so the config layer can point at
 * it) and, for INT and LEN matches, its parsed value.
 */
public record AclPattern(String text, int wordIndex, IntPattern intPattern) {
}
