package io.vxlb.rules;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Digests, HMAC, base64url, be2dec/be2hex, url_enc/url_dec, iif, add_item, strcmp,
 * secure_memcmp and the arithmetic converters; expected values from HAProxy 2.6.12's
 * reg-tests/converter/*.vtc where they have them.
 */
class MoreConvertersTest {
    private static String str(String expr, TestTxn t) {
        return Rules.compiler().compile(SampleExprParser.parse(expr)).evalString(t);
    }

    private static Object eval(String expr, TestTxn t) {
        return Rules.compiler().compile(SampleExprParser.parse(expr)).eval(t);
    }

    private static String conv(String input, String converters) {
        return str("str(" + input + ")," + converters, TestTxn.get("/"));
    }

    @Test
    void digests() {
        assertEquals("356a192b7913b04c54574d18c28d46e6395428ab", conv("1", "sha1,hex,lower"));
        assertEquals("6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b", conv("1", "sha2,hex,lower"));
        assertEquals("e25388fde8290dc286a6164fa2d97e551b53498dcbf7bc378eb1f178", conv("1", "sha2(224),hex,lower"));
        assertEquals("47f05d367b0c32e438fb63e6cf4a5f35c2aa2f90dc7543f8a41a0f95ce8a40a313ab5cf36134a2068c4c969cb50db776",
                conv("1", "sha2(384),hex,lower"));
        assertEquals("da4b9237bacccdf19c0760cab7aec4a8359010b0", conv("2", "digest(sha1),hex,lower"));
        assertEquals("d4735e3a265e16eee03f59718b9b5d03019c07d8b6c51f90da3a666eec13ab35", conv("2", "digest(sha256),hex,lower"));
        assertEquals("c4ca4238a0b923820dcc509a6f75849b", conv("1", "digest(md5),hex,lower"));
        assertThrows(RuleException.class, () -> conv("1", "sha2(100)"));
        assertThrows(RuleException.class, () -> conv("1", "digest(nosuch)"));
    }

    @Test
    void hmacWithAKeyOrAVariable() {
        TestTxn t = TestTxn.get("/").var("txn.hash", "1").var("txn.key", "bXlfc3VwZXJfc2VjcmV0X2xvbmdfa2V5");
        assertEquals("e23feb105f9622241bf23db1638cd2b4208b1f53", str("var(txn.hash),hmac(sha1,a2V5),hex,lower", t));
        assertEquals("87b10ddcf39e26f6bd7c3b0e38e0125997b255be", str("var(txn.hash),hmac(sha1,txn.key),hex,lower", t));
        assertEquals("6da91fb91517be1f5cdcf3af91d7d40c717dd638a306157606fb2e584f7ae926", str("var(txn.hash),hmac(sha256,a2V5),hex,lower", t));
        assertEquals("2fb3de6a462c54d1803f946b52202f3a8cd46548ffb3f789b4ac11a4361ffef2", str("var(txn.hash),hmac(sha256,txn.key),hex,lower", t));
        assertThrows(RuleException.class, () -> conv("1", "hmac(sha1,abc)"), "a key must be base64");
        assertNull(str("var(txn.hash),hmac(sha1,txn.nokey)", t), "an unset key variable fails the sample");
    }

    @Test
    void base64Family() {
        assertEquals("aGk_Pz4-", conv("hi??>>", "ub64enc"));
        assertEquals("hi??>>", conv("aGk_Pz4-", "ub64dec"));
        assertEquals("hi", conv("aGk", "ub64dec"));
        assertNull(conv("a", "ub64dec"));
        assertEquals("hi", conv("aGk=", "b64dec"));
        assertNull(conv("aGk", "b64dec"), "HAProxy's base64dec needs a multiple of 4");
    }

    @Test
    void be2decAndBe2hex() {
        // "\x01\x02\x03\x04\x05\x06\x07"
        TestTxn t = TestTxn.get("/").var("txn.in", new byte[] {1, 2, 3, 4, 5, 6, 7});
        assertEquals("1:2:3:4:5:6:7", str("var(txn.in),be2dec(:,1)", t));
        assertEquals("66051-263430-7", str("var(txn.in),be2dec(-,3)", t));
        assertEquals("66051::263430", str("var(txn.in),be2dec(::,3,1)", t));
        assertEquals("", str("var(txn.in),bytes(0,0),be2dec(:,1)", t));
        assertEquals("01020304050607", str("var(txn.in),be2hex", t));
        assertEquals("0102:0304:0506:07", str("var(txn.in),be2hex(:,2)", t));
        assertEquals("0102:0304:0506", str("var(txn.in),be2hex(:,2,1)", t));
        assertThrows(RuleException.class, () -> str("var(txn.in),be2dec(:,9)", t));
        assertThrows(RuleException.class, () -> str("var(txn.in),be2dec(:,1,2)", t));
    }

