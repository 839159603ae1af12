package io.vxlb.rules;

import io.vxlb.config.StickDataType;
import io.vxlb.stick.StickEntry;
import io.vxlb.stick.StickKeys;
import io.vxlb.stick.StickTable;
import io.vxlb.stick.StickTables;
import io.vxlb.stick.StreamCounters;

import java.util.List;
import java.util.Locale;

/**
 * The stick counter fetches ({@code sc_*}, {@code sc0_*}..{@code sc2_*}, {@code src_*}, {@code
 * table_cnt}, {@code table_avl}) and the {@code table_*} / {@code in_table} converters of HAProxy
 * 2.6 (src/stick_table.c). Tables are bound when the snapshot is compiled; an omitted table is
 * the rule's own proxy's. As in HAProxy: a counter the table does not store gives no sample; a
 * key that is not in the table gives 0; {@code sc*} of an untracked counter gives no sample
 * ({@code sc_tracked}: false).
 */
final class StickFetches {
    private StickFetches() {
    }

    /** What each fetch suffix reads; the order is HAProxy's list. */
    private enum What {
        BYTES_IN_RATE(StickDataType.BYTES_IN_RATE), BYTES_OUT_RATE(StickDataType.BYTES_OUT_RATE),
        CLR_GPC0(StickDataType.GPC0), CLR_GPC1(StickDataType.GPC1),
        CONN_CNT(StickDataType.CONN_CNT), CONN_CUR(StickDataType.CONN_CUR), CONN_RATE(StickDataType.CONN_RATE),
        GET_GPC0(StickDataType.GPC0), GET_GPC1(StickDataType.GPC1), GET_GPT0(StickDataType.GPT0),
        GPC0_RATE(StickDataType.GPC0_RATE), GPC1_RATE(StickDataType.GPC1_RATE),
        HTTP_ERR_CNT(StickDataType.HTTP_ERR_CNT), HTTP_ERR_RATE(StickDataType.HTTP_ERR_RATE),
        HTTP_FAIL_CNT(StickDataType.HTTP_FAIL_CNT), HTTP_FAIL_RATE(StickDataType.HTTP_FAIL_RATE),
        HTTP_REQ_CNT(StickDataType.HTTP_REQ_CNT), HTTP_REQ_RATE(StickDataType.HTTP_REQ_RATE),
        INC_GPC0(StickDataType.GPC0), INC_GPC1(StickDataType.GPC1),
        KBYTES_IN(StickDataType.BYTES_IN_CNT), KBYTES_OUT(StickDataType.BYTES_OUT_CNT),
        SESS_CNT(StickDataType.SESS_CNT), SESS_RATE(StickDataType.SESS_RATE),
        TRACKED(null), TRACKERS(null), UPDT_CONN_CNT(StickDataType.CONN_CNT);

        final StickDataType data;
        final String word;

        What(StickDataType data) {
            this.data = data;
            this.word = name().toLowerCase(Locale.ROOT);
        }

        /** Fetches that create the src entry when missing (smp_create_src_stkctr). */
        boolean creates() {
            return this == INC_GPC0 || this == INC_GPC1 || this == CLR_GPC0 || this == CLR_GPC1 || this == UPDT_CONN_CNT;
        }
    }

    /** Converters table_X: what they read. */
    private static final String[][] CONVERTERS = {
            {"bytes_in_rate", "BYTES_IN_RATE"}, {"bytes_out_rate", "BYTES_OUT_RATE"}, {"conn_cnt", "CONN_CNT"},
            {"conn_cur", "CONN_CUR"}, {"conn_rate", "CONN_RATE"}, {"gpt0", "GPT0"}, {"gpc0", "GPC0"},
            {"gpc0_rate", "GPC0_RATE"}, {"gpc1", "GPC1"}, {"gpc1_rate", "GPC1_RATE"}, {"http_err_cnt", "HTTP_ERR_CNT"},
            {"http_err_rate", "HTTP_ERR_RATE"}, {"http_fail_cnt", "HTTP_FAIL_CNT"}, {"http_fail_rate", "HTTP_FAIL_RATE"}, {"http_req_cnt", "HTTP_REQ_CNT"}, {"http_req_rate", "HTTP_REQ_RATE"},
            {"kbytes_in", "BYTES_IN_CNT"}, {"kbytes_out", "BYTES_OUT_CNT"}, {"server_id", "SERVER_ID"},
            {"sess_cnt", "SESS_CNT"}, {"sess_rate", "SESS_RATE"}, {"trackers", ""}};

