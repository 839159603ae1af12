package io.vxlb.rules;

import io.vxlb.maps.MapFile;
import io.vxlb.maps.MapIndex;
import io.vxlb.maps.MapIpIndex;
import io.vxlb.maps.MapMatch;
import io.vxlb.maps.MapSource;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Compiles parsed rules into evaluators, once per configuration snapshot: every fetch and
 * converter is bound, every regex compiled, every map file loaded and indexed, every {@code -f}
 * pattern file read, so that nothing is compiled on the request path. Map files and pattern
 * files are read once per compiler (one snapshot sees one version of each), and the compiled
 * lines of a named ACL are shared by all conditions that use it.
 * <p>
 * Errors — an unreadable file, a bad map value, a fetch or converter vxlb cannot evaluate — are
 * thrown as {@link RuleException} naming the file or the keyword. Not thread-safe: one compiler
 * per snapshot build.
 */
public final class RuleCompiler {
    private final MapSource maps;
    private final Function<String, List<String>> patternFileReader;
    private final Map<String, MapFile> mapFiles = new HashMap<>();
    private final Map<String, List<String>> patternFiles = new HashMap<>();
    private final Map<MapFile, Map<SampleType, Object[]>> typedValues = new IdentityHashMap<>();
    private final Map<List<AclDef>, EnumMap<Direction, CompiledAcl[]>> namedAcls = new IdentityHashMap<>();
    private final Map<String, EnumMap<Direction, CompiledAcl[]>> predefinedAcls = new HashMap<>();

    /**
     * @param maps              where map files come from (paths as written in the configuration)
     * @param patternFileReader reads the lines of an ACL {@code -f} file (path as written)
     */
    public RuleCompiler(MapSource maps, Function<String, List<String>> patternFileReader) {
        this.maps = maps;
        this.patternFileReader = patternFileReader;
    }

    /** A sample expression of a request rule. */
    public CompiledSample compile(SampleExpr e) {
        return compile(e, Direction.REQUEST);
    }

    public CompiledSample compile(SampleExpr e, Direction dir) {
        Fetch fetch = fetch(e, dir);
        SampleType type = fetch.type;
        List<CompiledSample.Stage> stages = new ArrayList<>();
        for (ConverterCall c : e.converters()) {
            stages.add(new CompiledSample.Stage(type, c.conv().inputType(), converter(c)));
            type = c.conv().outputType();
        }
        return new CompiledSample(e, fetch, stages.toArray(new CompiledSample.Stage[0]), type);
    }

    /** A condition of a request rule; {@code sectionAcls} are the ACLs of the rule's section by name. */
    public CompiledCondition compile(Condition c, Map<String, List<AclDef>> sectionAcls) {
        return compile(c, sectionAcls, Direction.REQUEST);
    }

    public CompiledCondition compile(Condition c, Map<String, List<AclDef>> sectionAcls, Direction dir) {
        List<List<CondTerm>> groups = c.orOfAnds();
        CompiledCondition.Term[][] out = new CompiledCondition.Term[groups.size()][];
        for (int g = 0; g < groups.size(); g++) {
            List<CondTerm> terms = groups.get(g);
            out[g] = new CompiledCondition.Term[terms.size()];
            for (int i = 0; i < terms.size(); i++) {
                CondTerm term = terms.get(i);
                CompiledAcl[] acls = term.anonymous() != null
                        ? new CompiledAcl[] {acl(term.anonymous(), dir)}
                        : named(term.aclName(), sectionAcls, dir);
                out[g][i] = new CompiledCondition.Term(term.negated(), acls);
            }
        }
        return new CompiledCondition(c, out);
    }

    /** A log-format string of a request rule (header value, redirect target, use_backend name). */
    public CompiledLogFormat compile(LogFormat f) {
        return compile(f, Direction.REQUEST);
    }

    public CompiledLogFormat compile(LogFormat f, Direction dir) {
        List<Object> parts = new ArrayList<>();
        for (LogFormatPart p : f.parts()) {
            if (p instanceof LogFormatPart.Literal l) {
                if (!parts.isEmpty() && parts.get(parts.size() - 1) instanceof String prev) {
                    parts.set(parts.size() - 1, prev + l.text());
                } else {
                    parts.add(l.text());
                }
            } else if (p instanceof LogFormatPart.Variable v) {
                boolean quote = v.flags().contains(LogFlag.Q) && CompiledLogFormat.QUOTABLE.contains(v.variable().name());
                parts.add(quote ? new CompiledLogFormat.QuotedVariable(v.variable()) : v.variable());
            } else {
                LogFormatPart.Sample s = (LogFormatPart.Sample) p;
                parts.add(new CompiledLogFormat.SamplePart(compile(s.expr(), dir), s.flags().contains(LogFlag.Q),
                        s.flags().contains(LogFlag.M), s.flags().contains(LogFlag.E)));
            }
        }
        return new CompiledLogFormat(f, parts.toArray());
    }

