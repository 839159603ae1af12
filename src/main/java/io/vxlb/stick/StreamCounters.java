package io.vxlb.stick;

import io.vxlb.config.StickDataType;

/**
 * The stick counters a stream tracks (HAProxy's s->stkctr[0..2]): which entry of which table
 * each slot follows. Tracking starts the entry's connection counters (conn_cur, conn_cnt,
 * conn_rate) and holds it in use; {@link #end} counts the stream's result (4xx as http_err,
 * bytes) and gives conn_cur back. One per stream that tracks, on its event loop.
 * <p>
 * A connection's own counters ({@code tcp-request connection/session track-sc*}, HAProxy's
 * sess->stkctr) are a StreamCounters without a session, ended when the connection closes. A
 * stream of that connection names them as its {@code session}: a slot the stream does not track
 * itself reads, and counts requests, errors and bytes on, the session's entry (HAProxy's
 * "stream's stkctr, else the session's").
 */
public final class StreamCounters {
    public static final int SLOTS = 3;
    private final StickTable[] tables = new StickTable[SLOTS];
    private final StickEntry[] entries = new StickEntry[SLOTS];
    /** The connection's counters (null: none, or these are the connection's). */
    private final StreamCounters session;
    private boolean ended;

    public StreamCounters() {
        this(null);
    }

    public StreamCounters(StreamCounters session) {
        this.session = session;
    }

    public StickTable table(int slot) {
        return entries[slot] != null || session == null ? tables[slot] : session.tables[slot];
    }

    public StickEntry entry(int slot) {
        return entries[slot] != null || session == null ? entries[slot] : session.entries[slot];
    }

    /** The slot follows an entry, the stream's own or its connection's. */
    public boolean tracked(int slot) {
        return entry(slot) != null;
    }

    /** The stream itself tracks the slot (a track-sc of the stream's rules fills only its own slots). */
    public boolean trackedHere(int slot) {
        return entries[slot] != null;
    }

    /**
     * A new HTTP request on the stream (HAProxy's stream_inc_http_req_ctr, before the
     * http-request rules): http_req_cnt/rate of each slot's entry, the stream's or the connection's.
     */
    public void countHttpRequest() {
        for (int i = 0; i < SLOTS; i++) {
            StickEntry e = entry(i);
            if (e == null) continue;
            StickTable t = table(i);
            t.add(e, StickDataType.HTTP_REQ_CNT, 1);
            t.add(e, StickDataType.HTTP_REQ_RATE, 1);
        }
    }

    /**
     * track-sc: the slot follows {@code key} in {@code table} unless it already follows something
     * (HAProxy keeps the first); {@code httpRequest} also counts the request (http-request rules).
     * False when nothing is tracked (slot taken, no key, table full with nopurge).
     */
    public boolean track(int slot, StickTable table, Object key, boolean httpRequest) {
        if (ended || entries[slot] != null || key == null) return false;
        StickEntry e = table.getOrCreate(key);
        if (e == null) return false;
        e.ref();
        tables[slot] = table;
        entries[slot] = e;
        table.add(e, StickDataType.CONN_CUR, 1);
        table.add(e, StickDataType.CONN_CNT, 1);
        table.add(e, StickDataType.CONN_RATE, 1);
        if (httpRequest) {
            table.add(e, StickDataType.HTTP_REQ_CNT, 1);
            table.add(e, StickDataType.HTTP_REQ_RATE, 1);
        }
        table.touch(e);
        return true;
    }

    /** A denied or tarpitted request: an http error now (HAProxy's deny/tarpit paths), once. */
    public void countError() {
        if (ended || errorCounted) return;
        errorCounted = true;
        for (int i = 0; i < SLOTS; i++) {
            StickEntry e = entry(i);
            if (e == null) continue;
            table(i).add(e, StickDataType.HTTP_ERR_CNT, 1);
            table(i).add(e, StickDataType.HTTP_ERR_RATE, 1);
        }
    }

    private boolean errorCounted;

    /**
     * The stream ended after {@code bytesIn}/{@code bytesOut}; {@code serverStatus} is the status
     * the server answered (0: none), whose 4xx count as http errors. Idempotent.
     */
    public void end(int serverStatus, long bytesIn, long bytesOut) {
        if (ended) return;
        ended = true;
        for (int i = 0; i < SLOTS; i++) {
            StickEntry e = entry(i);
            if (e == null) continue;
            StickTable t = table(i);
            if (serverStatus >= 400 && serverStatus < 500 && !errorCounted) {
                t.add(e, StickDataType.HTTP_ERR_CNT, 1);
                t.add(e, StickDataType.HTTP_ERR_RATE, 1);
            }
            // HAProxy's stream_inc_http_fail_ctr: a server's 5xx but 501 and 505 (which the client causes)
            if (serverStatus >= 500 && serverStatus < 600 && serverStatus != 501 && serverStatus != 505) {
                t.add(e, StickDataType.HTTP_FAIL_CNT, 1);
                t.add(e, StickDataType.HTTP_FAIL_RATE, 1);
            }
            if (bytesIn > 0) {
                t.add(e, StickDataType.BYTES_IN_CNT, bytesIn);
                t.add(e, StickDataType.BYTES_IN_RATE, bytesIn);
            }
            if (bytesOut > 0) {
                t.add(e, StickDataType.BYTES_OUT_CNT, bytesOut);
                t.add(e, StickDataType.BYTES_OUT_RATE, bytesOut);
            }
            if (entries[i] == null) {  // the connection's entry: it stays in use until the connection ends
                t.touch(e);
                continue;
            }
            t.decrementCurrent(e);
            t.touch(e);
            e.unref();
        }
    }
}
