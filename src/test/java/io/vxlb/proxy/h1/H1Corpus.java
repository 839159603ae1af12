package io.vxlb.proxy.h1;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The raw-request corpus of {@code src/test/resources/h1/corpus} (format in {@code h1/README.md}):
 * one case per {@code NNN-name.req} file, {@code #} lines are comments, the first one
 * {@code CLASS: what the case is}, {@code # @key value} lines are metadata, the rest is the
 * request's bytes with escapes; real newlines are ignored.
 */
final class H1Corpus {
    private H1Corpus() {}

    /** One raw request. {@code requests}: how many complete requests the client sends (default 1). */
    record Case(String id, String clazz, String description, List<String> notes, byte[] bytes, Map<String, String> meta) {
        int requests() {
            return Integer.parseInt(meta.getOrDefault("requests", "1"));
        }

        boolean halfClose() {
            return meta.containsKey("half-close");
        }

        /** {@code @compare client}: what the backend saw depends on timing; only the client's side is compared. */
        boolean clientOnly() {
            return "client".equals(meta.get("compare"));
        }

        /** {@code @unstable}: HAProxy's answer varies between runs; the recording keeps every answer seen. */
        boolean unstable() {
            return meta.containsKey("unstable");
        }
    }

    /** The corpus folder: the source tree's when the build runs in the project, else the test classpath's. */
    static Path folder() {
        Path src = Path.of("src/test/resources/h1/corpus");
        if (Files.isDirectory(src)) return src;
        URL u = H1Corpus.class.getResource("/h1/corpus");
        if (u == null) throw new IllegalStateException("no h1/corpus on the test classpath");
        try {
            return Path.of(u.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path resource(String name) {
        Path src = Path.of("src/test/resources/h1").resolve(name);
        if (Files.exists(src)) return src;
        URL u = H1Corpus.class.getResource("/h1/" + name);
        if (u == null) return src;
        try {
            return Path.of(u.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Case> load() throws IOException {
        return load(folder());
    }

    static List<Case> load(Path dir) throws IOException {
        List<Case> cases = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".req")).sorted().toList()) {
                cases.add(parse(p.getFileName().toString().replaceFirst("\\.req$", ""),
                        new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1)));
            }
        }
        return cases;
    }

    static Case parse(String id, String text) {
        String clazz = null;
        String description = "";
        List<String> notes = new ArrayList<>();
        Map<String, String> meta = new LinkedHashMap<>();
        StringBuilder raw = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (line.endsWith("\r")) line = line.substring(0, line.length() - 1);
            if (line.startsWith("#")) {
                String c = line.substring(1).trim();
                if (c.startsWith("@")) {
                    int sp = c.indexOf(' ');
                    meta.put(sp < 0 ? c.substring(1) : c.substring(1, sp), sp < 0 ? "" : c.substring(sp + 1).trim());
                } else if (clazz == null) {
                    int colon = c.indexOf(':');
                    if (colon <= 0) throw new IllegalArgumentException(id + ": first comment must be 'CLASS: description'");
                    clazz = c.substring(0, colon).trim();
                    description = c.substring(colon + 1).trim();
                } else {
                    notes.add(c);
                }
                continue;
            }
            raw.append(line);
        }
        if (clazz == null) throw new IllegalArgumentException(id + ": no 'CLASS: description' comment");
        return new Case(id, clazz, description, notes, decode(raw.toString()), meta);
    }

    /** {@code \r \n \t \0 \\ \xHH}; every other character is its ISO-8859-1 byte. */
    static byte[] decode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                out.write(c);
                continue;
            }
            if (++i >= s.length()) throw new IllegalArgumentException("dangling backslash");
            char e = s.charAt(i);
            switch (e) {
                case 'r' -> out.write('\r');
                case 'n' -> out.write('\n');
                case 't' -> out.write('\t');
                case '0' -> out.write(0);
                case '\\' -> out.write('\\');
                case 'x' -> {
                    out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                default -> throw new IllegalArgumentException("unknown escape \\" + e);
            }
        }
        return out.toByteArray();
    }

    /** The inverse of {@link #decode}: printable ASCII as is, the rest escaped; one line. */
    static String escape(byte[] b, int off, int len) {
        StringBuilder sb = new StringBuilder(len + 16);
        for (int i = off; i < off + len; i++) {
            int c = b[i] & 0xff;
            switch (c) {
                case '\r' -> sb.append("\\r");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case 0 -> sb.append("\\0");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20 || c >= 0x7f) sb.append(String.format("\\x%02x", c));
                    else sb.append((char) c);
                }
            }
        }
        return sb.toString();
    }

    static String escape(byte[] b) {
        return escape(b, 0, b.length);
    }

    static String escape(String s) {
        return escape(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Short digest for long values: the first 8 hex digits of SHA-256. */
    static String hash(byte[] b) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(b);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 4; i++) sb.append(String.format("%02x", d[i]));
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
