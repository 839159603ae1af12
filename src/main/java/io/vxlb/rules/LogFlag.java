package io.vxlb.rules;

/** Log-format flags, set with {@code %{+Q}} and cleared with {@code %{-Q}} (section 8.2.6). */
public enum LogFlag {
    /** Quote strings. */
    Q,
    /** Hexadecimal for IPs, ports, %Ts, %rt, %pid. */
    X,
    /** Escape '"', '\' and ']' (RFC 5424 structured data). */
    E,
    /** Emit '-' for an empty field. */
    M
}
