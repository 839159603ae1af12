package io.vxlb.admin;

import io.vxlb.cluster.ClusterSecret;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The admin API's bearer token file: read when it exists, else made (32 random bytes as hex,
 * mode 0600) and reported once, so the API needs a token from the first start on, loopback
 * included. Default place: {@code ~/.vxlb/admin-token}.
 */
public final class AdminToken {
    private AdminToken() {}

    public static Path defaultFile() {
        return Path.of(System.getProperty("user.home"), ".vxlb", "admin-token");
    }

    /** The token in {@code file}; {@code created} is told when this call made the file. */
    public static String load(Path file, java.util.function.Consumer<String> created) throws IOException {
        if (!Files.exists(file)) {
            byte[] b = new byte[32];
            new SecureRandom().nextBytes(b);
            String token = HexFormat.of().formatHex(b);
            if (ClusterSecret.writeNew(file, token + "\n") && created != null) created.accept(token);
        }
        String t = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (t.length() < 16) throw new IOException("admin token file " + file + " holds fewer than 16 characters");
        return t;
    }
}
