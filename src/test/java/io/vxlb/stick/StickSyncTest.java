package io.vxlb.stick;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vxlb.cluster.ClusterSecret;
import io.vxlb.config.StickDataType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What StickSync accepts from the event bus: sealed, from another node, in sequence, for a table of the same layout. */
class StickSyncTest {
    private static final String LINE = "stick-table type ip size 100 store http_req_cnt";
    private final ClusterSecret secret = ClusterSecret.random();
    private final StickTables tables = StickTableTest.tables(LINE);
    private final StickSync sync = new StickSync(secret, "self", () -> tables, 100);

    private JsonObject payload(String node, long seq, String sig, long delta) {
        JsonArray e = new JsonArray().add(new JsonObject().put("k", "10.0.0.9").put("c", new JsonObject().put("http_req_cnt", delta)));
        return new JsonObject().put("node", node).put("epoch", "e1").put("seq", seq)
                .put("tables", new JsonObject().put("st", new JsonObject().put("sig", sig).put("e", e)));
    }

    private long count() {
        StickEntry e = tables.get("st").lookup("10.0.0.9");
        return e == null ? 0 : tables.get("st").read(e, StickDataType.HTTP_REQ_CNT);
    }

    @Test
    void onlySealedInSequenceMessagesOfAnotherNodeApply() {
        String sig = tables.get("st").signature();
        sync.receive(secret.seal(StickSync.PURPOSE, payload("other", 1, sig, 5)));
        assertEquals(5, count());
        sync.receive(secret.seal(StickSync.PURPOSE, payload("other", 1, sig, 5)));
        assertEquals(5, count(), "a replayed message is refused");
        sync.receive(ClusterSecret.random().seal(StickSync.PURPOSE, payload("other", 2, sig, 5)));
        assertEquals(5, count(), "another cluster's secret");
        sync.receive(secret.seal("vxlb-state-v1", payload("other", 3, sig, 5)));
        assertEquals(5, count(), "sealed for another purpose");
        sync.receive(secret.seal(StickSync.PURPOSE, payload("self", 4, sig, 5)));
        assertEquals(5, count(), "its own messages");
        sync.receive(secret.seal(StickSync.PURPOSE, payload("other", 5, "ip/4,gpc0:0", 5)));
        assertEquals(5, count(), "a table of another layout");
        sync.receive(secret.seal(StickSync.PURPOSE, payload("other", 6, sig, 2)));
        assertEquals(7, count());
    }
}
