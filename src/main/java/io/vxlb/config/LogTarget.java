package io.vxlb.config;

import java.util.List;

/**
 * A {@code log} line: {@code global} (use the global section's targets), or a target address
 * ({@code 127.0.0.1[:514]}, {@code udp@...}, a unix datagram socket {@code /dev/log} or
 * {@code unix@/path}, {@code stdout}, {@code stderr}) with facility, optional max level, min
 * level and format (local, rfc3164, rfc5424, priority, short, timed, iso, raw), and the
 * {@code sample RANGES:SIZE} that sends only some of the lines (null: every line).
 * {@code hostname}: the global {@code log-send-hostname} (null: none sent).
 */
public record LogTarget(Location location, boolean global, String address, int length, String format,
                        String facility, String level, String minLevel, Sample sample, String hostname) {
    public LogTarget(Location location, boolean global, String address, int length, String format,
                     String facility, String level, String minLevel) {
        this(location, global, address, length, format, facility, level, minLevel, null, null);
    }

    public LogTarget(Location location, boolean global, String address, int length, String format,
                     String facility, String level, String minLevel, Sample sample) {
        this(location, global, address, length, format, facility, level, minLevel, sample, null);
    }

    /**
     * The target once the global section is known: {@code log-send-hostname}, and the format a
     * line without {@code format} gets (HAProxy: "local", or "rfc3164" when a hostname is sent).
     */
    public LogTarget settled(String sendHostname) {
        String f = format != null ? format : sendHostname != null ? "rfc3164" : "local";
        return new LogTarget(location, global, address, length, f, facility, level, minLevel, sample, sendHostname);
    }

    /** The socket path of a unix datagram target ({@code /dev/log}, {@code unix@/run/x.sock}); null for others. */
    public String unixPath() {
        if (address.startsWith("unix@")) return address.substring(5);
        return address.startsWith("/") ? address : null;
    }

    /**
     * {@code sample 1,3-4:5}: of every {@code size} lines (numbered from 1, cyclically), only
     * those whose number falls in one of the ranges are sent.
     */
    public record Sample(List<int[]> ranges, int size) {
        public Sample {
            ranges = List.copyOf(ranges);
        }

        /** Whether the line with 0-based index {@code n} (counted over every line this target accepts) is sent. */
        public boolean sends(long n) {
            long number = n % size + 1;
            for (int[] r : ranges) {
                if (number >= r[0] && number <= r[1]) return true;
            }
            return false;
        }

        /** Parses {@code RANGES:SIZE} as HAProxy's parse_logsrv(); the message says what is wrong. */
        public static Sample parse(String spec) {
            int colon = spec.indexOf(':');
            if (colon < 0) throw new IllegalArgumentException("Missing sample size");
            String[] parts = spec.substring(0, colon).split(",", -1);
            List<int[]> ranges = new java.util.ArrayList<>();
            int max = 0;
            for (String p : parts) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(?:-(\\d+))?").matcher(p);
                if (!m.matches()) throw new IllegalArgumentException("wrong sample range '" + p + "'");
                int low = Integer.parseInt(m.group(1));
                int high = m.group(2) == null ? low : Integer.parseInt(m.group(2));
                if (low == 0 || high < low) throw new IllegalArgumentException("wrong sample range '" + p + "'");
                for (int[] r : ranges) {
                    if (low <= r[1] && high >= r[0]) throw new IllegalArgumentException("ranges are overlapping");
                }
                ranges.add(new int[] {low, high});
                max = Math.max(max, high);
            }
            String sz = spec.substring(colon + 1);
            if (!sz.matches("\\d+") || Integer.parseInt(sz) == 0) {
                throw new IllegalArgumentException("wrong sample size '" + sz + "' for sample range '" + spec + "'");
            }
            int size = Integer.parseInt(sz);
            if (size < max) {
                throw new IllegalArgumentException("sample size " + size + " should be greater or equal to " + max + " the maximum of the high ranges limits");
            }
            return new Sample(ranges, size);
        }
    }
}
