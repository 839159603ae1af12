package io.vxlb.config;

/**
 * One finding of the configuration check: where, in which section, on which keyword, what is
 * wrong and (when we know) what would be right.
 */
public record Diagnostic(Severity severity, Location location, String section, String keyword, String message, String hint) {
    public enum Severity { ERROR, WARNING }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** HAProxy-like rendering: {@code [ALERT] file:line:col : 'keyword' in section 'x': message (hint)}. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        sb.append(severity == Severity.ERROR ? "[ALERT] " : "[WARNING] ");
        sb.append(location).append(" : ");
        if (section != null && !section.isEmpty()) sb.append("[").append(section).append("] ");
        if (keyword != null && !keyword.isEmpty()) sb.append("'").append(keyword).append("': ");
        sb.append(message);
        if (hint != null && !hint.isEmpty()) sb.append(" -- ").append(hint);
        return sb.toString();
    }

    @Override
    public String toString() {
        return format();
    }
}
