package io.vxlb.log;

import io.vxlb.compat.Differential;
import org.junit.jupiter.api.Test;

/**
 * Syslog lines byte for byte against HAProxy 2.6.12's recorded ones: every {@code format}
 * (local by default, rfc3164, rfc5424, priority, short, timed, iso, raw), {@code len}
 * truncation, global and per-proxy {@code log-tag}, {@code log-send-hostname}, a unix datagram
 * socket given as a path and as {@code unix@}. Only clock readings and the pid are masked.
 */
class SyslogFormatIT {
    /** A log-format of fixed length, so that "len 100" cuts at the same byte on both proxies. */
    private static final String FIXED = "log-format \"%ST %HM %HU abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz\"";

    private static String normalize(String l) {
        return l.replaceAll("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}[+-]\\d\\d:\\d\\d", "ISO")
                .replaceAll("[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d", "TIME")
                .replaceAll("\\[\\d+\\]: ", "[PID]: ")
                .replaceAll("^(<\\d+>1 ISO \\S+ \\S+) \\d+ ", "$1 PID ");
    }

    @Test
    void everyFormatLenTagHostnameAndUnixSockets() throws Exception {
        String cfg = """
                global
                    log 127.0.0.1:${SYSLOG} local0
                    log 127.0.0.1:${SYSLOG} format rfc3164 local1
                    log 127.0.0.1:${SYSLOG} format rfc5424 local2
                    log 127.0.0.1:${SYSLOG} format priority local3
                    log 127.0.0.1:${SYSLOG} format short local4
                    log 127.0.0.1:${SYSLOG} format timed local5
                    log 127.0.0.1:${SYSLOG} format iso local6
                    log 127.0.0.1:${SYSLOG} format raw local7
                    log 127.0.0.1:${SYSLOG} len 100 format raw daemon
                    log ${UNIXLOG} local0 info
                    log unix@${UNIXLOG} format rfc5424 user
                    log-tag globaltag

                defaults
                    mode http
                    log global
                    timeout connect 2s
                    timeout client 5s
                    timeout server 5s

                frontend fe
                    bind 127.0.0.1:${FE}
                    %s
                    default_backend be

                frontend tagged
                    bind 127.0.0.1:${FE2}
                    log-tag fronttag
                    %s
                    default_backend be

                backend be
                    server s1 127.0.0.1:${BE1}
                """.formatted(FIXED, FIXED);
        new Differential("syslog", cfg)
                .request("global-tag", "FE", "GET /a HTTP/1.1\r\nhost: x\r\n\r\n")
                .request("proxy-tag", "FE2", "GET /b HTTP/1.1\r\nhost: x\r\n\r\n")
                .normalizeLogs(SyslogFormatIT::normalize)
                .assertSameAsHaproxy();
        String withHostname = """
                global
                    log 127.0.0.1:${SYSLOG} local0
                    log 127.0.0.1:${SYSLOG} format rfc5424 local1
                    log 127.0.0.1:${SYSLOG} format local local2
                    log-send-hostname vxlb-host

                defaults
                    mode http
                    log global
                    timeout connect 2s
                    timeout client 5s
                    timeout server 5s

                frontend fe
                    bind 127.0.0.1:${FE}
                    %s
                    default_backend be

                backend be
                    server s1 127.0.0.1:${BE1}
                """.formatted(FIXED);
        new Differential("syslog-hostname", withHostname)
                .request("hostname", "FE", "GET /c HTTP/1.1\r\nhost: x\r\n\r\n")
                .normalizeLogs(SyslogFormatIT::normalize)
                .assertSameAsHaproxy();
    }
}
