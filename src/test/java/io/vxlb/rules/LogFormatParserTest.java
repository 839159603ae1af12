package io.vxlb.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vxlb.rules.LogFormatPart.Literal;
import io.vxlb.rules.LogFormatPart.Sample;
import io.vxlb.rules.LogFormatPart.Variable;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LogFormatParserTest {

    /** Renders parts as text again, with flags in braces, to compare whole structures at once. */
    private static String render(LogFormat f) {
        StringBuilder sb = new StringBuilder();
        for (LogFormatPart p : f.parts()) {
            if (p instanceof Literal l) {
                sb.append('\'').append(l.text()).append('\'');
            } else if (p instanceof Variable v) {
                sb.append('%').append(flags(v.flags())).append(v.variable().name());
            } else if (p instanceof Sample s) {
                sb.append('%').append(flags(s.flags())).append('[')
                        .append(s.expr().text()).append(']');
            }
        }
        return sb.toString();
    }

    private static String flags(Set<LogFlag> flags) {
        StringBuilder sb = new StringBuilder();
        flags.forEach(sb::append);
        return sb.length() == 0 ? "" : "{" + sb + "}";
    }

    @Test
    void seedMapDomInAFormatString() {
        LogFormat f = LogFormatParser.parse("%[req.hdr(host),lower,map_dom(hosts.map,bk_default)]");
        assertEquals(1, f.parts().size());
        Sample s = assertInstanceOf(Sample.class, f.parts().get(0));
        assertEquals("req.hdr", s.expr().fetch().name());
        assertEquals(List.of("lower", "map_dom"), s.expr().converters().stream().map(c -> c.conv().name()).toList());
        assertEquals(List.of("hosts.map"), f.sampleExprs().get(0).mapFiles());
        assertTrue(s.flags().isEmpty());
    }

    @Test
    void seedTwoAdjacentExpressions() {
        LogFormat f = LogFormatParser.parse("%[req.hdr(Host),lower]%[url,lower]");
        assertEquals("%[req.hdr(Host),lower]%[url,lower]", render(f));
        assertEquals(List.of("req.hdr", "url"), f.sampleExprs().stream().map(e -> e.fetch().name()).toList());
    }

    @Test
    void variablesLiteralsAndQuotedRequest() {
        LogFormat f = LogFormatParser.parse("%ci:%cp [%tr] %{+Q}r %%done %ST");
        assertEquals("%ci':'%cp' ['%tr'] '%{Q}r' %done '%ST", render(f));
        Variable r = (Variable) f.parts().get(6);
        assertEquals("r", r.variable().name());
        assertEquals(Set.of(LogFlag.Q), r.flags());
        assertTrue(r.variable().httpOnly());
        assertFalse(((Variable) f.parts().get(0)).variable().httpOnly());
    }

    @Test
    void flagsOnExpressionsAndTheOVariable() {
        LogFormat f = LogFormatParser.parse("%{+Q,+E}o %ci %{-Q}b %{+X}[src] %T", true);
        assertEquals("%{QE}ci' '%{E}b' '%{QXE}[src]' '%{QE}T", render(f));
        Sample s = (Sample) f.parts().get(4);
        assertEquals(Set.of(LogFlag.Q, LogFlag.X, LogFlag.E), s.flags());
        Variable b = (Variable) f.parts().get(2);
        assertEquals(Set.of(LogFlag.E), b.flags());
        assertTrue(LogFormatParser.parse("%{+Z}r").warnings().get(0).contains("'+Z'"));
    }

    @Test
    void everyVariableOfThe26TableIsKnown() {
        for (String v : List.of("o", "B", "CC", "CS", "H", "HM", "HP", "HPO", "HQ", "HU", "HV", "ID", "ST", "T", "Ta",
                "Tc", "Td", "Tl", "Th", "Ti", "Tq", "TR", "Tr", "Ts", "Tt", "Tu", "Tw", "U", "ac", "b", "bc", "bi", "bp",
                "bq", "ci", "cp", "f", "fc", "fi", "fp", "ft", "lc", "hr", "hrl", "hs", "hsl", "ms", "pid", "r", "rc",
                "rt", "s", "sc", "si", "sp", "sq", "sslc", "sslv", "t", "tr", "trg", "trl", "ts", "tsc")) {
            assertTrue(LogVariable.find(v).isPresent(), v);
        }
        assertEquals(64, LogVariable.all().size());
    }

    @Test
    void defaultFormats() {
        assertEquals("%ci':'%cp' ['%tr'] '%ft' '%b'/'%s' '%TR'/'%Tw'/'%Tc'/'%Tr'/'%Ta' '%ST' '%B' '%CC' '%CS' '%tsc"
                        + "' '%ac'/'%fc'/'%bc'/'%sc'/'%rc' '%sq'/'%bq' '%hr' '%hs' '%{Q}r",
                render(LogFormat.HTTPLOG));
        assertEquals("%ci':'%cp' ['%t'] '%ft' '%b'/'%s' '%Tw'/'%Tc'/'%Tt' '%B' '%ts' '%ac'/'%fc'/'%bc'/'%sc'/'%rc' '%sq'/'%bq",
                render(LogFormat.TCPLOG));
        // %{+Q}o quotes every field after it; %{-Q}ci opts out; no separator before the first field
        assertTrue(render(LogFormat.CLF).startsWith("%ci' - - ['%{Q}trg'] '%{Q}r' '%{Q}ST' '%{Q}B' \"\" \"\" '%{Q}cp"),
                render(LogFormat.CLF));
        assertTrue(LogFormat.HTTPLOG.warnings().isEmpty());
        assertTrue(LogFormat.CLF.variables().stream().anyMatch(v -> v.name().equals("hsl")));
    }

    @Test
    void mergedSpaces() {
        assertEquals("%ci' '%cp' x '%b", render(LogFormatParser.parse("%ci   %cp  x  %b", true)));
        assertEquals("%ci'   '%cp", render(LogFormatParser.parse("%ci   %cp")));
    }

    @Test
    void unknownVariableNamesTheClosest() {
        RuleException e = assertThrows(RuleException.class, () -> LogFormatParser.parse("%ci %Tx"));
        assertEquals("no such format variable 'Tx' at position 4", e.getMessage());
        assertTrue(e.hint().startsWith("did you mean '%T"), e.hint());
        assertTrue(e.hint().contains("'%%'"), e.hint());
        e = assertThrows(RuleException.class, () -> LogFormatParser.parse("%srcip"));
        assertTrue(e.getMessage().contains("'srcip'"));
    }

    @Test
    void syntaxErrors() {
        assertTrue(assertThrows(RuleException.class, () -> LogFormatParser.parse("100%")).getMessage()
                .startsWith("truncated log-format"));
        assertTrue(assertThrows(RuleException.class, () -> LogFormatParser.parse("50% off")).hint().contains("'%%'"));
        assertTrue(assertThrows(RuleException.class, () -> LogFormatParser.parse("%[src")).getMessage()
                .startsWith("missing ']'"));
        assertTrue(assertThrows(RuleException.class, () -> LogFormatParser.parse("%[src)]")).getMessage()
                .contains("but found ')'"));
        assertTrue(assertThrows(RuleException.class, () -> LogFormatParser.parse("%{+Q} x")).getMessage()
                .contains("not followed by a variable"));
        assertTrue(assertThrows(RuleException.class, () -> LogFormatParser.parse("%{+Q")).getMessage()
                .contains("missing '}'"));
        RuleException e = assertThrows(RuleException.class, () -> LogFormatParser.parse("x %[req.uri]"));
        assertTrue(e.getMessage().contains("unknown fetch method 'req.uri'"), e.getMessage());
        assertTrue(e.hint().contains("'url'"));
        // '%' before other punctuation is dropped by 2.6: accepted, with a warning
        LogFormat f = LogFormatParser.parse("a%-b");
        assertEquals("'a-b'", render(f));
        assertTrue(f.warnings().get(0).contains("'%%'"));
    }
}