    // ---------------------------------------------------------------- fetches and converters

    private Fetch fetch(SampleExpr e, Direction dir) {
        if (e.fetch().name().equals("var") && !e.fetchArgs().isEmpty()) declare(e.fetchArgs().get(0));
        if (StickFetches.isFetch(e.fetch().name())) return StickFetches.create(e, stickTables, currentProxy);  // vxlb-stick
        Fetch payload = PayloadFetches.create(e, dir);  // layer-6 fetches of tcp-request/tcp-response content rules
        return payload != null ? payload : Fetches.create(e, dir);
    }

    // vxlb-stick: the tables stick fetches and converters bind to, and the proxy whose rules are compiled
    private io.vxlb.stick.StickTables stickTables = io.vxlb.stick.StickTables.EMPTY;
    private String currentProxy = "";

    /** The stick tables of the snapshot being compiled (table arguments resolve against them). */
    public void stickTables(io.vxlb.stick.StickTables tables) {
        this.stickTables = tables;
    }

    /** The node's proc variables: a proc variable the configuration names exists (unset) from the start, as in HAProxy. */
    private Vars.Process procVars;

    public void procVars(Vars.Process vars) {
        this.procVars = vars;
    }

    /** A variable the configuration names (var(), set-var...): a proc one is created, unset. */
    public void declare(String variable) {
        if (procVars != null && variable.startsWith("proc.")) procVars.declare(variable.trim());
    }

    /** The proxy whose rules are compiled next: its table is the default of src_*, table_cnt... */
    public void currentProxy(String name) {
        this.currentProxy = name;
    }

    private CompiledConverter converter(ConverterCall c) {
        String name = c.conv().name();
        List<String> a = c.args();
        return switch (name) {
            case "lower" -> new CompiledConverter.Lower();
            case "upper" -> new CompiledConverter.Upper();
            case "length" -> new CompiledConverter.Length();
            case "base64" -> new CompiledConverter.Base64Encode();
            case "hex" -> new CompiledConverter.Hex();
            case "bytes" -> new CompiledConverter.Bytes(integer(a, 0, 0), integer(a, 1, -1));
            case "field" -> new CompiledConverter.Field(integer(a, 0, 0), a.get(1), integer(a, 2, 1));
            case "word" -> new CompiledConverter.Word(integer(a, 0, 0), a.get(1), integer(a, 2, 1));
            case "regsub" -> {
                String flags = a.size() > 2 ? a.get(2) : "";
                yield new CompiledConverter.Regsub(RegexDialect.compile(a.get(0), flags.indexOf('i') >= 0),
                        a.get(1), flags.indexOf('g') >= 0);
            }
            case "concat" -> new CompiledConverter.Concat(str(a, 0), str(a, 1), str(a, 2));
            case "json" -> new CompiledConverter.Json(str(a, 0));
            case "sha1" -> new MoreConverters.Digest("SHA-1");
            case "sha2" -> MoreConverters.Digest.sha2(integer(a, 0, 256));
            case "digest" -> MoreConverters.Digest.named(a.get(0));
            case "hmac" -> new MoreConverters.Hmac(a.get(0), a.get(1));
            case "b64dec" -> new MoreConverters.Base64Decode();
            case "crc32", "crc32c", "djb2", "sdbm", "wt6" -> new HashConverters.Hash32(name, integer(a, 0, 0) != 0);
            case "xxh64" -> new HashConverters.Xxh64(integer(a, 0, 0));
            case "xxh3" -> new HashConverters.Xxh3(integer(a, 0, 0));
            case "set-var" -> {
                declare(a.get(0));
                yield new SetVarConverter(a.get(0).trim(), Vars.conditions(a.subList(1, a.size())));
            }
            case "unset-var" -> {
                declare(a.get(0));
                yield new SetVarConverter(a.get(0).trim(), -1);
            }
            case "xxh32" -> new HashConverters.Xxh32((int) integer(a, 0, 0));
            case "http_date" -> new HashConverters.HttpDate(integer(a, 0, 0), str(a, 1));
            case "ipmask" -> HashConverters.IpMask.of(a.get(0), str(a, 1));
            case "ub64enc" -> new MoreConverters.Base64UrlEncode();
            case "ub64dec" -> new MoreConverters.Base64UrlDecode();
            case "be2dec" -> new MoreConverters.Be2Dec(str(a, 0), integer(a, 1, 0), integer(a, 2, 0));
            case "be2hex" -> new MoreConverters.Be2Hex(str(a, 0), integer(a, 1, 0), integer(a, 2, 0));
            case "url_dec" -> new MoreConverters.UrlDecode(integer(a, 0, 0) != 0);
            case "url_enc" -> new MoreConverters.UrlEncode(str(a, 0));
            case "iif" -> new MoreConverters.Iif(a.get(0), a.get(1));
            case "json_query" -> new JsonQuery(a.get(0), a.size() > 1 && !a.get(1).isEmpty());
            case "add_item" -> new MoreConverters.AddItem(a.get(0), str(a, 1), str(a, 2));
            case "strcmp" -> new MoreConverters.StrCmp(a.get(0));
            case "secure_memcmp" -> new MoreConverters.SecureMemcmp(a.get(0));
            case "add", "sub", "mul", "div", "mod", "and", "or", "xor" -> new MoreConverters.Arith(name, a.get(0));
            case "neg", "cpl", "bool", "not", "odd", "even" -> new MoreConverters.Unary(name);
            default -> {
                if (name.equals("map") || name.startsWith("map_")) {
                    yield map(c);
                }
                if (StickFetches.isConverter(name)) yield StickFetches.converter(c, stickTables);  // vxlb-stick
                throw new RuleException("converter '" + name + "' is not implemented yet in vxlb",
                        "it is valid HAProxy 2.6, but vxlb cannot evaluate it");
            }
        };
    }

