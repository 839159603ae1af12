package io.vxlb.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FilePolicyTest {
    @TempDir
    Path dir;

    @Test
    void sizeTypeDirectoryAndNamedFiles() throws Exception {
        Path maps = Files.createDirectories(dir.resolve("maps"));
        Path small = Files.writeString(maps.resolve("a.map"), "k v\n");
        Path big = maps.resolve("big.map");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(2048);  // sparse: no disk used
        }
        Path named = Files.writeString(dir.resolve("named.map"), "k v\n");
        FilePolicy p = FilePolicy.restricted(List.of(maps), List.of(named), 1024);
        assertEquals(small.toRealPath(), p.readable(small.toString(), "map file"));
        assertEquals(named.toRealPath(), p.readable(named.toString(), "map file"));
        assertTrue(assertThrows(FilePolicy.Refused.class, () -> p.readable(big.toString(), "map file")).getMessage().contains("over 1024 bytes"));
        assertTrue(assertThrows(FilePolicy.Refused.class, () -> p.readable(dir.resolve("other").toString(), "map file")).getMessage().contains("does not exist"));
        assertTrue(assertThrows(FilePolicy.Refused.class, () -> p.readable(maps.toString(), "map file")).getMessage().contains("outside"));
        // a device, even inside an allowed directory, is not a regular file
        FilePolicy dev = FilePolicy.restricted(List.of(Path.of("/dev")), List.of(), 1024);
        assertTrue(assertThrows(FilePolicy.Refused.class, () -> dev.readable("/dev/zero", "map file")).getMessage().contains("not a regular file"));
        // writable: a new file in an allowed directory yes, elsewhere or in a missing directory no
        assertEquals(maps.toRealPath().resolve("new.map"), p.writable(maps.resolve("new.map").toString(), "dynamic-update file"));
        assertThrows(FilePolicy.Refused.class, () -> p.writable(dir.resolve("new.map").toString(), "dynamic-update file"));
        assertThrows(FilePolicy.Refused.class, () -> p.writable(maps.resolve("sub/new.map").toString(), "dynamic-update file"));
        // a certificate the node's configuration names is allowed as a certificate, never as a map or a body
        Path pem = Files.writeString(dir.resolve("site.pem"), "-----BEGIN PRIVATE KEY-----\n");
        FilePolicy withCert = FilePolicy.restricted(List.of(maps), List.of(), List.of(pem), 1024);
        withCert.readableFileOrDir(pem.toString(), "certificate");
        assertThrows(FilePolicy.Refused.class, () -> withCert.readable(pem.toString(), "map file"));
        // the open policy (the operator's own files) allows anything
        assertEquals(Path.of("/etc/hostname"), FilePolicy.OPEN.readable("/etc/hostname", "file"));
    }
}
