package io.vxlb.rules;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HAProxy's variables (src/vars.c): the conditions of {@code set-var(NAME,COND...)}, and the
 * state "exists but unset" ({@link #UNSET}, HAProxy's SMP_T_ANY) that a proc variable named
 * anywhere in the configuration starts in, and that {@code unset-var} leaves a proc variable in.
 * Stores keep UNSET; {@link Txn#variable} never returns it.
 */
public final class Vars {
    private Vars() {}

    /** A variable that exists without a value. */
    public static final Object UNSET = new Object() {
        @Override
        public String toString() {
            return "<unset>";
        }
    };

    public static final int IFEXISTS = 1, IFNOTEXISTS = 2, IFEMPTY = 4, IFNOTEMPTY = 8, IFSET = 16, IFNOTSET = 32, IFGT = 64, IFLT = 128;

    private static final Map<String, Integer> CONDITIONS = Map.of("ifexists", IFEXISTS, "ifnotexists", IFNOTEXISTS,
            "ifempty", IFEMPTY, "ifnotempty", IFNOTEMPTY, "ifset", IFSET, "ifnotset", IFNOTSET, "ifgt", IFGT, "iflt", IFLT);

    /** The flags of condition words; -1 for an unknown word. */
    public static int conditions(List<String> words) {
        int f = 0;
        for (String w : words) {
            Integer c = CONDITIONS.get(w.trim());
            if (c == null) return -1;
            f |= c;
        }
        return f;
    }

    public static java.util.Set<String> conditionNames() {
        return CONDITIONS.keySet();
    }

    /** HAProxy's name of a stored value's type (smp_to_type). */
    public static String typeName(Object v) {
        if (v == UNSET) return "any";
        if (v instanceof Long) return "sint";
        if (v instanceof Boolean) return "bool";
        if (v instanceof byte[]) return "bin";
        if (v instanceof java.net.InetAddress a) return a instanceof java.net.Inet4Address ? "ipv4" : "ipv6";
        return "str";
    }

    /** A value as the CLI shows it: its text with non-printable bytes as '.'. */
    public static String printable(Object v) {
        if (v == UNSET) return "";
        byte[] b = v instanceof byte[] x ? x : String.valueOf(v instanceof Boolean t ? (t ? 1 : 0) : v).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        StringBuilder sb = new StringBuilder(b.length);
        for (byte x : b) sb.append(x >= 0x20 && x < 0x7f ? (char) x : '.');
        return sb.toString();
    }

    /** What a store gives back to a reader: null for an unset variable. */
    public static Object read(Object stored) {
        return stored == UNSET ? null : stored;
    }

    /** What a store keeps when {@link #decide} leaves the variable as it was. */
    public static final Object KEEP = new Object();

    /**
     * var_set(): what a variable holding {@code stored} (null: it does not exist, UNSET: exists
     * without a value) holds after setting {@code value} under {@code flags}: the new value, or
     * {@link #KEEP} (then nothing changes, except that a variable created by a failed scalar
     * ifempty exists unset, as in HAProxy).
     */
    public static Object decide(Object stored, Object value, int flags) {
        if (flags == 0) return value;
        boolean exists = stored != null;
        if (exists && (flags & IFNOTEXISTS) != 0) return KEEP;
        if (!exists && (flags & IFEXISTS) != 0) return KEEP;
        Object created = exists ? stored : UNSET;
        boolean unset = created == UNSET;
        if (((flags & IFSET) != 0 && unset) || ((flags & IFNOTSET) != 0 && !unset)) return exists ? KEEP : UNSET;
        boolean text = value instanceof String || value instanceof byte[];
        if ((flags & IFEMPTY) != 0 && !text) return exists ? KEEP : UNSET;  // a scalar sample is never empty
        if (value instanceof Long n && created instanceof Long old) {
            if (((flags & IFGT) != 0 && !(old > n)) || ((flags & IFLT) != 0 && !(old < n))) return exists ? KEEP : UNSET;
        }
        if (text) {
            boolean empty = value instanceof String s ? s.isEmpty() : ((byte[]) value).length == 0;
            if (((flags & IFNOTEMPTY) != 0 && empty) || ((flags & IFEMPTY) != 0 && !empty)) return exists ? KEEP : UNSET;
        }
        return value;
    }

    /** Sets {@code name} in {@code map} as var_set() does; a null value removes it (unset-var of a non-proc scope). */
    public static void set(Map<String, Object> map, String name, Object value, int flags) {
        if (value == null) {
            map.remove(name);
            return;
        }
        Object next = decide(map.get(name), value, flags);
        if (next != KEEP) map.put(name, next);
    }

    /**
     * The proc scope: one store per node, shared by every event loop (a rarely written map; the
     * reads are lock-free). Variables named in the configuration exist from the start.
     */
    public static final class Process {
        private final ConcurrentHashMap<String, Object> vars = new ConcurrentHashMap<>();

        public Object get(String name) {
            return read(vars.get(name));
        }

        /** The stored state: null (never named), UNSET, or the value. */
        public Object raw(String name) {
            return vars.get(name);
        }

        public void set(String name, Object value, int flags) {
            if (value == null) {  // unset-var: a proc variable stays, without a value
                vars.computeIfPresent(name, (k, v) -> UNSET);
                return;
            }
            vars.compute(name, (k, old) -> {
                Object next = decide(old, value, flags);
                return next == KEEP ? old : next;
            });
        }

        /** A name the configuration uses: it exists (unset) from now on. */
        public void declare(String name) {
            vars.putIfAbsent(name, UNSET);
        }

        public Map<String, Object> snapshot() {
            return Map.copyOf(vars);
        }
    }
}
