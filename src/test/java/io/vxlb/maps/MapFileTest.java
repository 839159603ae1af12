package io.vxlb.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Map file parsing as HAProxy 2.6's pat_ref_read_from_file_smp does it. */
class MapFileTest {

    private static List<String> pairs(String text) {
        return MapFile.parse("t.map", text).entries().stream().map(e -> e.key() + "=" + e.value()).toList();
    }

    @Test
    void keyAndValue() {
        assertEquals(List.of("a=b", "c=d e  f"), pairs("a b\nc   d e  f\n"));
    }

    @Test
    void commentsOnlyInTheFirstColumn() {
        assertEquals(List.of("#not=a comment", "k=v #kept"), pairs("# comment\n  #not a comment\nk v #kept\n#x y\n"));
    }

    @Test
    void blankLinesAndBlankOnlyLines() {
        assertEquals(List.of("a=1", "b=2"), pairs("\n   \n\t\na 1\n\r\n \t \r\nb 2"));
    }

    @Test
    void tabsAndTrailingBlanks() {
        assertEquals(List.of("a=1", "b=two words", "c=x"), pairs("\ta\t1\t \nb \t two words \t\n  c x   \n"));
    }

    @Test
    void keyWithoutValue() {
        assertEquals(List.of("alone=", "also="), pairs("alone\nalso   \t\n"));
    }

    @Test
    void crlfAndLoneCr() {
        assertEquals(List.of("a=1", "b=", "c=3"), pairs("a 1\r\nb\r\nc 3\rignored after CR\r\n"));
    }

    @Test
    void notQuoteAware() {
        assertEquals(List.of("\"a=\"b c\"", "'x'=\\y"), pairs("\"a \"b c\"\n'x' \\y\n"));
    }

    @Test
    void nulEndsTheLine() {
        assertEquals(List.of("a=1", "b=2"), pairs("a 1\0junk\nb 2\n"));
    }

    @Test
    void lineNumbersAndOrder() {
        MapFile f = MapFile.parse("t.map", "# head\n\nz 1\na 2\nz 3\n");
        assertEquals(List.of(3, 4, 5), f.entries().stream().map(MapFile.Entry::line).toList());
        assertEquals(List.of("z", "a", "z"), f.keys());
        assertEquals(List.of("1", "2", "3"), f.values());
        assertEquals(1, f.version());
        assertEquals(7, f.withVersion(7).version());
        assertEquals(0, MapFile.parse("e.map", "").size());
    }

    @Test
    void seedMap() throws IOException {
        MapFile f = MapFile.load(Path.of("src/test/resources/maps/hosts.map"));
        assertEquals(5, f.size());
        assertEquals("bk_app1", f.index(MapMatch.DOM).lookup("app1.example.com"));
        assertEquals("bk_missing", f.index(MapMatch.STR).lookup("ghost.example.com"));
        assertSame(f.index(MapMatch.DOM), f.index(MapMatch.DOM)); // built once
    }

    @Test
    void bytesAreKeptOneCharacterPerByte(@TempDir Path dir) throws IOException {
        Path p = dir.resolve("utf8.map");
        Files.write(p, "caf\u00e9 v\n".getBytes(StandardCharsets.UTF_8));
        MapFile f = MapFile.load(p);
        assertEquals("caf\u00c3\u00a9", f.keys().get(0)); // as Netty hands header bytes over
    }

    @Test
    void badKeysNameFileAndLine() {
        MapFile f = MapFile.parse("ports.map", "80 a\nhttp b\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.index(MapMatch.INT));
        assertTrue(e.getMessage().contains("ports.map") && e.getMessage().contains("line 2"), e.getMessage());
        MapFile ips = MapFile.parse("ips.map", "10.0.0.0/8 a\n\n10.12 b\n"); // no abbreviations in maps
        e = assertThrows(IllegalArgumentException.class, () -> ips.index(MapMatch.IP));
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
        MapFile regs = MapFile.parse("r.map", "(a x\n");
        assertThrows(IllegalArgumentException.class, () -> regs.index(MapMatch.REG));
    }

    @Test
    void fileMapSourceResolvesAndCaches(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("m.map"), "k v\n");
        FileMapSource src = new FileMapSource(dir);
        MapFile a = src.get("m.map");
        Files.writeString(dir.resolve("m.map"), "k changed\n");
        assertSame(a, src.get("m.map")); // cached per path
        src.invalidate("m.map");
        assertEquals("changed", src.get("m.map").values().get(0));
        src.put(MapFile.parse("m.map", "k put\n", 5));
        assertEquals(5, src.get("m.map").version());
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> src.get("absent.map"));
        assertTrue(e.getMessage().contains("absent.map"), e.getMessage());
    }
}
