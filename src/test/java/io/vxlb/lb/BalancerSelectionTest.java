package io.vxlb.lb;

import io.vxlb.config.ConfigParser;
import io.vxlb.config.ParseResult;
import io.vxlb.runtime.ServerState;
import io.vxlb.runtime.Snapshot;
import io.vxlb.runtime.SnapshotCompiler;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The snapshot compiler gives every backend the balancer its balance and hash-type ask for. */
class BalancerSelectionTest {
    private static final String CONFIG = """
            defaults
              mode http
              timeout connect 5s
              timeout client 30s
              timeout server 30s
            backend uri_map
              balance uri
              server s1 127.0.0.1:1
              server s2 127.0.0.1:2
            backend uri_chash
              balance uri
              hash-type consistent
              server s1 127.0.0.1:1
              server s2 127.0.0.1:2
            backend expr_map
              balance hash req.hdr(x-key),lower
              server s1 127.0.0.1:1
              server s2 127.0.0.1:2
            backend expr_chash
              balance hash req.hdr(x-key),lower
              hash-type consistent djb2
              server s1 127.0.0.1:1
              server s2 127.0.0.1:2 weight 2
              server s3 127.0.0.1:3
              server s4 127.0.0.1:4 weight 4
            backend rnd
              balance random(3)
              server s1 127.0.0.1:1
              server s2 127.0.0.1:2
            """;

    private static Snapshot compile() {
        ParseResult r = new ConfigParser(k -> null).parse("test.cfg", CONFIG);
        assertTrue(r.ok(), () -> r.diagnostics().toString());
        return new SnapshotCompiler(path -> {
            throw new IllegalStateException("no maps");
        }, Map.of()).compile(1, r.config(), SnapshotCompiler.initialStates(r.config()));
    }

    @Test
    void eachAlgorithmGetsItsMechanism() {
        Snapshot s = compile();
        assertInstanceOf(MapHashBalancer.class, s.backends().get("uri_map").balancer());
        assertInstanceOf(ChashBalancer.class, s.backends().get("uri_chash").balancer());
        assertInstanceOf(MapHashBalancer.class, s.backends().get("expr_map").balancer());
        assertInstanceOf(ChashBalancer.class, s.backends().get("expr_chash").balancer());
        assertInstanceOf(RandomBalancer.class, s.backends().get("rnd").balancer());
    }

    @Test
    void balanceHashEvaluatesItsExpressionAndKeepsItAcrossStateChanges() {
        Snapshot s = compile();
        Balancer b = s.backends().get("expr_chash").balancer();
        // same backend and keys as ChashBalancerTest's HAProxy golden table (bb)
        assertEquals("s3", b.pick(s, TestTxn.header("x-key", "User-3"), null).server.name());
        assertEquals("s2", b.pick(s, TestTxn.header("x-key", "Key With Spaces"), null).server.name());
        assertEquals("s4", b.pick(s, TestTxn.header("x-key", "CAROL"), null).server.name(), "lower applies");
        assertEquals("s1", b.pick(s, TestTxn.header("x-key", "zz-top"), null).server.name());

        Map<String, ServerState> states = new HashMap<>(s.states());
        states.put("expr_chash/s2", new ServerState(false, ServerState.Admin.READY, 2));
        Snapshot next = SnapshotCompiler.withStates(s, states);
        ChashBalancer after = (ChashBalancer) next.backends().get("expr_chash").balancer();
        assertSame(((ChashBalancer) b).hashKey(), after.hashKey(), "the compiled expression is reused");
        assertEquals("s3", after.pick(next, TestTxn.header("x-key", "User-3"), null).server.name());
        assertEquals("s1", after.pick(next, TestTxn.header("x-key", "zz-top"), null).server.name());
    }
}
