package io.vxlb.config;

/**
 * One custom error response of a proxy, as {@code errorfile}, {@code errorloc},
 * {@code errorloc302}, {@code errorloc303}, {@code http-error} or an {@code errorfiles NAME} import of an
 * {@code http-errors} section's {@code errorfile} write it. {@code value} is the file
 * ({@link Kind#FILE}) or the location URL. A proxy's list holds its defaults section's entries
 * first, then its own: a later entry for the same status wins, as in HAProxy.
 */
public record ErrorPageSpec(int status, Kind kind, String value, Location location, io.vxlb.action.HttpReply reply) {
    /** REPLY: an {@code http-error status N ...} directive, whose reply is {@link #reply()}. */
    public enum Kind { FILE, LOCATION_302, LOCATION_303, REPLY }

    public ErrorPageSpec(int status, Kind kind, String value, Location location) {
        this(status, kind, value, location, null);
    }

    /** HAProxy 2.6's http_err_codes: the statuses an error file may replace. */
    public static final java.util.List<Integer> STATUSES = java.util.List.of(
            200, 400, 401, 403, 404, 405, 407, 408, 410, 413, 421, 422, 425, 429, 500, 501, 502, 503, 504);
}
