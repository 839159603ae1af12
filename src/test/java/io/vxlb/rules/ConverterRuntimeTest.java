package io.vxlb.rules;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vxlb.maps.MapFile;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each converter (HAProxy 2.6 section 7.3.1, src/sample.c and src/map.c). */
class ConverterRuntimeTest {
    private static final Map<String, String> MAPS = Map.of(
            "paths.map", "/api backend_api\n/api/v1 backend_v1\n/a backend_a\n",
            "ends.map", ".com com\n.example.com example\n",
            "subs.map", "b second\nabc first\n",
            "regs.map", "^/u/([0-9]+)$ user-\\1\n^/u/ any-user\n",
            "ints.map", "80 http\n443 https\n1000:2000 range\n:10 small\n",
            "ips.map", "10.0.0.0/8 ten\n10.1.0.0/16 ten-one\n2001:db8::/32 doc\n",
            "numbers.map", "a 1\nb -2\nc\n",
            "addresses.map", "a 192.0.2.1\nb 2001:db8::1\n",
            "bad-numbers.map", "a 1\nb two\n");

    private static RuleCompiler compiler() {
        return new RuleCompiler(path -> {
            String text = MAPS.get(path);
            if (text == null) {
                throw new java.io.UncheckedIOException(new java.io.IOException("no such file"));
            }
            return MapFile.parse(path, text);
        }, path -> List.of());
    }

    private static Object eval(String expr, TestTxn t) {
        return compiler().compile(SampleExprParser.parse(expr)).eval(t);
    }

    private static String str(String expr, TestTxn t) {
        return compiler().compile(SampleExprParser.parse(expr)).evalString(t);
    }

    private static String conv(String input, String converters) {
        return str("str(" + input + ")," + converters, TestTxn.get("/"));
    }

    @Test
    void lowerUpperLength() {
        assertEquals("abc-é", conv("AbC-é", "lower"));
        assertEquals("ABC", conv("aBc", "upper"));
        assertEquals(5L, eval("str(hello),length", TestTxn.get("/")));
        String already = "lower";
        assertTrue(io.vxlb.maps.AsciiCase.toLower(already) == already); // no copy when unchanged
    }

    @Test
    void maps() {
        TestTxn t = TestTxn.get("/api/v1/users");
        assertEquals("backend_v1", str("path,map_beg(paths.map)", t)); // longest prefix
        assertEquals("com", str("str(www.example.com),map_end(ends.map)", t)); // first in file order
        assertEquals("second", str("str(xabcx),map_sub(subs.map)", t)); // first in file order
        assertEquals("user-42", str("str(/u/42),map_regm(regs.map)", t)); // back-reference
        assertEquals("user-\\1", str("str(/u/42),map_reg(regs.map)", t));
        assertEquals("any-user", str("str(/u/x),map_reg(regs.map)", t));
        assertNull(str("str(/v),map_reg(regs.map)", t)); // no default: no sample
        assertEquals("none", str("str(/v),map_reg(regs.map,none)", t));
        assertEquals("https", str("dst_port,map_int(ints.map)", TestTxn.get("/").dst("127.0.0.1", 443)));
        assertEquals("range", str("int(1500),map_int(ints.map)", t));
        assertEquals("small", str("int(-3),map_int(ints.map)", t));
        assertEquals("http", str("str(80),map_int(ints.map)", t)); // strings cast to integers
        assertEquals("ten-one", str("src,map_ip(ips.map)", TestTxn.get("/").src("10.1.2.3", 1)));
        assertEquals("ten", str("src,map_ip(ips.map)", TestTxn.get("/").src("10.2.2.3", 1)));
        assertEquals("doc", str("src,map_ip(ips.map)", TestTxn.get("/").src("2001:db8::77", 1)));
        assertEquals("out", str("src,map_ip(ips.map,out)", TestTxn.get("/").src("192.0.2.1", 1)));
        assertEquals("backend_a", str("str(/a),map(paths.map)", t));
        assertNull(str("str(/ab),map_str(paths.map)", t));
    }

    @Test
    void mapOutputTypes() {
        TestTxn t = TestTxn.get("/");
        assertEquals(-2L, eval("str(b),map_str_int(numbers.map)", t));
        assertEquals(0L, eval("str(c),map_str_int(numbers.map)", t)); // an empty value reads as 0
        assertEquals(7L, eval("str(z),map_str_int(numbers.map,7)", t));
        Object ip = eval("str(a),map_str_ip(addresses.map)", t);
        assertTrue(ip instanceof InetAddress);
        assertEquals("192.0.2.1", str("str(a),map_str_ip(addresses.map)", t));
        assertEquals("2001:db8::1", str("str(b),map_str_ip(addresses.map)", t));
        assertEquals("198.51.100.1", str("str(z),map_str_ip(addresses.map,198.51.100.1)", t));
        RuleException e = assertThrows(RuleException.class, () -> eval("str(a),map_str_int(bad-numbers.map)", t));
        assertTrue(e.getMessage().contains("bad-numbers.map") && e.getMessage().contains("line 2"), e.getMessage());
        e = assertThrows(RuleException.class, () -> eval("str(a),map_str_ip(addresses.map,nope)", t));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }

    @Test
    void missingMapFileIsACompileErrorNamingTheFile() {
        RuleException e = assertThrows(RuleException.class, () -> eval("path,map_dom(no-such.map)", TestTxn.get("/")));
        assertTrue(e.getMessage().contains("no-such.map"), e.getMessage());
    }