    interface FetchSink {
        void f(String name, SampleType out, String args, String doc);
    }

    interface ConverterSink {
        void c(String name, SampleType in, SampleType out, String args, String doc);
    }

    /** Declares the fetches (called by {@link SampleFetches}). */
    static void declare(FetchSink s) {
        for (What w : What.values()) {
            SampleType out = w == What.TRACKED ? SampleType.BOOLEAN : SampleType.INTEGER;
            String doc = w == What.TRACKED ? "true when the stick counter is tracked" : w.word.replace('_', ' ') + " of the stick counter";
            if (w != What.UPDT_CONN_CNT) {
                s.f("sc_" + w.word, out, "ctr:integer,table:table?", doc + " given as first argument");
                for (int i = 0; i < StreamCounters.SLOTS; i++) s.f("sc" + i + "_" + w.word, out, "table:table?", doc + " " + i);
            }
            if (w != What.TRACKED) s.f("src_" + w.word, out, "table:table?", w.word.replace('_', ' ') + " of the client address's entry");
        }
        s.f("table_avl", SampleType.INTEGER, "table:table?", "free entries of the stick table");
        s.f("table_cnt", SampleType.INTEGER, "table:table?", "entries of the stick table");
    }

    static void declare(ConverterSink s) {
        for (String[] c : CONVERTERS) s.c("table_" + c[0], SampleType.ANY, SampleType.INTEGER, "table:table", c[0].replace('_', ' ') + " of the key's entry in the table");
        s.c("in_table", SampleType.ANY, SampleType.BOOLEAN, "table:table", "true when the key is in the table");
    }

    static boolean isFetch(String name) {
        return name.startsWith("sc_") || name.startsWith("sc0_") || name.startsWith("sc1_") || name.startsWith("sc2_")
                || (name.startsWith("src_") && !name.equals("src_port") && !name.equals("src_is_local")) || name.equals("table_avl") || name.equals("table_cnt");
    }

    static boolean isConverter(String name) {
        return name.startsWith("table_") || name.equals("in_table");
    }

    private static StickTable table(StickTables tables, String name, String what) {
        StickTable t = tables.get(name);
        if (t == null) throw new RuleException("no stick-table named '" + name + "' (in '" + what + "')",
                "a table is named after the proxy declaring it; without a table argument it is the rule's own proxy's");
        return t;
    }

    static Fetch create(SampleExpr e, StickTables tables, String ownProxy) {
        String name = e.fetch().name();
        List<String> a = e.fetchArgs();
        if (name.equals("table_avl") || name.equals("table_cnt")) {
            StickTable t = table(tables, arg(a, 0).isEmpty() ? ownProxy : arg(a, 0), name);
            boolean cnt = name.equals("table_cnt");
            return new Fetch(SampleType.INTEGER) {
                @Override
                Object get(Txn tx) {
                    return (long) (cnt ? t.used() : t.available());
                }
            };
        }
        int us = name.indexOf('_');
        String prefix = name.substring(0, us);
        What w = What.valueOf(name.substring(us + 1).toUpperCase(Locale.ROOT));
        if (prefix.equals("src")) {
            StickTable t = table(tables, arg(a, 0).isEmpty() ? ownProxy : arg(a, 0), name);
            return new Src(w, t);
        }
        int slot;
        String tableName;
        if (prefix.equals("sc")) {
            slot = (int) Long.parseLong(a.get(0));
            if (slot < 0 || slot >= StreamCounters.SLOTS) throw new RuleException("invalid stick counter " + slot + " in '" + e.text() + "'", "0, 1 or 2");
            tableName = arg(a, 1);
        } else {
            slot = prefix.charAt(2) - '0';
            tableName = arg(a, 0);
        }
        return new Sc(w, slot, tableName.isEmpty() ? null : table(tables, tableName, name));
    }

    private static String arg(List<String> a, int i) {
        return i < a.size() ? a.get(i) : "";
    }

