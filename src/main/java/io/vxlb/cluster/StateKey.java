package io.vxlb.cluster;

import io.vertx.core.json.JsonObject;

/**
 * What a shared-state entry is about, typed: the reloaded configuration, one map (by its path as
 * the configuration writes it), or one server's administrative state. Carried in messages as
 * JSON fields ({@code {"kind":"map","path":...}}), never parsed out of a string; {@link #id()} is
 * only the name under which the entry is stored, and a stored entry whose payload names another
 * key than the one it is stored under is refused. Names are checked here: no control characters,
 * bounded lengths; whether the configuration declares them is the replica's check.
 */
public sealed interface StateKey permits StateKey.ConfigKey, StateKey.MapKey, StateKey.ServerKey {
    int MAX_NAME = 4096;

    /** The storage name ("config", "map:PATH", "server:B/S"), also the name versions are reported under. */
    String id();

    JsonObject toJson();

    record ConfigKey() implements StateKey {
        public String id() {
            return "config";
        }

        public JsonObject toJson() {
            return new JsonObject().put("kind", "config");
        }
    }

    record MapKey(String path) implements StateKey {
        public MapKey {
            name(path, "map path");
        }

        public String id() {
            return "map:" + path;
        }

        public JsonObject toJson() {
            return new JsonObject().put("kind", "map").put("path", path);
        }
    }

    record ServerKey(String backend, String server) implements StateKey {
        public ServerKey {
            name(backend, "backend name");
            name(server, "server name");
            if (backend.indexOf('/') >= 0 || server.indexOf('/') >= 0) throw new IllegalArgumentException("a backend or server name has no '/'");
        }

        /** The "backend/server" key of the snapshot's server states. */
        public String serverKey() {
            return backend + "/" + server;
        }

        public String id() {
            return "server:" + serverKey();
        }

        public JsonObject toJson() {
            return new JsonObject().put("kind", "server").put("backend", backend).put("server", server);
        }
    }

    StateKey CONFIG = new ConfigKey();

    /** The typed key of a message or stored entry; IllegalArgumentException when it is not one. */
    static StateKey fromJson(Object o) {
        if (!(o instanceof JsonObject j)) throw new IllegalArgumentException("the key is not a JSON object");
        Object kind = j.getValue("kind");
        if ("config".equals(kind) && j.size() == 1) return CONFIG;
        if ("map".equals(kind) && j.size() == 2 && j.getValue("path") instanceof String p) return new MapKey(p);
        if ("server".equals(kind) && j.size() == 3 && j.getValue("backend") instanceof String b && j.getValue("server") instanceof String s) return new ServerKey(b, s);
        throw new IllegalArgumentException("unknown state key " + j.encode());
    }

    private static void name(String s, String what) {
        if (s == null || s.isEmpty()) throw new IllegalArgumentException("empty " + what);
        if (s.length() > MAX_NAME) throw new IllegalArgumentException(what + " over " + MAX_NAME + " characters");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < ' ' || c == 0x7f) throw new IllegalArgumentException(what + " with a control character");
        }
    }
}
