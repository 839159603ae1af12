package io.vxlb.rules;

import static io.vxlb.rules.Rules.format;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Log-format strings as used in header values, redirects and use_backend (section 8.2.6). */
class LogFormatRuntimeTest {

    @Test
    void constantFormats() {
        CompiledLogFormat f = format("no-cache, 100%% sure");
        assertTrue(f.isConstant());
        assertEquals("no-cache, 100% sure", f.constant());
        assertEquals("no-cache, 100% sure", f.format(TestTxn.get("/")));
        assertTrue(format("").isConstant());
        assertEquals("", format("").format(TestTxn.get("/")));
    }

    @Test
    void samplesAndLiterals() {
        TestTxn t = TestTxn.get("/p?x=1").host("Example.COM");
        CompiledLogFormat f = format("https://%[req.hdr(host),lower]%[path]?from=%[url_param(x)]");
        assertFalse(f.isConstant());
        assertNull(f.constant());
        assertEquals("https://example.com/p?from=1", f.format(t));
        StringBuilder sb = new StringBuilder(">");
        f.append(t, sb);
        assertEquals(">https://example.com/p?from=1", sb.toString());
    }

    @Test
    void missingSampleIsEmptyUnlessFlagged() {
        TestTxn t = TestTxn.get("/");
        assertEquals("[]", format("[%[req.hdr(x-none)]]").format(t));
        assertEquals("[-]", format("[%{+M}[req.hdr(x-none)]]").format(t));
        assertEquals("[\"\"]", format("[%{+Q}[req.hdr(x-none)]]").format(t));
        assertEquals("[\"v\"]", format("[%{+Q}[req.hdr(x)]]").format(TestTxn.get("/").header("X", "v")));
        assertEquals("a\\\"b\\]c\\\\", format("%{+E}[req.hdr(x)]").format(TestTxn.get("/").header("X", "a\"b]c\\")));
        assertEquals("", format("%[req.hdr(x-none)]").format(t));
    }

    @Test
    void logVariablesGoThroughTheTransaction() {
        TestTxn t = TestTxn.get("/index").src("198.51.100.7", 4242);
        assertEquals("198.51.100.7:4242 GET /index", format("%ci:%cp %HM %HU").format(t));
        assertEquals("client=198.51.100.7 host=", format("client=%ci host=%[req.hdr(host)]").format(t));
    }

    @Test
    void typedSamplesPrintAsHaproxyDoes() {
        TestTxn t = TestTxn.get("/").servers("bk", 2).src("::1", 1);
        assertEquals("2 1 ::1", format("%[nbsrv(bk)] %[always_true] %[src]").format(t));
    }

    @Test
    void responseDirection() {
        TestTxn t = TestTxn.get("/").header("X", "req").response(200, "X", "res");
        LogFormat f = LogFormatParser.parse("%[hdr(x)]");
        assertEquals("req", Rules.compiler().compile(f).format(t));
        assertEquals("res", Rules.compiler().compile(f, Direction.RESPONSE).format(t));
    }
}
