package io.vxlb;

import java.io.InputStream;
import java.util.Properties;

/** Version strings: vxlb's from the jar manifest, Vert.x's from its Maven metadata. */
final class Version {
    private Version() {}

    static String get() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }

    static String vertx() {
        try (InputStream in = Main.class.getResourceAsStream("/META-INF/maven/io.vertx/vertx-core/pom.properties")) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (Exception e) {
            return "unknown";
        }
    }
}