    @Test
    void fieldAndWord() {
        assertEquals("b", conv("a/b/c", "field(2,/)"));
        assertEquals("c", conv("a/b/c", "field(-1,/)"));
        assertEquals("b/c", conv("a/b/c", "field(2,/,2)"));
        assertEquals("", conv("a//c", "field(2,/)"));
        assertNull(conv("a/b", "field(3,/)"));
        assertEquals("b", conv("a.b:c", "field(2,.:)"));
        assertEquals("c", conv("//a//b/c", "word(3,/)"));
        assertEquals("a", conv("//a//b/c", "word(1,/)"));
        assertEquals("b", conv("//a//b/c", "word(-2,/)"));
        assertEquals("a//b", conv("//a//b/c", "word(1,/,2)"));
        assertEquals("", conv("a", "word(2,/)")); // a missing word is empty, not missing
    }

    @Test
    void regsub() {
        assertEquals("a-b_c", conv("a_b_c", "regsub(_,-)"));
        assertEquals("a-b-c", conv("a_b_c", "regsub(_,-,g)"));
        assertEquals("X-b", conv("a-b", "regsub(A,X,i)"));
        assertEquals("b=a", conv("a=b", "regsub(\"([a-z])=([a-z])\",\\2=\\1)"));
        assertEquals("-a-b-", conv("ab", "regsub(x*,-,g)")); // empty matches, as 2.6
        assertEquals("/new/path", conv("/old/path", "regsub(^/old/,/new/)"));
    }

    @Test
    void concat() {
        TestTxn t = TestTxn.get("/").var("txn.v", "mid");
        assertEquals("a[mid]", str("str(a),concat([,txn.v,])", t));
        assertEquals("a[]", str("str(a),concat([,txn.none,])", t));
        assertEquals("ab", str("str(a),concat(b)", t));
    }

    @Test
    void encodings() {
        assertEquals("aGVsbG8=", conv("hello", "base64"));
        assertEquals("68656C6C6F", conv("hello", "hex"));
        assertEquals("ll", conv("hello", "bytes(2,2)"));
        assertEquals("llo", conv("hello", "bytes(2)"));
        assertArrayEquals(new byte[0], (byte[]) eval("str(hi),bytes(5)", TestTxn.get("/")));
        assertEquals("a\\\"b\\\\c\\/d\\u0001", str("var(txn.j),json", TestTxn.get("/").var("txn.j", "a\"b\\c/d\u0001")));
        assertEquals("\\u00c3\\u00a9", str("var(txn.j),json", TestTxn.get("/").var("txn.j", "\u00c3\u00a9")));
        assertEquals("\\u00e9", str("var(txn.j),json(utf8)", TestTxn.get("/").var("txn.j", "\u00c3\u00a9")));
        assertNull(str("var(txn.j),json(utf8)", TestTxn.get("/").var("txn.j", "\u00ff")));
        assertEquals("", str("var(txn.j),json(utf8s)", TestTxn.get("/").var("txn.j", "\u00ff")));
    }

    @Test
    void castsBetweenTypes() {
        TestTxn t = TestTxn.get("/").src("10.0.0.1", 1);
        assertEquals("1", str("always_true", t));
        assertEquals("0A000001", str("src,hex", t)); // address to its 4 bytes
        assertEquals("4", str("dst_port,length", TestTxn.get("/").dst("127.0.0.1", 8080))); // int -> string
    }

    @Test
    void otherConvertersAreCompileErrors() {
        RuleException e = assertThrows(RuleException.class, () -> eval("path,ltime(%Y)", TestTxn.get("/")));
        assertTrue(e.getMessage().contains("ltime") && e.getMessage().contains("not implemented yet"));
    }

    @Test
    void xxh3MatchesHaproxysRegTestVectors() {
        // sample_fetches/hashes.vtc of HAProxy 2.6: the bytes 0x00..0xff, without and with seed 1
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < 256; i++) hex.append(String.format("%02x", i));
        TestTxn t = TestTxn.get("/");
        assertEquals(-7779787747613135503L, eval("bin(" + hex + "),xxh3", t));
        assertEquals(5930632130106562027L, eval("bin(" + hex + "),xxh3(1)", t));
        assertEquals(0x2D06800538D394C2L, eval("str(),xxh3", t));  // xxHash's own vector for empty input
    }

    @Test
    void ipmaskTakesAnIpv6MaskInAddressForm() {
        TestTxn t = TestTxn.get("/");
        assertEquals(eval("ipv6(2001:db8:1:2:3:4:5:600)", t), eval("ipv6(2001:db8:1:2:3:4:5:6ff),ipmask(24,ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00)", t));
        assertEquals(eval("ipv6(2001:db8::)", t), eval("ipv6(2001:db8:1:2::1),ipmask(24,ffff:ffff::)", t));
        assertEquals("192.168.1.0", str("ipv6(::ffff:192.168.1.101),ipmask(24)", t));  // IPv4-mapped: masked as IPv4
        assertEquals("192.168.1.101", str("ipv6(::FFFF:192.168.1.101),ipmask(32,64)", t));
        assertEquals("2001:db8:1:2:3:4:5:600", str("ipv6(2001:db8:1:2:3:4:5:6ff),ipmask(24,ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00)", t));
        assertThrows(RuleException.class, () -> eval("ipv6(::1),ipmask(24,ffff:zz::)", t));
        assertThrows(RuleException.class, () -> eval("ipv6(::1),ipmask(24,1:2:3)", t));
    }
}
