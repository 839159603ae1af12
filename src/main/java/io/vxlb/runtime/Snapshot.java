package io.vxlb.runtime;

import io.vxlb.config.Config;

import java.util.Map;

/**
 * Everything the request path reads, immutable and swapped whole on every change (config
 * reload, map update, server state change). A request reads it once and uses that copy to
 * its end, so a change never tears a request in half.
 */
public record Snapshot(long version, Config config, Map<String, CompiledFrontend> frontends,
                       Map<String, CompiledBackend> backends, Map<String, ServerState> states,
                       io.vxlb.stick.StickTables stickTables, io.vxlb.rules.Vars.Process procVars) {

    public ServerState state(ServerRuntime s) {
        ServerState st = states.get(s.key);
        return st != null ? st : DEFAULT_STATE;
    }

    static final ServerState DEFAULT_STATE = new ServerState(true, ServerState.Admin.READY, 1);

    /** HAProxy's nbsrv(): usable active servers, else usable backups (1 unless allbackups). */
    public int nbsrv(String backend) {
        CompiledBackend be = backends.get(backend);
        if (be == null) return 0;
        int active = 0, backup = 0;
        for (ServerRuntime s : be.servers()) {
            if (!state(s).usable()) continue;
            if (s.server.backup()) backup++;
            else active++;
        }
        if (active > 0) return active;
        if (backup == 0) return 0;
        return be.proxy().options().allbackups() ? backup : 1;
    }

    /**
     * {@code be_conn}: the streams a backend holds, at its servers and in its queues; -1 for no
     * such backend. (HAProxy also counts a stream from the moment the backend is chosen.)
     */
    public long beConn(String backend) {
        CompiledBackend be = backends.get(backend);
        if (be == null) return -1;
        long n = 0;
        RequestQueue bq = null;
        for (ServerRuntime s : be.servers()) {
            n += s.currentConnections.get() + (s.queue == null ? 0 : s.queue.length());
            if (s.backendQueue != null) bq = s.backendQueue;
        }
        return bq == null ? n : n + bq.length();
    }

    /** {@code srv_conn}: a server's current connections; -1 for no such server. */
    public long srvConn(String backend, String server) {
        CompiledBackend be = backends.get(backend);
        ServerRuntime s = be == null ? null : be.server(server);
        return s == null ? -1 : s.currentConnections.get();
    }

    /** HAProxy's srv_is_up(): not in maintenance and (no check or check says up). */
    public boolean srvIsUp(String backend, String server) {
        CompiledBackend be = backends.get(backend);
        if (be == null) return false;
        ServerRuntime s = be.server(server);
        return s != null && state(s).running();
    }
}
