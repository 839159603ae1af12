package io.vxlb.lb;

import io.vxlb.config.Balance;
import io.vxlb.config.HashType;
import io.vxlb.rules.Txn;
import io.vxlb.runtime.ServerRuntime;
import io.vxlb.runtime.ServerState;
import io.vxlb.runtime.Snapshot;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code balance uri|url_param|hdr|source} with {@code hash-type map-based} (the default), and
 * {@code static-rr} (the same map walked in order), placed
 * as HAProxy 2.6 does so a mixed fleet sends a key to the same server: the weight map of
 * lb_map.c's recalc_server_map() (weights divided by their GCD, the heaviest "wscore" first,
 * declaration order among equals), indexed by {@code hash % total weight}; key extraction and
 * hash functions of backend.c / hash.c. Without a key it walks the map in order, like
 * map_get_server_rr(); with one usable server it does not hash.
 */
public final class MapHashBalancer implements Balancer {
    private final Balance balance;
    private final HashType hashType;
    private final ServerRuntime[] map;
    private int rrIndex;

    public MapHashBalancer(Balance balance, HashType hashType, List<ServerRuntime> servers, Map<String, ServerState> states, boolean allBackups) {
        this.balance = balance;
        this.hashType = hashType;
        this.map = buildMap(Balancer.eligible(states, servers, allBackups), states);
    }

    /** recalc_server_map(): a table of total-weight slots, filled by accumulated weight scores. */
    static ServerRuntime[] buildMap(List<ServerRuntime> used, Map<String, ServerState> states) {
        if (used.isEmpty()) return new ServerRuntime[0];
        int gcd = 0;
        for (ServerRuntime s : used) gcd = gcd(gcd, states.get(s.key).weight());
        List<Integer> w = new ArrayList<>();
        int tot = 0;
        for (ServerRuntime s : used) {
            int ew = (states.get(s.key).weight() + gcd - 1) / Math.max(1, gcd);
            w.add(ew);
            tot += ew;
        }
        ServerRuntime[] out = new ServerRuntime[tot];
        int[] wscore = new int[used.size()];
        for (int o = 0; o < tot; o++) {
            int max = 0, best = -1;
            for (int i = 0; i < used.size(); i++) {
                if (tot == 1) {
                    best = i;
                    break;
                }
                wscore[i] += w.get(i);
                int v = (wscore[i] + tot) / tot;
                if (best < 0 || v > max) {
                    max = v;
                    best = i;
                }
            }
            out[o] = used.get(best);
            wscore[best] -= tot;
        }
        return out;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    @Override
    public synchronized ServerRuntime pick(Snapshot snapshot, Txn txn, ServerRuntime avoid) {
        if (map.length == 0) return null;
        if (distinct() == 1) return map[0];
        Long hash = txn == null ? null : hash(txn);
        if (hash != null) return map[(int) Long.remainderUnsigned(hash, map.length)];
        // map_get_server_rr(): the next slot of the map, skipping the server to avoid once
        for (int i = 0; i < map.length; i++) {
            ServerRuntime s = map[rrIndex];
            rrIndex = (rrIndex + 1) % map.length;
            if (s != avoid) return s;
        }
        return map[0];
    }

    private int distinct() {
        ServerRuntime first = map[0];
        for (ServerRuntime s : map) if (s != first) return 2;
        return 1;
    }

    /** The key's hash as an unsigned 32-bit value, or null when the request has no key. */
    private Long hash(Txn txn) {
        byte[] key;
        switch (balance.algorithm()) {
            case URI -> {
                String uri = txn.uri();
                int len = balance.length() > 0 ? Math.min(uri.length(), balance.length()) : uri.length();
                int end = 0, slashes = 0;
                while (end < len) {
                    char c = uri.charAt(end);
                    if (c == '/') {
                        slashes++;
                        if (balance.depth() > 0 && slashes == balance.depth() + 1) break;
                    } else if (c == '?' && !balance.whole()) {
                        break;
                    }
                    end++;
                }
                key = uri.substring(0, end).getBytes(StandardCharsets.ISO_8859_1);
            }
            case URL_PARAM -> {
                String value = urlParam(txn.uri(), balance.parameter());
                if (value == null) return null;
                key = value.getBytes(StandardCharsets.ISO_8859_1);
            }
            case HDR -> {
                String v = firstValue(txn, balance.parameter());
                if (v == null || v.isEmpty()) return null;
                key = (balance.useDomainOnly() ? domainOnly(v) : v).getBytes(StandardCharsets.ISO_8859_1);
            }
            case SOURCE -> {
                try {
                    byte[] a = InetAddress.getByName(txn.srcAddress()).getAddress();
                    int h = 0;
                    for (int l = 0; l + 4 <= a.length; l += 4) {
                        h ^= ((a[l] & 0xff) << 24) | ((a[l + 1] & 0xff) << 16) | ((a[l + 2] & 0xff) << 8) | (a[l + 3] & 0xff);
                    }
                    return Integer.toUnsignedLong(hashType.avalanche() ? HashFunctions.fullHash(h) : h);
                } catch (java.net.UnknownHostException e) {
                    return null;
                }
            }
            default -> {
                return null;
            }
        }
        int h = HashFunctions.hash(hashType.function(), key);
        if (hashType.avalanche()) h = HashFunctions.fullHash(h);
        return Integer.toUnsignedLong(h);
    }

    /** The first comma-separated value of the first occurrence of a header (http_find_header, full=0). */
    static String firstValue(Txn txn, String name) {
        for (int i = 0; i < txn.requestHeaderCount(); i++) {
            if (!txn.requestHeaderName(i).equalsIgnoreCase(name)) continue;
            String v = txn.requestHeaderValue(i);
            int comma = v.indexOf(',');
            return (comma < 0 ? v : v.substring(0, comma)).trim();
        }
        return null;
    }

    /** get_server_hh() with use_domain_only: the label before the last dot ("www.example.com" hashes "example"). */
    static String domainOnly(String v) {
        int len = v.length(), p = len, end = len, l = len;
        boolean dohash = false;
        while (l > 0) {
            if (dohash) {
                if (v.charAt(p - 1) == '.') break;
            } else if (p < len && v.charAt(p) == '.') {
                end = p;
                dohash = true;
            }
            p--;
            l--;
        }
        return v.substring(p, end);
    }

    /** get_server_ph(): the value of the first "NAME=" parameter of the query, up to '&'. */
    static String urlParam(String uri, String name) {
        int q = uri.indexOf('?');
        if (q < 0) return null;
        int p = q + 1;
        while (p < uri.length()) {
            int amp = uri.indexOf('&', p);
            int end = amp < 0 ? uri.length() : amp;
            if (uri.startsWith(name, p) && p + name.length() < end + 1 && p + name.length() < uri.length()
                    && uri.charAt(p + name.length()) == '=') {
                return uri.substring(p + name.length() + 1, end);
            }
            if (amp < 0) return null;
            p = amp + 1;
        }
        return null;
    }
}
