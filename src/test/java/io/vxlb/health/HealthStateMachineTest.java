package io.vxlb.health;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class HealthStateMachineTest {

    @Test
    void newServerStartsUpAtRiseSoTheFirstFailureTakesItDown() {
        HealthStateMachine sm = new HealthStateMachine(2, 3, 2000, 500, 10000);
        assertTrue(sm.up());
        assertEquals(2, sm.health());
        assertEquals(500, sm.nextInterval(), "not fully up yet: fastinter");
        assertTrue(sm.record(false), "one failure from health=rise is a change");
        assertFalse(sm.up());
        assertEquals(0, sm.health());
        assertEquals(10000, sm.nextInterval(), "fully down: downinter");
    }

    @Test
    void firstSuccessJumpsToFullyUpThenFallFailuresAreNeeded() {
        HealthStateMachine sm = new HealthStateMachine(2, 3, 2000, 500, 10000);
        assertFalse(sm.record(true));
        assertEquals(4, sm.health(), "rise+fall-1");
        assertEquals(2000, sm.nextInterval(), "fully up: inter");
        assertEquals("3/3 UP", sm.statusText());
        assertFalse(sm.record(false));
        assertEquals("2/3 UP", sm.statusText());
        assertEquals(500, sm.nextInterval(), "transition: fastinter");
        assertFalse(sm.record(false));
        assertTrue(sm.record(false), "third failure: DOWN");
        assertEquals("0/2 DOWN", sm.statusText());
    }

    @Test
    void riseSuccessesBringItBack() {
        HealthStateMachine sm = new HealthStateMachine(3, 2, 1000, 0, 0);
        sm.record(false);
        assertFalse(sm.up());
        assertEquals(1000, sm.nextInterval(), "unset downinter = inter");
        assertFalse(sm.record(true));
        assertEquals("1/3 DOWN", sm.statusText());
        assertFalse(sm.record(false), "a failure while down resets nothing visible");
        assertEquals(0, sm.health(), "but drops the counter to 0 (below rise)");
        assertFalse(sm.record(true));
        assertFalse(sm.record(true));
        assertTrue(sm.record(true));
        assertTrue(sm.up());
        assertEquals(4, sm.health());
    }

    @Test
    void fallOneGoesDownOnEveryFailureAndUsesInterWhenUp() {
        HealthStateMachine sm = new HealthStateMachine(1, 1, 300, 100, 900);
        assertEquals(300, sm.nextInterval(), "health=rise=rise+fall-1");
        assertTrue(sm.record(false));
        assertTrue(sm.record(true));
        assertTrue(sm.record(false));
    }
}
