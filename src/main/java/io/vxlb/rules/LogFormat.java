package io.vxlb.rules;

import java.util.List;

/**
 * A parsed log-format string (section 8.2.6), as used by {@code log-format},
 * {@code unique-id-format}, header values and other format strings. {@code %o} is not a part: it
 * only changes the flags of the parts after it.
 */
public record LogFormat(String text, List<LogFormatPart> parts, List<String> warnings) {
    /** "option httplog" of HAProxy 2.6 (section 8.2.3). */
    public static final LogFormat HTTPLOG = LogFormatParser.parse(
            "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r",
            true);
    /** "option tcplog" of HAProxy 2.6 (section 8.2.2). */
    public static final LogFormat TCPLOG = LogFormatParser.parse(
            "%ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq", true);
    /** "option httplog clf" of HAProxy 2.6 (section 8.2.3). */
    public static final LogFormat CLF = LogFormatParser.parse(
            "%{+Q}o %{-Q}ci - - [%trg] %r %ST %B \"\" \"\" %cp %ms %ft %b %s %TR %Tw %Tc %Tr %Ta %tsc %ac %fc"
                    + " %bc %sc %rc %sq %bq %CC %CS %hrl %hsl", true);

    public LogFormat {
        parts = List.copyOf(parts);
        warnings = List.copyOf(warnings);
    }

    /** The sample expressions, in order (their backend/server/map references need resolving). */
    public List<SampleExpr> sampleExprs() {
        return parts.stream().filter(p -> p instanceof LogFormatPart.Sample)
                .map(p -> ((LogFormatPart.Sample) p).expr()).toList();
    }

    /** The log variables, in order. */
    public List<LogVariable> variables() {
        return parts.stream().filter(p -> p instanceof LogFormatPart.Variable)
                .map(p -> ((LogFormatPart.Variable) p).variable()).toList();
    }
}
