package io.vxlb.health;

/**
 * HAProxy 2.6's health-check statuses (src/check.c, {@code check_statuses[]}): the short name
 * shown in the stats page, the description used in "reason: ..." log text, and whether the
 * status passes. {@code withCode} marks the statuses at or above HCHK_STATUS_L57DATA, whose
 * log text carries ", code: N".
 */
public enum CheckStatus {
    SOCKERR("SOCKERR", "Socket error", false, false),
    L4OK("L4OK", "Layer4 check passed", true, false),
    L4TOUT("L4TOUT", "Layer4 timeout", false, false),
    L4CON("L4CON", "Layer4 connection problem", false, false),
    L6OK("L6OK", "Layer6 check passed", true, false),
    L6TOUT("L6TOUT", "Layer6 timeout", false, false),
    L6RSP("L6RSP", "Layer6 invalid response", false, false),
    L7TOUT("L7TOUT", "Layer7 timeout", false, false),
    L7RSP("L7RSP", "Layer7 invalid response", false, false),
    L7OK("L7OK", "Layer7 check passed", true, true),
    L7OKC("L7OKC", "Layer7 check conditionally passed", true, true),
    L7STS("L7STS", "Layer7 wrong status", false, true);

    public final String shortName;
    public final String description;
    public final boolean passed;
    public final boolean withCode;

    CheckStatus(String shortName, String description, boolean passed, boolean withCode) {
        this.shortName = shortName;
        this.description = description;
        this.passed = passed;
        this.withCode = withCode;
    }
}
