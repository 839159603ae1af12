package io.vxlb.config;

/**
 * A {@code log} line: {@code global} (use the global section's targets), or a target address
 * ({@code 127.0.0.1[:514]}, {@code udp@...}, {@code stdout}, {@code stderr}) with facility,
 * optional max level, min level and format (rfc3164, rfc5424, raw, short...).
 */
public record LogTarget(Location location, boolean global, String address, int length, String format,
                        String facility, String level, String minLevel) {
}
