package io.vxlb.runtime;

import io.vxlb.compat.Differential;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Custom error pages against HAProxy 2.6.12's recorded answers: Debian's stock defaults
 * section (its errorfile lines and errors/*.http files), errorloc/errorloc303, http-errors
 * sections with errorfiles imports, an empty file, and the backend's page winning over the
 * frontend's.
 */
class ErrorRepliesIT {
    @Test
    void debianDefaultConfigServesItsErrorFiles() throws Exception {
        // Debian's /etc/haproxy/haproxy.cfg with its errors/ beside it; the process lines
        // (chroot, user, stats socket, daemon) are left out: the recording HAProxy runs unprivileged
        String debian = Files.readString(Differential.dir("debian").resolve("haproxy.cfg"))
                .replace("/etc/haproxy/errors", "${DIR}/errors")
                .replaceAll("(?m)^\\s*(chroot|stats socket|stats timeout|user|group|daemon)\\b.*$", "")
                .replace("log /dev/log", "log ${UNIXLOG}");  // a unix datagram socket, as /dev/log
        String cfg = debian + """

                frontend web
                    bind 127.0.0.1:${FE}
                    http-request deny if { path /deny }
                    http-request deny deny_status 400 if { path /bad }
                    http-request deny deny_status 500 if { path /ise }
                    http-request deny deny_status 404 if { path /nf }
                    use_backend dead if { path_beg /dead }
                    default_backend app

                backend app
                    server s1 127.0.0.1:${BE1}

                backend dead
                    retries 0
                    server s1 127.0.0.1:${DEAD1}
                """;
        new Differential("debian", cfg)
                .request("ok", "FE", "GET / HTTP/1.1\r\nhost: x\r\n\r\n")
                .request("deny-403", "FE", "GET /deny HTTP/1.1\r\nhost: x\r\n\r\n")
                .request("deny-400", "FE", "GET /bad HTTP/1.1\r\nhost: x\r\n\r\n")
                .request("deny-500", "FE", "GET /ise HTTP/1.1\r\nhost: x\r\n\r\n")
                .request("deny-404-builtin", "FE", "GET /nf HTTP/1.1\r\nhost: x\r\n\r\n")
                .request("dead-503", "FE", "GET /dead HTTP/1.1\r\nhost: x\r\n\r\n")
                .request("http10-403", "FE", "GET /deny HTTP/1.0\r\n\r\n")
                .normalizeLogs(l -> l.replaceFirst("^<(\\d+)>\\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d ", "<$1>TIME ")
                        .replaceAll("\\[\\d+\\]:", "[PID]:")
                        .replaceAll("127\\.0\\.0\\.1:\\d+ \\[[^]]+\\]", "127.0.0.1:PORT [DATE]")
                        .replaceAll(" \\d+/\\d+/\\d+/\\d+/\\d+ ", " TIMERS ")
                        .replaceAll(" -?\\d+/-?\\d+/-?\\d+/-?\\d+/-?\\d+ ", " TIMERS ")
                        // %B: HAProxy counts its internal (HTX) sizes, not the bytes on the wire
                        .replaceFirst(" (\\d{3}) \\d+ - - ", " $1 BYTES - - "))
                .assertSameAsHaproxy();
    }

    @Test
    void errorlocHttpErrorsSectionsAndBackendPrecedence() throws Exception {
        String cfg = """
                http-errors site
                    errorfile 403 ${DIR}/403-site.http
                    errorfile 404 ${DIR}/404-site.http

                defaults
                    mode http
                    timeout connect 2s
                    timeout client 5s
                    timeout server 5s
                    errorfiles site

                frontend fe
                    bind 127.0.0.1:${FE}
                    errorloc 429 http://example.com/slow
                    errorloc303 405 /no
                    errorfile 500 /dev/null
                    http-request deny deny_status 429 if { path /429 }
                    http-request deny deny_status 405 if { path /405 }
                    http-request deny deny_status 500 if { path /500 }
                    http-request deny if { path /403 }
                    http-request deny deny_status 404 if { path /404 }
                    use_backend be2 if { path_beg /be2 }
                    default_backend be1

                backend be1
                    server s1 127.0.0.1:${BE1}

                backend be2
                    errorfile 403 ${DIR}/403-backend.http
                    http-request deny if { path /be2/403 }
                    http-request deny deny_status 404 if { path /be2/404 }
                    server s1 127.0.0.1:${BE2}
                """;
        new Differential("errorloc", cfg)
                .request("errorloc-302", "FE", "GET /429 HTTP/1.1\r\nhost: x\r\n\r\n")
                .request("errorloc-303", "FE", "GET /405 HTTP/1.1\r\nhost: x\r\n\r\n")
                .request("empty-file-closes", "FE", "GET /500 HTTP/1.1\r\nhost: x\r\n\r\n")
                .request("section-403", "FE", "GET /403 HTTP/1.1\r\nhost: x\r\n\r\n")
                .request("section-404-no-length", "FE", "GET /404 HTTP/1.1\r\nhost: x\r\n\r\n")
                .request("backend-403", "FE", "GET /be2/403 HTTP/1.1\r\nhost: x\r\n\r\n")
                .request("backend-inherits-404", "FE", "GET /be2/404 HTTP/1.1\r\nhost: x\r\n\r\n")
                .assertSameAsHaproxy();
    }

    @Test
    void httpErrorAndTheReplyOptionsOfDenyAndReturn() throws Exception {
        // HAProxy's http reply (http_htx.c) everywhere it is written: http-error directives
        // replacing a proxy's pages (a log-format body, an empty one, back to the built-in page),
        // deny and return with errorfile / errorfiles / default-errorfiles / a body and headers
        String cfg = """
                http-errors sect
                    errorfile 400 ${DIR}/400-section.http

                defaults
                    mode http
                    timeout connect 2s
                    timeout client 5s
                    timeout server 5s
                    errorfile 500 ${DIR}/500-proxy.http

                frontend fe
                    bind 127.0.0.1:${FE}
                    http-error status 503 content-type text/plain hdr x-err "path=%[path]" lf-string "down: %[path]"
                    http-error status 500 default-errorfiles
                    http-error status 404
                    http-error status 200 content-type text/plain string "fine"
                    http-request deny deny_status 403 errorfile ${DIR}/403-file.http if { path /file }
                    http-request deny deny_status 400 errorfiles sect if { path /sect }
                    http-request deny deny_status 404 errorfiles sect if { path /sect-missing }
                    http-request deny status 429 hdr retry-after 10 content-type text/plain string "slow down" if { path /slow }
                    http-request deny deny_status 403 content-type text/plain lf-file ${DIR}/lf-403.txt if { path /lf }
                    http-request deny deny_status 500 if { path /500 }
                    http-request deny deny_status 404 if { path /404 }
                    http-request return status 200 default-errorfiles if { path /200 }
                    http-request return status 400 errorfiles sect if { path /ret-sect }
                    http-request return status 403 errorfile ${DIR}/403-file.http if { path /ret-file }
                    default_backend dead

                backend dead
                    retries 0
                    server s1 127.0.0.1:${DEAD1}
                """;
        new Differential("http-reply", cfg)
                .request("deny-errorfile", "FE", "GET /file HTTP/1.1\r\nhost: x\r\n\r\n")
                .request("deny-errorfiles", "FE", "GET /sect HTTP/1.1\r\nhost: x\r\n\r\n")
                .request("deny-errorfiles-missing", "FE", "GET /sect-missing HTTP/1.1\r\nhost: x\r\n\r\n")
                .request("deny-string-hdr", "FE", "GET /slow HTTP/1.1\r\nhost: x\r\n\r\n")
                .request("deny-lf-file", "FE", "GET /lf HTTP/1.1\r\nhost: x\r\n\r\n")
                .request("http-error-default-errorfiles", "FE", "GET /500 HTTP/1.1\r\nhost: x\r\n\r\n")
                .request("http-error-empty", "FE", "GET /404 HTTP/1.1\r\nhost: x\r\n\r\n")
                .request("return-default-errorfiles", "FE", "GET /200 HTTP/1.1\r\nhost: x\r\n\r\n")
                .request("return-errorfiles", "FE", "GET /ret-sect HTTP/1.1\r\nhost: x\r\n\r\n")
                .request("return-errorfile", "FE", "GET /ret-file HTTP/1.1\r\nhost: x\r\n\r\n")
                .request("http-error-503-lf", "FE", "GET /dead/x HTTP/1.1\r\nhost: x\r\n\r\n")
                .assertSameAsHaproxy();
    }
}
