package io.vxlb.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a keyword handler needs: the section being built, whether the line began with
 * {@code no}, and where to report findings. Handlers throw {@link ConfigException} for errors
 * on their line and call {@link #warn} for warnings.
 */
public final class ParseContext {
    final List<Diagnostic> diagnostics = new ArrayList<>();
    /** Keywords with {@link Support#PARSED} used by this configuration (warned about at startup). */
    final Map<String, Location> parsedOnlyUsed = new LinkedHashMap<>();
    final GlobalBuilder global = new GlobalBuilder();
    final List<MapUpdate> mapUpdates = new ArrayList<>();
    /** Proxies (by location) with a bind line in error: "no bind line" would only repeat that error. */
    final Set<Location> brokenBinds = new HashSet<>();
    ProxyBuilder proxy;
    String sectionLabel = "";
    String keyword = "";
    boolean negated;
    ConfigLine line;

    /** A warning about word {@code word} of the current line. */
    public void warn(ConfigLine l, int word, String message, String hint) {
        diagnostics.add(new Diagnostic(Diagnostic.Severity.WARNING, l.location(word), sectionLabel, keyword, message, hint));
    }

    void error(ConfigLine l, int word, String message, String hint) {
        diagnostics.add(new Diagnostic(Diagnostic.Severity.ERROR, l.location(word), sectionLabel, keyword, message, hint));
    }

    void error(Location loc, String section, String kw, String message, String hint) {
        diagnostics.add(new Diagnostic(Diagnostic.Severity.ERROR, loc, section, kw, message, hint));
    }

    void warn(Location loc, String section, String kw, String message, String hint) {
        diagnostics.add(new Diagnostic(Diagnostic.Severity.WARNING, loc, section, kw, message, hint));
    }

    boolean negated() {
        return negated;
    }
}
