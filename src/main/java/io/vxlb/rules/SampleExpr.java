package io.vxlb.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * A parsed sample expression {@code fetch(args),conv(args),...}. Arguments are kept as given
 * (unquoted); names of backends, servers and map files are exposed for the config layer, which
 * resolves them.
 */
public record SampleExpr(String text, SampleFetch fetch, List<String> fetchArgs, List<ConverterCall> converters) {
    public SampleExpr {
        fetchArgs = List.copyOf(fetchArgs);
        converters = List.copyOf(converters);
    }

    /** The type of the last converter, or of the fetch. */
    public SampleType outputType() {
        return converters.isEmpty() ? fetch.outputType() : converters.get(converters.size() - 1).conv().outputType();
    }

    /** Backend names given explicitly (an omitted backend means the proxy of the rule). */
    public List<String> backendRefs() {
        return refs(ArgType.BACKEND);
    }

    /** Server references as written: "backend/server", or "server" for the rule's own proxy. */
    public List<String> serverRefs() {
        return refs(ArgType.SERVER);
    }

    /** Stick table names given explicitly (vxlb-stick; an omitted table means the rule's own proxy). */
    public List<String> tableRefs() {
        return refs(ArgType.TABLE);
    }

    /** Map files of map* converters, in order. */
    public List<String> mapFiles() {
        return converters.stream().filter(c -> c.conv().name().startsWith("map"))
                .map(c -> c.args().get(0)).toList();
    }

    private List<String> refs(ArgType type) {
        List<String> out = new ArrayList<>();
        collect(fetch.args(), fetchArgs, type, out);
        for (ConverterCall c : converters) {
            collect(c.conv().args(), c.args(), type, out);
        }
        return List.copyOf(out);
    }

    private static void collect(List<ArgSpec> specs, List<String> args, ArgType type, List<String> out) {
        for (int i = 0; i < args.size() && i < specs.size(); i++) {
            if (specs.get(i).type() == type && !args.get(i).isEmpty()) {
                out.add(args.get(i));
            }
        }
    }
}
