package io.vxlb.rules;

import java.util.List;

/** A converter of HAProxy 2.6 (configuration manual, section 7.3.1). */
public record Converter(String name, List<ArgSpec> args, SampleType inputType, SampleType outputType,
                        String doc) {
    public Converter {
        args = List.copyOf(args);
    }

    public int requiredArgs() {
        return (int) args.stream().filter(ArgSpec::required).count();
    }

    public String usage() {
        return ArgSpec.usage(name, args);
    }
}
