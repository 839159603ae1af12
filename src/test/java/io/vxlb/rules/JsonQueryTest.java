package io.vxlb.rules;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** json_query as HAProxy 2.6 answers it (the values of reg-tests/converter/json_query.vtc, plus paths and types). */
class JsonQueryTest {
    private static Object q(String json, String args) {
        TestTxn t = TestTxn.get("/").var("txn.j", json);
        return Rules.compiler().compile(SampleExprParser.parse("var(txn.j),json_query(" + args + ")")).eval(t);
    }

    @Test
    void valuesByType() {
        assertEquals("kubernetes.io/serviceaccount", q("{\"iss\":\"kubernetes.io/serviceaccount\"}", "'$.iss'"));
        assertEquals(4L, q("{\"integer\":4}", "'$.integer',\"int\""));
        assertEquals(-4L, q("{\"negativ-integer\":-4}", "'$.negativ-integer',\"int\""));
        assertEquals(4L, q("{\"d\":4.9}", "'$.d',\"int\""), "strtoll: the integer the text starts with");
        assertEquals("4.5", q("{\"double\":4.5}", "'$.double'"));
        assertEquals("1e+06", q("{\"n\":1000000}", "'$.n'"), "%g");
        assertEquals("123457", q("{\"n\":123456.7}", "'$.n'"));
        assertEquals(Boolean.TRUE, q("{\"boolean-true\":true}", "'$.boolean-true'"));
        assertEquals(Boolean.FALSE, q("{\"b\":false}", "'$.b'"));
        assertNull(q("{\"n\":null}", "'$.n'"));
        assertNull(q("{\"o\":{\"a\":1}}", "'$.o'"), "objects and arrays give no sample");
        assertNull(q("{\"big\":9007199254740993}", "'$.big',\"int\""), "outside +/-(2^53-1)");
    }

    @Test
    void pathsThroughObjectsArraysAndEscapedDots() {
        assertEquals("myvalue", q("{\"my.key\":\"myvalue\"}", "'$.my\\.key'"));
        assertEquals("x", q("{\"a\":{\"skip\":[1,{\"z\":2}],\"b\":[\"w\",\"x\"]}}", "'$.a.b[1]'"));
        assertNull(q("{\"a\":1}", "'$.b'"));
        assertNull(q("[1,2]", "'$[5]'"));
        assertNull(q("not json", "'$.a'"));
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(RuleException.class, () -> q("{}", "'a'"));
        assertThrows(RuleException.class, () -> q("{}", "'$.a',\"float\""));
    }
}
