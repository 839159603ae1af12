package io.vxlb.maps;

import java.util.Locale;
import java.util.Random;

/**
 * A JMH-free micro benchmark of the map indexes (not a unit test): for each match kind, builds a
 * 100,000-entry map file as text, measures parse + index build (best of several runs after
 * warm-up), then the average time of a lookup over a mix of hits and misses.
 * <p>
 * Run: {@code mvn -q -o test-compile && java -cp target/classes:target/test-classes io.vxlb.maps.MapBench [entries]}
 */
public final class MapBench {
    private static long sink;

    private MapBench() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        System.out.printf(Locale.ROOT, "%-4s %9s %12s %14s %10s%n", "kind", "entries", "load ms", "lookup ns/op", "hit rate");
        for (MapMatch m : MapMatch.values()) {
            run(m, n);
        }
    }

    private static void run(MapMatch m, int n) {
        Random r = new Random(1);
        StringBuilder text = new StringBuilder(n * 40);
        for (int i = 0; i < n; i++) {
            text.append(key(m, i, r)).append(' ').append("backend_").append(i % 1000).append('\n');
        }
        String file = text.toString();
        String[] samples = new String[4096];
        for (int i = 0; i < samples.length; i++) {
            int k = r.nextInt(n);
            samples[i] = i % 4 == 3 ? miss(m, k) : sample(m, k, r);
        }
        // load: parse + build the index; the best of several runs once the JIT has warmed up
        long bestLoad = Long.MAX_VALUE;
        MapIndex idx = null;
        for (int run = 0; run < 6; run++) {
            long t0 = System.nanoTime();
            MapFile f = MapFile.parse("bench.map", file);
            idx = MapIndex.build(m, f.keys(), f.values(), false);
            bestLoad = Math.min(bestLoad, System.nanoTime() - t0);
        }
        int ops = m == MapMatch.REG ? 200 : 2_000_000;
        long hits = 0;
        for (int i = 0; i < ops / 2; i++) { // warm-up
            sink += idx.find(samples[i & (samples.length - 1)]);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            int p = idx.find(samples[i & (samples.length - 1)]);
            if (p >= 0) {
                hits++;
            }
            sink += p;
        }
        long elapsed = System.nanoTime() - t0;
        System.out.printf(Locale.ROOT, "%-4s %9d %12.1f %14.1f %9.0f%%%n", m.word(), n, bestLoad / 1e6,
                (double) elapsed / ops, 100.0 * hits / ops);
    }

    private static String key(MapMatch m, int i, Random r) {
        return switch (m) {
            case STR, DOM -> "host" + i + ".example" + (i % 7) + ".com";
            case BEG -> "/p" + i + (i % 3 == 0 ? "/sub" : "");
            case END -> ".d" + i + ".example.com";
            case SUB -> "tok" + i + "x";
            case DIR -> "dir" + i;
            case REG -> "^/r" + i + "/[a-z]+$";
            case INT -> i % 10 == 0 ? (i * 10L) + ":" + (i * 10L + 5) : Long.toString(i * 10L);
            case IP -> "10." + ((i >>> 8) & 0xFF) + "." + (i & 0xFF) + "." + r.nextInt(256) + "/" + (16 + i % 17);
        };
    }

    private static String sample(MapMatch m, int i, Random r) {
        return switch (m) {
            case STR -> "host" + i + ".example" + (i % 7) + ".com";
            case DOM -> "www.host" + i + ".example" + (i % 7) + ".com:8080";
            case BEG -> "/p" + i + "/sub/page.html";
            case END -> "www.d" + i + ".example.com";
            case SUB -> "/a/b/tok" + i + "x/c?d=e";
            case DIR -> "/static/dir" + i + "/img.png";
            case REG -> "/r" + i + "/abc";
            case INT -> Long.toString(i * 10L);
            case IP -> "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256);
        };
    }

    private static String miss(MapMatch m, int i) {
        return switch (m) {
            case INT -> Long.toString(i * 10L + 7);
            case IP -> "192.0.2." + (i & 0xFF);
            default -> "/nothing/here/at/all/" + i;
        };
    }
}
