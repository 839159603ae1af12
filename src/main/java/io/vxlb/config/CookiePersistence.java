package io.vxlb.config;

import java.util.List;

/**
 * {@code cookie NAME [rewrite|insert|prefix] [indirect] [nocache] [postonly] [preserve]
 * [httponly] [secure] [domain D]* [maxidle T] [maxlife T] [dynamic] [attr A]*}.
 */
public record CookiePersistence(String name, Method method, boolean indirect, boolean nocache, boolean postonly,
                                boolean preserve, boolean httponly, boolean secure, List<String> domains,
                                long maxIdleMillis, long maxLifeMillis, boolean dynamic, List<String> attributes) {
    public enum Method { REWRITE, INSERT, PREFIX, PASSIVE }

    public CookiePersistence {
        domains = List.copyOf(domains);
        attributes = List.copyOf(attributes);
    }
}
