package io.vxlb.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One declared argument of a fetch or converter. */
public record ArgSpec(String name, ArgType type, boolean required) {

    /**
     * Reads a compact declaration such as {@code "name?,occ:integer?"}: comma-separated
     * {@code name[:type]} with a trailing '?' for optional; the type defaults to string.
     */
    static List<ArgSpec> list(String spec) {
        List<ArgSpec> out = new ArrayList<>();
        if (spec.isEmpty()) {
            return List.of();
        }
        for (String one : spec.split(",")) {
            boolean optional = one.endsWith("?");
            String body = optional ? one.substring(0, one.length() - 1) : one;
            int colon = body.indexOf(':');
            String name = colon < 0 ? body : body.substring(0, colon);
            ArgType type = colon < 0 ? ArgType.STRING
                    : ArgType.valueOf(body.substring(colon + 1).toUpperCase(Locale.ROOT));
            out.add(new ArgSpec(name, type, !optional));
        }
        return List.copyOf(out);
    }

    /** Renders a declaration list the way HAProxy's documentation does: {@code name(<a>[,<b>])}. */
    static String usage(String name, List<ArgSpec> args) {
        if (args.isEmpty()) {
            return name;
        }
        StringBuilder sb = new StringBuilder(name).append('(');
        int closing = 0;
        for (int i = 0; i < args.size(); i++) {
            ArgSpec a = args.get(i);
            String sep = i == 0 ? "" : ",";
            if (a.required()) {
                sb.append(sep).append('<').append(a.name()).append('>');
            } else {
                sb.append('[').append(sep).append('<').append(a.name()).append('>');
                closing++;
            }
        }
        return sb.append("]".repeat(closing)).append(')').toString();
    }
}
