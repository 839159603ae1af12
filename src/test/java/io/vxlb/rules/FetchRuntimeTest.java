package io.vxlb.rules;

import static io.vxlb.rules.Rules.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** Each sample fetch in sample context (HAProxy 2.6 src/http_fetch.c, src/sample.c). */
class FetchRuntimeTest {

    private static Object eval(String expr, TestTxn t) {
        return sample(expr).eval(t);
    }

    private static String str(String expr, TestTxn t) {
        return sample(expr).evalString(t);
    }

    @Test
    void hdrReturnsTheLastValueOfTheLastOccurrence() {
        TestTxn t = TestTxn.get("/").header("X-A", "one, two").header("Other", "z").header("x-a", "three ,  four ");
        assertEquals("four", str("req.hdr(x-a)", t));
        assertEquals("four", str("hdr(X-A)", t));
        assertEquals("four", str("req.hdr(x-a,-1)", t));
        assertEquals("three", str("req.hdr(x-a,-2)", t));
        assertEquals("one", str("req.hdr(x-a,1)", t));
        assertEquals("two", str("req.hdr(x-a,2)", t));
        assertEquals("three", str("req.hdr(x-a,3)", t));
        assertNull(str("req.hdr(x-a,5)", t));
        assertNull(str("req.hdr(x-a,-5)", t));
        assertNull(str("req.hdr(missing)", t));
    }

    @Test
    void hdrSplitsOnCommasOutsideQuotesAndKeepsEmptyValues() {
        TestTxn t = TestTxn.get("/").header("X", "\"a,b\", c,,d,");
        assertEquals("\"a,b\"", str("req.hdr(x,1)", t));
        assertEquals("c", str("req.hdr(x,2)", t));
        assertEquals("", str("req.hdr(x,3)", t));
        assertEquals("d", str("req.hdr(x,4)", t));
        assertEquals("", str("req.hdr(x,5)", t));
        assertEquals(5L, eval("req.hdr_cnt(x)", t));
    }

    @Test
    void fhdrReturnsWholeLines() {
        TestTxn t = TestTxn.get("/").header("Date", "Tue, 15 Nov 1994 08:12:31 GMT").header("date", "second, line");
        assertEquals("second, line", str("req.fhdr(date)", t));
        assertEquals("Tue, 15 Nov 1994 08:12:31 GMT", str("req.fhdr(date,1)", t));
        assertEquals(2L, eval("req.fhdr_cnt(date)", t));
        assertEquals(4L, eval("req.hdr_cnt(date)", t));
    }

    @Test
    void hdrWithoutNameHasNoSampleButEmptyNameMeansAnyHeader() {
        TestTxn t = TestTxn.get("/").header("A", "1").header("B", "2");
        assertNull(str("req.hdr", t)); // 2.6: args[0] is not a string -> no sample
        assertEquals("2", str("req.hdr()", t));
        assertEquals(2L, eval("hdr_cnt", t)); // hdr_cnt without a name counts every header value
    }

    @Test
    void hdrCntAndHdrVal() {
        TestTxn t = TestTxn.get("/").header("Content-Length", "42").header("X", "a").header("x", "b, c");
        assertEquals(3L, eval("hdr_cnt(x)", t));
        assertEquals(0L, eval("hdr_cnt(y)", t));
        assertEquals(42L, eval("req.hdr_val(content-length)", t));
    }

    @Test
    void hdrFollowsTheRuleDirection() {
        TestTxn t = TestTxn.get("/").header("X", "request").response(200, "X", "response");
        RuleCompiler c = Rules.compiler();
        SampleExpr e = SampleExprParser.parse("hdr(x)");
        assertEquals("request", c.compile(e).evalString(t));
        assertEquals("response", c.compile(e, Direction.RESPONSE).evalString(t));
    }

