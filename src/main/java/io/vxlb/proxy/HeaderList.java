package io.vxlb.proxy;

import io.vertx.core.MultiMap;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An ordered, case-preserving list of header lines that the rules rewrite in place. Names
 * compare case-insensitively, as HTTP says.
 */
public final class HeaderList {
    /** name, value, name, value...: one array, no per-list boxes (a list per request and response). */
    private String[] lines;
    private int size;

    public HeaderList(int capacity) {
        lines = new String[Math.max(2, capacity * 2)];
    }

    static HeaderList of(MultiMap headers) {
        // not headers.size(): Netty's counts names through a new HashSet on every call
        HeaderList h = new HeaderList(16);
        for (Map.Entry<String, String> e : headers) h.add(e.getKey(), e.getValue());
        return h;
    }

    public int size() {
        return size;
    }

    public String name(int i) {
        java.util.Objects.checkIndex(i, size);
        return lines[2 * i];
    }

    public String value(int i) {
        java.util.Objects.checkIndex(i, size);
        return lines[2 * i + 1];
    }

    public void setValue(int i, String v) {
        java.util.Objects.checkIndex(i, size);
        lines[2 * i + 1] = v;
    }

    public void add(String name, String value) {
        if (2 * size == lines.length) lines = java.util.Arrays.copyOf(lines, lines.length * 2);
        lines[2 * size] = name;
        lines[2 * size + 1] = value;
        size++;
    }

    public void remove(int i) {
        java.util.Objects.checkIndex(i, size);
        System.arraycopy(lines, 2 * i + 2, lines, 2 * i, 2 * (size - i - 1));
        size--;
        lines[2 * size] = lines[2 * size + 1] = null;
    }

    /** Last value of the header, or null. */
    public String get(String name) {
        for (int i = size - 1; i >= 0; i--) if (Ascii.same(lines[2 * i], name)) return lines[2 * i + 1];
        return null;
    }

    public boolean contains(String name) {
        for (int i = 0; i < size; i++) if (Ascii.same(lines[2 * i], name)) return true;
        return false;
    }

    public void removeAll(String name) {
        for (int i = size - 1; i >= 0; i--) if (Ascii.same(lines[2 * i], name)) remove(i);
    }

    /** {@code del-header NAME -m METHOD}: str/beg/end/sub ignore case; reg uses the compiled pattern. */
    public void removeMatching(String name, String method, Pattern regex) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (int i = size - 1; i >= 0; i--) {
            String n = lines[2 * i].toLowerCase(Locale.ROOT);
            boolean match = switch (method) {
                case "beg" -> n.startsWith(lower);
                case "end" -> n.endsWith(lower);
                case "sub" -> n.contains(lower);
                case "reg" -> regex.matcher(lines[2 * i]).find();
                default -> n.equals(lower);
            };
            if (match) remove(i);
        }
    }

    public void set(String name, String value) {
        removeAll(name);
        add(name, value);
    }
}
