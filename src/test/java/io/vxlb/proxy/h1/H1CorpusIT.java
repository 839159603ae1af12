package io.vxlb.proxy.h1;

import io.vertx.core.Vertx;
import io.vxlb.Node;
import io.vxlb.proxy.h1.H1Corpus.Case;
import io.vxlb.proxy.h1.H1Harness.Expected;
import io.vxlb.proxy.h1.H1Harness.Outcome;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The HTTP/1 front end against HAProxy 2.6's recorded answers to the raw-request corpus of
 * {@code src/test/resources/h1/} (issue 11: HAProxy's strictness, no request smuggling).
 *
 * <p>Default: runs vxlb in-process on {@link H1Harness#configTemplate()} and, for every case,
 * requires HAProxy's answer ({@code haproxy-2.6.12.expected}) or a strictly safer one listed in
 * {@code stricter.txt}; and, whatever the answers, the invariants of {@link H1Harness#violations}.
 * Every mismatch is reported in one failure; vxlb's answers are written to
 * {@code target/h1/vxlb.actual} (same format, diff it with the expected file).
 *
 * <p>{@code -Dvxlb.h1.record=/usr/sbin/haproxy}: runs that HAProxy on the same configuration
 * instead and (re)writes the expected file ({@code src/test/h1/record-haproxy.sh}).
 */
@Tag("h1")
class H1CorpusIT {
    static final String EXPECTED = "haproxy-2.6.12.expected";

    @Test
    @org.junit.jupiter.api.Timeout(value = 300)
    void theCorpusGetsHaproxysAnswersOrSaferOnes() throws Exception {
        List<Case> cases = H1Corpus.load();
        assertTrue(cases.size() >= 170, "corpus has " + cases.size() + " cases");
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (Case c : cases) ids.add(c.id());
        List<Case> all = cases;
        String only = System.getProperty("vxlb.h1.cases", "");
        if (!only.isBlank()) cases = cases.stream().filter(c -> c.id().matches(only + ".*")).toList();  // e.g. -Dvxlb.h1.cases=25[01]
        String haproxy = System.getProperty("vxlb.h1.record", "");
        if (!haproxy.isBlank()) {
            record(haproxy, cases, all);
            return;
        }
        Expected expected = Expected.read(H1Corpus.resource(EXPECTED));
        Map<String, String> stricter = stricter();
        for (String id : stricter.keySet()) assertTrue(ids.contains(id), "stricter.txt names a case that does not exist: " + id);
        Map<String, Deviation> deviations = deviations();
        for (String id : deviations.keySet()) {
            assertTrue(ids.contains(id), "deviations.txt names a case that does not exist: " + id);
            assertTrue(!stricter.containsKey(id), id + " is in both stricter.txt and deviations.txt");
        }
        Map<String, Outcome> got;
        long t0 = System.nanoTime();
        try (H1Harness h = new H1Harness()) {
            Vertx vertx = Vertx.vertx();
            try {
                Node node = h.startVxlb(vertx);
                try {
                    got = h.run(cases);
                } finally {
                    node.close().await(30, TimeUnit.SECONDS);
                }
            } finally {
                vertx.close().await(30, TimeUnit.SECONDS);
            }
        }
        System.out.printf("h1 corpus: %d cases on vxlb in %.1f s%n", cases.size(), (System.nanoTime() - t0) / 1e9);

        Map<String, String> actual = new LinkedHashMap<>();
        got.forEach((id, o) -> actual.put(id, o.line()));
        Path out = Path.of("target/h1/vxlb.actual");
        new Expected("vxlb", pagesOf(got.values()), actual).write(out);

        List<String[]> mismatches = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Map<String, int[]> perClass = new TreeMap<>();
        int equal = 0;
        int safer = 0;
        int deviating = 0;
        for (Case c : cases) {
            Outcome o = got.get(c.id());
            String want = expected.lines().get(c.id());
            String line = o.line();
            Deviation dev = deviations.get(c.id());
            java.util.Set<Integer> ownStatuses = dev != null && dev.kinds().contains(H1Semantic.Kind.TOO_LARGE_STATUS)
                    ? java.util.Set.of(414, 431) : java.util.Set.of();
            List<String> problems = new ArrayList<>(H1Harness.violations(o, expected.pages(), ownStatuses));
            int verdict; // 0 equal, 1 safer, 2 deviation, 3 fail
            if (want == null) {
                problems.add("no recorded HAProxy answer: run src/test/h1/record-haproxy.sh");
                verdict = 3;
            } else {
                List<String> alternatives = List.of(want.split(" \\|\\| "));
                H1Semantic.View mine = H1Semantic.of(o);
                String why = null;
                boolean same = false;
                for (String w : alternatives) {
                    String d = H1Semantic.difference(H1Semantic.parseLine(w), mine);
                    if (d == null) same = true;
                    else if (why == null) why = d;
                }
                if (same) {
                    verdict = 0;
                    if (dev != null) problems.add("listed in deviations.txt but vxlb now forwards what HAProxy does: remove the line");
                    if (stricter.containsKey(c.id()) && !c.unstable()) notes.add(c.id() + " is listed in stricter.txt but equal to HAProxy");
                } else if (dev != null) {
                    String d = null;
                    boolean ok = false;
                    for (String w : alternatives) {
                        String x = H1Semantic.deviation(H1Semantic.parseLine(w), mine, dev.kinds());
                        if (x == null) ok = true;
                        else if (d == null) d = x;
                    }
                    verdict = ok ? 2 : 3;
                    if (!ok) problems.add("listed in deviations.txt (" + dev.reason() + ") but " + d);
                } else if (stricter.containsKey(c.id()) && alternatives.stream().allMatch(w -> saferThan(w, mine))) {
                    verdict = 1;
                } else {
                    if (stricter.containsKey(c.id())) problems.add("listed in stricter.txt (" + stricter.get(c.id()) + ") but not safer than HAProxy: " + why);
                    else problems.add("differs from HAProxy: " + why);
                    verdict = 3;
                }
            }
            if (verdict < 3 && !problems.isEmpty()) verdict = 3;
            switch (verdict) {
                case 0 -> equal++;
                case 1 -> safer++;
                case 2 -> deviating++;
                default -> { }
            }
            int[] counts = perClass.computeIfAbsent(c.clazz(), k -> new int[4]);
            counts[verdict]++;
            if (verdict == 3) mismatches.add(new String[]{c.id(), want == null ? "?" : want, line, String.join("; ", problems)});
        }
        StringBuilder summary = new StringBuilder("h1 corpus per class (equal to HAProxy / safer / deliberate deviation / fail):\n");
        perClass.forEach((k, v) -> summary.append(String.format("  %-14s %3d equal %3d safer %3d deviation %3d fail%n", k, v[0], v[1], v[2], v[3])));
        summary.append(String.format("  total: %d cases, %d equal to HAProxy, %d safer (stricter.txt), %d deliberate deviations (deviations.txt), %d failing%n",
                cases.size(), equal, safer, deviating, mismatches.size()));
        for (String n : notes) summary.append("  note: ").append(n).append('\n');
        System.out.print(summary);
        if (!mismatches.isEmpty()) {
            StringBuilder sb = new StringBuilder();
            sb.append(mismatches.size()).append(" of ").append(cases.size())
                    .append(" cases differ from HAProxy ").append(expected.version()).append(" or break an invariant (full lines in ")
                    .append(out).append("):\n");
            sb.append(String.format("%n%-36s | %-40s | %-40s | %s%n", "case", "HAProxy", "vxlb", "why"));
            for (String[] m : mismatches) {
                String why = m[3].length() <= 70 ? m[3] : m[3].substring(0, 67) + "...";
                sb.append(String.format("%-36s | %-40s | %-40s | %s%n", m[0], head(m[1]), head(m[2]), why));
            }
            sb.append("\nin detail:\n");
            for (String[] m : mismatches) {
                sb.append("\n").append(m[0]).append('\n')
                        .append("  HAProxy: ").append(cut(m[1])).append('\n')
                        .append("  vxlb:    ").append(cut(m[2])).append('\n')
                        .append("  why:     ").append(cut(m[3])).append('\n');
            }
            sb.append('\n').append(summary);
            fail(sb.toString());
        }
    }

    /**
     * vxlb's answer is safer than HAProxy's when the backend saw a prefix of what HAProxy let
     * through (request by request, compared as {@link H1Semantic} does) and either less of it, or
     * the same with the client connection closed after, or nothing in both (the answers then
     * differ only in what the client got: the reason given in stricter.txt is what a reviewer
     * accepted).
     */
    static boolean saferThan(String haproxy, H1Semantic.View v) {
        H1Semantic.View h = H1Semantic.parseLine(haproxy);
        if (h.backend() == null) return v.client().contains(" close") && !v.client().startsWith("200"); // backend not compared
        List<H1Semantic.Req> hb = h.backend(), vb = v.backend();
        if (vb.size() > hb.size() || H1Semantic.difference(hb.subList(0, vb.size()), vb) != null) return false;
        return vb.size() < hb.size() || (v.client().contains(" close") && !h.client().contains(" close")) || hb.isEmpty();
    }

    /** A line of deviations.txt: the kinds (letters a-f of {@link H1Semantic.Kind}) and why. */
    record Deviation(java.util.Set<H1Semantic.Kind> kinds, String reason) {}

    /** {@code deviations.txt}: case id → the deliberate forwarding differences from HAProxy it shows. */
    static Map<String, Deviation> deviations() throws IOException {
        Map<String, Deviation> m = new LinkedHashMap<>();
        Path p = H1Corpus.resource("deviations.txt");
        if (!Files.exists(p)) return m;
        for (String l : Files.readAllLines(p, StandardCharsets.UTF_8)) {
            if (l.isBlank() || l.startsWith("#")) continue;
            String[] parts = l.trim().split("\\s+", 3);
            assertTrue(parts.length == 3 && parts[1].matches("[a-f](,[a-f])*"), "deviations.txt: CASE KINDS REASON, kinds a-f: " + l);
            java.util.Set<H1Semantic.Kind> kinds = java.util.EnumSet.noneOf(H1Semantic.Kind.class);
            for (String k : parts[1].split(",")) kinds.add(H1Semantic.Kind.of(k.charAt(0)));
            assertTrue(m.put(parts[0], new Deviation(kinds, parts[2])) == null, "deviations.txt lists " + parts[0] + " twice");
        }
        return m;
    }

    /** The client's side of an answer line (statuses, close), cut to a table cell. */
    private static String head(String line) {
        String h = line.replace(" || ", " or ").split(" :: ", 2)[0];
        if (line.contains(" :: ") && !line.endsWith(" :: -")) h += " +backend";
        return h.length() <= 40 ? h : h.substring(0, 37) + "...";
    }

    private static String cut(String s) {
        return s.length() <= 400 ? s : s.substring(0, 400) + "...(" + s.length() + " chars)";
    }

    /** {@code stricter.txt}: case id → why vxlb's answer is safer than HAProxy's. */
    static Map<String, String> stricter() throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        Path p = H1Corpus.resource("stricter.txt");
        if (!Files.exists(p)) return m;
        for (String l : Files.readAllLines(p, StandardCharsets.UTF_8)) {
            if (l.isBlank() || l.startsWith("#")) continue;
            String[] parts = l.trim().split("\\s+", 2);
            m.put(parts[0], parts.length > 1 ? parts[1] : "");
        }
        return m;
    }

    static Map<Integer, byte[]> pagesOf(Iterable<Outcome> outcomes) {
        Map<Integer, byte[]> pages = new TreeMap<>();
        for (Outcome o : outcomes) pages.putAll(o.pages());
        return pages;
    }

    /** Runs the HAProxy binary on the configuration, plays the corpus and writes the expected file. */
    /**
     * {@code cases} a part of {@code all} (-Dvxlb.h1.cases): only their lines are recorded again,
     * the other lines and pages of the file stay.
     */
    private static void record(String haproxy, List<Case> cases, List<Case> all) throws Exception {
        String version = new String(new ProcessBuilder(haproxy, "-v").redirectErrorStream(true).start().getInputStream().readAllBytes(),
                StandardCharsets.UTF_8).lines().findFirst().orElse("?").replaceFirst("^HAProxy version (\\S+).*", "$1");
        Path out = Path.of(System.getProperty("vxlb.h1.out", "src/test/resources/h1/" + EXPECTED));
        try (H1Harness h = new H1Harness()) {
            Path cfg = Files.createTempFile("h1-haproxy", ".cfg");
            Files.writeString(cfg, h.config);
            Path log = Files.createTempFile("h1-haproxy", ".log");
            Process p = new ProcessBuilder(haproxy, "-f", cfg.toString(), "-db").redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            Map<String, Outcome> got;
            Map<String, String> alternatives = new java.util.HashMap<>();
            try {
                h.awaitListening(10_000);
                long t0 = System.nanoTime();
                got = h.run(cases);
                System.out.printf("h1 corpus: %d cases on %s %s in %.1f s%n", cases.size(), haproxy, version, (System.nanoTime() - t0) / 1e9);
                // an @unstable case keeps every answer seen, in this run and in the file it replaces
                Map<String, String> before = Files.exists(out) ? Expected.read(out).lines() : Map.of();
                for (Outcome o : got.values()) {
                    if (!o.c().unstable()) continue;
                    java.util.TreeSet<String> seen = new java.util.TreeSet<>(List.of(o.line()));
                    if (before.containsKey(o.c().id())) seen.addAll(List.of(before.get(o.c().id()).split(" \\|\\| ")));
                    for (int i = 0; i < 6; i++) seen.add(h.play(i % H1Harness.WORKERS, o.c(), List.of(o.c().bytes())).line());
                    alternatives.put(o.c().id(), String.join(" || ", seen));
                }
            } finally {
                p.destroy();
                if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly();
                Files.deleteIfExists(cfg);
            }
            System.out.println("haproxy's output: " + Files.readString(log));
            Files.deleteIfExists(log);
            Map<Integer, byte[]> pages = new TreeMap<>();
            Map<String, String> lines = new LinkedHashMap<>();
            for (Outcome o : got.values()) {
                for (Map.Entry<Integer, byte[]> e : o.pages().entrySet()) {
                    byte[] before = pages.putIfAbsent(e.getKey(), e.getValue());
                    if (before != null && !java.util.Arrays.equals(before, e.getValue())) {
                        System.out.println("WARNING: two different " + e.getKey() + " pages: " + o.c().id());
                    }
                }
                lines.put(o.c().id(), alternatives.getOrDefault(o.c().id(), o.line()));
                List<String> v = H1Harness.violations(o, null);
                if (!v.isEmpty()) System.out.println("HAProxy breaks an invariant on " + o.c().id() + ": " + v);
            }
            if (cases.size() < all.size() && Files.exists(out)) {
                Expected old = Expected.read(out);
                for (Map.Entry<Integer, byte[]> e : old.pages().entrySet()) pages.putIfAbsent(e.getKey(), e.getValue());
                Map<String, String> merged = new LinkedHashMap<>();
                for (Case c : all) {
                    String l = lines.containsKey(c.id()) ? lines.get(c.id()) : old.lines().get(c.id());
                    if (l != null) merged.put(c.id(), l);
                }
                lines = merged;
                if (!old.version().equals(version)) System.out.println("WARNING: the file was recorded on " + old.version() + ", these lines on " + version);
            }
            new Expected(version, pages, lines).write(out);
            System.out.println("wrote " + out.toAbsolutePath());
        }
    }
}