    @Test
    void responseFetches() {
        TestTxn before = TestTxn.get("/");
        assertNull(eval("status", before));
        assertNull(str("res.hdr(server)", before));
        TestTxn t = TestTxn.get("/").response(503, "Server", "nginx", "Set-Cookie", "SID=abc; Path=/",
                "Set-Cookie", "lang=fr");
        assertEquals(503L, eval("status", t));
        assertEquals("nginx", str("res.hdr(server)", t));
        assertEquals("nginx", str("shdr(server)", t));
        assertEquals(2L, eval("res.hdr_cnt(set-cookie)", t));
        assertEquals("abc", str("res.cook(SID)", t));
        assertEquals("fr", str("res.cook(lang)", t));
        assertNull(str("res.cook(Path)", t)); // only the first pair of a Set-Cookie is a cookie
    }

    @Test
    void pathUrlBaseQuery() {
        TestTxn t = TestTxn.get("/a/b.html?x=1&y=2").host("www.example.com");
        assertEquals("/a/b.html", str("path", t));
        assertEquals("/a/b.html?x=1&y=2", str("pathq", t));
        assertEquals("/a/b.html?x=1&y=2", str("url", t));
        assertEquals("www.example.com/a/b.html", str("base", t));
        assertEquals("www.example.com/a/b.html?x=1&y=2", str("baseq", t));
        assertEquals("x=1&y=2", str("query", t));
        assertNull(str("query", TestTxn.get("/noquery")));
        assertEquals("", str("query", TestTxn.get("/empty?")));
    }

    @Test
    void pathOfAbsoluteAndSpecialTargets() {
        assertEquals("/p", str("path", TestTxn.get("http://h.example:81/p?q")));
        assertNull(str("path", TestTxn.get("http://h.example")));
        assertNull(str("path", TestTxn.get("*")));
        assertNull(str("path", TestTxn.get("h.example:443"))); // CONNECT authority form
        // base without Host is the path; with a Host and no path, the host alone
        assertEquals("/x", str("base", TestTxn.get("/x?y")));
        assertEquals("h", str("base", TestTxn.get("*").host("h")));
    }

    @Test
    void urlParam() {
        TestTxn t = TestTxn.get("/p?a=1&wtd=wt1;b=2&a=3&flag&c=");
        assertEquals("1", str("url_param(a)", t));
        assertEquals("wt1", str("urlp(wtd)", t));
        assertEquals("2", str("url_param(b)", t));
        assertEquals("", str("url_param(c)", t));
        assertNull(str("url_param(flag)", t));
        assertNull(str("url_param(A)", t)); // case-sensitive
        assertEquals("1", str("url_param", t)); // no name: the first parameter with a value
        assertEquals(3L, eval("urlp_val(a,&)", TestTxn.get("/p?x=9&a=3"))); // delimiter argument
        assertEquals("v", str("url_param(k,#)", TestTxn.get("/p#k=v")));
        assertNull(str("url_param(k,#)", TestTxn.get("/p?k=v")));
    }

    @Test
    void methodVersionAndAddresses() {
        TestTxn t = TestTxn.get("/").method("PURGE").version("1.0").src("10.1.2.3", 5555).dst("127.0.0.1", 8443);
        assertEquals("PURGE", str("method", t));
        assertEquals("1.0", str("req.ver", t));
        assertEquals("10.1.2.3", str("src", t));
        assertEquals(5555L, eval("src_port", t));
        assertEquals("127.0.0.1", str("dst", t));
        assertEquals(8443L, eval("dst_port", t));
        assertTrue(eval("src", t) instanceof InetAddress);
        assertEquals("2001:db8::1", str("src", TestTxn.get("/").src("2001:db8::1", 1)));
    }

    @Test
    void cookies() {
        TestTxn t = TestTxn.get("/").header("Cookie", "SERVERID=s1; lang=en").header("Cookie", "SERVERID=s2; $Path=/");
        assertEquals("s2", str("req.cook(SERVERID)", t)); // the last one when named
        assertEquals("s1", str("cook", t)); // the first cookie of any name without a name
        assertEquals("en", str("cook(lang)", t));
        assertNull(str("cook(Path)", t)); // attributes beginning with '$' are not cookies
        assertEquals(2L, eval("req.cook_cnt(SERVERID)", t));
        assertEquals(7L, eval("req.cook_val(n)", TestTxn.get("/").header("Cookie", "n=7")));
        assertEquals("a b", str("req.cook(q)", TestTxn.get("/").header("Cookie", "q= a b ;r=1")));
    }

