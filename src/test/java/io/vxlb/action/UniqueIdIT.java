package io.vxlb.action;

import io.vxlb.compat.Differential;
import org.junit.jupiter.api.Test;

/**
 * {@code unique-id-format}/{@code unique-id-header}, the {@code unique-id} fetch and %ID against
 * HAProxy 2.6.12's recorded answers: the id is made once (the rule's copy, the header the server
 * gets and the log agree), a missing sample in the format is empty, and a frontend that inherits
 * the format but no header still logs an id.
 */
class UniqueIdIT {
    @Test
    void oneIdPerRequestInRulesHeaderAndLog() throws Exception {
        String cfg = """
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 5s
                    timeout server 5s
                    unique-id-format "%f:%HM:%[req.hdr(x-req),lower]"

                frontend fe
                    bind 127.0.0.1:${FE}
                    unique-id-header X-Unique-ID
                    log 127.0.0.1:${SYSLOG} format raw local0
                    log-format "id=%ID uid=%[unique-id] %ST"
                    http-request set-header x-early %[unique-id] if { path /early }
                    http-request deny if { path /deny }
                    default_backend be

                frontend plain
                    bind 127.0.0.1:${FE2}
                    log 127.0.0.1:${SYSLOG} format raw local0
                    log-format "id=%ID %ST"
                    default_backend be

                backend be
                    server s1 127.0.0.1:${BE1}
                """;
        new Differential("unique-id", cfg)
                .request("forwarded", "FE", "GET / HTTP/1.1\r\nhost: x\r\nx-req: ABC\r\n\r\n")
                .request("early", "FE", "GET /early HTTP/1.1\r\nhost: x\r\nx-req: Early\r\n\r\n")
                .request("missing-sample", "FE", "POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n")
                .request("denied", "FE", "GET /deny HTTP/1.1\r\nhost: x\r\nx-req: D\r\n\r\n")
                .request("no-format-here", "FE2", "GET / HTTP/1.1\r\nhost: x\r\n\r\n")
                // HAProxy makes a denied request's id when the log line is written, after the request's
                // buffer was released: its req.hdr() finds nothing ("fe:GET:"); vxlb still sees the header
                .deviation("denied", "HTTP/1.1 403 Forbidden", "HAProxy evaluates the format after releasing the request")
                .assertSameAsHaproxy();
    }
}
