package io.vxlb.config;

/** One word of a configuration line after unquoting and unescaping; {@code column} is 1-based. */
public record Word(String text, int column) {
    @Override
    public String toString() {
        return text;
    }
}
