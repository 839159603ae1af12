package io.vxlb.cluster;

import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The cluster secret: every state, health and acknowledgement message a node publishes, and
 * every value it stores in the cluster, is sealed as {@code {"p":"<payload JSON>","mac":"..."}}
 * where {@code mac} is HMAC-SHA256 over a purpose tag and the payload text. A node opens (checks)
 * what it receives before it looks at it: a message without a MAC, with a wrong one, or sealed
 * for another purpose (a health verdict replayed as a state change) is dropped. So a process that
 * joins Hazelcast without the secret can see the traffic (use event-bus TLS against that) but
 * cannot change what any node applies.
 *
 * <p>The secret is the content of a file (at least 16 bytes, blanks around it ignored), shared by
 * every node; {@link #load} creates a random one (0600) when the file does not exist.
 */
public final class ClusterSecret {
    /** Why a message was refused (for the log), or null when it was opened. */
    public record Opened(JsonObject payload, String refusal) {}

    public static final int MIN_BYTES = 16;
    private final SecretKeySpec key;
    /** The first bytes of SHA-256 of the secret: names the secret in logs without revealing it. */
    private final String fingerprint;

    private ClusterSecret(byte[] secret) {
        if (secret.length < MIN_BYTES) throw new IllegalArgumentException("the cluster secret must be at least " + MIN_BYTES + " bytes");
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        try {
            this.fingerprint = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret), 0, 4);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ClusterSecret of(byte[] secret) {
        return new ClusterSecret(secret.clone());
    }

    public static ClusterSecret of(String secret) {
        return new ClusterSecret(secret.strip().getBytes(StandardCharsets.UTF_8));
    }

    /** A secret known to this process only (a standalone node is a cluster of one). */
    public static ClusterSecret random() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return new ClusterSecret(b);
    }

    /** Reads the secret file; when it does not exist, creates it (0600, 32 random bytes as hex) and says so via {@code created}. */
    public static ClusterSecret load(Path file, java.util.function.Consumer<Path> created) throws IOException {
        if (!Files.exists(file)) {
            byte[] b = new byte[32];
            new SecureRandom().nextBytes(b);
            if (writeNew(file, HexFormat.of().formatHex(b) + "\n") && created != null) created.accept(file);
        }
        String text = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (text.length() < MIN_BYTES) throw new IOException("cluster secret file " + file + " holds fewer than " + MIN_BYTES + " bytes");
        return of(text);
    }

    /**
     * Writes a new private (0600) file with {@code text}, atomically: a temporary file hard-linked
     * to the name, so two processes starting at once never read a half-written file. Returns false
     * when the file appeared meanwhile (the other's wins).
     */
    public static boolean writeNew(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: the directory's protection applies
            }
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.createLink(file, tmp);
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            } catch (UnsupportedOperationException e) {
                Files.move(tmp, file);
                return true;
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public String fingerprint() {
        return fingerprint;
    }

    private byte[] mac(String purpose, String payload) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            m.update(purpose.getBytes(StandardCharsets.UTF_8));
            m.update((byte) 0);
            return m.doFinal(payload.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code {"p":payload,"mac":HMAC(purpose, payload)}}. */
    public JsonObject seal(String purpose, JsonObject payload) {
        String p = payload.encode();
        return new JsonObject().put("p", p).put("mac", Base64.getEncoder().encodeToString(mac(purpose, p)));
    }

    /** Checks a sealed message; the payload, or the reason it is refused. */
    public Opened open(String purpose, Object message) {
        if (!(message instanceof JsonObject m)) return new Opened(null, "not a JSON object");
        if (!(m.getValue("p") instanceof String p) || !(m.getValue("mac") instanceof String mac)) return new Opened(null, "unsigned (no MAC)");
        byte[] given;
        try {
            given = Base64.getDecoder().decode(mac);
        } catch (IllegalArgumentException e) {
            return new Opened(null, "malformed MAC");
        }
        if (!MessageDigest.isEqual(given, mac(purpose, p))) return new Opened(null, "wrong MAC (not sealed with this cluster's secret, or for another purpose)");
        try {
            return new Opened(new JsonObject(p), null);
        } catch (RuntimeException e) {
            return new Opened(null, "malformed payload");
        }
    }

    /** Opens a sealed value stored as text (the cluster maps hold strings). */
    public Opened open(String purpose, String stored) {
        try {
            return open(purpose, (Object) new JsonObject(stored));
        } catch (RuntimeException e) {
            return new Opened(null, "not JSON");
        }
    }

    @Override
    public String toString() {  // never the secret
        return "ClusterSecret[" + fingerprint + "]";
    }
}
