package io.vxlb.rules;

import org.junit.jupiter.api.Test;

import static io.vxlb.rules.Rules.sample;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** uuid / uuid(4): a fresh random version-4 UUID per evaluation (a value cannot be recorded). */
class UuidFetchTest {
    @Test
    void versionFourUuidsDifferPerEvaluation() {
        CompiledSample s = sample("uuid");
        TestTxn t = TestTxn.get("/");
        String a = s.evalString(t), b = sample("uuid(4)").evalString(t);
        assertTrue(a.matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"), a);
        assertTrue(b.matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"), b);
        assertNotEquals(a, s.evalString(t));
        assertThrows(RuleException.class, () -> sample("uuid(7)"));
    }
}
