package io.vxlb.rules;

import static io.vxlb.rules.Rules.acls;
import static io.vxlb.rules.Rules.cond;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** if/unless, AND, OR, '!', named and anonymous ACLs, predefined ACLs (HAProxy 2.6 section 7.2). */
class ConditionRuntimeTest {
    private final Map<String, List<AclDef>> acls = acls(
            "is_static path_beg /static",
            "is_static path_end .css",
            "is_img path_end .png",
            "host_a hdr(host) a.example",
            "post method POST");

    private boolean test(String condition, TestTxn t) {
        return cond(condition, acls).test(t);
    }

    @Test
    void linesOfOneNameAreOred() {
        assertTrue(test("if is_static", TestTxn.get("/static/x.js")));
        assertTrue(test("if is_static", TestTxn.get("/a.css")));
        assertFalse(test("if is_static", TestTxn.get("/a.js")));
    }

    @Test
    void andByJuxtaposition() {
        TestTxn t = TestTxn.get("/static/i.png").host("a.example");
        assertTrue(test("if is_static is_img host_a", t));
        assertFalse(test("if is_static is_img post", t));
    }

    @Test
    void orAndPipes() {
        TestTxn t = TestTxn.get("/i.png");
        assertTrue(test("if is_static or is_img", t));
        assertTrue(test("if is_static || is_img", t));
        assertTrue(test("if post OR is_img", t));
        assertFalse(test("if is_static or post", t));
        // AND binds tighter than OR: (is_static post) or (is_img)
        assertTrue(test("if is_static post or is_img", t));
        assertFalse(test("if is_img post or is_static", t));
    }

    @Test
    void negation() {
        TestTxn t = TestTxn.get("/i.png");
        assertTrue(test("if !is_static", t));
        assertFalse(test("if !is_img", t));
        assertTrue(test("if ! is_static is_img", t)); // a lone '!' negates the next term
        assertTrue(test("if !!is_img", t));
        assertTrue(test("if !is_static !post", t));
    }

    @Test
    void unlessInverts() {
        assertTrue(test("unless is_static", TestTxn.get("/i.png")));
        assertFalse(test("unless is_img", TestTxn.get("/i.png")));
        assertFalse(test("unless is_img or is_static", TestTxn.get("/i.png")));
        assertTrue(test("unless is_img is_static", TestTxn.get("/i.png")));
    }

    @Test
    void anonymousAcls() {
        TestTxn t = TestTxn.get("/x").host("App1.Example.com");
        assertTrue(test("if { hdr(host) -i app1.example.com example.org }", t));
        assertFalse(test("if { hdr(host) app1.example.com }", t));
        assertTrue(test("if !{ path_beg /static } { hdr_beg(host) -i app1. }", t));
        assertTrue(test("if is_static or { path /x }", t));
    }

    @Test
    void predefinedAcls() {
        TestTxn get = TestTxn.get("/x");
        assertTrue(test("if TRUE", get));
        assertFalse(test("if FALSE", get));
        assertTrue(test("if METH_GET", get));
        assertTrue(test("if METH_GET", TestTxn.get("/").method("HEAD")));
        assertFalse(test("if METH_POST", get));
        assertTrue(test("if HTTP_1.1", get));
        assertFalse(test("if HTTP_1.0", get));
        assertTrue(test("if HTTP_URL_SLASH", get));
        assertFalse(test("if HTTP_URL_ABS", get));
        assertTrue(test("if HTTP_URL_ABS", TestTxn.get("http://h/x")));
        assertTrue(test("if HTTP_URL_STAR", TestTxn.get("*").method("OPTIONS")));
        assertTrue(test("if LOCALHOST", TestTxn.get("/").src("127.0.0.2", 1)));
        assertTrue(test("if LOCALHOST", TestTxn.get("/").src("::1", 1)));
        assertFalse(test("if LOCALHOST", TestTxn.get("/").src("10.0.0.1", 1)));
        assertTrue(test("if HTTP_CONTENT", TestTxn.get("/").header("Content-Length", "10")));
        assertFalse(test("if HTTP_CONTENT", TestTxn.get("/").header("Content-Length", "0")));
        assertTrue(test("if HTTP", get));
    }

    @Test
    void sectionAclsTakePrecedenceOverPredefinedOnes() {
        Map<String, List<AclDef>> own = acls("TRUE always_false");
        assertFalse(cond("if TRUE", own).test(TestTxn.get("/")));
    }

    @Test
    void emptyConditions() {
        assertFalse(test("if", TestTxn.get("/")));
        assertTrue(test("unless", TestTxn.get("/")));
    }

    @Test
    void unknownAclIsACompileError() {
        RuleException e = assertThrows(RuleException.class, () -> test("if is_statc", TestTxn.get("/")));
        assertTrue(e.getMessage().contains("is_statc"), e.getMessage());
        assertEquals("did you mean 'is_static'?", e.hint());
    }

    @Test
    void namedAclsAreCompiledOncePerCompiler() {
        RuleCompiler c = Rules.compiler();
        CompiledCondition a = c.compile(ConditionParser.parse(Rules.words("if is_static"), 0), acls);
        CompiledCondition b = c.compile(ConditionParser.parse(Rules.words("if !is_static"), 0), acls);
        assertTrue(a.test(TestTxn.get("/static/")));
        assertFalse(b.test(TestTxn.get("/static/")));
    }
}
