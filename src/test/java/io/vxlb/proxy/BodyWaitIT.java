package io.vxlb.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Waiting for the request body before the rules (option http-buffer-request, http-request
 * wait-for-body), as HAProxy's http_wait_for_msg_body: the rules read req.body*, the server
 * still gets the whole body, a body that does not come gets a 408 (cR), and an Expect:
 * 100-continue is answered by the proxy.
 */
class BodyWaitIT {
    private ProxyFixture fx;

    @AfterEach
    void tearDown() {
        if (fx != null) fx.close();
    }

    private static final String CONFIG = """
            defaults
                mode http
                timeout connect 2s
                timeout client 600ms
                timeout server 5s
            frontend buffered
                bind 127.0.0.1:${FE}
                option http-buffer-request
                http-request set-header x-len %[req.body_len]
                http-request set-header x-size %[req.body_size]
                http-request set-header x-p %[req.body_param(b)]
                http-request deny deny_status 403 if { req.body -m sub forbidden }
                default_backend be
            frontend waits
                bind 127.0.0.1:${FE2}
                http-request set-header x-before %[req.body_len]
                http-request wait-for-body time 300ms at-least 4 if { path /w }
                http-request set-header x-after %[req.body_len]
                default_backend be
            backend be
                server s1 127.0.0.1:${BE}
            """;

    @Test
    void theRulesReadTheBodyAndTheServerStillGetsIt() throws Exception {
        fx = new ProxyFixture();
        ProxyFixture.Backend be = fx.backend("BE");
        fx.start(CONFIG);
        String r = fx.raw("FE", "POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 9\r\n\r\na=1&b=xyz", 1500);
        assertTrue(r.startsWith("HTTP/1.1 200"), r);
        ProxyFixture.Seen s = be.last();
        assertEquals("9", s.header("x-len"));
        assertEquals("9", s.header("x-size"));
        assertEquals("xyz", s.header("x-p"));
        assertEquals("a=1&b=xyz", s.body());

        // a chunked body sent in two parts: buffered whole, relayed whole
        String parts = send("FE", "POST /c HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n3\r\nb=q\r\n", 100, "2\r\nrs\r\n0\r\n\r\n");
        assertTrue(parts.startsWith("HTTP/1.1 200"), parts);
        assertEquals("b=qrs", be.last().body());
        assertEquals("5", be.last().header("x-len"));

        String denied = fx.raw("FE", "POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 12\r\n\r\nis forbidden", 1500);
        assertTrue(denied.startsWith("HTTP/1.1 403"), denied);
    }

    @Test
    void aBodyThatDoesNotComeGets408() throws Exception {
        fx = new ProxyFixture();
        ProxyFixture.Backend be = fx.backend("BE");
        fx.start(CONFIG);
        String r = fx.raw("FE", "POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 10\r\n\r\n12345", 3000);
        assertTrue(r.startsWith("HTTP/1.1 408 Request Time-out"), r);
        assertTrue(r.toLowerCase().contains("connection: close"), r);
        assertEquals(0, be.seen.size(), "nothing reached the server");
    }

    @Test
    void expectContinueIsAnsweredByTheProxy() throws Exception {
        fx = new ProxyFixture();
        ProxyFixture.Backend be = fx.backend("BE");
        fx.start(CONFIG);
        String r = send("FE", "POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 3\r\nexpect: 100-continue\r\n\r\n", 200, "b=1");
        assertTrue(r.startsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200"), r);
        assertNull(be.last().header("expect"), "the server is not asked again");
        assertEquals("b=1", be.last().body());
    }

    @Test
    void waitForBodyResumesTheRulesAtTheNextOne() throws Exception {
        fx = new ProxyFixture();
        ProxyFixture.Backend be = fx.backend("BE");
        fx.start(CONFIG);
        // 4 bytes are enough for at-least 4: the rules go on before the rest arrives
        String r = send("FE2", "POST /w HTTP/1.1\r\nhost: x\r\ncontent-length: 8\r\n\r\nabcd", 100, "efgh");
        assertTrue(r.startsWith("HTTP/1.1 200"), r);
        assertEquals("", be.last().header("x-before"), "no body was read before the wait");
        assertEquals("4", be.last().header("x-after"));
        assertEquals("abcdefgh", be.last().body());
        // not enough in time: 408
        String late = fx.raw("FE2", "POST /w HTTP/1.1\r\nhost: x\r\ncontent-length: 8\r\n\r\nab", 2000);
        assertTrue(late.startsWith("HTTP/1.1 408"), late);
        // without the condition, no wait and no body for the rules
        String plain = fx.raw("FE2", "POST /other HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\nab", 1500);
        assertTrue(plain.startsWith("HTTP/1.1 200"), plain);
        assertEquals("", be.last().header("x-after"));
    }

    /** Sends {@code first}, waits, sends {@code second}, returns what came back within 1.5 s. */
    private String send(String port, String first, int delayMs, String second) throws Exception {
        try (Socket s = new Socket("127.0.0.1", fx.port(port))) {
            s.setSoTimeout(1500);
            OutputStream out = s.getOutputStream();
            out.write(first.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Thread.sleep(delayMs);
            out.write(second.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder sb = new StringBuilder();
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) > 0) sb.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            } catch (java.net.SocketTimeoutException e) {
                // keep-alive: what arrived is the answer
            }
            return sb.toString();
        }
    }
}
