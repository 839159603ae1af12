package io.vxlb.runtime;

import io.vxlb.config.Config;
import io.vxlb.config.ConfigParser;
import io.vxlb.config.ParseResult;
import io.vxlb.maps.FileMapSource;
import io.vxlb.proxy.ErrorPages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HAProxy's checks on error files (http_str_to_htx) and the errorfile keywords' errors. */
class ErrorRepliesTest {
    @TempDir
    Path dir;

    private Config parse(String text) {
        ParseResult r = new ConfigParser().parse("t.cfg", text);
        assertTrue(r.ok(), () -> r.diagnostics().toString());
        return r.config();
    }

    private String errors(String text) {
        ParseResult r = new ConfigParser().parse("t.cfg", text);
        assertFalse(r.ok(), "expected an error");
        return r.diagnostics().toString();
    }

    private Snapshot compile(Config c) {
        return new SnapshotCompiler(new FileMapSource(), Map.of()).compile(1, c, SnapshotCompiler.initialStates(c));
    }

    private String file(String name, String content) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, content.getBytes(StandardCharsets.ISO_8859_1));
        return p.toString();
    }

    private String config(String errorfileLine) {
        return "defaults\n mode http\n" + errorfileLine + "\nfrontend fe\n bind 127.0.0.1:1\n default_backend be\nbackend be\n server s 127.0.0.1:2\n";
    }

    @Test
    void aFullResponseIsKeptWithLowerCaseNamesAndNoConnectionHeader() throws Exception {
        String f = file("503.http", "HTTP/1.1 503 Busy\r\nX-A: 1\r\nConnection: close\r\nContent-Length: 3\r\n\r\nbad");
        Snapshot s = compile(parse(config(" errorfile 503 " + f)));
        ErrorPages.Page p = s.frontends().get("fe").errorReplies().page(503);
        assertEquals(503, p.status());
        assertEquals("Busy", p.reason());
        assertEquals(java.util.List.of("x-a", "1", "content-length", "3"), p.headers());
        assertEquals("bad", p.body().toString());
        assertNull(p.wire(), "framed HTTP/1.1 page goes through the HTTP layer");
        assertNull(s.frontends().get("fe").errorReplies().page(403));
        assertEquals(p, s.backends().get("be").errorReplies().page(503), "defaults pass errorfile on to backends too");
    }

    @Test
    void wrongFilesAreRefusedNamingFileLineAndProblem() throws Exception {
        String[][] cases = {
                {"HTTP/1.1 503 x\r\nContent-Length: 10\r\n\r\nshort", "payload size does not match the announced content-length (5 != 10)"},
                {"HTTP/1.1 503 x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "chunk-encoded payload not supported"},
                {"HTTP/1.1 204 x\r\n\r\nbody", "message payload not expected"},
                {"HTTP/2.0x 503 x\r\n\r\n", "invalid http version"},
                {"HTTP/1.1 100 Continue\r\n\r\n", "invalid http status code for an error message (100)"},
                {"<html>no head</html>", "unabled to parse headers"},
        };
        for (String[] c : cases) {
            String f = file("bad.http", c[0]);
            Config cfg = parse(config(" errorfile 503 " + f));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> compile(cfg));
            assertTrue(e.getMessage().startsWith("t.cfg:3: errorfile 503 '" + f + "': "), e.getMessage());
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
        }
        String big = file("big.http", "HTTP/1.1 503 x\r\n\r\n" + "x".repeat(20000));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> compile(parse(config(" errorfile 503 " + big))));
        assertTrue(e.getMessage().contains("larger than tune.bufsize (20018 > 16384 bytes)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> compile(parse(config(" errorfile 503 " + dir.resolve("missing.http")))));
        assertTrue(e.getMessage().contains("error opening file"), e.getMessage());
    }

    @Test
    void keywordErrorsNameTheLineAndTheFix() {
        assertTrue(errors(config(" errorfile 999 /x")).contains("status code '999' not handled"));
        assertTrue(errors(config(" errorfile 503")).contains("expects <status_code> and <file>"));
        assertTrue(errors(config(" errorfiles nosuch")).contains("unknown http-errors section 'nosuch'"));
        assertTrue(errors("http-errors a\n errorfile 503 /x\nhttp-errors a\n errorfile 503 /y\n").contains("http-errors section 'a' already exists"));
        assertTrue(errors("http-errors a\n errorloc 503 /x\n").contains("'errorloc' is not allowed in a 'http-errors' section"));
    }

    @Test
    void errorfilesImportsOnlyTheNamedCodesAndWarnsOfMissingOnes() throws Exception {
        String f403 = file("403.http", "HTTP/1.1 403 F\r\nContent-Length: 0\r\n\r\n");
        String f404 = file("404.http", "HTTP/1.1 404 N\r\nContent-Length: 0\r\n\r\n");
        ParseResult r = new ConfigParser().parse("t.cfg", "http-errors e\n errorfile 403 " + f403 + "\n errorfile 404 " + f404 + "\n"
                + config(" errorfiles e 404 500"));
        assertTrue(r.ok(), r.diagnostics().toString());
        assertTrue(r.diagnostics().toString().contains("status '500' not declared in http-errors section 'e'"), r.diagnostics().toString());
        ErrorReplies er = compile(r.config()).frontends().get("fe").errorReplies();
        assertNull(er.page(403));
        assertEquals(404, er.page(404).status());
    }

    @Test
    void aPageWithoutLengthOrInHttp10IsSentAsHaproxyWritesItThenClosed() throws Exception {
        String f = file("403.http", "HTTP/1.0 403 Forbidden\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n<p>no</p>\n");
        ErrorPages.Page p = compile(parse(config(" errorfile 403 " + f))).frontends().get("fe").errorReplies().page(403);
        assertEquals("HTTP/1.0 403 Forbidden\r\ncache-control: no-cache\r\n\r\n<p>no</p>\n", p.wire().toString(StandardCharsets.ISO_8859_1));
        String g = file("404.http", "HTTP/1.1 404 Gone\r\nX: y\r\n\r\nbye");
        p = compile(parse(config(" errorfile 404 " + g))).frontends().get("fe").errorReplies().page(404);
        assertEquals("HTTP/1.1 404 Gone\r\nx: y\r\nconnection: close\r\n\r\nbye", p.wire().toString(StandardCharsets.ISO_8859_1));
        String empty = file("empty.http", "");
        p = compile(parse(config(" errorfile 404 " + empty))).frontends().get("fe").errorReplies().page(404);
        assertNull(p.body(), "an empty file sends nothing");
    }
}
