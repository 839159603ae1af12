package io.vxlb.maps;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The contents of one map file: its entries in file order, immutable, with a version. Parsing
 * follows HAProxy 2.6's pat_ref_read_from_file_smp() byte for byte:
 * <ul>
 * <li>a line whose FIRST character is '#' is a comment (a '#' after leading blanks is not: it is
 *     a key);</li>
 * <li>leading spaces and tabs are skipped; a line that is then empty (or only CR) is ignored;</li>
 * <li>the key runs up to the first space, tab, CR or LF;</li>
 * <li>spaces and tabs after the key are skipped; the value is the rest of the line up to the
 *     first CR or LF (so CRLF files work and a lone CR ends the line's content), with trailing
 *     spaces and tabs removed; a key alone has the empty value;</li>
 * <li>nothing is quote-aware: quotes and backslashes are ordinary characters;</li>
 * <li>a NUL character ends the line's content, as C strings do.</li>
 * </ul>
 * Files are read as ISO-8859-1, so every byte is one character and lookups compare bytes as
 * HAProxy does (header values reach vxlb the same way).
 * <p>
 * The lookup structures of each match kind are built on first use and kept with the contents
 * ({@link #index}), so every rule using the same file and match shares one.
 */
public final class MapFile {
    /** One {@code key value} line, with its 1-based line number. */
    public record Entry(String key, String value, int line) {
    }

    private final String path;
    private final List<Entry> entries;
    private final long version;
    private final ConcurrentHashMap<MapMatch, MapIndex> indexes = new ConcurrentHashMap<>();

    private MapFile(String path, List<Entry> entries, long version) {
        this.path = path;
        this.entries = entries;
        this.version = version;
    }

    /** Contents given as entries (e.g. after an update through the admin API). */
    public static MapFile of(String path, List<Entry> entries, long version) {
        return new MapFile(path, List.copyOf(entries), version);
    }

    /** Parses map text as HAProxy does; version 1. */
    public static MapFile parse(String path, String text) {
        return parse(path, text, 1);
    }

    public static MapFile parse(String path, String text, long version) {
        List<Entry> out = new ArrayList<>();
        int n = text.length();
        int lineStart = 0;
        int line = 0;
        while (lineStart < n) {
            int lineEnd = text.indexOf('\n', lineStart);
            int next = lineEnd < 0 ? n : lineEnd + 1;
            if (lineEnd < 0) {
                lineEnd = n;
            }
            line++;
            Entry e = parseLine(text, lineStart, lineEnd, line);
            if (e != null) {
                out.add(e);
            }
            lineStart = next;
        }
        return new MapFile(path, Collections.unmodifiableList(out), version);
    }

    /** One line of a map file (without its LF), or null when it holds no entry. */
    static Entry parseLine(String text, int from, int to, int line) {
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == '\0') {
                to = i;
                break;
            }
        }
        if (from < to && text.charAt(from) == '#') {
            return null;
        }
        int c = from;
        while (c < to && (text.charAt(c) == ' ' || text.charAt(c) == '\t')) {
            c++;
        }
        if (c == to || text.charAt(c) == '\r') {
            return null;
        }
        int keyBeg = c;
        while (c < to && !isBlank(text.charAt(c)) && text.charAt(c) != '\r') {
            c++;
        }
        int keyEnd = c;
        while (c < to && (text.charAt(c) == ' ' || text.charAt(c) == '\t')) {
            c++;
        }
        int valueBeg = c;
        while (c < to && text.charAt(c) != '\r') {
            c++;
        }
        int valueEnd = c;
        while (valueEnd > valueBeg && isBlank(text.charAt(valueEnd - 1))) {
            valueEnd--;
        }
        return new Entry(text.substring(keyBeg, keyEnd), text.substring(valueBeg, valueEnd), line);
    }

    /** One line of a map file, or null when it holds no entry (for callers that read lines). */
    public static Entry parseLine(String line, int lineNumber) {
        return parseLine(line, 0, line.length(), lineNumber);
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    /** Reads and parses a file; its path is the file's path as given. */
    public static MapFile load(Path file) throws IOException {
        return load(file.toString(), file, 1);
    }

    /** Reads {@code file} and records it under {@code path} (the name the configuration uses). */
    public static MapFile load(String path, Path file, long version) throws IOException {
        return parse(path, new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1), version);
    }

    /** The path as written in the configuration. */
    public String path() {
        return path;
    }

    public long version() {
        return version;
    }

    /** Entries in file order. */
    public List<Entry> entries() {
        return entries;
    }

    public int size() {
        return entries.size();
    }

    public List<String> keys() {
        List<String> out = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            out.add(e.key());
        }
        return out;
    }

    public List<String> values() {
        List<String> out = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            out.add(e.value());
        }
        return out;
    }

    /** The same contents under another version number. */
    public MapFile withVersion(long newVersion) {
        return new MapFile(path, entries, newVersion);
    }

    /**
     * The (case-sensitive) lookup structure of {@code match} over this file, built once. Throws
     * {@link IllegalArgumentException} naming the file and line of a key the match cannot use.
     */
    public MapIndex index(MapMatch match) {
        MapIndex idx = indexes.get(match);
        if (idx != null) {
            return idx;
        }
        try {
            idx = MapIndex.build(match, keys(), values(), false);
        } catch (MapKeyException e) {
            throw new IllegalArgumentException("map file '" + path + "' line " + entries.get(e.position()).line()
                    + ": " + e.getMessage() + " (for map_" + match.word() + ")", e);
        }
        MapIndex prev = indexes.putIfAbsent(match, idx);
        return prev != null ? prev : idx;
    }

    @Override
    public String toString() {
        return "MapFile[" + path + ", " + entries.size() + " entries, version " + version + "]";
    }
}
