package io.vxlb.admin.cli;

import io.vxlb.config.ConfigParser;
import io.vxlb.config.ParseResult;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pure parts of the runtime API: command words, CSV round trip and cluster sums, stats socket lines. */
class CliWordsAndTablesTest {
    @Test
    void wordsSplitOnBlanksAndBackslashEscapes() {
        assertArrayEquals(new String[] {"add", "acl", "/f.acl", "Mon User Agent;"}, CliSession.words("add acl /f.acl Mon\\ User\\ Agent\\;"));
        assertArrayEquals(new String[] {"show", "stat"}, CliSession.words("  show\tstat  "));
        assertArrayEquals(new String[] {"a\\b"}, CliSession.words("a\\\\b"));
        assertArrayEquals(new String[0], CliSession.words("   "));
    }

    private static String row(String px, String sv, String type, String status, String stot) {
        String[] v = new String[StatsTable.COLUMNS.size()];
        java.util.Arrays.fill(v, "");
        v[0] = px;
        v[1] = sv;
        v[StatsTable.COLUMNS.indexOf("type")] = type;
        v[StatsTable.COLUMNS.indexOf("status")] = status;
        v[StatsTable.COLUMNS.indexOf("stot")] = stot;
        v[StatsTable.COLUMNS.indexOf("lastchg")] = stot;
        return String.join(",", v) + ",\n";
    }

    @Test
    void clusterSumsCountersAndKeepsAgreedWords() {
        StatsTable a = StatsTable.parseCsv("# header\n" + row("be", "s1", "2", "UP", "3") + row("be", "BACKEND", "1", "UP", "5"));
        StatsTable b = StatsTable.parseCsv("# header\n" + row("be", "s1", "2", "DOWN", "4") + row("be", "BACKEND", "1", "UP", "6"));
        StatsTable sum = StatsTable.sum(List.of(a, b));
        assertEquals(7, sum.find("be", "s1").number("stot"));
        assertEquals("MIXED", sum.find("be", "s1").get("status"));
        assertEquals("UP", sum.find("be", "BACKEND").get("status"));
        assertEquals(11, sum.find("be", "BACKEND").number("stot"));
        assertEquals("5", sum.find("be", "BACKEND").get("lastchg"), "seconds since a change: the most recent one");
        // the CSV goes through parse unchanged
        assertEquals(a.csv(), StatsTable.parseCsv(a.csv()).csv());
        assertTrue(a.csv().startsWith("# pxname,svname,qcur,"));
    }

    @Test
    void aFileThatIsNotASocketIsNeverReplaced() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("vxlb-sock");
        try {
            java.nio.file.Path file = dir.resolve("admin.sock");
            java.nio.file.Files.writeString(file, "precious");
            java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> CliVerticle.removeStaleSocket(file));
            assertTrue(e.getMessage().contains("is not a socket"), e.getMessage());
            assertEquals("precious", java.nio.file.Files.readString(file));
            CliVerticle.removeStaleSocket(dir.resolve("absent.sock"));  // nothing there: nothing to do
            assertEquals("rw-r-----", java.nio.file.attribute.PosixFilePermissions.toString(CliVerticle.permissions(0640)));
        } finally {
            io.vxlb.testing.Ports.deleteTree(dir);
        }
    }

    @Test
    void statsSocketLinesAreCheckedWithFileAndLine() {
        ParseResult ok = new ConfigParser().parse("t.cfg", "global\n    stats socket /run/x.sock mode 660 level operator expose-fd listeners\n"
                + "    stats socket ipv4@127.0.0.1:9999 level user\n");
        assertTrue(ok.ok(), () -> ok.diagnostics().toString());
        var s = ok.config().global().statsSockets();
        assertEquals("/run/x.sock", s.get(0).path());
        assertEquals(0660, s.get(0).mode());
        assertEquals("operator", s.get(0).level());
        assertEquals("127.0.0.1", s.get(1).host());
        assertEquals(9999, s.get(1).port());
        for (String[] bad : new String[][] {
                {"stats socket /x.sock level root", "'level' only supports 'user', 'operator', and 'admin'"},
                {"stats socket /x.sock mode rw", "'mode' expects an octal permission"},
                {"stats socket 127.0.0.1", "expects a unix socket path or host:port"},
                {"stats socket /x.sock bogus 1", "stats socket option 'bogus' is not supported by vxlb"}}) {
            ParseResult r = new ConfigParser().parse("t.cfg", "global\n    " + bad[0] + "\n");
            assertFalse(r.ok(), bad[0]);
            String msg = r.diagnostics().toString();
            assertTrue(msg.contains(bad[1]) && msg.contains("t.cfg:2"), msg);
        }
    }
}
