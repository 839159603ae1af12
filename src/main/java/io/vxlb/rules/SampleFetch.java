package io.vxlb.rules;

import java.util.List;

/** A sample fetch method of HAProxy 2.6 (configuration manual, section 7.3.2 to 7.3.6). */
public record SampleFetch(String name, List<ArgSpec> args, SampleType outputType, String doc) {
    public SampleFetch {
        args = List.copyOf(args);
    }

    public int requiredArgs() {
        return (int) args.stream().filter(ArgSpec::required).count();
    }

    /** For messages: {@code hdr([<name>[,<occ>]])}. */
    public String usage() {
        return ArgSpec.usage(name, args);
    }
}
