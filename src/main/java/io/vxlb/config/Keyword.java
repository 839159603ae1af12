package io.vxlb.config;

/**
 * A configuration keyword: its name as written (sub-keywords included, e.g. "timeout connect",
 * "option forwardfor", "http-request set-header"), the sections that accept it, how vxlb
 * supports it, a short note for the README table, and the handler that parses its line.
 */
public record Keyword(String name, int sections, Support support, String note, Handler handler) {

    /** Parses one line into the section being built. Throws {@link ConfigException} on bad input. */
    @FunctionalInterface
    public interface Handler {
        void parse(ParseContext ctx, ConfigLine line);
    }

    /** Number of words the name takes ("timeout connect" = 2). */
    public int words() {
        return name.split(" ").length;
    }
}
