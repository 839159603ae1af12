package io.vxlb.config;

import io.vxlb.rules.AclDef;

/** An {@code acl} line of a section: the parsed definition and where it was written. */
public record AclLine(Location location, AclDef acl) {
    public String name() {
        return acl.name();
    }
}
