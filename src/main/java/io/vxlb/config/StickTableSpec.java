package io.vxlb.config;

import java.util.List;

/**
 * One {@code stick-table} line: {@code type ip|ipv6|integer|string [len N]|binary [len N] size N
 * [expire T] [nopurge] [peers NAME] [store T[(period)],...]}. The table is named after its proxy.
 * {@code expireMs} 0 means entries never expire (HAProxy's default without {@code expire}).
 */
public record StickTableSpec(String name, KeyType type, int keyLength, int size, long expireMs, boolean nopurge,
                             String peers, List<Store> stores, Location location) {
    public enum KeyType {
        IP("ip"), IPV6("ipv6"), INTEGER("integer"), STRING("string"), BINARY("binary");

        public final String word;

        KeyType(String word) {
            this.word = word;
        }
    }

    /** A stored data type; {@code periodMs} is the period of a rate (0 for the others). */
    public record Store(StickDataType type, long periodMs) {}

    public StickTableSpec {
        stores = List.copyOf(stores);
    }

    public Store store(StickDataType t) {
        for (Store s : stores) if (s.type() == t) return s;
        return null;
    }

    public boolean stores(StickDataType t) {
        return store(t) != null;
    }

    /** Same key and stores: a reload keeps the entries of a table whose layout did not change. */
    public boolean sameLayout(StickTableSpec o) {
        return o != null && type == o.type && keyLength == o.keyLength && stores.equals(o.stores);
    }

    /** The same table with server_id stored too (a proxy's stick rules need it, as in HAProxy). */
    public StickTableSpec withServerId() {
        if (stores(StickDataType.SERVER_ID)) return this;
        java.util.ArrayList<Store> s = new java.util.ArrayList<>(stores);
        s.add(0, new Store(StickDataType.SERVER_ID, 0));
        return new StickTableSpec(name, type, keyLength, size, expireMs, nopurge, peers, s, location);
    }
}
