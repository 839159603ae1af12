package io.vxlb.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HAProxy 2.6's .if conditions (configuration.txt 2.4, cfgcond.c). */
class CfgConditionTest {
    private static final Map<String, String> ENV = Map.of("SET", "yes", "EMPTY", "");

    private static boolean eval(String s) {
        return CfgCondition.eval(s, ENV::get);
    }

    @Test
    void integersAndEmpty() {
        assertFalse(eval(""));
        assertFalse(eval("0"));
        assertTrue(eval("1"));
        assertTrue(eval("42"));
        assertTrue(eval("-1"));
        assertTrue(eval("0x10"));
        assertFalse(eval("0x0"));
        assertFalse(eval("!1"));
        assertTrue(eval("!!1"));
        assertTrue(eval("! 0"));
    }

    @Test
    void andBindsTighterThanOr() {
        assertTrue(eval("1 && 0 || 1"));
        assertTrue(eval("0 || 1 && 1"));
        assertFalse(eval("0 || 1 && 0"));
        assertFalse(eval("(0 || 1) && 0"));
        assertTrue(eval("!(0 && 1)"));
    }

    @Test
    void predicates() {
        assertTrue(eval("defined(SET)"));
        assertTrue(eval("defined(EMPTY)"), "defined regardless of its contents");
        assertFalse(eval("defined(UNSET)"));
        assertTrue(eval("streq(yes,yes)"));
        assertTrue(eval("streq(\"a,b\",'a,b')"), "quotes group a comma");
        assertFalse(eval("streq(,x)"));
        assertTrue(eval("streq(,)"));
        assertTrue(eval("strneq(a,b)"));
        assertTrue(eval("feature(OPENSSL)"));
        assertFalse(eval("feature(LUA)"));
        assertFalse(eval("feature(OPENSS)"), "a whole feature name");
        assertTrue(eval("feature(PCRE2) || feature(PCRE)"));
        assertTrue(eval("version_atleast(2.5-dev0)"));
        assertTrue(eval("version_atleast(2.6)"));
        assertTrue(eval("version_atleast(2.6.12)"));
        assertFalse(eval("version_atleast(2.6.13)"));
        assertFalse(eval("version_atleast(2.7-dev0)"));
        assertTrue(eval("version_before(2.7-dev0)"));
        assertFalse(eval("version_before(2.6)"));
        assertTrue(eval("openssl_version_atleast(1.1.1)"));
        assertTrue(eval("ssllib_name_startswith(JDK)"));
        assertFalse(eval("ssllib_name_startswith(BoringSSL)"));
    }

    @Test
    void versionsCompareAsSplitVersion() {
        assertTrue(CfgCondition.compareVersions("2.4-dev18", "2.4") < 0, "dev before release");
        assertTrue(CfgCondition.compareVersions("2.4-rc1", "2.4-dev30") > 0);
        assertEquals(0, CfgCondition.compareVersions("1.5", "1.5.0"));
        assertTrue(CfgCondition.compareVersions("1.5-dev18-43", "1.5-dev18") > 0);
        assertTrue(CfgCondition.compareVersions("2.4-dev18-f6818d-20", "2.4-dev18-19") > 0);
        assertTrue(CfgCondition.compareVersions("1.2.10.1", "1.2.9") > 0);
    }

    @Test
    void errorsNameTheExpression() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> eval("nosuch(1)"));
        assertTrue(e.getMessage().startsWith("unparsable conditional expression 'nosuch(1)'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> eval("1 1"));
        assertEquals("unexpected character '1' at the end of conditional expression '1 1'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> eval("(1"));
        assertTrue(e.getMessage().startsWith("expected ')'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> eval("streq(a)"));
        assertTrue(e.getMessage().contains("takes 2 arguments"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> eval("defined(X"));
    }
}