    private static String str(List<String> a, int i) {
        return i < a.size() ? a.get(i) : "";
    }

    private static long integer(List<String> a, int i, long dflt) {
        if (i >= a.size() || a.get(i).isEmpty()) {
            return dflt;
        }
        String s = a.get(i);
        return Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
    }

    /** map, map_&lt;match&gt;, map_&lt;match&gt;_&lt;int|ip&gt;: the index is bound here. */
    private CompiledConverter map(ConverterCall c) {
        String name = c.conv().name();
        MapMatch match = MapMatch.STR;
        boolean regm = false;
        if (!name.equals("map")) {
            String rest = name.substring(4);
            int us = rest.indexOf('_');
            String m = us < 0 ? rest : rest.substring(0, us);
            regm = m.equals("regm");
            match = MapMatch.fromWord(m);
            if (match == null) {
                throw new RuleException("converter '" + name + "' is not implemented yet in vxlb", null);
            }
        }
        SampleType out = c.conv().outputType();
        String path = c.args().get(0);
        MapFile file = mapFile(path, name);
        MapIndex index;
        try {
            index = file.index(match);
        } catch (IllegalArgumentException e) {
            throw new RuleException(e.getMessage(), "fix the key or use another map_<match>");
        }
        Object[] typed = out == SampleType.STRING ? null : typedValues(file, out, name);
        Object dflt = null;
        if (c.args().size() > 1) {
            String d = c.args().get(1);
            if (out == SampleType.INTEGER) {
                dflt = d.isEmpty() ? 0L : integer(c.args(), 1, 0);
            } else if (out == SampleType.IP) {
                dflt = CompiledConverter.mapIp(d);
                if (dflt == null) {
                    throw new RuleException("map: cannot parse default ip <" + d + "> of converter '" + name + "'",
                            "the default of a map_*_ip converter is an IPv4 or IPv6 address");
                }
            } else {
                dflt = d;
            }
        }
        return new CompiledConverter.MapLookup(index, typed, dflt, regm);
    }

    private MapFile mapFile(String path, String converter) {
        MapFile f = mapFiles.get(path);
        if (f != null) {
            return f;
        }
        try {
            f = maps.get(path);
        } catch (RuntimeException e) {
            throw new RuleException("failed to load map file '" + path + "' of converter '" + converter + "': "
                    + e.getMessage(), "map files are read relative to the working directory, as in HAProxy");
        }
        if (f == null) {
            throw new RuleException("failed to load map file '" + path + "' of converter '" + converter + "'", null);
        }
        mapFiles.put(path, f);
        return f;
    }