    @Test
    void serverStateFetches() {
        TestTxn t = TestTxn.get("/").servers("bck1", 2).serverUp("bck1", "s1", true).backend("bck1");
        assertEquals(2L, eval("nbsrv(bck1)", t));
        assertEquals(0L, eval("nbsrv(unknown)", t));
        assertEquals(2L, eval("nbsrv", t)); // the rule's own backend
        assertEquals(Boolean.TRUE, eval("srv_is_up(bck1/s1)", t));
        assertEquals(Boolean.TRUE, eval("srv_is_up(s1)", t));
        assertEquals(Boolean.FALSE, eval("srv_is_up(bck1/s2)", t));
        // in a listen section before routing, the own proxy is the frontend of the same name
        assertEquals(3L, eval("nbsrv", TestTxn.get("/").frontend("wt").servers("wt", 3)));
    }

    @Test
    void namesTlsConstantsAndVariables() {
        TestTxn t = TestTxn.get("/").frontend("ft").backend("bk").ssl("www.example.com").var("txn.x", 12);
        assertEquals("ft", str("fe_name", t));
        assertEquals("bk", str("be_name", t));
        assertNull(str("be_name", TestTxn.get("/")));
        assertEquals(Boolean.TRUE, eval("ssl_fc", t));
        assertEquals("www.example.com", str("ssl_fc_sni", t));
        assertEquals(Boolean.FALSE, eval("ssl_fc", TestTxn.get("/")));
        assertNull(str("ssl_fc_sni", TestTxn.get("/")));
        assertEquals(Boolean.TRUE, eval("always_true", t));
        assertEquals(Boolean.FALSE, eval("always_false", t));
        assertEquals("1", str("always_true", t));
        assertEquals(-5L, eval("int(-5)", t));
        assertEquals("hello", str("str(hello)", t));
        assertEquals(Boolean.TRUE, eval("bool(true)", t));
        assertEquals(Boolean.FALSE, eval("bool(0)", t));
        assertEquals(12L, eval("var(txn.x)", t));
        assertEquals("12", str("var(txn.x)", t));
        assertNull(eval("var(txn.none)", t));
        assertEquals("dflt", str("var(txn.none,dflt)", t));
    }

    @Test
    void randAndDate() {
        TestTxn t = TestTxn.get("/");
        for (int i = 0; i < 100; i++) {
            long r = (Long) eval("rand(10)", t);
            assertTrue(r >= 0 && r < 10, "rand(10) = " + r);
        }
        long now = System.currentTimeMillis() / 1000;
        long d = (Long) eval("date", t);
        assertTrue(Math.abs(d - now) <= 2);
        long later = (Long) eval("date(3600)", t);
        assertTrue(Math.abs(later - now - 3600) <= 2);
        long ms = (Long) eval("date(0,ms)", t);
        assertTrue(Math.abs(ms / 1000 - now) <= 2);
    }

    @Test
    void fetchesWithoutEvaluatorAreCompileErrors() {
        RuleException e = assertThrows(RuleException.class, () -> sample("dst_is_local"));
        assertTrue(e.getMessage().contains("'dst_is_local'") && e.getMessage().contains("not implemented yet"), e.getMessage());
        e = assertThrows(RuleException.class, () -> sample("path,ltime(%Y)"));
        assertTrue(e.getMessage().contains("'ltime'") && e.getMessage().contains("not implemented yet"), e.getMessage());
    }

    @Test
    void processFetches() {
        TestTxn t = TestTxn.get("/");
        assertEquals(1L, eval("nbproc", t));
        assertEquals(1L, eval("proc", t));
        assertEquals(Boolean.FALSE, eval("stopping", t));
        assertEquals(System.getenv("PATH"), eval("env(PATH)", t));
        assertNull(eval("env(VXLB_SURELY_UNSET_VARIABLE)", t));
        String host = (String) eval("hostname", t);
        assertTrue(host != null && !host.isEmpty() && !host.contains("\n"), host);
        long us = (Long) eval("date_us", t);
        assertTrue(us >= 0 && us < 1_000_000, "date_us = " + us);
    }
}
