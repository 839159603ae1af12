package io.vxlb.stick;

import io.vxlb.config.StickDataType;
import io.vxlb.config.StickTableSpec;

import java.util.Arrays;

/**
 * Where each stored data type lives in an entry's array. A counter takes {value, unsent}; a rate
 * {tick, curr, prev, unsent} (see {@link FreqCounter}); a tag (gpt0, server_id) {value, version}
 * where the version is the writer's hybrid clock, so the newest write wins on every node.
 */
final class StickLayout {
    /** Offset of each data type by ordinal; -1 when the table does not store it. */
    final int[] offset = new int[StickDataType.values().length];
    final long[] period = new long[StickDataType.values().length];
    final int slots;

    StickLayout(StickTableSpec spec) {
        Arrays.fill(offset, -1);
        int n = 0;
        for (StickTableSpec.Store s : spec.stores()) {
            offset[s.type().ordinal()] = n;
            period[s.type().ordinal()] = s.periodMs();
            n += switch (s.type().kind) {
                case COUNTER, TAG -> 2;
                case RATE -> FreqCounter.SLOTS + 1;
            };
        }
        slots = n;
    }

    /** Index of the unsent local events of a counter or rate. */
    static int unsent(StickDataType t, int off) {
        return t.kind == StickDataType.Kind.RATE ? off + FreqCounter.SLOTS : off + 1;
    }
}
