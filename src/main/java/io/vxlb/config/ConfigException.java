package io.vxlb.config;

/**
 * Thrown by keyword parsers for one bad line. {@code wordIndex} points at the offending word so
 * the error can carry its column; the parser turns it into a {@link Diagnostic} and goes on with
 * the next line, so that {@code -c} reports every error of a file.
 */
public class ConfigException extends RuntimeException {
    private final int wordIndex;
    private final String hint;

    public ConfigException(int wordIndex, String message) {
        this(wordIndex, message, null);
    }

    public ConfigException(int wordIndex, String message, String hint) {
        super(message, null, false, false);
        this.wordIndex = wordIndex;
        this.hint = hint;
    }

    public int wordIndex() {
        return wordIndex;
    }

    public String hint() {
        return hint;
    }
}