    /** The values of a map parsed as the converter's output type (map_parse_int / map_parse_ip). */
    private Object[] typedValues(MapFile file, SampleType type, String converter) {
        Map<SampleType, Object[]> byType = typedValues.computeIfAbsent(file, k -> new EnumMap<>(SampleType.class));
        Object[] out = byType.get(type);
        if (out != null) {
            return out;
        }
        List<MapFile.Entry> entries = file.entries();
        out = new Object[entries.size()];
        for (int i = 0; i < out.length; i++) {
            String v = entries.get(i).value();
            out[i] = type == SampleType.INTEGER ? CompiledConverter.mapInt(v) : CompiledConverter.mapIp(v);
            if (out[i] == null) {
                throw new RuleException("map file '" + file.path() + "' line " + entries.get(i).line()
                        + ": unable to parse value '" + v + "' as " + (type == SampleType.INTEGER ? "an integer" : "an IP address")
                        + " (for converter '" + converter + "')", null);
            }
        }
        byType.put(type, out);
        return out;
    }

    // ---------------------------------------------------------------- ACLs

    private CompiledAcl[] named(String name, Map<String, List<AclDef>> sectionAcls, Direction dir) {
        List<AclDef> defs = sectionAcls == null ? null : sectionAcls.get(name);
        if (defs != null && !defs.isEmpty()) {
            EnumMap<Direction, CompiledAcl[]> byDir = namedAcls.computeIfAbsent(defs, k -> new EnumMap<>(Direction.class));
            CompiledAcl[] acls = byDir.get(dir);
            if (acls == null) {
                acls = new CompiledAcl[defs.size()];
                for (int i = 0; i < acls.length; i++) {
                    acls[i] = acl(defs.get(i), dir);
                }
                byDir.put(dir, acls);
            }
            return acls;
        }
        AclDef predefined = PredefinedAcls.find(name).orElse(null);
        if (predefined == null) {
            throw new RuleException("no such ACL : '" + name + "'",
                    sectionAcls == null ? null : ClosestName.hint(name, List.copyOf(sectionAcls.keySet())));
        }
        EnumMap<Direction, CompiledAcl[]> byDir = predefinedAcls.computeIfAbsent(name, k -> new EnumMap<>(Direction.class));
        CompiledAcl[] acls = byDir.get(dir);
        if (acls == null) {
            acls = new CompiledAcl[] {acl(predefined, dir)};
            byDir.put(dir, acls);
        }
        return acls;
    }

    private CompiledAcl acl(AclDef def, Direction dir) {
        SampleExpr e = def.sample();
        Fetch fetch;
        try {
            fetch = fetch(e, dir);
        } catch (RuleException ex) {
            throw new RuleException(ex.getMessage() + (def.name().isEmpty() ? "" : " (in ACL '" + def.name() + "')"), ex.hint());
        }
        SampleType type = fetch.type;
        List<CompiledSample.Stage> stages = new ArrayList<>();
        for (ConverterCall c : e.converters()) {
            stages.add(new CompiledSample.Stage(type, c.conv().inputType(), converter(c)));
            type = c.conv().outputType();
        }
        return new CompiledAcl(def, fetch, stages.toArray(new CompiledSample.Stage[0]), type, matcher(def));
    }

    /** One group of patterns sharing the same -i state: inline ones, then -f files. */
    private record Source(String text, IntPattern intPattern, String file, int line) {
    }

    private PatternMatcher matcher(AclDef def) {
        MatchMethod m = def.method();
        if (m == MatchMethod.FOUND) {
            return PatternMatcher.FOUND;
        }
        if (m == MatchMethod.BOOL) {
            return PatternMatcher.BOOL;
        }
        List<Source> exact = new ArrayList<>();
        List<Source> folded = new ArrayList<>();
        for (AclPattern p : def.patterns()) {
            (def.ignoreCase() ? folded : exact).add(new Source(p.text(), p.intPattern(), null, 0));
        }
        for (PatternFile pf : def.patternFiles()) {
            List<Source> into = pf.ignoreCase() ? folded : exact;
            for (Source s : readPatternFile(pf)) {
                into.add(s);
            }
        }
        List<PatternMatcher> matchers = new ArrayList<>();
        if (!exact.isEmpty()) {
            matchers.add(matcher(def, m, exact, false));
        }
        if (!folded.isEmpty()) {
            matchers.add(matcher(def, m, folded, true));
        }
        if (matchers.isEmpty()) {
            return PatternMatcher.NEVER;
        }
        return matchers.size() == 1 ? matchers.get(0) : new PatternMatcher.AnyOf(matchers);
    }

