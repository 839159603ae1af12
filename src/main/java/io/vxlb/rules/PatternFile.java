package io.vxlb.rules;

/**
 * A {@code -f} file of an ACL. {@code -i} and {@code -M} only apply to the files that follow
 * them on the line, so each file carries the state in force when it was named.
 */
public record PatternFile(String path, int wordIndex, boolean ignoreCase, boolean asMap) {
}
