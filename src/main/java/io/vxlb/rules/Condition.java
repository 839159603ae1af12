package io.vxlb.rules;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An {@code if} / {@code unless} condition in disjunctive form: the condition holds when all
 * terms of at least one group hold ({@code unless} inverts the result). An empty list of groups
 * never holds, so {@code if} alone is false and {@code unless} alone is true, as in HAProxy 2.6.
 */
public record Condition(boolean unless, List<List<CondTerm>> orOfAnds, List<String> warnings) {
    public Condition {
        List<List<CondTerm>> copy = new ArrayList<>();
        orOfAnds.forEach(group -> copy.add(List.copyOf(group)));
        orOfAnds = List.copyOf(copy);
        warnings = List.copyOf(warnings);
    }

    /** Names of the named ACLs used, once each, in order; the config layer checks they exist. */
    public List<String> aclNames() {
        Set<String> names = new LinkedHashSet<>();
        orOfAnds.forEach(group -> group.stream().filter(t -> t.aclName() != null).forEach(t -> names.add(t.aclName())));
        return List.copyOf(names);
    }

    /** The sample expressions of the anonymous ACLs, in order (named ACLs are resolved by name). */
    public List<SampleExpr> sampleExprs() {
        return anonymousAcls().stream().map(AclDef::sample).toList();
    }

    /** The anonymous ACLs, in order. */
    public List<AclDef> anonymousAcls() {
        List<AclDef> out = new ArrayList<>();
        orOfAnds.forEach(group -> group.stream().filter(t -> t.anonymous() != null).forEach(t -> out.add(t.anonymous())));
        return List.copyOf(out);
    }
}
