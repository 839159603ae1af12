package io.vxlb.stick;

import io.vxlb.config.StickDataType;
import io.vxlb.config.StickRule;
import io.vxlb.rules.CompiledCondition;
import io.vxlb.rules.CompiledSample;
import io.vxlb.rules.Txn;

import java.util.List;
import java.util.Set;

/**
 * A backend's {@code stick on / match / store-request / store-response} rules (HAProxy 2.6
 * process_sticking_rules and process_store_rules): before balancing, the first matching rule
 * whose key has an entry with a usable server sends the request there; once the server is known,
 * the store rules write its id under their keys. Entries, and so the client's server, are shared
 * by the cluster sync (newest write wins). A server is named by its id ({@code id}, else its
 * position from 1, as HAProxy numbers them).
 */
public final class StickPersistence {
    /** One compiled rule: its table, key sample (request or response side) and condition. */
    public record Rule(StickRule.Kind kind, StickTable table, CompiledSample key, CompiledCondition condition) {
        boolean applies(Txn t) {
            return condition == null || condition.test(t);
        }
    }

    /** How the proxy's servers are seen here: by id, with their usability and stickiness. */
    public interface Servers<S> {
        /** The server with that id, or null. */
        S byId(long id);

        long id(S server);

        /** Usable for a persistent request (HAProxy: not stopped, or force-persist). */
        boolean usable(S server);

        String name(S server);
    }

    private final List<Rule> rules;
    private final Set<String> nonStick;
    private final boolean storesResponse;

    public StickPersistence(List<Rule> rules, Set<String> nonStick) {
        this.rules = List.copyOf(rules);
        this.nonStick = Set.copyOf(nonStick);
        boolean r = false;
        for (Rule x : rules) r |= x.kind() == StickRule.Kind.STORE_RESPONSE;
        this.storesResponse = r;
    }

    public boolean storesResponse() {
        return storesResponse;
    }

    /** stick match / stick on: the server the client's entry names, when usable; else null. */
    public <S> S match(Txn t, Servers<S> servers) {
        for (Rule r : rules) {
            if (!r.kind().matches() || !r.applies(t)) continue;
            Object key = StickKeys.of(r.table(), r.key().eval(t));
            if (key == null) continue;
            StickEntry e = r.table().lookup(key);
            if (e == null || !r.table().tagSet(e, StickDataType.SERVER_ID)) continue;
            S s = servers.byId(r.table().read(e, StickDataType.SERVER_ID));
            if (s != null && servers.usable(s)) {
                r.table().touch(e);
                return s;
            }
        }
        return null;
    }

    /** stick store-request / stick on, once {@code server} took the request. */
    public <S> void storeRequest(Txn t, S server, Servers<S> servers) {
        store(t, server, servers, false);
    }

    /** stick store-response, once the response of {@code server} arrived. */
    public <S> void storeResponse(Txn t, S server, Servers<S> servers) {
        if (storesResponse) store(t, server, servers, true);
    }

    private <S> void store(Txn t, S server, Servers<S> servers, boolean response) {
        if (server == null || nonStick.contains(servers.name(server))) return;
        long id = servers.id(server);
        for (Rule r : rules) {
            boolean mine = response ? r.kind() == StickRule.Kind.STORE_RESPONSE : r.kind().storesRequest();
            if (!mine || !r.applies(t)) continue;
            Object key = StickKeys.of(r.table(), r.key().eval(t));
            StickEntry e = key == null ? null : r.table().getOrCreate(key);
            if (e == null) continue;
            // rewrite (and so send to the other nodes) only a change; an unchanged one is touched
            if (!r.table().tagSet(e, StickDataType.SERVER_ID) || r.table().read(e, StickDataType.SERVER_ID) != id) {
                r.table().setTag(e, StickDataType.SERVER_ID, id);
            }
            r.table().touch(e);
        }
    }
}
