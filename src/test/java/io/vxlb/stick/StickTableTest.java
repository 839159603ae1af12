package io.vxlb.stick;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vxlb.config.Config;
import io.vxlb.config.ConfigParser;
import io.vxlb.config.ParseResult;
import io.vxlb.config.StickDataType;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stick tables built from real configuration text: keys, counting, expiry, size bound, deltas. */
class StickTableTest {
    static StickTables tables(String tableLine) {
        return StickTables.of(config(tableLine), null);
    }

    static Config config(String tableLine) {
        ParseResult r = new ConfigParser().parse("t.cfg", """
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 1s
                    timeout server 1s
                backend st
                """ + "    " + tableLine + "\n");
        assertTrue(r.ok(), () -> r.diagnostics().toString());
        return r.config();
    }

    @Test
    void keysAreCastLikeHaproxy() {
        StickTable ip = tables("stick-table type ip size 10").get("st");
        assertEquals("10.0.0.1", StickKeys.of(ip, "10.0.0.1"));
        assertEquals("10.0.0.1", StickKeys.of(ip, "::ffff:10.0.0.1"));
        assertEquals("10.0.0.1", StickKeys.of(ip, 0x0A000001L));
        assertEquals(StickKeys.of(ip, "10.0.0.10"), "10.0.0.10");
        assertNull(StickKeys.of(ip, "2001:db8::1"), "an IPv6 address does not fit an ip table");
        StickTable v6 = tables("stick-table type ipv6 size 10").get("st");
        assertEquals(StickKeys.of(v6, "::ffff:10.0.0.1"), StickKeys.of(v6, "10.0.0.1"));
        assertEquals("2001:db8::1", StickKeys.of(v6, "2001:DB8:0::1"));
        StickTable str = tables("stick-table type string len 4 size 10").get("st");
        assertEquals("abcd", StickKeys.of(str, "abcdef"));
        StickTable in = tables("stick-table type integer size 10").get("st");
        assertEquals(42L, StickKeys.of(in, "42abc"));
        StickTable bin = tables("stick-table type binary len 3 size 10").get("st");
        assertEquals(StickKeys.of(bin, new byte[] {1}), bin.parseKey("010000"));
        assertNull(bin.parseKey("01"), "a binary key is exactly len bytes");
        assertNull(ip.parseKey("10.0.0"), "admin and cluster keys are parsed strictly");
    }

    @Test
    void trackingCountsConnectionsAndRequestsAndGivesThemBack() {
        StickTable t = tables("stick-table type ip size 10 store conn_cur,conn_cnt,conn_rate(1s),http_req_cnt,http_req_rate(10s),http_err_cnt,bytes_out_cnt").get("st");
        StreamCounters a = new StreamCounters(), b = new StreamCounters();
        assertTrue(a.track(0, t, "10.0.0.1", true));
        assertFalse(a.track(0, t, "10.0.0.2", true), "a slot keeps its first key");
        assertTrue(b.track(0, t, "10.0.0.1", true));
        StickEntry e = t.lookup("10.0.0.1");
        assertEquals(2, t.read(e, StickDataType.CONN_CUR));
        assertEquals(2, e.refs());
        a.end(404, 10, 100);
        a.end(404, 10, 100);  // idempotent
        b.end(200, 10, 50);
        assertEquals(0, t.read(e, StickDataType.CONN_CUR));
        assertEquals(2, t.read(e, StickDataType.CONN_CNT));
        assertEquals(2, t.read(e, StickDataType.HTTP_REQ_RATE));
        assertEquals(1, t.read(e, StickDataType.HTTP_ERR_CNT));
        assertEquals(150, t.read(e, StickDataType.BYTES_OUT_CNT));
        assertEquals(0, e.refs());
        assertEquals(-1, t.read(e, StickDataType.GPC0), "not stored");
        assertTrue(t.dump(null).contains("key=10.0.0.1 use=0 exp=0 conn_cnt=2 conn_rate(1000)=2 conn_cur=0 http_req_cnt=2 http_req_rate(10000)=2 http_err_cnt=1 bytes_out_cnt=150"), t.dump(null));
    }

    @Test
    void entriesExpireUnlessInUse() throws InterruptedException {
        StickTable t = tables("stick-table type ip size 10 expire 150ms store gpc0").get("st");
        StreamCounters held = new StreamCounters();
        held.track(0, t, "10.0.0.1", true);
        t.getOrCreate("10.0.0.2");
        assertEquals(2, t.used());
        Thread.sleep(250);
        assertNull(t.lookup("10.0.0.2"), "expired");
        assertNotNull(t.lookup("10.0.0.1"), "an entry in use never expires");
        assertEquals(0, t.purgeExpired());
        held.end(200, 0, 0);
        Thread.sleep(250);
        assertEquals(1, t.purgeExpired());
        assertEquals(0, t.used());
    }

    @Test
    void aFullTableEvictsTheLeastRecentlyTouched() throws InterruptedException {
        StickTable t = tables("stick-table type integer size 32 store gpc0").get("st");
        for (long k = 0; k < 32; k++) t.getOrCreate(k);
        Thread.sleep(5);
        for (long k = 2; k < 32; k++) t.touch(t.lookup(k));
        assertNotNull(t.getOrCreate(100L));
        assertTrue(t.used() <= 32, "never above size: " + t.used());
        assertNull(t.lookup(0L), "the oldest went first");
        assertNull(t.lookup(1L));
        assertNotNull(t.lookup(31L));
    }

