package io.vxlb.config;

import java.util.List;

/**
 * {@code retry-on}: the failures after which an HTTP request is sent again (HAProxy 2.6). The
 * default is {@code conn-failure}; anything else makes a retry possible after the request
 * reached the server, which vxlb does only for requests without a body (HAProxy: only those
 * that fit in one buffer).
 */
public record RetryOn(int events, int statusMask) {
    public static final int CONN_FAILURE = 1, EMPTY_RESPONSE = 2, JUNK_RESPONSE = 4, RESPONSE_TIMEOUT = 8, ZERO_RTT_REJECTED = 16;
    /** The status codes HAProxy accepts, in the order of {@link #statusMask}'s bits. */
    static final List<Integer> STATUSES = List.of(401, 403, 404, 408, 425, 500, 501, 502, 503, 504);

    public static final RetryOn DEFAULT = new RetryOn(CONN_FAILURE, 0);

    public boolean on(int event) {
        return (events & event) != 0;
    }

    /** A retry on response {@code status}. */
    public boolean onStatus(int status) {
        if (statusMask == 0) return false;
        int i = STATUSES.indexOf(status);
        return i >= 0 && (statusMask & (1 << i)) != 0;
    }

    /** Parses the words of {@code retry-on}; the line's word index of a bad one is thrown. */
    static RetryOn parse(ConfigLine line) {
        GlobalKeywords.need(line, 1, "at least one keyword (e.g. 'retry-on conn-failure empty-response 503')");
        int events = 0, statuses = 0;
        for (int i = 1; i < line.size(); i++) {
            String w = line.arg(i);
            switch (w) {
                case "none" -> {
                    if (line.size() > 2) throw new ConfigException(i, "'none' must be the only keyword of 'retry-on'", null);
                }
                case "conn-failure" -> events |= CONN_FAILURE;
                case "empty-response" -> events |= EMPTY_RESPONSE;
                case "junk-response" -> events |= JUNK_RESPONSE;
                case "response-timeout" -> events |= RESPONSE_TIMEOUT;
                case "0rtt-rejected" -> events |= ZERO_RTT_REJECTED;
                case "all-retryable-errors" -> {
                    events |= CONN_FAILURE | EMPTY_RESPONSE | JUNK_RESPONSE | RESPONSE_TIMEOUT | ZERO_RTT_REJECTED;
                    for (int s : List.of(500, 502, 503, 504)) statuses |= 1 << STATUSES.indexOf(s);
                }
                default -> {
                    int s = -1;
                    try {
                        s = Integer.parseInt(w);
                    } catch (NumberFormatException e) {
                        // not a status: the error below
                    }
                    if (!STATUSES.contains(s)) {
                        throw new ConfigException(i, "unknown keyword '" + w + "' in 'retry-on'",
                                "use none, conn-failure, empty-response, junk-response, response-timeout, 0rtt-rejected, all-retryable-errors or a status among " + STATUSES);
                    }
                    statuses |= 1 << STATUSES.indexOf(s);
                }
            }
        }
        return new RetryOn(events, statuses);
    }
}
