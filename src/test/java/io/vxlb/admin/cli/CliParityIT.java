package io.vxlb.admin.cli;

import io.vxlb.Node;
import io.vxlb.config.ConfigParser;
import io.vxlb.config.ParseResult;
import io.vxlb.testing.Ports;
import io.vxlb.testing.RealServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runtime API and the stats page against HAProxy 2.6.12's recorded answers: the same
 * configuration (haproxy/cli.cfg) and the same commands (haproxy/commands.txt, in order, each on
 * its own socat connection to the unix socket) as {@code haproxy/record.sh} ran under
 * /usr/sbin/haproxy. Answers are compared byte for byte after replacing what differs by nature
 * (ports, entry addresses, seconds since a change); {@code help} and the unknown-command lists
 * must be made of HAProxy's own lines; {@code show stat} must have HAProxy's header, rows, and on
 * each row the same filled and empty columns and the same words (status, weights, ids, check).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class CliParityIT {
    private static final String REC = "/io/vxlb/admin/cli/haproxy/";
    private Path dir;
    private Node node;
    private int st, tcp;
    private final List<String> commands = new ArrayList<>();
    /** Answers, in command order. */
    private final List<String> answers = new ArrayList<>();

    static String resource(String name) throws IOException {
        try (InputStream in = CliParityIT.class.getResourceAsStream(REC + name)) {
            if (in == null) throw new IOException("no recorded " + name);
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @BeforeAll
    void start() throws Exception {
        RealServers.assume(RealServers.find("socat") != null, "socat", "apt-get install socat");
        dir = Files.createTempDirectory("vxlb-cli");
        Files.writeString(dir.resolve("hosts.map"), "a.example be_a\nb.example be_b\n");
        st = Ports.freePort();
        tcp = Ports.freePort();
        String cfg = resource("cli.cfg").replace("@DIR@", dir.toString()).replace("@FE@", "" + Ports.freePort()).replace("@ST@", "" + st)
                .replace("@S1@", "" + Ports.freePort()).replace("@S2@", "" + Ports.freePort()).replace("@S3@", "" + deadPort()).replace("@TCP@", "" + tcp);
        Path file = dir.resolve("h.cfg");
        Files.writeString(file, cfg);
        ParseResult r = new ConfigParser().parse(file.toString(), cfg);
        assertTrue(r.ok(), () -> "config: " + r.diagnostics());
        node = Node.start(r.config()).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        // s3 goes DOWN after its 3 failed checks, as under HAProxy when record.sh asked
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!unix("show stat").contains("be,s3,0,0,0,0,,0,0,0,,0,,0,0,0,0,DOWN")) {
            assertTrue(System.nanoTime() < deadline, "s3 never went DOWN");
            Thread.sleep(100);
        }
        for (String line : resource("commands.txt").split("\n")) if (!line.isEmpty() && !line.startsWith("#")) commands.add(line);
        for (String c : commands) answers.add(unix(c.replace("@DIR@", dir.toString()).replace("\\n", "\n")).replace(dir.toString(), "@DIR@"));
    }

    private java.net.Socket dead;

    private int deadPort() throws IOException {
        dead = new java.net.Socket();
        dead.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
        return dead.getLocalPort();
    }

    @AfterAll
    void stop() throws Exception {
        if (node != null) node.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        if (dead != null) dead.close();
        Ports.deleteTree(dir);
    }

    /** What socat prints for {@code input} sent to {@code address} (socat's own syntax). */
    public static String socat(String address, String input) throws Exception {
        Process p = new ProcessBuilder("socat", "-t", "3", "-", address).redirectErrorStream(true).start();
        p.getOutputStream().write(input.getBytes(StandardCharsets.ISO_8859_1));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "socat did not end");
        return out;
    }

    private String unix(String command) throws Exception {
        return socat("UNIX-CONNECT:" + dir.resolve("cli.sock"), command + "\n");
    }

    private String answer(int n) {
        return answers.get(n - 1);
    }

    private String recorded(int n) throws IOException {
        return resource(String.format("%02d.out", n));
    }

    /** Ports, HAProxy's entry addresses and seconds since a change differ by nature. */
    static String normalize(String s) {
        s = s.replaceAll("0x[0-9a-f]+ ", "0xREF ");
        Matcher m = Pattern.compile("(?m)^(\\d+ \\S+ \\d+ \\S+ \\S+ \\d+ \\d+ \\d+ \\d+ )\\d+( \\d+ \\d+ \\d+ \\d+ \\d+ \\d+ \\d+ - )\\d+").matcher(s);
        return m.replaceAll("$1SECS$2PORT");
    }

    /** Commands whose answers must equal HAProxy's (after {@link #normalize}): all but the ones below. */
    private static final Set<String> NOT_VERBATIM = Set.of(
            "help", "bogus", "show",              // vxlb has fewer commands: checked line by line below
            "show stat",                          // values differ (checked by shape below)
            "show info",                          // values differ (the field names are checked below)
            "show stat be 4 -1", "show stat -1 1 -1", "show stat 3 -1 2", "show stat be 6 -1 up",  // rows checked below
            "set maxconn frontend fe 100", "set maxconn frontend nosuch 100", "set maxconn global 500");  // not implemented

    @Test
    void answersAreHaproxys() throws IOException {
        List<String> differ = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) {
            String c = commands.get(i);
            if (NOT_VERBATIM.contains(c)) continue;
            String want = normalize(recorded(i + 1)), got = normalize(answer(i + 1));
            if (!want.equals(got)) differ.add(c + "\n  haproxy: " + want.replace("\n", "\\n") + "\n  vxlb:    " + got.replace("\n", "\\n"));
        }
        assertTrue(differ.isEmpty(), () -> differ.size() + " answers differ:\n" + String.join("\n", differ));
    }

    @Test
    void helpLinesAreHaproxys() throws IOException {
        for (String c : List.of("help", "bogus", "show")) {
            int n = commands.indexOf(c) + 1;
            String[] want = recorded(n).split("\n"), got = answer(n).split("\n");
            assertEquals(want[0], got[0], c + ": first line");
            List<String> theirs = List.of(recorded(1).split("\n"));
            for (String l : got) assertTrue(theirs.contains(l) || l.equals(got[0]), c + ": not one of HAProxy's help lines: '" + l + "'");
            assertTrue(answer(n).endsWith("  quit                                    : disconnect\n\n"), c);
        }
        assertTrue(answer(1).split("\n").length > 20, "help lists the commands");
    }

    @Test
    void showStatHasHaproxysShape() throws IOException {
        int n = commands.indexOf("show stat") + 1;
        assertShape(recorded(n), answer(n));
    }

    /** Same header, rows, filled columns and words. */
    static void assertShape(String want, String got) {
        String[] w = want.split("\n"), g = got.split("\n");
        assertEquals(w[0], g[0], "header");
        assertEquals(w.length, g.length, () -> "rows:\n" + got);
        List<String> cols = List.of(w[0].substring(2).split(",", -1));
        Set<String> words = Set.of("pxname", "svname", "status", "weight", "act", "bck", "pid", "iid", "sid", "type", "slim", "mode", "algo",
                "check_status", "check_rise", "check_fall", "uweight", "chkdown", "lbtot", "stot", "req_tot", "hrsp_2xx");
        for (int i = 1; i < w.length; i++) {
            String[] a = w[i].split(",", -1), b = g[i].split(",", -1);
            assertEquals(a.length, b.length, "columns of row " + i);
            for (int c = 0; c < a.length; c++) {
                String col = c < cols.size() ? cols.get(c) : "(end)";
                String where = "row " + a[0] + "/" + a[1] + " column " + col + ": haproxy '" + a[c] + "', vxlb '" + b[c] + "'";
                assertEquals(a[c].isEmpty(), b[c].isEmpty(), where);
                if (words.contains(col)) assertEquals(a[c], b[c], where);
            }
        }
    }

    @Test
    void showStatFiltersTheRowsAsHaproxy() throws IOException {
        for (String c : List.of("show stat be 4 -1", "show stat -1 1 -1", "show stat 3 -1 2", "show stat be 6 -1 up")) {
            int n = commands.indexOf(c) + 1;
            List<String> want = new ArrayList<>(), got = new ArrayList<>();
            for (String l : recorded(n).split("\n")) if (!l.isEmpty()) want.add(l.startsWith("#") ? l : l.substring(0, l.indexOf(',', l.indexOf(',') + 1)));
            for (String l : answer(n).split("\n")) if (!l.isEmpty()) got.add(l.startsWith("#") ? l : l.substring(0, l.indexOf(',', l.indexOf(',') + 1)));
            assertEquals(want, got, c);
        }
    }

    @Test
    void showInfoHasHaproxysFields() throws IOException {
        int n = commands.indexOf("show info") + 1;
        List<String> want = new ArrayList<>(), got = new ArrayList<>();
        for (String l : recorded(n).split("\n")) if (!l.isEmpty()) want.add(l.substring(0, l.indexOf(": ")));
        for (String l : answer(n).split("\n")) if (!l.isEmpty()) got.add(l.substring(0, l.indexOf(": ")));
        assertEquals(want, got);
        assertTrue(answer(n).contains("\nMaxconn: 1000\n") && answer(n).contains("\nNbproc: 1\n"), answer(n));
    }

    @Test
    void operatorLevelAndPromptAsHaproxy() throws Exception {
        assertEquals(resource("operator-set-server.out"), socat("TCP:127.0.0.1:" + tcp, "set server be/s1 state drain\n"));
        String shown = socat("TCP:127.0.0.1:" + tcp, "show map\n").replace(dir.toString(), "@DIR@");
        assertEquals(resource("operator-show-map.out"), shown);
        assertEquals(resource("operator-clear-all.out"), socat("TCP:127.0.0.1:" + tcp, "clear counters all\n"));
        assertEquals(resource("operator-clear.out"), socat("TCP:127.0.0.1:" + tcp, "clear counters\n"));
        assertEquals(resource("prompt.out"), socat("UNIX-CONNECT:" + dir.resolve("cli.sock"), "prompt\nshow backend;show backend\nquit\n"));
        // the unix socket has the configured mode
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("cli.sock"))));
    }

    @Test
    void clearCountersAllResetsTheTotals() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + st + "/stats")).build(), HttpResponse.BodyHandlers.ofString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (StatsTable.parseCsv(unix("show stat")).find("st", "FRONTEND").number("req_tot") == 0) {
            assertTrue(System.nanoTime() < deadline, "the page request is counted");
            Thread.sleep(20);
        }
        assertEquals("\n", unix("clear counters all"));
        StatsTable.Row fe = StatsTable.parseCsv(unix("show stat")).find("st", "FRONTEND");
        assertEquals(0, fe.number("req_tot"));
        assertEquals(0, fe.number("hrsp_4xx"));
    }

    @Test
    void statsPageAsHaproxys() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String auth = "Basic " + Base64.getEncoder().encodeToString("admin:secret".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> noAuth = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + st + "/stats")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(resource("page-noauth.txt").strip(), String.valueOf(noAuth.statusCode()));
        assertTrue(noAuth.headers().firstValue("www-authenticate").orElse("").startsWith("Basic realm="));
        HttpResponse<String> csv = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + st + "/stats;csv")).header("authorization", auth).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, csv.statusCode());
        // the page's counters moved with the requests above (stot, hrsp_4xx) as HAProxy's did not: compare the shape only
        String want = resource("page.csv");
        String[] wl = want.split("\n"), gl = csv.body().split("\n");
        assertEquals(wl[0], gl[0]);
        assertEquals(wl.length, gl.length);
        HttpResponse<String> html = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + st + "/stats")).header("authorization", auth).build(),
                HttpResponse.BodyHandlers.ofString());
        List<String> rows = new ArrayList<>();
        Matcher m = Pattern.compile("<tr class=\"[a-z_]*\"").matcher(html.body());
        while (m.find()) rows.add(m.group());
        assertEquals(List.of(resource("page-rows.txt").split("\n")), rows);
    }
}
