package io.vxlb.rules;

import java.util.List;

/** One converter applied in a sample expression, with its arguments unquoted. */
public record ConverterCall(Converter conv, List<String> args) {
    public ConverterCall {
        args = List.copyOf(args);
    }
}
