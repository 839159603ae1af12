package io.vxlb.rules;

import io.vxlb.compat.Differential;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stream's connection fetches: http_first_req, fe_conn, be_conn, srv_conn, srv_name,
 * srv_id and so_name, as a response header, against HAProxy 2.6.12's recorded answers; and
 * http_first_req false for the second request of a keep-alive connection.
 */
class ConnectionFetchesIT {
    private static final String CFG = """
            defaults
                mode http
                timeout connect 2s
                timeout client 5s
                timeout server 5s

            frontend fe
                bind 127.0.0.1:${FE} name web
                http-response set-header x-c "first=%[http_first_req] fe=%[fe_conn] fe2=%[fe_conn(fe)] be=%[be_conn(be)] srv=%[srv_conn(be/s1)] name=%[srv_name] id=%[srv_id] so=%[so_name]"
                default_backend be

            backend be
                server s1 127.0.0.1:${BE1} id 7
            """;

    @Test
    void valuesMatchHaproxy() throws Exception {
        new Differential("connection-fetches", CFG)
                .request("one", "FE", "GET / HTTP/1.1\r\nhost: x\r\n\r\n")
                .assertSameAsHaproxy();
    }

    @Test
    void theSecondRequestOfAConnectionIsNotTheFirst() throws Exception {
        try (io.vxlb.proxy.ProxyFixture fx = new io.vxlb.proxy.ProxyFixture()) {
            fx.backend("BE1");
            fx.start(CFG);
            // two pipelined requests on one connection, the second closing it
            String out = fx.raw("FE", "GET /1 HTTP/1.1\r\nhost: x\r\n\r\nGET /2 HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n", 3000);
            int a = out.indexOf("x-c: first=1 "), b = out.indexOf("x-c: first=0 ");
            assertTrue(a >= 0 && b > a, out);
        }
    }

    @Test
    void sessionVariablesOutliveTheRequestAndNoSampleKeepsThem() throws Exception {
        try (io.vxlb.proxy.ProxyFixture fx = new io.vxlb.proxy.ProxyFixture()) {
            fx.start("""
                    defaults
                        mode http
                        timeout connect 2s
                        timeout client 5s
                        timeout server 5s
                    frontend fe
                        bind 127.0.0.1:${FE}
                        http-request set-var(sess.who) req.hdr(x-who)
                        http-request set-var(txn.t) req.hdr(x-who)
                        http-request return status 200 content-type text/plain lf-string "who=%[var(sess.who)] t=%[var(txn.t)];"
                    """);
            // HAProxy 2.6 (reg-tests/connection/http_reuse_safe.vtc): sess.* lasts for the connection,
            // and a set-var whose sample is missing leaves the variable as it was
            String out = fx.raw("FE", "GET /1 HTTP/1.1\r\nhost: x\r\nx-who: ann\r\n\r\n"
                    + "GET /2 HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n", 3000);
            int a = out.indexOf("who=ann t=ann;"), b = out.indexOf("who=ann t=;");
            assertTrue(a >= 0 && b > a, out);
            // another connection has its own session
            assertTrue(fx.raw("FE", "GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n", 3000).contains("who= t=;"));
        }
    }
}
