package io.vxlb.config;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** tcp-request / tcp-response / http-after-response lines: the model they give and the errors bad ones get. */
class TcpRuleKeywordsTest {
    private static final String HEAD = """
            defaults
                timeout connect 5s
                timeout client 5s
                timeout server 5s
            """;

    private static ParseResult parse(String text) {
        return new ConfigParser(k -> null).parse("t.cfg", HEAD + text);
    }

    private static Proxy ok(String text, String proxy) {
        ParseResult r = parse(text);
        assertTrue(r.ok(), () -> r.diagnostics().stream().map(Diagnostic::format).collect(Collectors.joining("\n")));
        return r.config().proxy(proxy).orElseThrow();
    }

    private static String error(String text) {
        ParseResult r = parse(text);
        assertEquals(1, r.errors().size(), () -> r.diagnostics().stream().map(Diagnostic::format).collect(Collectors.joining("\n")));
        return r.errors().get(0).format();
    }

    @Test
    void rulesAreParsedInOrderPerHook() {
        Proxy p = ok("""
                listen li
                    mode tcp
                    bind :8000 accept-proxy
                    tcp-request inspect-delay 2s
                    tcp-request connection expect-proxy layer4 if { src 10.0.0.0/8 }
                    tcp-request connection set-var(sess.a) src
                    tcp-request session set-dst ipv4(10.0.0.2)
                    tcp-request content accept if { req.ssl_hello_type 1 }
                    tcp-request content reject
                    tcp-response inspect-delay 1s
                    tcp-response content close if { res.len gt 10 }
                    server s 127.0.0.1:9000 send-proxy-v2
                """, "li");
        TcpRules t = p.tcpRules();
        assertEquals(2000, t.inspectDelay());
        assertEquals(1000, t.responseInspectDelay());
        assertInstanceOf(TcpAction.ExpectProxy.class, t.connection().get(0).action());
        assertInstanceOf(TcpAction.SetVar.class, t.connection().get(1).action());
        assertInstanceOf(TcpAction.SetAddress.class, t.session().get(0).action());
        assertEquals(List.of("accept", "reject"), t.content().stream().map(r -> r.action().keyword()).toList());
        assertInstanceOf(TcpAction.Close.class, t.responseContent().get(0).action());
        assertTrue(p.binds().get(0).acceptProxy());
        assertEquals(2, p.servers().get(0).sendProxy());
    }

    @Test
    void afterResponseRules() {
        Proxy p = ok("""
                frontend fe
                    mode http
                    bind :8000
                    http-after-response set-header x-a %[status]
                    http-after-response set-status 299 reason "Soft" if { status 403 }
                    http-after-response allow
                    default_backend be
                backend be
                    mode http
                    server s 127.0.0.1:9000
                """, "fe");
        assertEquals(List.of("set-header", "set-status", "allow"), p.httpAfterResponseRules().stream().map(r -> r.action().keyword()).toList());
    }

    @Test
    void badLinesNameFileLineKeywordAndTheRightForm() {
        assertTrue(error("""
                listen li
                    bind :8000
                    tcp-request conection accept
                    server s 127.0.0.1:9000
                """).contains("t.cfg:7:17 : [listen li] 'tcp-request': unknown 'tcp-request' rule set 'conection' -- did you mean 'connection'"), "typo");
        assertTrue(error("""
                listen li
                    bind :8000
                    tcp-request content rejct
                    server s 127.0.0.1:9000
                """).contains("unknown action 'rejct' for 'tcp-request content' -- did you mean 'reject'"), "action typo");
        assertTrue(error("""
                listen li
                    bind :8000
                    tcp-request connection track-sc0 src
                    server s 127.0.0.1:9000
                """).contains("'track-sc0' without 'table' needs a stick-table in listen 'li'"), "track-sc needs a table");
        assertTrue(error("""
                listen li
                    bind :8000
                    tcp-request connection track-sc3 src table li
                    stick-table type ip size 1k
                    server s 127.0.0.1:9000
                """).contains("invalid stick counter in 'track-sc3'"), "track-sc3");
        assertTrue(error("""
                listen li
                    bind :8000
                    tcp-request content sc-inc-gpc0(4)
                    stick-table type ip size 1k
                    server s 127.0.0.1:9000
                """).contains("invalid stick counter '4' in sc-inc-gpc0(4)"), "sc-inc-gpc0 slot");
        assertTrue(error("""
                listen li
                    bind :8000
                    tcp-request content use-service prometheus-exporter
                    server s 127.0.0.1:9000
                """).contains("'tcp-request content use-service' is not supported by vxlb"), "use-service");
        assertTrue(error("""
                listen li
                    bind :8000
                    tcp-request connection set-var(txn.x) src
                    server s 127.0.0.1:9000
                """).contains("variable 'txn.x' has no transaction yet in 'tcp-request connection' -- use scope 'sess'"), "txn scope");
        assertTrue(error("""
                listen li
                    bind :8000
                    tcp-request connection expect-proxy
                    server s 127.0.0.1:9000
                """).contains("'expect-proxy' needs 'layer4'"), "expect-proxy");
        assertTrue(error("""
                listen li
                    bind :8000
                    tcp-request content accept if { req.len gt 0 } extra
                    server s 127.0.0.1:9000
                """).contains("t.cfg:7"), "trailing words");
        assertTrue(error("""
                listen li
                    bind :8000
                    tcp-request inspect-delay soon
                    server s 127.0.0.1:9000
                """).contains("'tcp-request inspect-delay'"), "bad delay");
        assertTrue(error("""
                listen li
                    mode tcp
                    bind :8000
                    tcp-request content switch-mode http
                    server s 127.0.0.1:9000
                """).contains("'switch-mode http' in a mode tcp proxy is not supported by vxlb yet"), "switch-mode");
        assertTrue(error("""
                frontend fe
                    mode http
                    bind :8000
                    http-after-response redirect location /x
                    default_backend be
                backend be
                    mode http
                    server s 127.0.0.1:9000
                """).contains("'http-after-response redirect' is not supported by vxlb"), "after-response redirect");
        assertTrue(error("""
                frontend fe
                    mode http
                    bind :8000 ssl crt /nonexistent.pem accept-proxy
                    default_backend be
                backend be
                    mode http
                    server s 127.0.0.1:9000
                """).contains("'accept-proxy' with 'ssl' on a mode http bind is not supported by vxlb yet"), "accept-proxy with ssl");
    }
}
