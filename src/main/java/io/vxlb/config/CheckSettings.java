package io.vxlb.config;

import java.util.List;

/**
 * A backend's health-check protocol: plain TCP connect by default, {@code option httpchk},
 * {@code option tcp-check} (with the {@code tcp-check} steps), {@code option redis-check},
 * {@code option mysql-check}, ... {@code httpRequest} is null unless httpchk is on; {@code mysql}
 * is null unless mysql-check is on.
 */
public record CheckSettings(Kind kind, HttpCheckRequest httpRequest, List<CheckStep> httpCheckSteps,
                            List<CheckStep> tcpCheckSteps, boolean disableOn404, Mysql mysql) {
    public enum Kind { CONNECT, HTTP, TCP_CHECK, REDIS, MYSQL, PGSQL, SMTP, LDAP, SSL_HELLO }

    /**
     * {@code option mysql-check [user U [post-41|pre-41]]}: {@code user} null when no user was
     * given (the check then only reads the server's initial handshake); {@code post41} picks the
     * MySQL 4.1+ client authentication packet (the default) over the 4.0 one.
     */
    public record Mysql(String user, boolean post41) {
        public static final Mysql NO_USER = new Mysql(null, true);
    }

    public static final CheckSettings DEFAULT = new CheckSettings(Kind.CONNECT, null, List.of(), List.of(), false, null);

    public CheckSettings {
        httpCheckSteps = List.copyOf(httpCheckSteps);
        tcpCheckSteps = List.copyOf(tcpCheckSteps);
    }
}
