package io.vxlb.rules;

import static io.vxlb.rules.Rules.acl;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each ACL match method, -i, integer operators and -f files (HAProxy 2.6 section 7.1). */
class MatchRuntimeTest {

    private static boolean test(String criterion, TestTxn t) {
        return acl(criterion).test(t);
    }

    @Test
    void str() {
        TestTxn t = TestTxn.get("/Index.html");
        assertTrue(test("path /Index.html", t));
        assertFalse(test("path /index.html", t));
        assertTrue(test("path -i /index.html", t));
        assertTrue(test("path /a /b /Index.html", t)); // several values are ORed
        assertTrue(test("path -m str /Index.html", t));
    }

    @Test
    void begEndSub() {
        TestTxn t = TestTxn.get("/static/IMG/logo.PNG?v=2");
        assertTrue(test("path_beg /static/", t));
        assertFalse(test("path_beg /Static/", t));
        assertTrue(test("path_beg -i /STATIC/", t));
        assertTrue(test("path_end .PNG", t));
        assertFalse(test("path_end .png", t));
        assertTrue(test("path_end -i .jpg .png", t));
        assertTrue(test("path_sub IMG", t));
        assertTrue(test("url_sub v=2", t));
        assertFalse(test("path_sub img", t));
        assertTrue(test("path_sub -i img", t));
        assertTrue(test("path -m beg /static", t));
        assertTrue(test("url -m end v=2", t));
    }

    @Test
    void domAndDir() {
        TestTxn t = TestTxn.get("/").host("App.Example.com:8080");
        assertTrue(test("hdr_dom(host) Example.com", t));
        assertTrue(test("hdr_dom(host) -i example.com", t));
        assertFalse(test("hdr_dom(host) example.com", t));
        assertTrue(test("hdr_dom(host) -i .example.com.", t)); // delimiters at the ends are ignored
        assertTrue(test("hdr_dom(host) 8080", t));
        assertFalse(test("hdr_dom(host) -i ample.com", t)); // not at a word boundary
        assertTrue(test("hdr_dom(host) -i app", t));
        TestTxn p = TestTxn.get("/images/2024/cat.jpg?size=big");
        assertTrue(test("path_dir images", p));
        assertTrue(test("path_dir 2024/cat.jpg", p));
        assertFalse(test("path_dir cat", p));
        assertTrue(test("url_dir size=big", p)); // '?' delimits too
    }

    @Test
    void reg() {
        TestTxn t = TestTxn.get("/user/42/profile");
        assertTrue(test("path_reg ^/user/[0-9]+/", t));
        assertFalse(test("path_reg ^/USER/", t));
        assertTrue(test("path_reg -i ^/USER/", t));
        assertTrue(test("path_reg [[:digit:]]{2}", t)); // PCRE POSIX classes
        assertTrue(test("path -m reg profile$", t));
    }

    @Test
    void lenAndIntOperators() {
        TestTxn t = TestTxn.get("/abcd").header("X", "12345").servers("bk", 3);
        assertTrue(test("path_len 5", t));
        assertTrue(test("path_len gt 4", t));
        assertFalse(test("path_len lt 5", t));
        assertTrue(test("hdr_len(x) 5", t));
        assertTrue(test("hdr(x) -m len ge 5", t));
        assertTrue(test("nbsrv(bk) 3", t));
        assertTrue(test("nbsrv(bk) eq 3", t));
        assertTrue(test("nbsrv(bk) gt 2", t));
        assertFalse(test("nbsrv(bk) gt 3", t));
        assertTrue(test("nbsrv(bk) ge 3", t));
        assertTrue(test("nbsrv(bk) le 3", t));
        assertFalse(test("nbsrv(bk) lt 3", t));
        assertTrue(test("nbsrv(bk) 1:3", t));
        assertTrue(test("nbsrv(bk) 3:", t));
        assertFalse(test("nbsrv(bk) 4-10", t));
        assertFalse(test("nbsrv(bk) lt 1 2 3", t)); // the operator applies to every following value
        assertTrue(test("nbsrv(bk) lt 1 2 4", t));
        assertTrue(test("dst_port 8080", t));
        assertTrue(test("hdr_cnt(x) eq 1", t));
        assertTrue(test("req.hdr(x) -m int gt 12000", t)); // strings cast to integers
    }

