package io.vxlb.rules;

/**
 * An ACL-only keyword: a sample fetch plus an implied match, e.g. {@code hdr_beg} = fetch
 * {@code req.hdr} matched with {@code beg}.
 */
public record AclKeyword(String name, SampleFetch fetch, MatchMethod method) {
}
