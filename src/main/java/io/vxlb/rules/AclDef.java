package io.vxlb.rules;

import java.util.List;

/**
 * One {@code acl <name> <criterion> [flags] [operator] [<value>] ...} line (or an anonymous ACL
 * between braces, whose name is empty). Several lines with the same name are ORed by the config
 * layer; the patterns of one line are ORed too. {@code warnings} are what HAProxy 2.6 accepts
 * but reports (e.g. an ACL with no pattern, which never matches).
 */
public record AclDef(String name, AclCriterion criterion, MatchMethod method, boolean ignoreCase,
                     List<AclPattern> patterns, List<PatternFile> patternFiles, boolean noDns,
                     int uniqueId, List<String> warnings) {
    public AclDef {
        patterns = List.copyOf(patterns);
        patternFiles = List.copyOf(patternFiles);
        warnings = List.copyOf(warnings);
    }

    /** The inline patterns' texts. */
    public List<String> values() {
        return patterns.stream().map(AclPattern::text).toList();
    }

    /** Paths of the {@code -f} files. */
    public List<String> patternFilePaths() {
        return patternFiles.stream().map(PatternFile::path).toList();
    }

    public SampleExpr sample() {
        return criterion.sample();
    }

    /** The sample expressions to resolve (backends, servers, map files): here the criterion's. */
    public List<SampleExpr> sampleExprs() {
        return List.of(criterion.sample());
    }
}
