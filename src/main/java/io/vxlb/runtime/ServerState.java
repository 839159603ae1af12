package io.vxlb.runtime;

/**
 * Operational state of a server. {@code up} is the health verdict (always true without checks);
 * {@code admin} is the operator's choice; {@code weight} the current effective weight.
 */
public record ServerState(boolean up, Admin admin, int weight) {
    public enum Admin { READY, DRAIN, MAINT }

    /** Eligible for load-balanced traffic. */
    public boolean usable() {
        return up && admin == Admin.READY && weight > 0;
    }

    /** Counted by nbsrv() and srv_is_up(): up and not in maintenance (drain still counts). */
    public boolean running() {
        return up && admin != Admin.MAINT;
    }
}
