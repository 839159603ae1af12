package io.vxlb.stick;

import io.vxlb.config.StickDataType;
import io.vxlb.maps.IpLiteral;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A full 100k table (the example: {@code type ip size 100k expire 30s store
 * http_req_rate(10s),conn_cur,gpc0}) stays within its stated memory bound, and twice as many
 * keys do not grow it: the size bound evicts.
 */
class StickTableMemoryTest {
    /** The stated bound: bytes per entry of that table, everything included (map node, key text, entry, counters). */
    static final long BOUND_PER_ENTRY = 320;

    private static long usedHeap() throws InterruptedException {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50);
            Runtime r = Runtime.getRuntime();
            best = Math.min(best, r.totalMemory() - r.freeMemory());
        }
        return best;
    }

    @Test
    void aFullHundredThousandEntryTableStaysWithinItsBound() throws InterruptedException {
        StickTable t = StickTableTest.tables("stick-table type ip size 100k expire 30s store http_req_rate(10s),conn_cur,gpc0").get("st");
        int size = t.spec().size();
        long before = usedHeap();
        for (int i = 0; i < size; i++) {
            StickEntry e = t.getOrCreate(IpLiteral.formatV4(0x0A000000L + i));
            t.add(e, StickDataType.HTTP_REQ_RATE, 1);
            t.add(e, StickDataType.CONN_CUR, 1);
        }
        long full = usedHeap() - before;
        assertTrue(t.used() == size, "used " + t.used());
        // twice as many keys again: the oldest are evicted, the table does not grow past its size
        for (int i = size; i < 3 * size; i++) t.getOrCreate(IpLiteral.formatV4(0x0A000000L + i));
        long after = usedHeap() - before;
        assertTrue(t.used() <= size, "used " + t.used() + " > size " + size);
        System.out.printf("stick table of %d ip entries (http_req_rate, conn_cur, gpc0): %d bytes full (%d per entry), %d after 2x churn%n",
                size, full, full / size, after);
        assertTrue(full <= BOUND_PER_ENTRY * size, "full table takes " + full / size + " bytes per entry, bound " + BOUND_PER_ENTRY);
        assertTrue(after <= BOUND_PER_ENTRY * size * 11 / 10, "after churn " + after / size + " bytes per entry");
    }
}
