package io.vxlb.config;

import java.util.List;

/**
 * A backend's health-check protocol: plain TCP connect by default, {@code option httpchk},
 * {@code option tcp-check} (with the {@code tcp-check} steps), {@code option redis-check},
 * {@code option mysql-check}, ... {@code httpRequest} is null unless httpchk is on.
 */
public record CheckSettings(Kind kind, HttpCheckRequest httpRequest, List<CheckStep> httpCheckSteps,
                            List<CheckStep> tcpCheckSteps, boolean disableOn404) {
    public enum Kind { CONNECT, HTTP, TCP_CHECK, REDIS, MYSQL, PGSQL, SMTP, LDAP, SSL_HELLO }

    public static final CheckSettings DEFAULT = new CheckSettings(Kind.CONNECT, null, List.of(), List.of(), false);

    public CheckSettings {
        httpCheckSteps = List.copyOf(httpCheckSteps);
        tcpCheckSteps = List.copyOf(tcpCheckSteps);
    }
}
