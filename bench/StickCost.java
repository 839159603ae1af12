import io.vxlb.config.ConfigParser;
import io.vxlb.config.ParseResult;
import io.vxlb.config.StickDataType;
import io.vxlb.stick.StickKeys;
import io.vxlb.stick.StickTable;
import io.vxlb.stick.StickTables;
import io.vxlb.stick.StreamCounters;

/**
 * The CPU cost of the stick counter work one tracked request does, in-process and without the
 * network (what bench/stick.sh measures end to end): key cast, lookup, track (conn_cur,
 * conn_cnt, conn_rate, http_req_cnt, http_req_rate), the sc_http_req_rate read of the deny
 * condition, and the end of the stream. Single thread; keys cycle over KEYS client addresses.
 *
 *   mvn -B -q package -DskipTests && java -cp target/vxlb.jar bench/StickCost.java [KEYS=1000] [SECONDS=5] [SYNCING=false]
 */
public class StickCost {
    public static void main(String[] args) {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        boolean syncing = args.length > 2 && Boolean.parseBoolean(args[2]);
        ParseResult r = new ConfigParser().parse("bench.cfg", """
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 1s
                    timeout server 1s
                backend st
                    stick-table type ip size 100k expire 30s store http_req_rate(10s),conn_cur,http_req_cnt
                """);
        StickTables tables = StickTables.of(r.config(), null);
        if (syncing) tables.enableSync();
        StickTable t = tables.get("st");
        String[] addrs = new String[keys];
        for (int i = 0; i < keys; i++) addrs[i] = "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
        long sink = 0;
        for (int round = 0; round < 2; round++) {  // the first round warms the JIT up
            long n = 0, end = System.nanoTime() + (round == 0 ? 2_000_000_000L : seconds * 1_000_000_000L);
            long cpu0 = cpu(), t0 = System.nanoTime();
            while (System.nanoTime() < end) {
                for (int k = 0; k < 1000; k++) {
                    StreamCounters c = new StreamCounters();
                    c.track(0, t, StickKeys.of(t, addrs[(int) (n++ % keys)]), true);
                    sink += t.read(c.entry(0), StickDataType.HTTP_REQ_RATE);
                    c.end(200, 100, 100);
                }
            }
            long ns = System.nanoTime() - t0, cpuNs = cpu() - cpu0;
            if (round == 1) {
                System.out.printf("%d keys%s: %.0f ns CPU per tracked request (%.1f M/s on one thread)%n",
                        keys, syncing ? " (cluster sync on)" : "", (double) cpuNs / n, n / (ns / 1e9) / 1e6);
            }
        }
        if (sink == 42) System.out.println();
    }

    private static long cpu() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }
}
