package io.vxlb.maps;

import io.vxlb.rules.RegexDialect;
import io.vxlb.rules.RuleException;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Regex match ({@code map_reg}, {@code map_regm}, ACL {@code -m reg}): HAProxy 2.6 keeps the
 * compiled regexes in a list and the FIRST one in file order found in the sample (unanchored
 * search) wins. The regexes are compiled once here (PCRE meaning, {@link RegexDialect}); matchers
 * are reused per thread so a lookup allocates nothing.
 */
public final class MapRegIndex extends MapIndex {
    private final Pattern[] patterns;
    private final ThreadLocal<Matcher[]> matchers;

    MapRegIndex(List<String> keys, List<String> values, boolean ignoreCase) {
        super(values);
        patterns = new Pattern[keys.size()];
        for (int i = 0; i < patterns.length; i++) {
            try {
                patterns[i] = RegexDialect.compile(keys.get(i), ignoreCase);
            } catch (RuleException e) {
                throw new MapKeyException(i, e.getMessage());
            }
        }
        matchers = ThreadLocal.withInitial(() -> new Matcher[patterns.length]);
    }

    @Override
    public int find(String sample) {
        Matcher[] ms = matchers.get();
        for (int i = 0; i < patterns.length; i++) {
            Matcher m = ms[i];
            if (m == null) {
                m = patterns[i].matcher(sample);
                ms[i] = m;
            } else {
                m.reset(sample);
            }
            if (m.find()) {
                return i;
            }
        }
        return -1;
    }

    /** The regex at a position, e.g. to expand the back-references of map_regm. */
    public Pattern pattern(int position) {
        return patterns[position];
    }

    @Override
    public int size() {
        return patterns.length;
    }
}
