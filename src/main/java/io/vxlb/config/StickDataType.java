package io.vxlb.config;

import java.util.Locale;

/**
 * What a stick-table entry can store (HAProxy 2.6 section 4.2 "stick-table", src/stick_table.c
 * stktable_data_types). Declared in HAProxy's order, which is also the order of "show table".
 */
public enum StickDataType {
    SERVER_ID(Kind.TAG),
    GPT0(Kind.TAG),
    GPC0(Kind.COUNTER),
    GPC0_RATE(Kind.RATE),
    CONN_CNT(Kind.COUNTER),
    CONN_RATE(Kind.RATE),
    CONN_CUR(Kind.COUNTER),
    SESS_CNT(Kind.COUNTER),
    SESS_RATE(Kind.RATE),
    HTTP_REQ_CNT(Kind.COUNTER),
    HTTP_REQ_RATE(Kind.RATE),
    HTTP_ERR_CNT(Kind.COUNTER),
    HTTP_ERR_RATE(Kind.RATE),
    BYTES_IN_CNT(Kind.COUNTER),
    BYTES_IN_RATE(Kind.RATE),
    BYTES_OUT_CNT(Kind.COUNTER),
    BYTES_OUT_RATE(Kind.RATE),
    GPC1(Kind.COUNTER),
    GPC1_RATE(Kind.RATE),
    HTTP_FAIL_CNT(Kind.COUNTER),
    HTTP_FAIL_RATE(Kind.RATE);

    /**
     * COUNTER: a sum (merged across nodes by adding deltas); RATE: a freq_ctr over a period
     * (merged by adding deltas into the period); TAG: a value where the newest write wins.
     */
    public enum Kind { COUNTER, RATE, TAG }

    public final Kind kind;
    /** The name in configurations and in "show table" ("http_req_rate"). */
    public final String word;

    StickDataType(Kind kind) {
        this.kind = kind;
        this.word = name().toLowerCase(Locale.ROOT);
    }

    public static StickDataType fromWord(String w) {
        for (StickDataType t : values()) if (t.word.equals(w)) return t;
        return null;
    }
}
