package io.vxlb.config;

/** How vxlb treats a HAProxy keyword; the README's keyword table is generated from these. */
public enum Support {
    /** Parsed and enforced at runtime. */
    SUPPORTED("yes"),
    /** Parsed and validated; the runtime does not act on it yet (a warning says so when it is used). */
    PARSED("parsed, not yet enforced"),
    /** Accepted with a warning; means nothing on the JVM (Unix process settings). */
    IGNORED("ignored with a warning"),
    /** Old spelling, rewritten to its modern equivalent with a warning. */
    LEGACY("legacy, rewritten with a warning"),
    /** Refused with an error that names the modern replacement. */
    REJECTED("refused: use the replacement"),
    /** A HAProxy keyword vxlb does not implement: refused with an error. */
    UNSUPPORTED("not supported");

    public final String label;

    Support(String label) {
        this.label = label;
    }
}
