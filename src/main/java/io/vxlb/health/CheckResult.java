package io.vxlb.health;

/**
 * The outcome of one check run: HAProxy's status, the L7 code (HTTP status, 0 otherwise), the
 * "info" text (may be empty) and the duration in milliseconds.
 */
public record CheckResult(CheckStatus status, int code, String info, long durationMs) {
    public CheckResult {
        info = info == null ? "" : info;
    }

    public boolean passed() {
        return status.passed;
    }

    /**
     * HAProxy's srv_append_status() text without the leading ", ": {@code reason: Layer7 wrong
     * status, code: 503, info: "Service Unavailable", check duration: 2ms}.
     */
    public String reasonText() {
        StringBuilder sb = new StringBuilder("reason: ").append(status.description);
        if (status.withCode) sb.append(", code: ").append(code);
        if (!info.isEmpty()) sb.append(", info: \"").append(asciiEncode(info)).append('"');
        if (durationMs >= 0) sb.append(", check duration: ").append(durationMs).append("ms");
        return sb.toString();
    }

    /** chunk_asciiencode(msg, src, '"'): non-printable bytes and the quote as \xHH. */
    static String asciiEncode(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7f || c == '"') sb.append(String.format("\\x%02x", (int) c & 0xff));
            else sb.append(c);
        }
        return sb.toString();
    }
}
