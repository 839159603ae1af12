package io.vxlb.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Which key wins when several match, per match kind (HAProxy 2.6 src/pattern.c; doc section
 * 7.3.1 "map": "IP addresses and strings are stored in trees, so the first of the finest match
 * will be used. Other keys are stored in lists, so the first matching occurrence will be used").
 */
class MapIndexTest {

    private static MapIndex index(MapMatch m, String... keys) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < keys.length; i++) {
            values.add("v" + i);
        }
        return MapIndex.build(m, List.of(keys), values, false);
    }

    @Test
    void strExactFirstOfDuplicates() {
        MapIndex i = index(MapMatch.STR, "a", "b", "a", "A");
        assertEquals("v0", i.lookup("a"));
        assertEquals("v3", i.lookup("A")); // maps are case-sensitive
        assertNull(i.lookup("c"));
        assertNull(i.lookup(""));
        MapIndex ic = MapIndex.build(MapMatch.STR, List.of("Host.Example"), null, true);
        assertEquals(0, ic.find("host.EXAMPLE"));
        assertEquals("", ic.lookup("host.example"));
    }

    @Test
    void begLongestPrefixWhateverTheOrder() {
        MapIndex i = index(MapMatch.BEG, "/a", "/a/b/c", "/a/b", "/a/b");
        assertEquals("v1", i.lookup("/a/b/c/d"));
        assertEquals("v2", i.lookup("/a/b/x")); // first of the duplicates
        assertEquals("v0", i.lookup("/a"));
        assertNull(i.lookup("/"));
        assertNull(i.lookup("/b"));
    }

    @Test
    void endFirstInFileOrder() {
        MapIndex i = index(MapMatch.END, ".com", ".example.com", "com");
        assertEquals("v0", i.lookup("www.example.com")); // not the longest
        assertEquals("v2", i.lookup("dotcom"));
        assertNull(i.lookup("example.org"));
    }

    @Test
    void subFirstInFileOrder() {
        MapIndex i = index(MapMatch.SUB, "zzz", "b", "abc");
        assertEquals("v1", i.lookup("xabcx"));
        assertNull(i.lookup("xyz"));
    }

    @Test
    void domDelimitedWordsFirstInFileOrder() {
        MapIndex i = index(MapMatch.DOM, "example.com", "app1.example.com", ".org.", "b:8080");
        assertEquals("v0", i.lookup("app1.example.com")); // first in file order, not the finest
        assertEquals("v0", i.lookup("example.com:443"));
        assertEquals("v0", i.lookup("www.example.com/path"));
        assertNull(i.lookup("myexample.com"));
        assertNull(i.lookup("example.community"));
        assertEquals("v2", i.lookup("x.org")); // delimiters at the ends of a key are ignored
        assertEquals("v3", i.lookup("a.b:8080"));
    }

    @Test
    void dirDelimitedBySlashAndQuestionMark() {
        MapIndex i = index(MapMatch.DIR, "/img/", "a.b");
        assertEquals("v0", i.lookup("/static/img/x.png"));
        assertEquals("v0", i.lookup("/img?x"));
        assertNull(i.lookup("/imgs/x"));
        assertEquals("v1", i.lookup("/a.b/c"));
        assertNull(i.lookup("/x.a.b/c")); // '.' is not a delimiter of dir
    }

    @Test
    void regFirstInFileOrder() {
        MapIndex i = index(MapMatch.REG, "^/api/v[0-9]+/", "^/api/", "users");
        assertEquals("v0", i.lookup("/api/v2/users"));
        assertEquals("v1", i.lookup("/api/users"));
        assertEquals("v2", i.lookup("/x/users/1")); // unanchored search
        assertNull(i.lookup("/x"));
        assertThrows(MapKeyException.class, () -> index(MapMatch.REG, "(unclosed"));
    }

    @Test
    void intExactAndRangesFirstInFileOrder() {
        MapIntIndex i = (MapIntIndex) index(MapMatch.INT, "100:200", "150", "-5", "300-", "7");
        assertEquals(0, i.find(150)); // the range comes first
        assertEquals(0, i.find(100));
        assertEquals(2, i.find(-40)); // "-5" is the range up to 5, as pat_parse_int reads it
        assertEquals(2, i.find(5));
        assertEquals(3, i.find(1_000_000));
        assertEquals(4, i.find(7));
        assertEquals(-1, i.find(250));
        assertEquals(4, i.find("7"));
        assertEquals(4, i.find("7abc")); // string to integer cast reads the leading digits
        assertThrows(MapKeyException.class, () -> index(MapMatch.INT, "ten"));
        assertThrows(MapKeyException.class, () -> index(MapMatch.INT, "9:1"));
    }

    @Test
    void ipLongestPrefix() {
        MapIndex i = index(MapMatch.IP, "10.0.0.0/8", "10.1.0.0/16", "10.1.2.3", "0.0.0.0/0", "2001:db8::/32",
                "2001:db8:1::/48", "10.0.0.0/255.0.255.0");
        assertEquals("v2", i.lookup("10.1.2.3"));
        assertEquals("v1", i.lookup("10.1.9.9"));
        assertEquals("v0", i.lookup("10.9.9.9"));
        assertEquals("v3", i.lookup("192.0.2.1"));
        assertEquals("v5", i.lookup("2001:db8:1::5"));
        assertEquals("v4", i.lookup("2001:db8:2::5"));
        assertNull(i.lookup("2001:db9::1"));
        assertEquals("v1", i.lookup("::ffff:10.1.0.1")); // IPv4-mapped sample
        assertEquals("v1", i.lookup("2002:a01:1::")); // 6to4 sample
        assertNull(i.lookup("not an address"));
    }

    @Test
    void ipTreesBeforeTheListAndV6TreeForV4Samples() {
        MapIndex i = index(MapMatch.IP, "10.0.0.0/255.0.255.0", "::ffff:10.0.0.0/104", "11.0.0.0/8");
        assertEquals("v1", i.lookup("10.1.0.1")); // the IPv6 tree answers before the list
        MapIndex l = index(MapMatch.IP, "10.0.0.0/255.0.255.0", "11.0.0.0/8");
        assertEquals("v0", l.lookup("10.1.0.1"));
        assertNull(l.lookup("10.1.1.1"));
        assertThrows(MapKeyException.class, () -> index(MapMatch.IP, "10.0.0.0/33"));
        assertThrows(MapKeyException.class, () -> index(MapMatch.IP, "host.example"));
    }

    // ---------------------------------------------------------------- against naive references

    private static final String ALPHABET = "ab./:?";

    private static String random(Random r, int maxLen) {
        int n = r.nextInt(maxLen + 1);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    private static String upperSome(Random r, String s) {
        StringBuilder sb = new StringBuilder(s);
        for (int i = 0; i < sb.length(); i++) {
            if (r.nextBoolean()) {
                sb.setCharAt(i, Character.toUpperCase(sb.charAt(i)));
            }
        }
        return sb.toString();
    }

    private static boolean delim(char c, boolean dom) {
        return c == '/' || c == '?' || dom && (c == '.' || c == ':');
    }

    private static boolean startsAt(String s, int i, String k, boolean ic) {
        return i + k.length() <= s.length() && s.regionMatches(ic, i, k, 0, k.length());
    }

    /** The first key (or the longest, for BEG) as HAProxy's list/tree semantics define it. */
    private static int reference(MapMatch m, List<String> keys, String s, boolean ic) {
        int best = -1;
        for (int k = 0; k < keys.size(); k++) {
            String key = keys.get(k);
            boolean match = switch (m) {
                case STR -> s.length() == key.length() && startsAt(s, 0, key, ic);
                case BEG -> startsAt(s, 0, key, ic);
                case END -> s.length() >= key.length() && startsAt(s, s.length() - key.length(), key, ic);
                case SUB -> {
                    boolean f = false;
                    for (int i = 0; i + key.length() <= s.length() && !f; i++) {
                        f = startsAt(s, i, key, ic);
                    }
                    yield f;
                }
                case DOM, DIR -> {
                    boolean dom = m == MapMatch.DOM;
                    int b = 0;
                    int e = key.length();
                    while (b < e && delim(key.charAt(b), dom)) {
                        b++;
                    }
                    while (e > b && delim(key.charAt(e - 1), dom)) {
                        e--;
                    }
                    String w = key.substring(b, e);
                    if (w.isEmpty()) {
                        yield s.isEmpty() || delim(s.charAt(s.length() - 1), dom);
                    }
                    boolean f = false;
                    for (int i = 0; i + w.length() <= s.length() && !f; i++) {
                        f = (i == 0 || delim(s.charAt(i - 1), dom)) && startsAt(s, i, w, ic)
                                && (i + w.length() == s.length() || delim(s.charAt(i + w.length()), dom));
                    }
                    yield f;
                }
                default -> throw new IllegalArgumentException();
            };
            if (!match) {
                continue;
            }
            if (m != MapMatch.BEG) {
                return k;
            }
            if (best < 0 || key.length() > keys.get(best).length()) {
                best = k;
            }
        }
        return best;
    }

    @Test
    void stringIndexesAgreeWithTheReference() {
        Random r = new Random(42);
        for (MapMatch m : new MapMatch[] {MapMatch.STR, MapMatch.BEG, MapMatch.END, MapMatch.SUB, MapMatch.DOM, MapMatch.DIR}) {
            for (int round = 0; round < 60; round++) {
                boolean ic = round % 3 == 0;
                int n = round % 2 == 0 ? 1 + r.nextInt(12) : 17 + r.nextInt(200); // scanned and hashed variants
                List<String> keys = new ArrayList<>();
                for (int k = 0; k < n; k++) {
                    String key = random(r, 6);
                    keys.add(key.isEmpty() && m != MapMatch.DOM && m != MapMatch.DIR ? "a" : key);
                }
                MapIndex idx = MapIndex.build(m, keys, null, ic);
                for (int q = 0; q < 300; q++) {
                    String s = random(r, 14);
                    if (ic) {
                        s = upperSome(r, s);
                    }
                    assertEquals(reference(m, keys, s, ic), idx.find(s),
                            () -> m + " ic=" + ic + " keys=" + keys + " sample=");
                }
            }
        }
    }

    @Test
    void ipIndexAgreesWithALinearLongestPrefixScan() {
        Random r = new Random(7);
        for (int round = 0; round < 20; round++) {
            List<String> keys = new ArrayList<>();
            long[] net = new long[300];
            int[] len = new int[300];
            for (int k = 0; k < net.length; k++) {
                len[k] = 8 + r.nextInt(25);
                long mask = (0xFFFFFFFFL << (32 - len[k])) & 0xFFFFFFFFL;
                net[k] = (0x0A000000L | r.nextInt(1 << 16) << 8 | r.nextInt(256)) & mask;
                keys.add(IpLiteral.formatV4(net[k]) + "/" + len[k]);
            }
            MapIndex idx = MapIndex.build(MapMatch.IP, keys, null, false);
            for (int q = 0; q < 500; q++) {
                long a = 0x0A000000L | r.nextInt(1 << 16) << 8 | r.nextInt(256);
                int best = -1;
                for (int k = 0; k < net.length; k++) {
                    long mask = (0xFFFFFFFFL << (32 - len[k])) & 0xFFFFFFFFL;
                    if ((a & mask) == net[k] && (best < 0 || len[k] > len[best])) {
                        best = k;
                    }
                }
                int found = idx.find(IpLiteral.formatV4(a));
                assertEquals(best < 0 ? -1 : len[best], found < 0 ? -1 : len[found], Arrays.toString(new long[] {a}));
                if (best >= 0) {
                    assertEquals(net[best], net[found]);
                }
            }
        }
    }

    @Test
    void intIndexAgreesWithAScanInFileOrder() {
        Random r = new Random(3);
        for (int round = 0; round < 50; round++) {
            List<String> keys = new ArrayList<>();
            List<long[]> ranges = new ArrayList<>();
            for (int k = 0; k < 1 + r.nextInt(60); k++) {
                long a = r.nextInt(100) - 20;
                long b = Math.abs(a) + r.nextInt(30);
                String key = switch (r.nextInt(5)) {
                    case 0 -> Long.toString(a); // "-5" reads as ":5"
                    case 1 -> Math.abs(a) + ":" + b; // a leading '-' would be the separator, as in 2.6
                    case 2 -> ":" + b;
                    case 3 -> Math.abs(a) + ":";
                    default -> a >= 0 ? a + "-" + b : Long.toString(a);
                };
                keys.add(key);
                ranges.add(MapIntIndex.parse(key, k));
            }
            MapIntIndex idx = (MapIntIndex) MapIndex.build(MapMatch.INT, keys, null, false);
            for (long v = -40; v <= 140; v++) {
                int expected = -1;
                for (int k = 0; k < ranges.size(); k++) {
                    if (v >= ranges.get(k)[0] && v <= ranges.get(k)[1]) {
                        expected = k;
                        break;
                    }
                }
                long value = v;
                assertEquals(expected, idx.find(v), () -> keys + " v=" + value);
            }
            assertEquals(idx.find(Long.MAX_VALUE), firstContaining(ranges, Long.MAX_VALUE));
            assertEquals(idx.find(Long.MIN_VALUE), firstContaining(ranges, Long.MIN_VALUE));
        }
    }

    private static int firstContaining(List<long[]> ranges, long v) {
        for (int k = 0; k < ranges.size(); k++) {
            if (v >= ranges.get(k)[0] && v <= ranges.get(k)[1]) {
                return k;
            }
        }
        return -1;
    }
}
