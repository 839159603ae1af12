package io.vxlb.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.io.FileNotFoundException;
import java.nio.file.Path;

/**
 * Starts a clustered Vert.x on Hazelcast. The Hazelcast configuration is, in order: the file
 * given ({@code --cluster-config}), the {@code vertx.hazelcast.config} system property, the
 * {@code cluster.xml} packed in the jar (TCP-IP join on 127.0.0.1). The event bus listens on
 * the address Hazelcast binds (its {@code <interfaces>}), so one file decides both.
 */
public final class ClusterBootstrap {
    /** Held so the level sticks: Hazelcast's INFO start-up banner and member lists are noise in a proxy's log. */
    private static final java.util.logging.Logger HAZELCAST_LOG = java.util.logging.Logger.getLogger("com.hazelcast");
    /**
     * vertx-hazelcast's cluster lock is a plain Hazelcast map entry (no CP group is configured):
     * it serialises admin writes within one side of a split only; majority writes and
     * reconciliation after a heal are vxlb's (see SharedState). Hazelcast's warning about CP
     * structures in "unsafe" mode is not actionable here, so it is silenced. Documented in the README.
     */
    private static final java.util.logging.Logger CP_LOG = java.util.logging.Logger.getLogger("com.hazelcast.cp.CPSubsystem");

    private ClusterBootstrap() {}

    /** Hazelcast logs warnings and errors only, unless {@code -Dvxlb.hazelcast.log=INFO} (any JUL level). */
    static void quietHazelcast() {
        String level = System.getProperty("vxlb.hazelcast.log", "WARNING");
        try {
            HAZELCAST_LOG.setLevel(java.util.logging.Level.parse(level));
        } catch (IllegalArgumentException e) {
            HAZELCAST_LOG.setLevel(java.util.logging.Level.WARNING);
        }
        CP_LOG.setLevel(java.util.logging.Level.SEVERE);
    }

    /** The Hazelcast configuration to use; {@code clusterName} (tests) overrides the file's. */
    public static Config hazelcastConfig(Path file, String clusterName) {
        Config c;
        if (file != null) {
            try {
                c = new FileSystemXmlConfig(file.toFile());
            } catch (FileNotFoundException e) {
                throw new IllegalArgumentException("cluster configuration " + file + " not found");
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("cluster configuration " + file + " is invalid: " + e.getMessage(), e);
            }
        } else {
            c = ConfigUtil.loadConfig();
        }
        if (clusterName != null) c.setClusterName(clusterName);
        return c;
    }

    /**
     * The event bus over mutual TLS: this node's PEM certificate and key, and the CA (PEM) every
     * node's certificate must be signed by; a process without such a certificate cannot open an
     * event-bus connection to this node, nor accept one from it.
     */
    public static VertxOptions eventBusTls(VertxOptions options, String cert, String key, String ca) {
        options.getEventBusOptions().setSsl(true)
                .setKeyCertOptions(new io.vertx.core.net.PemKeyCertOptions().setCertPath(cert).setKeyPath(key))
                .setTrustOptions(new io.vertx.core.net.PemTrustOptions().addCertPath(ca))
                .setClientAuth(io.vertx.core.http.ClientAuth.REQUIRED);
        return options;
    }

    public static Future<Vertx> start(VertxOptions options, Config hazelcast) {
        quietHazelcast();
        return Vertx.builder().with(options).withClusterManager(new HazelcastClusterManager(hazelcast)).buildClustered();
    }
}