    @Test
    void nopurgeRefusesNewKeysWhenFull() {
        StickTable t = tables("stick-table type integer size 2 nopurge store gpc0").get("st");
        assertNotNull(t.getOrCreate(1L));
        assertNotNull(t.getOrCreate(2L));
        assertNull(t.getOrCreate(3L));
        assertNotNull(t.getOrCreate(1L), "existing keys still work");
    }

    @Test
    void deltasMoveBetweenNodesBySumAndNewestTag() {
        String line = "stick-table type ip size 100 store gpc0,http_req_rate(10s),conn_cur,gpt0";
        StickTables ta = tables(line), tb = tables(line);
        ta.enableSync();
        tb.enableSync();
        StickTable a = ta.get("st"), b = tb.get("st");
        StickEntry ea = a.getOrCreate("10.0.0.1");
        for (int i = 0; i < 5; i++) a.add(ea, StickDataType.HTTP_REQ_RATE, 1);
        a.add(ea, StickDataType.CONN_CUR, 1);
        a.setTag(ea, StickDataType.GPT0, 7);
        StickEntry eb = b.getOrCreate("10.0.0.1");
        for (int i = 0; i < 3; i++) b.add(eb, StickDataType.HTTP_REQ_RATE, 1);
        JsonArray fromA = a.takeDeltas(100), fromB = b.takeDeltas(100);
        assertEquals(1, fromA.size());
        assertTrue(a.takeDeltas(100).isEmpty(), "sent once");
        assertNull(b.applyDeltas(fromA));
        assertNull(a.applyDeltas(fromB));
        assertEquals(8, a.read(ea, StickDataType.HTTP_REQ_RATE));
        assertEquals(8, b.read(eb, StickDataType.HTTP_REQ_RATE));
        assertEquals(1, b.read(eb, StickDataType.CONN_CUR));
        assertEquals(7, b.read(eb, StickDataType.GPT0));
        // an older tag loses
        JsonArray old = new JsonArray().add(new JsonObject().put("k", "10.0.0.1").put("t", new JsonObject().put("gpt0", new JsonArray().add(1).add(5))));
        assertNull(b.applyDeltas(old));
        assertEquals(7, b.read(eb, StickDataType.GPT0));
        assertTrue(b.takeDeltas(100).isEmpty(), "remote changes are not sent on");
    }

    @Test
    void forgedDeltasAreRefused() {
        StickTable t = tables("stick-table type ip size 100 store gpc0").get("st");
        assertNotNull(t.applyDeltas(new JsonArray().add(new JsonObject().put("k", "not-an-ip").put("c", new JsonObject().put("gpc0", 1)))));
        assertNotNull(t.applyDeltas(new JsonArray().add(new JsonObject().put("k", "10.0.0.1").put("c", new JsonObject().put("conn_cur", 1)))), "a counter the table does not store");
        assertNotNull(t.applyDeltas(new JsonArray().add(new JsonObject().put("k", "10.0.0.1").put("c", new JsonObject().put("gpc0", 1e300)))));
        assertNotNull(t.applyDeltas(new JsonArray().add("x")));
    }

    @Test
    void aReloadKeepsTablesWhoseLayoutDidNotChange() {
        StickTables first = tables("stick-table type ip size 10 store gpc0");
        StickTables same = StickTables.of(config("stick-table type ip size 10 store gpc0"), first);
        StickTables other = StickTables.of(config("stick-table type ip size 10 store gpc1"), first);
        assertSame(first.get("st"), same.get("st"));
        assertNotSame(first.get("st"), other.get("st"));
    }

    @Test
    void showTableListsEntriesInHaproxysKeyOrder() {
        StickTable v6 = tables("stick-table type ipv6 size 10 store gpc0").get("st");
        for (String k : new String[] {"2001:db8::1", "::ffff:192.168.1.101", "::ffff:192.168.1.0", "::1"}) v6.getOrCreate(v6.parseKey(k));
        assertEquals(List.of("::1", "::ffff:192.168.1.0", "::ffff:192.168.1.101", "2001:db8::1"), keys(v6.dump(null)));
        StickTable ip = tables("stick-table type ip size 10 store gpc0").get("st");
        for (String k : new String[] {"10.0.0.10", "9.255.0.1", "10.0.0.9"}) ip.getOrCreate(ip.parseKey(k));
        assertEquals(List.of("9.255.0.1", "10.0.0.9", "10.0.0.10"), keys(ip.dump(null)));
        StickTable str = tables("stick-table type string len 8 size 10 store gpc0").get("st");
        for (String k : new String[] {"b", "B", "ab", "a"}) str.getOrCreate(str.parseKey(k));
        assertEquals(List.of("B", "a", "ab", "b"), keys(str.dump(null)));
    }

    private static List<String> keys(String dump) {
        List<String> out = new java.util.ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("key=(\\S+)").matcher(dump);
        while (m.find()) out.add(m.group(1));
        return out;
    }
}
