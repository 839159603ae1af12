package io.vxlb.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vxlb.cluster.SharedState.Rejected;
import io.vxlb.maps.MapFile;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The map operations of HAProxy's runtime API ({@code add map}, {@code set map}, {@code del map},
 * {@code clear map}, {@code prepare/commit map}) as pure functions over a map's entries, stored
 * as {@code {"entries":[["key","value"],...]}}. Input that a map file cannot hold is rejected
 * (400) before anything is written: a key is one word (no blank, no control character, not
 * starting with '#'), a value is one line without control characters (tabs allowed). Every node
 * checks the entries of a change again before it applies it.
 */
public final class MapEdits {
    static final int MAX_KEY = 4096, MAX_VALUE = 65536;

    private MapEdits() {}

    public static JsonArray toJson(List<MapFile.Entry> entries) {
        JsonArray a = new JsonArray();
        for (MapFile.Entry e : entries) a.add(new JsonArray().add(e.key()).add(e.value()));
        return a;
    }

    public static void checkKey(String key) {
        if (key == null || key.isEmpty()) throw new Rejected(400, "a map key must not be empty");
        if (key.length() > MAX_KEY) throw new Rejected(400, "a map key is limited to " + MAX_KEY + " characters");
        if (key.charAt(0) == '#') throw new Rejected(400, "a map key must not start with '#' (the map file would read a comment)");
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c <= ' ' || c == 0x7f) throw new Rejected(400, "a map key must not contain spaces or control characters (character " + i + ")");
            if (c > 0xff) throw new Rejected(400, "a map key must be ISO-8859-1 (map files are bytes)");
        }
    }

    public static void checkValue(String value) {
        if (value == null) throw new Rejected(400, "missing \"value\"");
        if (value.length() > MAX_VALUE) throw new Rejected(400, "a map value is limited to " + MAX_VALUE + " characters");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\n' || c == '\r' || c == 0) throw new Rejected(400, "a map value must be one line (no CR, LF or NUL)");
            if ((c < ' ' && c != '\t') || c == 0x7f) throw new Rejected(400, "a map value must not contain control characters (character " + i + ")");
            if (c > 0xff) throw new Rejected(400, "a map value must be ISO-8859-1 (map files are bytes)");
        }
        if (!value.isEmpty() && (blank(value.charAt(0)) || blank(value.charAt(value.length() - 1)))) {
            throw new Rejected(400, "a map value must not start or end with blanks (the map file would drop them)");
        }
    }

    private static boolean blank(char c) {
        return c == ' ' || c == '\t';
    }

    /** {@code set}: replaces the value of every entry with the key, or appends one. */
    public static JsonArray set(JsonArray entries, String key, String value) {
        checkKey(key);
        checkValue(value);
        JsonArray out = new JsonArray();
        boolean found = false;
        for (int i = 0; i < entries.size(); i++) {
            JsonArray kv = entries.getJsonArray(i);
            if (kv.getString(0).equals(key)) {
                out.add(new JsonArray().add(key).add(value));
                found = true;
            } else {
                out.add(kv);
            }
        }
        if (!found) out.add(new JsonArray().add(key).add(value));
        return out;
    }

    /** {@code add}: appends a new key; 409 when the key exists (use set to change it). */
    public static JsonArray add(JsonArray entries, String key, String value) {
        checkKey(key);
        checkValue(value);
        if (indexOf(entries, key) >= 0) throw new Rejected(409, "key '" + key + "' already exists (PUT .../entries/KEY changes it)");
        return entries.copy().add(new JsonArray().add(key).add(value));
    }

    /** {@code del}: removes every entry with the key; 404 when there is none. */
    public static JsonArray delete(JsonArray entries, String key) {
        JsonArray out = new JsonArray();
        for (int i = 0; i < entries.size(); i++) {
            JsonArray kv = entries.getJsonArray(i);
            if (!kv.getString(0).equals(key)) out.add(kv);
        }
        if (out.size() == entries.size()) throw new Rejected(404, "no key '" + key + "' in this map");
        return out;
    }

    static int indexOf(JsonArray entries, String key) {
        for (int i = 0; i < entries.size(); i++) if (entries.getJsonArray(i).getString(0).equals(key)) return i;
        return -1;
    }

    /**
     * A whole map from a JSON request body: {@code {"entries":[["k","v"],...]}},
     * {@code {"entries":{"k":"v",...}}} or {@code {"text":"<map-file text>"}}. Every entry is
     * checked; duplicates in JSON entries are refused (a map file may hold them, a replace should
     * not create them).
     */
    public static JsonArray parseWhole(String body) {
        JsonArray out = new JsonArray();
        JsonObject j0 = json(body);
        if (j0.getValue("text") instanceof String text && !j0.containsKey("entries")) {
            for (MapFile.Entry e : MapFile.parse("body", text).entries()) {
                checkKey(e.key());
                checkValue(e.value());
                out.add(new JsonArray().add(e.key()).add(e.value()));
            }
            return out;
        }
        JsonObject j = j0;
        Object entries = j.getValue("entries");
        Set<String> seen = new LinkedHashSet<>();
        List<String[]> pairs = new ArrayList<>();
        if (entries instanceof JsonObject o) {
            for (var e : o) {
                if (!(e.getValue() instanceof String v)) throw new Rejected(400, "the value of '" + e.getKey() + "' must be a string");
                pairs.add(new String[] {e.getKey(), v});
            }
        } else if (entries instanceof JsonArray a) {
            for (int i = 0; i < a.size(); i++) {
                if (!(a.getValue(i) instanceof JsonArray kv) || kv.size() != 2 || !(kv.getValue(0) instanceof String) || !(kv.getValue(1) instanceof String)) {
                    throw new Rejected(400, "entry " + i + " must be [\"key\", \"value\"]");
                }
                pairs.add(new String[] {kv.getString(0), kv.getString(1)});
            }
        } else {
            throw new Rejected(400, "the body needs \"entries\": an object or an array of [key, value] (or {\"text\": map-file text})");
        }
        for (String[] p : pairs) {
            checkKey(p[0]);
            checkValue(p[1]);
            if (!seen.add(p[0])) throw new Rejected(400, "key '" + p[0] + "' appears twice");
            out.add(new JsonArray().add(p[0]).add(p[1]));
        }
        return out;
    }

    /** Parses a JSON object body; 400 with the parser's reason otherwise. */
    public static JsonObject json(String body) {
        if (body == null || body.isBlank()) throw new Rejected(400, "a JSON object body is required");
        try {
            return new JsonObject(body);
        } catch (RuntimeException e) {
            throw new Rejected(400, "malformed JSON: " + e.getMessage());
        }
    }
}
