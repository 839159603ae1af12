package io.vxlb.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionParserTest {

    private static List<String> words(String line) {
        return List.of(line.split(" +"));
    }

    private static Condition cond(String line) {
        return ConditionParser.parse(words(line), 0);
    }

    /** Renders the tree compactly: groups separated by " | ", terms by " & ". */
    private static String shape(Condition c) {
        StringBuilder sb = new StringBuilder();
        for (List<CondTerm> group : c.orOfAnds()) {
            if (sb.length() > 0) {
                sb.append(" | ");
            }
            for (int i = 0; i < group.size(); i++) {
                CondTerm t = group.get(i);
                sb.append(i > 0 ? " & " : "").append(t.negated() ? "!" : "")
                        .append(t.aclName() != null ? t.aclName() : "{" + t.anonymous().criterion().text() + "}");
            }
        }
        return sb.toString();
    }

    @Test
    void seedNegationsAsSeparateWords() {
        Condition c = ConditionParser.parse(words("use_backend ws if ! hdr_connection_upgrade ! hdr_upgrade_websocket"), 2);
        assertFalse(c.unless());
        assertEquals("!hdr_connection_upgrade & !hdr_upgrade_websocket", shape(c));
        assertEquals(List.of("hdr_connection_upgrade", "hdr_upgrade_websocket"), c.aclNames());
        assertEquals(4, c.orOfAnds().get(0).get(0).wordIndex());
        assertTrue(c.warnings().isEmpty());
    }

    @Test
    void seedAnonymousAcl() {
        Condition c = cond("if { hdr(Host) -i app1.example.com example.org }");
        assertEquals(1, c.orOfAnds().size());
        CondTerm t = c.orOfAnds().get(0).get(0);
        assertNull(t.aclName());
        assertFalse(t.negated());
        assertEquals(1, t.wordIndex());
        AclDef a = t.anonymous();
        assertEquals("", a.name());
        assertEquals("req.hdr", a.sample().fetch().name());
        assertEquals(List.of("Host"), a.sample().fetchArgs());
        assertEquals(MatchMethod.STR, a.method());
        assertTrue(a.ignoreCase());
        assertEquals(List.of("app1.example.com", "example.org"), a.values());
        assertEquals(List.of(4, 5), a.patterns().stream().map(AclPattern::wordIndex).toList());
        assertEquals(List.of(), c.aclNames());
        assertEquals(List.of(a), c.anonymousAcls());
        assertEquals(List.of(a.sample()), c.sampleExprs());
    }

    @Test
    void andOrAndNegation() {
        assertEquals("HTTP_URL_STAR & !METH_OPTIONS | METH_POST & missing_cl",
                shape(cond("if HTTP_URL_STAR !METH_OPTIONS || METH_POST missing_cl")));
        Condition c = cond("unless METH_GET or METH_POST OR METH_OPTIONS");
        assertTrue(c.unless());
        assertEquals("METH_GET | METH_POST | METH_OPTIONS", shape(c));
        assertEquals("host_static | host_www & url_static", shape(cond("if host_static or host_www url_static")));
    }

    @Test
    void negationToggles() {
        assertEquals("a & !b & c & !d", shape(cond("if !!a !b ! ! c ! !!d")));
        assertEquals("!{nbsrv(dynamic)} | {nbsrv(static)}",
                shape(cond("if ! { nbsrv(dynamic) lt 2 } || { nbsrv(static) lt 2 }")));
        assertEquals("!{src}", shape(cond("if !{ src 10.0.0.0/8 }")));
        // '!' before 'or' does not carry over
        assertEquals("a | b", shape(cond("if a ! or b")));
    }

    @Test
    void anonymousAclErrorsPointAtTheirWord() {
        RuleException e = assertThrows(RuleException.class, () -> cond("if a { nbsrv(bck1) gt zero }"));
        assertEquals(5, e.wordIndex());
        e = assertThrows(RuleException.class, () -> cond("if { req.uri -m beg /x }"));
        assertEquals(2, e.wordIndex());
        assertTrue(e.hint().contains("'url'"));
    }

    @Test
    void braceErrors() {
        RuleException e = assertThrows(RuleException.class, () -> cond("if { }"));
        assertEquals("empty anonymous ACL '{ }'", e.getMessage());
        assertEquals(1, e.wordIndex());

        e = assertThrows(RuleException.class, () -> cond("if { src 10.0.0.1"));
        assertEquals("missing closing '}' in condition", e.getMessage());

        e = assertThrows(RuleException.class, () -> cond("if a }"));
        assertEquals(2, e.wordIndex());
        assertTrue(e.getMessage().contains("without a matching '{'"));

        e = assertThrows(RuleException.class, () -> cond("if {src 10.0.0.1}"));
        assertTrue(e.getMessage().contains("separate words"));
    }

    @Test
    void mustStartWithIfOrUnless() {
        RuleException e = assertThrows(RuleException.class, () -> ConditionParser.parse(words("use_backend b when a"), 2));
        assertEquals(2, e.wordIndex());
        assertTrue(e.getMessage().contains("'if' or 'unless'"));
    }

    /** HAProxy 2.6 accepts these silently; vxlb keeps them valid and warns. */
    @Test
    void danglingOrAndEmptyConditionsWarn() {
        Condition c = cond("if a or");
        assertEquals("a", shape(c));
        assertTrue(c.warnings().get(0).contains("followed by nothing"), c.warnings().toString());

        c = cond("if or a");
        assertEquals("a", shape(c));
        assertTrue(c.warnings().get(0).contains("no ACL before it"), c.warnings().toString());

        c = ConditionParser.parse(words("http-request deny if"), 2);
        assertTrue(c.orOfAnds().isEmpty());
        assertTrue(c.warnings().get(0).contains("never holds"), c.warnings().toString());
        assertTrue(cond("unless").warnings().get(0).contains("always holds"));

        assertTrue(cond("if a !").warnings().get(0).contains("not followed by an ACL"));
        assertTrue(cond("if { hdr(host) }").warnings().get(0).contains("never match"));
    }

    @Test
    void aclNamesAreDistinctAndOrdered() {
        assertEquals(List.of("b", "a", "TRUE"), cond("if b a or !a TRUE b").aclNames());
    }

    @Test
    void predefinedAcls() {
        List<String> names = List.of("TRUE", "FALSE", "HTTP", "HTTP_1.0", "HTTP_1.1", "HTTP_2.0", "HTTP_CONTENT",
                "HTTP_URL_ABS", "HTTP_URL_SLASH", "HTTP_URL_STAR", "LOCALHOST", "METH_CONNECT", "METH_DELETE",
                "METH_GET", "METH_HEAD", "METH_OPTIONS", "METH_POST", "METH_PUT", "METH_TRACE", "RDP_COOKIE",
                "REQ_CONTENT", "WAIT_END");
        assertEquals(names.size(), PredefinedAcls.all().size());
        for (String n : names) {
            AclDef a = PredefinedAcls.find(n).orElseThrow(() -> new AssertionError(n));
            assertEquals(n, a.name());
            assertTrue(a.warnings().isEmpty(), n + " " + a.warnings());
        }
        AclDef get = PredefinedAcls.find("METH_GET").orElseThrow();
        assertEquals(MatchMethod.METH, get.method());
        assertEquals(List.of("GET", "HEAD"), get.values());
        AclDef content = PredefinedAcls.find("HTTP_CONTENT").orElseThrow();
        assertEquals("req.hdr_val", content.sample().fetch().name());
        assertEquals(new IntPattern(IntPattern.Op.GT, 1, Long.MAX_VALUE), content.patterns().get(0).intPattern());
        assertEquals(MatchMethod.IP, PredefinedAcls.find("LOCALHOST").orElseThrow().method());
        assertEquals(MatchMethod.REG, PredefinedAcls.find("HTTP_URL_ABS").orElseThrow().method());
        assertEquals(MatchMethod.BOOL, PredefinedAcls.find("TRUE").orElseThrow().method());
        assertEquals(List.of("1.1"), PredefinedAcls.find("HTTP_1.1").orElseThrow().values());
        assertTrue(PredefinedAcls.find("HTTP_3.0").isEmpty());
    }
}
