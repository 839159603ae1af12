package io.vxlb.action;

import io.vxlb.compat.Differential;
import org.junit.jupiter.api.Test;

/**
 * Capture slots against HAProxy 2.6.12's recorded answers: {@code declare capture},
 * {@code capture request header}, {@code http-request capture ... len N | id N},
 * {@code http-response capture ... id N}, read back with {@code capture.req.hdr(N)} /
 * {@code capture.res.hdr(N)} and logged with %hr/%hs; cut to the slot's length; an absent
 * sample leaves the slot empty.
 */
class CaptureActionIT {
    @Test
    void slotsFilledByHeadersAndActionsInDeclarationOrder() throws Exception {
        String cfg = """
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 5s
                    timeout server 5s

                frontend fe
                    bind 127.0.0.1:${FE}
                    log 127.0.0.1:${SYSLOG} format raw local0
                    log-format "%hr %hs %[capture.req.hdr(2)]"
                    declare capture request len 8
                    declare capture response len 10
                    capture request header Host len 20
                    http-request capture req.hdr(x-a) len 5
                    http-request capture path id 0
                    http-request set-header x-cap0 %[capture.req.hdr(0)]
                    http-request set-header x-cap1 %[capture.req.hdr(1)]
                    http-request set-header x-cap2 %[capture.req.hdr(2)]
                    http-response capture res.hdr(x-backend) id 0
                    http-response set-header x-rcap %[capture.res.hdr(0)]
                    default_backend be

                backend be
                    server s1 127.0.0.1:${BE1}
                """;
        new Differential("capture", cfg)
                .request("all", "FE", "GET /a/long/path/here HTTP/1.1\r\nhost: example.com\r\nx-a: abcdefgh\r\n\r\n")
                .request("absent", "FE", "GET /b HTTP/1.1\r\nhost: h\r\n\r\n")
                .assertSameAsHaproxy();
    }
}
