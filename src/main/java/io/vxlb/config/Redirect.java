package io.vxlb.config;

import io.vxlb.rules.Condition;
import io.vxlb.rules.LogFormat;

/**
 * {@code redirect location|prefix|scheme TARGET [code N] [drop-query] [append-slash]
 * [set-cookie NAME[=VAL]] [clear-cookie NAME] [if|unless cond]}; also the action of
 * {@code http-request redirect}. Default code 302.
 */
public record Redirect(Location location, Type type, LogFormat target, int code, boolean dropQuery,
                       boolean appendSlash, String setCookie, String clearCookie, Condition condition) {
    public enum Type { LOCATION, PREFIX, SCHEME }
}
