package io.vxlb.proxy;

import io.vxlb.runtime.CompiledBackend;
import io.vxlb.runtime.ServerRuntime;
import io.vxlb.runtime.Snapshot;
import io.vxlb.stick.StickPersistence;

import java.util.List;

/** A backend's servers as stick persistence sees them: by HAProxy's server id (vxlb-stick). */
final class StickServers implements StickPersistence.Servers<ServerRuntime> {
    private final Snapshot snapshot;
    private final CompiledBackend backend;

    StickServers(Snapshot snapshot, CompiledBackend backend) {
        this.snapshot = snapshot;
        this.backend = backend;
    }

    /** HAProxy numbers servers without an explicit id from 1 in declaration order. */
    @Override
    public long id(ServerRuntime s) {
        if (s.server.id() > 0) return s.server.id();
        List<ServerRuntime> all = backend.servers();
        return all.indexOf(s) + 1;
    }

    @Override
    public ServerRuntime byId(long id) {
        List<ServerRuntime> all = backend.servers();
        for (int i = 0; i < all.size(); i++) {
            ServerRuntime s = all.get(i);
            long sid = s.server.id() > 0 ? s.server.id() : i + 1;
            if (sid == id) return s;
        }
        return null;
    }

    @Override
    public boolean usable(ServerRuntime s) {
        return snapshot.state(s).running();
    }

    @Override
    public String name(ServerRuntime s) {
        return s.server.name();
    }

    static long parseLength(String cl) {
        try {
            return Math.max(0, Long.parseLong(cl.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
