package io.vxlb.rules;

import io.vxlb.maps.AsciiCase;
import io.vxlb.maps.MapIndex;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The patterns of an ACL for one match method (HAProxy 2.6 pat_match_* in src/pattern.c), built
 * once. {@link #matches} receives a value already cast to the method's expected type (anything
 * for FOUND).
 */
abstract class PatternMatcher {
    abstract boolean matches(Object v);

    /** The methods 2.6 knows by identity (find_http_meth); others compare as strings. */
    static final Set<String> KNOWN_METHODS = Set.of("GET", "HEAD", "POST", "CONNECT", "PUT", "OPTIONS",
            "DELETE", "TRACE");

    static final PatternMatcher NEVER = new PatternMatcher() {
        @Override
        boolean matches(Object v) {
            return false;
        }
    };

    static final PatternMatcher FOUND = new PatternMatcher() {
        @Override
        boolean matches(Object v) {
            return true;
        }
    };

    /** -m bool: a non-zero integer (booleans are cast to 1/0). */
    static final PatternMatcher BOOL = new PatternMatcher() {
        @Override
        boolean matches(Object v) {
            return (Long) v != 0;
        }
    };

    /** Any of several matchers (an ACL's inline patterns and its -f files with their own -i). */
    static final class AnyOf extends PatternMatcher {
        private final PatternMatcher[] all;

        AnyOf(List<PatternMatcher> all) {
            this.all = all.toArray(new PatternMatcher[0]);
        }

        @Override
        boolean matches(Object v) {
            for (PatternMatcher m : all) {
                if (m.matches(v)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Integer ranges (-m int); also the int fast path without boxing. */
    static final class IntRanges extends PatternMatcher {
        private final long[] min;
        private final long[] max;

        IntRanges(List<IntPattern> patterns) {
            min = new long[patterns.size()];
            max = new long[patterns.size()];
            for (int i = 0; i < min.length; i++) {
                min[i] = patterns.get(i).min();
                max[i] = patterns.get(i).max();
            }
        }

        boolean matchesLong(long v) {
            for (int i = 0; i < min.length; i++) {
                if (v >= min[i] && v <= max[i]) {
                    return true;
                }
            }
            return false;
        }

        @Override
        boolean matches(Object v) {
            return matchesLong((Long) v);
        }
    }

    /** -m len: the string's length in integer ranges. */
    static final class Len extends PatternMatcher {
        private final IntRanges ranges;

        Len(List<IntPattern> patterns) {
            ranges = new IntRanges(patterns);
        }

        @Override
        boolean matches(Object v) {
            return ranges.matchesLong(((String) v).length());
        }
    }

    /** str, beg, end, sub, dom, dir, reg, ip: a lookup structure of the maps package. */
    static final class Indexed extends PatternMatcher {
        private final MapIndex index;

        Indexed(MapIndex index) {
            this.index = index;
        }

        @Override
        boolean matches(Object v) {
            return index.find((String) v) >= 0;
        }
    }

    /** -m bin: byte-for-byte equality with hex patterns. */
    static final class Bin extends PatternMatcher {
        private final byte[][] patterns;

        Bin(List<byte[]> patterns) {
            this.patterns = patterns.toArray(new byte[0][]);
        }

        @Override
        boolean matches(Object v) {
            byte[] b = (byte[]) v;
            for (byte[] p : patterns) {
                if (Arrays.equals(p, b)) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * The {@code method} ACL (pat_match_meth): a well-known pattern (GET, POST...) matches that
     * method exactly, whatever -i says; another pattern is compared as a string (-i honoured) with
     * methods that are not well-known only. So "method -i get" does not match GET, as in 2.6.
     */
    static final class Meth extends PatternMatcher {
        private final String[] patterns;
        private final boolean ignoreCase;

        Meth(List<String> patterns, boolean ignoreCase) {
            this.patterns = patterns.toArray(new String[0]);
            this.ignoreCase = ignoreCase;
        }

        @Override
        boolean matches(Object v) {
            String m = (String) v;
            boolean known = KNOWN_METHODS.contains(m);
            for (String p : patterns) {
                if (KNOWN_METHODS.contains(p)) {
                    if (p.equals(m)) {
                        return true;
                    }
                } else if (!known && p.length() == m.length()
                        && AsciiCase.regionMatches(ignoreCase, p, 0, m, 0, m.length())) {
                    return true;
                }
            }
            return false;
        }
    }
}
