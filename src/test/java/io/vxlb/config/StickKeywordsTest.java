package io.vxlb.config;

import org.junit.jupiter.api.Test;

import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** stick-table, stick rules and the references they make: the model, and errors naming file, line, keyword and the fix. */
class StickKeywordsTest {
    private static final String HEAD = """
            defaults
                mode http
                timeout connect 1s
                timeout client 1s
                timeout server 1s
            """;

    private static ParseResult parse(String body) {
        return new ConfigParser().parse("t.cfg", HEAD + body);
    }

    private static Diagnostic onlyError(String body) {
        ParseResult r = parse(body);
        var errors = r.diagnostics().stream().filter(Diagnostic::isError).toList();
        assertEquals(1, errors.size(), () -> r.diagnostics().stream().map(Diagnostic::format).collect(Collectors.joining("\n")));
        return errors.get(0);
    }

    @Test
    void aTableLineBecomesItsModel() {
        ParseResult r = parse("""
                backend st
                    stick-table type string len 12 size 10k expire 30s nopurge peers mypeers store gpc0,http_req_rate(10s),conn_cur
                """);
        assertTrue(r.ok(), r.diagnostics().toString());
        StickTableSpec t = r.config().proxies().get(0).stick().table();
        assertEquals(StickTableSpec.KeyType.STRING, t.type());
        assertEquals(12, t.keyLength());
        assertEquals(10240, t.size());
        assertEquals(30_000, t.expireMs());
        assertTrue(t.nopurge());
        assertEquals("mypeers", t.peers());
        assertEquals(10_000, t.store(StickDataType.HTTP_REQ_RATE).periodMs());
        assertTrue(t.stores(StickDataType.CONN_CUR));
        assertFalse(t.stores(StickDataType.GPC1));
    }

    @Test
    void badTablesAreClearErrors() {
        Diagnostic d = onlyError("backend st\n    stick-table type ip store gpc0\n");
        assertEquals(7, d.location().line());
        assertEquals("stick-table", d.keyword());
        assertTrue(d.message().contains("needs a 'size'"), d.message());
        assertNotNull(d.hint());
        assertTrue(onlyError("backend st\n    stick-table type mac size 1\n").message().contains("unknown stick-table type 'mac'"));
        assertTrue(onlyError("backend st\n    stick-table type ip size 1 store http_req_rate\n").message().contains("needs a period"));
        assertTrue(onlyError("backend st\n    stick-table type ip size 1 store gpc3\n").message().contains("unknown or unsupported stick-table data type 'gpc3'"));
        assertTrue(onlyError("backend st\n    stick-table type ip size 1 store gpc0,gpc0\n").message().contains("stored twice"));
        assertTrue(onlyError("backend st\n    stick-table type ip size 1 write-to other\n").message().contains("unknown stick-table argument 'write-to'"));
        assertTrue(onlyError("backend st\n    stick-table type ip size 1\n    stick-table type ip size 2\n").message().contains("only one stick-table"));
    }

    @Test
    void referencesToTablesAreChecked() {
        Diagnostic d = onlyError("""
                frontend fe
                    bind 127.0.0.1:1
                    http-request track-sc0 src table nosuch
                    default_backend st
                backend st
                    stick-table type ip size 1
                """);
        assertTrue(d.message().contains("no stick-table named 'nosuch'"), d.message());
        assertEquals("http-request track-sc0", d.keyword());
        assertTrue(onlyError("""
                frontend fe
                    bind 127.0.0.1:1
                    http-request track-sc0 src
                    default_backend st
                backend st
                    server s 127.0.0.1:2
                """).message().contains("without 'table' needs a stick-table in frontend 'fe'"));
        assertTrue(onlyError("""
                backend be
                    stick on src
                    server s 127.0.0.1:2
                """).message().contains("'stick on' needs a stick-table"));
        assertTrue(onlyError("""
                frontend fe
                    bind 127.0.0.1:1
                    http-request deny if { src_conn_cur(sto) gt 1 }
                    default_backend st
                backend st
                    stick-table type ip size 1
                """).message().contains("names stick-table 'sto', which does not exist"));
        assertTrue(onlyError("""
                frontend fe
                    bind 127.0.0.1:1
                    http-request deny if { src,table_conn_cur(x) gt 1 }
                    default_backend st
                backend st
                    stick-table type ip size 1
                """).message().contains("names stick-table 'x'"));
    }

    @Test
    void stickCounterActionsParse() {
        ParseResult r = parse("""
                frontend fe
                    bind 127.0.0.1:1
                    stick-table type ip size 1 store gpc0,gpt0
                    http-request track-sc1 src
                    http-request sc-inc-gpc0(1)
                    http-request sc-set-gpt0(1) 5
                    http-request sc-set-gpt0(1) req.hdr_cnt(x) if TRUE
                    default_backend be
                backend be
                    server s 127.0.0.1:2 non-stick
                """);
        assertTrue(r.ok(), r.diagnostics().toString());
        assertTrue(onlyError("listen li\n    bind 127.0.0.1:1\n    stick-table type ip size 1\n    http-request sc-inc-gpc0(3)\n    server s 127.0.0.1:2\n")
                .message().contains("invalid stick counter '3'"));
    }
}
