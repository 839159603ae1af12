package io.vxlb.proxy;

import io.vertx.core.MultiMap;

import java.util.ArrayList;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An ordered, case-preserving list of header lines that the rules rewrite in place. Names
 * compare case-insensitively, as HTTP says.
 */
public final class HeaderList {
    private final ArrayList<String> names;
    private final ArrayList<String> values;

    public HeaderList(int capacity) {
        names = new ArrayList<>(capacity);
        values = new ArrayList<>(capacity);
    }

    static HeaderList of(MultiMap headers) {
        // not headers.size(): Netty's counts names through a new HashSet on every call
        HeaderList h = new HeaderList(16);
        for (Map.Entry<String, String> e : headers) h.add(e.getKey(), e.getValue());
        return h;
    }

    public int size() {
        return names.size();
    }

    public String name(int i) {
        return names.get(i);
    }

    public String value(int i) {
        return values.get(i);
    }

    public void setValue(int i, String v) {
        values.set(i, v);
    }

    public void add(String name, String value) {
        names.add(name);
        values.add(value);
    }

    public void remove(int i) {
        names.remove(i);
        values.remove(i);
    }

    /** Last value of the header, or null. */
    public String get(String name) {
        for (int i = names.size() - 1; i >= 0; i--) if (names.get(i).equalsIgnoreCase(name)) return values.get(i);
        return null;
    }

    public boolean contains(String name) {
        for (int i = 0; i < names.size(); i++) if (names.get(i).equalsIgnoreCase(name)) return true;
        return false;
    }

    public void removeAll(String name) {
        for (int i = names.size() - 1; i >= 0; i--) if (names.get(i).equalsIgnoreCase(name)) remove(i);
    }

    /** {@code del-header NAME -m METHOD}: str/beg/end/sub ignore case; reg uses the compiled pattern. */
    public void removeMatching(String name, String method, Pattern regex) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (int i = names.size() - 1; i >= 0; i--) {
            String n = names.get(i).toLowerCase(Locale.ROOT);
            boolean match = switch (method) {
                case "beg" -> n.startsWith(lower);
                case "end" -> n.endsWith(lower);
                case "sub" -> n.contains(lower);
                case "reg" -> regex.matcher(names.get(i)).find();
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
