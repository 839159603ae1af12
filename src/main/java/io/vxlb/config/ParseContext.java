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
    /** The {@code errorfile} entries of the open {@code http-errors} section; null outside one. */
    List<ErrorPageSpec> httpErrors;
    /** Every {@code http-errors} section by name, for {@code errorfiles NAME}. */
    final Map<String, List<ErrorPageSpec>> httpErrorSections = new LinkedHashMap<>();
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

    /** A {@code ca-file}/{@code crl-file} path with {@code ca-base} applied when it is relative. */
    String caPath(String path) {
        return based(global.caBase, path);
    }

    /** A {@code crt}/{@code crt-list} path with {@code crt-base} applied when it is relative. */
    String crtPath(String path) {
        return based(global.crtBase, path);
    }

    private static String based(String base, String path) {
        if (base == null || path.startsWith("/")) return path;
        return base.endsWith("/") ? base + path : base + "/" + path;
    }

    boolean negated() {
        return negated;
    }
}
