package io.vxlb;

import io.vxlb.cluster.StateReplica;
import io.vxlb.config.Bind;
import io.vxlb.config.Config;
import io.vxlb.config.FilePolicy;
import io.vxlb.config.LogTarget;
import io.vxlb.config.Proxy;
import io.vxlb.proxy.BindCertificates;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * What {@code -c} checks beyond parsing: everything start-up builds from the configuration
 * before it listens, built the same way and thrown away — the snapshot (every ACL, fetch,
 * converter, map, pattern file, return body, error file, server TLS context), the certificates
 * of every {@code bind ... ssl} line, and the log targets. So a configuration {@code -c} accepts
 * starts, and one that cannot start fails {@code -c} with the same message.
 */
final class ConfigCheck {
    private ConfigCheck() {}

    /** One message per problem; empty when start-up would accept the configuration. */
    static List<String> problems(Config config) {
        List<String> out = new ArrayList<>();
        try {
            StateReplica.trialCompile(config, FilePolicy.OPEN, new HashSet<>());
        } catch (RuntimeException e) {
            out.add(message(e));
        }
        for (Proxy p : config.proxies()) {
            for (Bind b : p.binds()) {
                if (!b.ssl()) continue;
                try {
                    BindCertificates.of(b).check(b);
                } catch (Exception e) {
                    out.add("[" + p.kind().word() + " " + p.name() + "] bind " + b.listenHost() + ":" + b.port() + ": " + message(e));
                }
            }
        }
        out.addAll(io.vxlb.admin.cli.CliVerticle.problems(config));  // stats socket paths (runtime API)
        List<LogTarget> logs = new ArrayList<>(config.global().logs());
        for (Proxy p : config.proxies()) logs.addAll(p.logs());
        for (LogTarget t : logs) {
            if (t.unixPath() != null && !io.netty.channel.epoll.Epoll.isAvailable()) {
                out.add(t.location() + ": log " + t.address() + ": unix datagram sockets need Netty's epoll transport (Linux)");
            }
        }
        return out;
    }

    private static String message(Throwable e) {
        Throwable t = e;
        while (t.getMessage() == null && t.getCause() != null) t = t.getCause();
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }
}
