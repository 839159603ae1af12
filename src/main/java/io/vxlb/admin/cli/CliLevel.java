package io.vxlb.admin.cli;

/** A runtime API session's access level ({@code stats socket ... level}), lowest first. */
public enum CliLevel {
    USER, OPERATOR, ADMIN;

    public static CliLevel of(String word) {
        return valueOf(word.toUpperCase(java.util.Locale.ROOT));
    }

    public boolean atLeast(CliLevel other) {
        return compareTo(other) >= 0;
    }
}
