package io.vxlb.config;

/**
 * HAProxy's HTTP connection modes; the options are mutually exclusive inside one section (last
 * one wins) and between frontend and backend the strongest wins: CLOSE &gt; SERVER_CLOSE &gt; KEEP_ALIVE.
 */
public enum HttpConnectionMode {
    KEEP_ALIVE, SERVER_CLOSE, CLOSE;

    public static HttpConnectionMode strongest(HttpConnectionMode a, HttpConnectionMode b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }
}