    private PatternMatcher matcher(AclDef def, MatchMethod m, List<Source> sources, boolean ignoreCase) {
        List<String> texts = new ArrayList<>(sources.size());
        for (Source s : sources) {
            texts.add(s.text());
        }
        switch (m) {
            case INT, LEN -> {
                List<IntPattern> ints = new ArrayList<>(sources.size());
                for (Source s : sources) {
                    if (s.intPattern() != null) {
                        ints.add(s.intPattern());
                    } else {
                        try {
                            ints.add(IntPattern.parse(s.text(), IntPattern.Op.EQ));
                        } catch (RuleException e) {
                            throw atSource(s, e.getMessage());
                        }
                    }
                }
                return m == MatchMethod.INT ? new PatternMatcher.IntRanges(ints) : new PatternMatcher.Len(ints);
            }
            case METH -> {
                return new PatternMatcher.Meth(texts, ignoreCase);
            }
            case BIN -> {
                List<byte[]> bins = new ArrayList<>();
                for (Source s : sources) {
                    String hex = s.text();
                    if (!hex.matches("([0-9A-Fa-f]{2})*")) {
                        throw atSource(s, "'" + hex + "' is not an even number of hex digits");
                    }
                    byte[] b = new byte[hex.length() / 2];
                    for (int i = 0; i < b.length; i++) {
                        b[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
                    }
                    bins.add(b);
                }
                return new PatternMatcher.Bin(bins);
            }
            default -> {
                MapIndex index;
                try {
                    index = m == MatchMethod.IP ? MapIpIndex.ofPatterns(texts, !def.noDns())
                            : MapIndex.build(mapMatch(m), texts, null, ignoreCase);
                } catch (io.vxlb.maps.MapKeyException e) {
                    throw atSource(sources.get(e.position()), e.getMessage());
                }
                return new PatternMatcher.Indexed(index);
            }
        }
    }

    private static MapMatch mapMatch(MatchMethod m) {
        return switch (m) {
            case STR -> MapMatch.STR;
            case BEG -> MapMatch.BEG;
            case END -> MapMatch.END;
            case SUB -> MapMatch.SUB;
            case DOM -> MapMatch.DOM;
            case DIR -> MapMatch.DIR;
            case REG -> MapMatch.REG;
            default -> throw new IllegalStateException("no index for " + m);
        };
    }

    private static RuleException atSource(Source s, String message) {
        return new RuleException(s.file() == null ? message
                : "pattern file '" + s.file() + "' line " + s.line() + ": " + message, null);
    }

    /**
     * The patterns of a -f file as HAProxy 2.6's pat_ref_read_from_file reads them: a line whose
     * first character is '#' is a comment; leading spaces and tabs are skipped; the pattern is the
     * rest of the line up to CR/LF, trailing blanks included; empty lines are ignored. With -M the
     * line is read as a map line and its key is the pattern.
     */
    private List<Source> readPatternFile(PatternFile pf) {
        List<String> lines = patternFiles.get(pf.path());
        if (lines == null) {
            try {
                lines = patternFileReader.apply(pf.path());
            } catch (RuntimeException e) {
                throw new RuleException("failed to open pattern file '" + pf.path() + "': " + e.getMessage(),
                        "pattern files are read relative to the working directory, as in HAProxy");
            }
            if (lines == null) {
                throw new RuleException("failed to open pattern file '" + pf.path() + "'", null);
            }
            patternFiles.put(pf.path(), lines);
        }
        List<Source> out = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (pf.asMap()) {
                MapFile.Entry e = MapFile.parseLine(line, i + 1);
                if (e != null) {
                    out.add(new Source(e.key(), null, pf.path(), i + 1));
                }
                continue;
            }
            if (line.startsWith("#")) {
                continue;
            }
            int b = 0;
            while (b < line.length() && (line.charAt(b) == ' ' || line.charAt(b) == '\t')) {
                b++;
            }
            int e = b;
            while (e < line.length() && line.charAt(e) != '\r' && line.charAt(e) != '\n' && line.charAt(e) != '\0') {
                e++;
            }
            if (e > b) {
                out.add(new Source(line.substring(b, e), null, pf.path(), i + 1));
            }
        }
        return out;
    }

    /** set-var(NAME[,COND...]) / unset-var(NAME) as converters: the sample goes on unchanged. */
    static final class SetVarConverter extends CompiledConverter {
        private final String name;
        /** The conditions; -1 for unset-var. */
        private final int flags;

        SetVarConverter(String name, int flags) {
            this.name = name;
            this.flags = flags;
        }

        @Override
        Object apply(Txn t, Object v) {
            if (flags < 0) t.setVariable(name, null);
            else t.setVariable(name, v, flags);
            return v;
        }
    }
}
