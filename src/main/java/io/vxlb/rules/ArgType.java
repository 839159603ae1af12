package io.vxlb.rules;

/** Types of fetch and converter arguments, checked when the expression is parsed. */
public enum ArgType {
    STRING,
    INTEGER,
    /** A backend name; resolved later by the config layer; empty means the proxy of the rule. */
    BACKEND,
    /** A frontend name; empty means the proxy of the rule. */
    FRONTEND,
    /** {@code <backend>/<server>} or {@code <server>} (in the proxy of the rule). */
    SERVER,
    USERLIST,
    TABLE,
    /** A variable name with its scope: {@code proc.}, {@code sess.}, {@code txn.}, {@code req.}, {@code res.}. */
    VARIABLE,
    REGEX,
    /** An IPv4 or IPv6 address. */
    IP,
    /** A netmask in bits or in address form. */
    MASK
}
