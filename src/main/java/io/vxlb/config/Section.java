package io.vxlb.config;

/** Configuration section kinds, as bit flags so a keyword can list where it may appear. */
public final class Section {
    private Section() {}

    public static final int GLOBAL = 1;
    public static final int DEFAULTS = 2;
    public static final int FRONTEND = 4;
    public static final int LISTEN = 8;
    public static final int BACKEND = 16;
    public static final int DYNAMIC_UPDATE = 32;
    /** {@code http-errors NAME}: only {@code errorfile} lines. */
    public static final int HTTP_ERRORS = 64;

    public static final int PROXIES = FRONTEND | LISTEN | BACKEND;
    public static final int ALL_PROXIES = DEFAULTS | PROXIES;
    public static final int FRONT_SIDE = DEFAULTS | FRONTEND | LISTEN;
    public static final int BACK_SIDE = DEFAULTS | LISTEN | BACKEND;
    /** Rules (acl, use_backend...) cannot appear in defaults. */
    public static final int FRONT_RULES = FRONTEND | LISTEN;
    public static final int BACK_RULES = LISTEN | BACKEND;

    public static int of(ProxyKind kind) {
        return switch (kind) {
            case DEFAULTS -> DEFAULTS;
            case FRONTEND -> FRONTEND;
            case LISTEN -> LISTEN;
            case BACKEND -> BACKEND;
        };
    }

    /** "defaults | frontend | listen | backend" style list, like HAProxy's documentation. */
    public static String describe(int mask) {
        StringBuilder sb = new StringBuilder();
        String[] names = {"global", "defaults", "frontend", "listen", "backend", "dynamic-update", "http-errors"};
        for (int i = 0; i < names.length; i++) {
            if ((mask & (1 << i)) != 0) {
                if (sb.length() > 0) sb.append(" | ");
                sb.append(names[i]);
            }
        }
        return sb.toString();
    }
}
