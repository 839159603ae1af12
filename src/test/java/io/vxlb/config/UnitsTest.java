package io.vxlb.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UnitsTest {
    @Test
    void durationsDefaultToMillisecondsAndHonourEveryUnit() {
        assertEquals(5000, Units.durationMillis("5000"));
        assertEquals(1, Units.durationMillis("1us"));
        assertEquals(2, Units.durationMillis("1500us"));
        assertEquals(250, Units.durationMillis("250ms"));
        assertEquals(30_000, Units.durationMillis("30s"));
        assertEquals(120_000, Units.durationMillis("2m"));
        assertEquals(3_600_000, Units.durationMillis("1h"));
        assertEquals(86_400_000, Units.durationMillis("1d"));
    }

    @Test
    void badDurationsSayWhatIsExpected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Units.durationMillis("5sec"));
        assertTrue(e.getMessage().contains("unknown unit 'sec'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Units.durationMillis("fast"));
        assertTrue(e.getMessage().contains("not a duration"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Units.durationMillis("100d"));
    }

    @Test
    void sizesUsePowersOf1024() {
        assertEquals(100, Units.size("100"));
        assertEquals(16384, Units.size("16k"));
        assertEquals(1L << 20, Units.size("1m"));
        assertEquals(2L << 30, Units.size("2G"));
        assertThrows(IllegalArgumentException.class, () -> Units.size("1t"));
    }
}
