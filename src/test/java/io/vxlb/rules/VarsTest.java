package io.vxlb.rules;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** var_set()'s conditions (HAProxy 2.6 src/vars.c) as {@link Vars#decide} applies them. */
class VarsTest {
    private static int f(String... words) {
        return Vars.conditions(List.of(words));
    }

    @Test
    void conditionWordsAndUnknownOnes() {
        assertEquals(Vars.IFEXISTS | Vars.IFGT, f("ifexists", "ifgt"));
        assertEquals(-1, f("ifexist"));
        assertEquals(0, f());
    }

    @Test
    void existenceConditions() {
        assertEquals("v", Vars.decide(null, "v", f("ifnotexists")));
        assertSame(Vars.KEEP, Vars.decide("old", "v", f("ifnotexists")));
        assertSame(Vars.KEEP, Vars.decide(null, "v", f("ifexists")));
        assertEquals("v", Vars.decide(Vars.UNSET, "v", f("ifexists")));  // a declared proc variable exists
    }

    @Test
    void setConditionsAndTheUnsetStateAFailedConditionLeaves() {
        assertSame(Vars.UNSET, Vars.decide(null, "v", f("ifset")));  // created without a value
        assertSame(Vars.KEEP, Vars.decide(Vars.UNSET, "v", f("ifset")));
        assertEquals("v", Vars.decide("old", "v", f("ifset")));
        assertEquals("v", Vars.decide(null, "v", f("ifnotset")));
        assertSame(Vars.KEEP, Vars.decide("old", "v", f("ifnotset")));
    }

    @Test
    void emptinessAppliesToTextAndBinaryOnly() {
        assertEquals("", Vars.decide(null, "", f("ifempty")));
        assertSame(Vars.UNSET, Vars.decide(null, "x", f("ifempty")));
        assertSame(Vars.UNSET, Vars.decide(null, 5L, f("ifempty")));  // an integer is never empty
        assertEquals(5L, Vars.decide(null, 5L, f("ifnotempty")));
        assertSame(Vars.KEEP, Vars.decide("old", new byte[0], f("ifnotempty")));
    }

    @Test
    void comparisonsKeepTheGreaterOrTheLesser() {
        assertEquals(3L, Vars.decide(5L, 3L, f("ifgt")));      // 5 > 3: set
        assertSame(Vars.KEEP, Vars.decide(2L, 3L, f("ifgt")));
        assertEquals(7L, Vars.decide(5L, 7L, f("iflt")));
        assertSame(Vars.KEEP, Vars.decide(9L, 7L, f("iflt")));
        assertEquals("x", Vars.decide("a", "x", f("ifgt")));  // not both integers: no comparison
    }

    @Test
    void storesAndTheProcScope() {
        Map<String, Object> m = new HashMap<>();
        Vars.set(m, "txn.a", "1", f("ifexists"));
        assertNull(m.get("txn.a"));
        Vars.set(m, "txn.a", "1", 0);
        Vars.set(m, "txn.a", null, 0);  // unset-var
        assertNull(m.get("txn.a"));

        Vars.Process proc = new Vars.Process();
        proc.set("proc.x", "1", f("ifexists"));
        assertNull(proc.raw("proc.x"));
        proc.declare("proc.x");
        assertSame(Vars.UNSET, proc.raw("proc.x"));
        assertNull(proc.get("proc.x"));
        proc.set("proc.x", 4L, f("ifexists"));
        assertEquals(4L, proc.get("proc.x"));
        proc.set("proc.x", null, 0);  // unset-var of a proc variable leaves it existing, unset
        assertSame(Vars.UNSET, proc.raw("proc.x"));
        assertEquals("any", Vars.typeName(Vars.UNSET));
        assertEquals("sint", Vars.typeName(4L));
        assertEquals("a.b", Vars.printable(new byte[] {'a', 1, 'b'}));
    }
}
