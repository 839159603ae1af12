package io.vxlb.config;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code log ADDR sample RANGES:SIZE FACILITY} (reg-tests/log/load_balancing.vtc). */
class LogSampleTest {
    private static List<Long> sent(LogTarget.Sample s, int lines) {
        List<Long> out = new ArrayList<>();
        for (long n = 0; n < lines; n++) if (s.sends(n)) out.add(n + 1);
        return out;
    }

    @Test
    void rangesPickLinesOfEachPeriod() {
        assertEquals(List.of(1L, 3L, 4L, 5L, 6L, 8L, 9L, 10L), sent(LogTarget.Sample.parse("1,3-5:5"), 10));
        assertEquals(List.of(1L, 3L, 6L, 8L), sent(LogTarget.Sample.parse("1,3:5"), 10));
        assertEquals(List.of(2L, 3L, 4L), sent(LogTarget.Sample.parse("2-4:4"), 4));
    }

    @Test
    void parseErrorsAsHaproxy() {
        assertEquals("Missing sample size", assertThrows(IllegalArgumentException.class, () -> LogTarget.Sample.parse("1,3")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LogTarget.Sample.parse("1-4,3:5")).getMessage().contains("overlapping"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LogTarget.Sample.parse("1,6:5")).getMessage()
                .contains("should be greater or equal to 6"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LogTarget.Sample.parse("0:5")).getMessage().contains("wrong sample range"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LogTarget.Sample.parse("1:x")).getMessage().contains("wrong sample size"));
    }

    @Test
    void theLogLineKeepsItsSample() {
        ParseResult r = new ConfigParser(n -> null).parse("t.cfg", """
                defaults
                  mode http
                  timeout connect 5s
                  timeout client 5s
                  timeout server 5s
                frontend fe
                  bind 127.0.0.1:8001
                  log 127.0.0.1:514 sample 1,3:5 local0
                  log 127.0.0.1:515 local0
                  log 127.0.0.1:516 sample 1:x local0
                  http-request return status 200
                """);
        List<Diagnostic> errors = r.errors();
        assertEquals(1, errors.size(), errors.stream().map(Diagnostic::format).collect(Collectors.joining("\n")));
        assertTrue(errors.get(0).format().contains("t.cfg:10:28") && errors.get(0).message().startsWith("wrong sample size 'x'"), errors.get(0).format());
        ParseResult ok = new ConfigParser(n -> null).parse("t.cfg", """
                defaults
                  mode http
                  timeout connect 5s
                  timeout client 5s
                  timeout server 5s
                frontend fe
                  bind 127.0.0.1:8001
                  log 127.0.0.1:514 sample 1,3:5 local0
                  log 127.0.0.1:515 local0
                  http-request return status 200
                """);
        List<LogTarget> logs = ok.config().proxy("fe").orElseThrow().logs();
        assertEquals(5, logs.get(0).sample().size());
        assertNull(logs.get(1).sample());
    }
}
