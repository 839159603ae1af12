package io.vxlb.health;

import io.vxlb.config.Config;
import io.vxlb.config.Proxy;
import io.vxlb.config.Server;
import io.vxlb.runtime.ServerState;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pure functions a node uses to fold {@link HealthEvent}s into the "backend/server" state map
 * its {@link io.vxlb.runtime.Snapshot} is built from: only {@code up} changes; the admin state
 * (maintenance, drain) and the weight are the operator's and stay as they are.
 */
public final class HealthStates {
    private HealthStates() {}

    /** Sets the event's server up/down. Returns {@code current} itself when nothing changes. */
    public static Map<String, ServerState> apply(Map<String, ServerState> current, HealthEvent e) {
        return set(current, List.of(e.key()), e.up());
    }

    /**
     * Same, and also for every server that tracks it, directly or through a chain
     * ({@code track BACKEND/SERVER}), as HAProxy propagates a tracked server's state.
     */
    public static Map<String, ServerState> apply(Config config, Map<String, ServerState> current, HealthEvent e) {
        List<String> keys = new ArrayList<>();
        keys.add(e.key());
        keys.addAll(trackers(config).getOrDefault(e.key(), List.of()));
        return set(current, keys, e.up());
    }

    /** For each tracked "backend/server", all servers mirroring it (transitively), nearest first. */
    public static Map<String, List<String>> trackers(Config config) {
        Map<String, List<String>> direct = new HashMap<>();
        for (Proxy p : config.backends()) {
            for (Server s : p.servers()) {
                if (!s.tracks()) continue;
                String target = (s.trackBackend() != null ? s.trackBackend() : p.name()) + "/" + s.trackServer();
                direct.computeIfAbsent(target, k -> new ArrayList<>()).add(p.name() + "/" + s.name());
            }
        }
        Map<String, List<String>> all = new HashMap<>();
        for (String target : direct.keySet()) {
            List<String> out = new ArrayList<>();
            List<String> queue = new ArrayList<>(direct.get(target));
            while (!queue.isEmpty()) {
                String k = queue.remove(0);
                if (out.contains(k) || k.equals(target)) continue;
                out.add(k);
                queue.addAll(direct.getOrDefault(k, List.of()));
            }
            all.put(target, List.copyOf(out));
        }
        return all;
    }

    private static Map<String, ServerState> set(Map<String, ServerState> current, List<String> keys, boolean up) {
        Map<String, ServerState> next = null;
        for (String k : keys) {
            ServerState old = current.get(k);
            if (old != null && old.up() == up) continue;
            if (next == null) next = new HashMap<>(current);
            next.put(k, old != null ? new ServerState(up, old.admin(), old.weight()) : new ServerState(up, ServerState.Admin.READY, 1));
        }
        return next == null ? current : Map.copyOf(next);
    }
}