    @Test
    void ip() {
        TestTxn t = TestTxn.get("/").src("10.1.2.3", 1000);
        assertTrue(test("src 10.0.0.0/8", t));
        assertTrue(test("src 10.1.2.3", t));
        assertFalse(test("src 10.1.2.4", t));
        assertTrue(test("src 192.168.0.0/16 10.1.0.0/255.255.0.0", t));
        assertTrue(test("src 10.0.2.3/255.0.255.255", t)); // non-contiguous mask
        assertTrue(test("src 10.1.2", TestTxn.get("/").src("10.1.0.2", 1))); // abbreviated: 10.1.0.2
        // with -n, 2.6 uses inet_pton only: the abbreviated form is an error
        assertThrows(RuleException.class, () -> test("src -n 10.1.2", TestTxn.get("/")));
        assertTrue(test("src ::ffff:10.0.0.0/104", t)); // IPv4 sample in the IPv6 tree
        TestTxn v6 = TestTxn.get("/").src("2001:db8::5", 1000);
        assertTrue(test("src 2001:db8::/32", v6));
        assertFalse(test("src 10.0.0.0/8", v6));
        TestTxn mapped = TestTxn.get("/").src("::ffff:10.9.8.7", 1000);
        assertTrue(test("src 10.0.0.0/8", mapped)); // IPv4 pattern, IPv4-mapped sample
        assertTrue(test("hdr(x-forwarded-for) -m ip 203.0.113.0/24", TestTxn.get("/").header("X-Forwarded-For", "203.0.113.9")));
    }

    @Test
    void boolFoundAndMethod() {
        TestTxn t = TestTxn.get("/").header("X-Empty", "").ssl(null);
        assertTrue(test("ssl_fc", t));
        assertFalse(test("ssl_fc", TestTxn.get("/")));
        assertTrue(test("always_true", t));
        assertFalse(test("always_false", t));
        assertTrue(test("hdr(x-empty) -m found", t));
        assertFalse(test("hdr(x-none) -m found", t));
        assertTrue(test("nbsrv(none) -m found", t)); // an integer sample exists even when 0
        assertFalse(test("nbsrv(none) -m bool", t));
        assertTrue(test("method GET HEAD", t));
        assertFalse(test("method POST", t));
        assertFalse(test("method -i get", t)); // 2.6: a lower-case pattern is not the known method GET
        assertTrue(test("method -i purge", TestTxn.get("/").method("PURGE")));
        assertFalse(test("method purge", TestTxn.get("/").method("PURGE")));
        assertTrue(test("method -m str GET", t));
        assertTrue(test("req.ver 1.1", t));
        assertTrue(test("path -m bin 2f", TestTxn.get("/")));
    }

    @Test
    void hdrTestsEveryCommaValueOfEveryOccurrence() {
        TestTxn t = TestTxn.get("/").header("Connection", "keep-alive, Upgrade").header("Accept", "a")
                .header("Connection", "close");
        assertTrue(test("hdr(Connection) -i upgrade", t));
        assertTrue(test("hdr(connection) close", t));
        assertTrue(test("hdr(connection) keep-alive", t));
        assertFalse(test("hdr(connection) keep-alive,", t));
        assertTrue(test("hdr_beg(connection) Upg", t));
        assertTrue(test("hdr_sub(connection) -i grad", t));
        // with an occurrence only that value is tested
        assertFalse(test("hdr(connection,1) close", t));
        assertTrue(test("hdr(connection,-1) close", t));
        assertTrue(test("hdr(connection,2) Upgrade", t));
        // req.fhdr does not split on commas
        assertFalse(test("req.fhdr(connection) -i upgrade", t));
        assertTrue(acl("req.fhdr(connection) -m sub Upgrade").test(t));
        assertTrue(test("req.fhdr(connection) close", t));
        // url_param and cookies iterate too
        assertTrue(test("url_param(a) 2", TestTxn.get("/?a=1&a=2")));
        assertTrue(test("req.cook(sid) s2", TestTxn.get("/").header("Cookie", "sid=s1").header("Cookie", "sid=s2")));
        assertTrue(test("req.cook(sid) s1", TestTxn.get("/").header("Cookie", "sid=s1").header("Cookie", "sid=s2")));
    }

