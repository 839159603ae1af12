package io.vxlb.lb;

import io.vxlb.config.Balance;
import io.vxlb.config.HashType;
import io.vxlb.rules.CompiledSample;
import io.vxlb.rules.Txn;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/**
 * What a hash-based {@code balance} hashes, and how: the key of backend.c's get_server_sh/uh/ph/
 * hh/expr() run through the {@code hash-type} function (gen_hash) and optional avalanche
 * (full_hash). Shared by the map-based and the consistent balancers so both hash a request
 * alike. Built once per configuration; {@code balance hash EXPR} carries its compiled sample.
 */
public final class HashKey {
    /** The request carries no key: the caller falls back to round robin, as assign_server() does. */
    public static final long NO_KEY = -1;

    private final Balance balance;
    private final HashType hashType;
    private final CompiledSample expression;

    /** {@code expression} is the compiled {@code balance hash EXPR} sample, null for the other algorithms. */
    public HashKey(Balance balance, HashType hashType, CompiledSample expression) {
        this.balance = balance;
        this.hashType = hashType;
        this.expression = expression;
        if (balance.algorithm() == Balance.Algorithm.HASH && expression == null) {
            throw new IllegalArgumentException("'balance hash' needs its compiled sample expression");
        }
    }

    public Balance balance() {
        return balance;
    }

    public HashType hashType() {
        return hashType;
    }

    public CompiledSample expression() {
        return expression;
    }

    /** The key's hash as an unsigned 32-bit value, or {@link #NO_KEY} when the request has none. */
    public long hash(Txn txn) {
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
                if (value == null) return NO_KEY;
                key = value.getBytes(StandardCharsets.ISO_8859_1);
            }
            case HDR -> {
                String v = firstValue(txn, balance.parameter());
                if (v == null || v.isEmpty()) return NO_KEY;
                key = (balance.useDomainOnly() ? domainOnly(v) : v).getBytes(StandardCharsets.ISO_8859_1);
            }
            case SOURCE -> {
                // get_server_sh(): the address' 32-bit words XORed, no hash function
                byte[] a = addressBytes(txn.srcAddress());
                if (a == null) return NO_KEY;
                int h = 0;
                for (int l = 0; l + 4 <= a.length; l += 4) {
                    h ^= ((a[l] & 0xff) << 24) | ((a[l + 1] & 0xff) << 16) | ((a[l + 2] & 0xff) << 8) | (a[l + 3] & 0xff);
                }
                return Integer.toUnsignedLong(hashType.avalanche() ? HashFunctions.fullHash(h) : h);
            }
            case HASH -> {
                key = binary(expression.eval(txn));
                if (key == null) return NO_KEY;
            }
            default -> {
                return NO_KEY;
            }
        }
        int h = HashFunctions.hash(hashType.function(), key);
        if (hashType.avalanche()) h = HashFunctions.fullHash(h);
        return Integer.toUnsignedLong(h);
    }

    /** The sample cast to HAProxy's binary type (sample_casts[*][SMP_T_BIN]); null when missing. */
    static byte[] binary(Object v) {
        if (v == null) return null;
        if (v instanceof byte[] b) return b;
        if (v instanceof String s) {
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) > 0xFF) return s.getBytes(StandardCharsets.UTF_8);
            }
            return s.getBytes(StandardCharsets.ISO_8859_1);  // header bytes arrive one char per byte
        }
        if (v instanceof Long l) return int64(l);                // c_int2bin: 8 bytes, network order
        if (v instanceof Boolean b) return int64(b ? 1 : 0);     // c_bool2bin
        if (v instanceof InetAddress a) return a.getAddress();   // c_addr2bin: 4 or 16 bytes
        return String.valueOf(v).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] int64(long l) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) b[i] = (byte) (l >>> (56 - 8 * i));
        return b;
    }

    private static byte[] addressBytes(String address) {
        if (address == null || address.isEmpty()) return null;
        // a literal, never a name: refuse anything that would make InetAddress resolve
        char c = address.charAt(0);
        if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '[')) return null;
        try {
            return InetAddress.getByName(address).getAddress();
        } catch (java.net.UnknownHostException e) {
            return null;
        }
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
