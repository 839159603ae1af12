package io.vxlb.log;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TerminationTest {
    @Test
    void lettersAreHaproxys() {
        assertEquals("--", Termination.NORMAL.toString());
        assertEquals("CD", Termination.CLIENT_ABORT_DATA.toString());
        assertEquals("sQ", Termination.SERVER_TIMEOUT_QUEUE.toString());
        assertEquals("cR", Termination.CLIENT_TIMEOUT_REQUEST.toString());
        assertEquals("PT", Termination.PROXY_TARPIT.toString());
        assertEquals("LR", Termination.LOCAL_REQUEST.toString());
        assertEquals("-R", Termination.NO_BACKEND.toString());
    }

    @Test
    void everyCombinationExistsOnceWithItsOwnLetters() {
        Set<String> seen = new HashSet<>();
        for (Termination.Cause c : Termination.Cause.values()) {
            for (Termination.Phase p : Termination.Phase.values()) {
                Termination t = Termination.of(c, p);
                assertSame(t, Termination.of(c, p), "cached: no allocation per use");
                assertTrue(seen.add(t.toString()), "two combinations share " + t);
            }
        }
    }
}