    /** The value of {@code w} for entry {@code e} of {@code t} (null e: 0); null when not stored. */
    private static Object value(What w, StickTable t, StickEntry e) {
        if (w == What.TRACKERS) return e == null ? 0L : (long) e.refs();
        if (!t.stores(w.data)) return null;
        if (e == null) return 0L;
        switch (w) {
            case INC_GPC0, INC_GPC1 -> {
                t.add(e, w == What.INC_GPC0 ? StickDataType.GPC0_RATE : StickDataType.GPC1_RATE, 1);
                t.add(e, w.data, 1);
                return t.read(e, w.data);
            }
            case CLR_GPC0, CLR_GPC1 -> {
                long old = t.read(e, w.data);
                t.add(e, w.data, -old);  // a delta, so the clear reaches the other nodes' sums too
                return old;
            }
            case UPDT_CONN_CNT -> {
                t.add(e, StickDataType.CONN_CNT, 1);
                t.touch(e);
                return t.read(e, w.data);
            }
            case KBYTES_IN, KBYTES_OUT -> {
                return t.read(e, w.data) >> 10;
            }
            default -> {
                return t.read(e, w.data);
            }
        }
    }

    /** sc_*, scN_*: the stream's tracked counter, or (with a table) its key in that table. */
    static final class Sc extends Fetch {
        private final What what;
        private final int slot;
        private final StickTable other;

        Sc(What what, int slot, StickTable other) {
            super(what == What.TRACKED ? SampleType.BOOLEAN : SampleType.INTEGER);
            this.what = what;
            this.slot = slot;
            this.other = other;
        }

        @Override
        Object get(Txn t) {
            StreamCounters c = t.streamCounters();
            boolean tracked = c != null && c.tracked(slot);
            if (what == What.TRACKED) return tracked ? Boolean.TRUE : Boolean.FALSE;
            if (!tracked) return null;
            StickTable table = c.table(slot);
            StickEntry e = c.entry(slot);
            if (other != null && other != table) {
                e = other.lookup(StickKeys.of(other, e.key()));
                table = other;
            }
            if (what.data != null && !table.stores(what.data) && what != What.TRACKERS) return null;
            return value(what, table, e);
        }
    }

    /** src_*: the client address's entry of a table (created only by the fetches that update it). */
    static final class Src extends Fetch {
        private final What what;
        private final StickTable table;

        Src(What what, StickTable table) {
            super(SampleType.INTEGER);
            this.what = what;
            this.table = table;
        }

        @Override
        Object get(Txn t) {
            if (what.data != null && !table.stores(what.data)) return null;
            Object key = StickKeys.of(table, t.srcAddress());
            if (key == null) return null;
            StickEntry e = what.creates() ? table.getOrCreate(key) : table.lookup(key);
            if (e == null && what.creates()) return null;
            return value(what, table, e);
        }
    }

    static CompiledConverter converter(ConverterCall c, StickTables tables) {
        String name = c.conv().name();
        StickTable t = table(tables, c.args().get(0), name);
        if (name.equals("in_table")) {
            return new CompiledConverter() {
                @Override
                Object apply(Txn tx, Object v) {
                    Object key = StickKeys.of(t, v);
                    return key != null && t.lookup(key) != null ? Boolean.TRUE : Boolean.FALSE;
                }
            };
        }
        String suffix = name.substring("table_".length());
        String data = null;
        for (String[] x : CONVERTERS) if (x[0].equals(suffix)) data = x[1];
        if (data == null) throw new RuleException("converter '" + name + "' is not implemented yet in vxlb", null);
        StickDataType dt = data.isEmpty() ? null : StickDataType.valueOf(data);
        boolean kilo = suffix.startsWith("kbytes");
        return new CompiledConverter() {
            @Override
            Object apply(Txn tx, Object v) {
                if (dt != null && !t.stores(dt)) return null;
                Object key = StickKeys.of(t, v);
                if (key == null) return null;
                StickEntry e = t.lookup(key);
                if (e == null) return 0L;
                if (dt == null) return (long) e.refs();
                long r = t.read(e, dt);
                return kilo ? r >> 10 : r;
            }
        };
    }
}