    @Test
    void convertersInsideAcls() {
        TestTxn t = TestTxn.get("/").host("WWW.Example.COM");
        assertTrue(test("req.hdr(host),lower www.example.com", t));
        assertTrue(test("req.hdr(host),lower -m end .com", t));
        assertTrue(test("req.hdr(host),map_dom(hosts.map) -m found", TestTxn.get("/").host("app1.example.com")));
        assertFalse(test("req.hdr(host),map_dom(hosts.map) -m found", TestTxn.get("/").host("nowhere.test")));
    }

    @Test
    void missingSampleNeverMatches() {
        TestTxn t = TestTxn.get("/");
        assertFalse(test("hdr(host) -m len 0", t));
        assertFalse(test("hdr(host) -m reg .*", t));
        assertFalse(test("hdr_cnt(host) gt 0", t));
        assertTrue(test("hdr_cnt(host) 0", t)); // a count exists even without the header
        assertFalse(test("query -m found", t));
        assertFalse(test("status ge 0", t)); // no response yet
        assertTrue(Rules.cond("if !{ hdr(host) -m reg .* }", Map.of()).test(t)); // so its negation holds
        assertTrue(Rules.cond("unless { hdr(host) -m reg .* }", Map.of()).test(t));
    }

    @Test
    void noPatternNeverMatches() {
        assertFalse(test("path --", TestTxn.get("/")));
    }

    @Test
    void patternFiles() {
        assertTrue(test("path_end -f static-ext.lst", TestTxn.get("/a.png")));
        assertTrue(test("path_end -f static-ext.lst", TestTxn.get("/a.jpg")));
        assertFalse(test("path_end -f static-ext.lst", TestTxn.get("/a.gif"))); // '#' line is a comment
        assertFalse(test("path_end -f static-ext.lst", TestTxn.get("/a.css")));
        assertTrue(test("path_end -i -f static-ext.lst", TestTxn.get("/a.css")));
        // -i applies to the files after it; inline patterns take the final state
        assertTrue(test("path_end -f static-ext.lst -i .TXT", TestTxn.get("/a.txt")));
        assertFalse(test("path_end -f static-ext.lst -i .TXT", TestTxn.get("/a.CSS".toLowerCase())));
        assertTrue(test("path_end -f static-ext.lst .gif", TestTxn.get("/a.gif"))); // merged with inline ones
        assertTrue(test("src -f trusted-nets.lst", TestTxn.get("/").src("10.20.30.40", 1)));
        assertTrue(test("src -f trusted-nets.lst", TestTxn.get("/").src("192.168.1.7", 1)));
        assertTrue(test("src -f trusted-nets.lst", TestTxn.get("/").src("2001:db8:1::1", 1)));
        assertFalse(test("src -f trusted-nets.lst", TestTxn.get("/").src("192.168.1.8", 1)));
        assertTrue(test("path_beg -M -f api-prefix.map", TestTxn.get("/api/x"))); // -M: the keys of a map
        RuleException e = assertThrows(RuleException.class, () -> test("path -f nosuch.lst", TestTxn.get("/")));
        assertTrue(e.getMessage().contains("nosuch.lst"), e.getMessage());
    }
}