    @Test
    void urlEncodeAndDecode() {
        assertEquals("foo%3Dbar%2B42%2042%20", conv("'foo=bar+42 42 '", "url_enc"));
        assertEquals("foo%3Dbar%2B42%2042%20", conv("'foo=bar+42 42 '", "url_enc(query)"));
        assertEquals("/bla+ ?foo=bar+42 42 ", conv("/bla+%20?foo%3Dbar%2B42+42%20", "url_dec"));
        assertEquals("/bla  ?foo=bar+42 42 ", conv("/bla+%20?foo%3Dbar%2B42+42%20", "url_dec(1)"));
        assertNull(conv("%zz", "url_dec"));
        assertThrows(RuleException.class, () -> conv("a", "url_enc(path)"));
    }

    @Test
    void iifAddItemStrcmp() {
        assertEquals("ok", conv("x", "length,bool,iif(ok,ko)"));
        assertEquals("ko", str("req.hdr_cnt(count),iif(ok,ko)", TestTxn.get("/")));
        TestTxn t = TestTxn.get("/").var("txn.var", "var_content").var("txn.empty", "");
        assertEquals("var_content_suff_", str("str(),add_item(',',txn.var,_suff_)", t));
        assertEquals("input_string,var_content", str("str(input_string),add_item(',',txn.var)", t));
        assertEquals("input_string,_suff_", str("str(input_string),add_item(',',,_suff_)", t));
        assertEquals("input_string", str("str(input_string),add_item(',',txn.empty)", t), "nothing to add: no delimiter");
        assertThrows(RuleException.class, () -> str("str(a),add_item(',')", t));
        TestTxn c = TestTxn.get("/").var("txn.b", "b").var("txn.ab", "ab");
        assertEquals(0L, eval("str(b),strcmp(txn.b)", c));
        assertEquals(-1L, eval("str(a),strcmp(txn.b)", c));
        assertEquals(1L, eval("str(abc),strcmp(txn.ab)", c));
        assertEquals(-1L, eval("str(a),strcmp(txn.ab)", c));
        assertNull(eval("str(a),strcmp(txn.unset)", c));
    }

    @Test
    void secureMemcmp() {
        TestTxn t = TestTxn.get("/").var("txn.h", new byte[] {1, 2}).var("txn.s", "ab");
        assertEquals(true, eval("str(ab),secure_memcmp(txn.s)", t));
        assertEquals(false, eval("str(ac),secure_memcmp(txn.s)", t));
        assertEquals(false, eval("str(a),secure_memcmp(txn.s)", t));
        assertNull(eval("str(a),secure_memcmp(txn.unset)", t));
    }

    @Test
    void arithmetic() {
        TestTxn t = TestTxn.get("/").var("txn.n", 5L).var("txn.s", "7").var("txn.word", "x");
        assertEquals(8L, eval("int(3),add(5)", t));
        assertEquals(10L, eval("int(3),add(txn.s)", t));
        assertEquals(3L, eval("int(3),add(txn.word)", t), "c_str2int: a non-number reads as 0");
        assertNull(eval("int(3),add(txn.unset)", t));
        assertEquals(Long.MAX_VALUE, eval("int(999999999999999999),mul(100),add(1)", t), "capped, never wrapped");
        assertEquals(Long.MIN_VALUE, eval("int(-999999999999999999),mul(100),sub(2)", t));
        assertEquals(Long.MAX_VALUE, MoreConverters.Arith.add(Long.MAX_VALUE, 1));
        assertEquals(Long.MIN_VALUE, MoreConverters.Arith.add(Long.MIN_VALUE, -1));
        assertEquals(-2L, eval("int(3),sub(txn.n)", t));
        assertEquals(15L, eval("int(3),mul(txn.n)", t));
        assertEquals(Long.MAX_VALUE, eval("int(3),div(0)", t));
        assertEquals(2L, eval("int(17),mod(txn.n)", t));
        assertEquals(1L, eval("int(3),and(5)", t));
        assertEquals(7L, eval("int(3),or(5)", t));
        assertEquals(6L, eval("int(3),xor(5)", t));
        assertEquals(-3L, eval("int(3),neg", t));
        assertEquals(-4L, eval("int(3),cpl", t));
        assertEquals(true, eval("int(3),odd", t));
        assertEquals(false, eval("int(3),even", t));
        assertEquals(true, eval("int(0),not", t));
        assertEquals(false, eval("int(0),bool", t));
        assertTrue(assertThrows(RuleException.class, () -> eval("int(1),add(x)", t)).getMessage().contains("integer or a variable"));
    }
}
