package io.vxlb.stick;

import io.vxlb.config.StickDataType;

/**
 * The small API other rule families call to track stick counters (tcp-request connection /
 * content track-sc*, which belong to the tcp-request runner): resolve the table, turn a sample
 * into its key, track it on the stream's (or connection's) {@link StreamCounters}.
 * <pre>
 *   StickTable t = snapshot.stickTables().get(tableName);
 *   StickTracker.track(counters, slot, t, sampleValue, false);   // at accept / content time
 *   ...
 *   counters.end(0, bytesIn, bytesOut);                          // when the connection closes
 * </pre>
 * A session-level tracker (tcp-request connection) also counts a session with {@link #session}.
 */
public final class StickTracker {
    private StickTracker() {
    }

    /** Tracks {@code value} (a public sample value: String, Long, byte[], InetAddress) in slot {@code slot}; false when nothing was tracked. */
    public static boolean track(StreamCounters counters, int slot, StickTable table, Object value, boolean httpRequest) {
        if (table == null || value == null) return false;
        return counters.track(slot, table, StickKeys.of(table, value), httpRequest);
    }

    /** Counts a session (sess_cnt, sess_rate) on every entry the counters track. */
    public static void session(StreamCounters counters) {
        for (int i = 0; i < StreamCounters.SLOTS; i++) {
            StickEntry e = counters.entry(i);
            if (e == null) continue;
            counters.table(i).add(e, StickDataType.SESS_CNT, 1);
            counters.table(i).add(e, StickDataType.SESS_RATE, 1);
        }
    }
}
