package io.vxlb.config;

import io.vxlb.rules.ClosestName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads HAProxy configuration files into the immutable {@link Config} model. Every error is
 * collected (file, line, column, section, keyword, hint) so that {@code -c} lists them all;
 * the model is returned only when there is none.
 */
public final class ConfigParser {
    private static final Pattern PROXY_NAME = Pattern.compile("[A-Za-z0-9_.:-]+");
    private static final List<String> UNSUPPORTED_SECTIONS = List.of("program", "cache", "ring",
            "mailers", "fcgi-app", "crt-store", "traces", "log-forward");
    private static final List<String> SECTION_WORDS = List.of("global", "defaults", "frontend", "backend", "listen", "dynamic-update",
            "http-errors", "program", "cache", "ring", "mailers", "fcgi-app", "crt-store", "traces", "log-forward", "peers", "userlist", "resolvers");
    private static final List<String> IGNORED_SECTIONS = List.of("peers", "userlist", "resolvers");

    private final Function<String, String> env;
    private final KeywordTable table = KeywordTable.instance();

    public ConfigParser() {
        this(System::getenv);
    }

    public ConfigParser(Function<String, String> env) {
        this.env = env;
    }

    /** Parses files and directories ({@code *.cfg} in name order, like haproxy's {@code -f DIR}). */
    public ParseResult parseFiles(List<Path> paths) {
        ParseContext ctx = new ParseContext();
        SectionReader reader = new SectionReader(ctx);
        List<String> names = new ArrayList<>();
        for (Path p : paths) {
            List<Path> files;
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    files = s.filter(f -> f.getFileName().toString().endsWith(".cfg") && Files.isRegularFile(f)).sorted().toList();
                } catch (IOException e) {
                    ctx.error(new Location(p.toString(), 0, 0), "", "", "cannot list directory: " + e.getMessage(), null);
                    continue;
                }
            } else {
                files = List.of(p);
            }
            for (Path f : files) {
                String text;
                try {
                    text = Files.readString(f, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    ctx.error(new Location(f.toString(), 0, 0), "", "", "cannot read configuration file: " + e, "check the path given to -f");
                    continue;
                }
                names.add(f.toString());
                reader.read(f.toString(), text);
            }
        }
        return reader.finish(names);
    }

    /** Parses one configuration text; {@code fileName} is used in messages. */
    public ParseResult parse(String fileName, String text) {
        ParseContext ctx = new ParseContext();
        SectionReader reader = new SectionReader(ctx);
        reader.read(fileName, text);
        return reader.finish(List.of(fileName));
    }

    /** Walks lines, opens sections and dispatches keywords; holds the state across files. */
    private final class SectionReader {
        final ParseContext ctx;
        final LineTokenizer tokenizer = new LineTokenizer(env);
        final List<ProxyBuilder> proxies = new ArrayList<>();
        final Map<String, ProxyBuilder> namedDefaults = new HashMap<>();
        ProxyBuilder lastDefaults = new ProxyBuilder("", ProxyKind.DEFAULTS, new Location("", 0, 0));
        /** Current section: "global", "proxy", "dynamic-update", "ignored", or null before any section. */
        String current;
        boolean sawGlobal;
        ConditionalBlocks blocks = new ConditionalBlocks();

        SectionReader(ParseContext ctx) {
            this.ctx = ctx;
        }

        void read(String file, String text) {
            current = null;  // HAProxy: each file starts outside any section
            ctx.proxy = null;
            String[] lines = text.split("\r?\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String raw = lines[i];
                List<Word> words;
                try {
                    words = tokenizer.tokenize(raw);
                } catch (LineTokenizer.TokenException e) {
                    ctx.error(new Location(file, i + 1, e.column()), ctx.sectionLabel, "", e.getMessage(), null);
                    continue;
                }
                for (String w : tokenizer.takeWarnings()) {
                    ctx.warn(new Location(file, i + 1, 1), ctx.sectionLabel, "", w, "HAProxy expands an unset variable to nothing; set it, or give a default with ${NAME-default}");
                }
                if (words.isEmpty()) continue;
                ConfigLine line = new ConfigLine(file, i + 1, raw, words);
                if (line.arg(0).startsWith(".")) {
                    try {
                        conditional(line);
                    } catch (ConfigException e) {
                        ctx.error(line, e.wordIndex(), e.getMessage(), e.hint());
                    }
                    continue;
                }
                if (!blocks.active()) continue;
                try {
                    if (!openSection(line)) dispatch(line);
                } catch (ConfigException e) {
                    ctx.error(line, e.wordIndex(), e.getMessage(), e.hint());
                    if (ctx.proxy != null && ctx.keyword.equals("bind")) ctx.brokenBinds.add(ctx.proxy.location);
                }
            }
            if (blocks.open() != null) {
                ConfigLine open = blocks.open();
                ctx.error(open, 0, "non-terminated '" + open.arg(0) + "' block at the end of " + file, "close it with '.endif'");
            }
            blocks = new ConditionalBlocks();
        }

        /** The preprocessor lines of HAProxy 2.4+: .if/.elif/.else/.endif and .diag/.notice/.warning/.alert. */
        void conditional(ConfigLine line) {
            String d = line.arg(0);
            String saved = ctx.keyword;
            ctx.keyword = d;
            try {
                switch (d) {
                    case ".if", ".elif" -> blocks.condition(line, d, () -> {
                        String cond = String.join(" ", line.args(1));
                        try {
                            return CfgCondition.eval(cond, env);
                        } catch (IllegalArgumentException e) {
                            throw new ConfigException(1, "failed to evaluate condition: " + e.getMessage(),
                                    "e.g. '.if defined(NAME)', '.if streq(\"$NAME\",value)', '.if version_atleast(2.4) && feature(OPENSSL)'");
                        }
                    });
                    case ".else" -> blocks.otherwise(line);
                    case ".endif" -> blocks.end(line);
                    case ".diag", ".notice", ".warning", ".alert" -> {
                        if (!blocks.active()) return;
                        String msg = String.join(" ", line.args(1));
                        switch (d) {
                            case ".alert" -> ctx.error(line, 0, msg, null);
                            case ".warning", ".notice" -> ctx.warn(line, 0, msg, null);
                            default -> { }  // .diag: only in diagnostic mode (-dD), which vxlb does not have
                        }
                    }
                    default -> {
                        if (blocks.active()) {
                            throw new ConfigException(0, "unknown directive '" + d + "'",
                                    "known: .if, .elif, .else, .endif, .diag, .notice, .warning, .alert");
                        }
                    }
                }
            } finally {
                ctx.keyword = saved;
            }
        }

        /** Handles section header lines; returns false when the line is not one. */
        boolean openSection(ConfigLine line) {
            String w = line.arg(0);
            ctx.line = line;
            if (SECTION_WORDS.contains(w)) ctx.httpErrors = null;
            switch (w) {
                case "global" -> {
                    current = "global";
                    ctx.proxy = null;
                    ctx.sectionLabel = "global";
                    ctx.keyword = "global";
                    if (line.has(1)) throw new ConfigException(1, "'global' takes no argument");
                    sawGlobal = true;
                    return true;
                }
                case "defaults", "frontend", "backend", "listen" -> {
                    openProxy(line, ProxyKind.valueOf(w.toUpperCase(java.util.Locale.ROOT)));
                    return true;
                }
                case "http-errors" -> {
                    current = "http-errors";
                    ctx.proxy = null;
                    ctx.httpErrors = null;
                    ctx.sectionLabel = "http-errors";
                    ctx.keyword = "http-errors";
                    if (!line.has(1)) throw new ConfigException(0, "missing name for http-errors section", "write 'http-errors NAME'");
                    if (!PROXY_NAME.matcher(line.arg(1)).matches()) throw new ConfigException(1, "invalid name '" + line.arg(1) + "': only letters, digits, '-', '_', '.' and ':' are allowed", null);
                    ctx.sectionLabel = "http-errors " + line.arg(1);
                    if (ctx.httpErrorSections.containsKey(line.arg(1))) throw new ConfigException(1, "http-errors section '" + line.arg(1) + "' already exists", "give each http-errors section its own name");
                    ctx.httpErrors = new ArrayList<>();
                    ctx.httpErrorSections.put(line.arg(1), ctx.httpErrors);
                    return true;
                }
                case "dynamic-update" -> {
                    current = "dynamic-update";
                    ctx.proxy = null;
                    ctx.sectionLabel = "dynamic-update";
                    return true;
                }
                default -> {
                    if (IGNORED_SECTIONS.contains(w)) {
                        current = "ignored";
                        ctx.proxy = null;
                        ctx.sectionLabel = w + (line.has(1) ? " " + line.arg(1) : "");
                        ctx.keyword = w;
                        ctx.warn(line, 0, "section '" + w + "' is not supported by vxlb; its lines are ignored",
                                switch (w) {
                                    case "peers" -> "vxlb nodes sum stick tables over their cluster (see --cluster) instead of the peers protocol; 'peers NAME' on a stick-table is accepted";
                                    case "resolvers" -> "server addresses are resolved once at startup by the JVM";
                                    default -> "user lists are not supported yet: use the admin API's auth or stats auth";
                                });
                        return true;
                    }
                    if (UNSUPPORTED_SECTIONS.contains(w)) {
                        current = "ignored";
                        ctx.proxy = null;
                        ctx.sectionLabel = w;
                        ctx.keyword = w;
                        throw new ConfigException(0, "section '" + w + "' is not supported by vxlb", null);
                    }
                    return false;
                }
            }
        }

        void openProxy(ConfigLine line, ProxyKind kind) {
            ctx.keyword = kind.word();
            String name = "";
            int i = 1;
            String listenAddress = null;
            int listenAddressWord = -1;
            if (line.has(1) && !line.arg(1).equals("from")) {
                name = line.arg(1);
                i = 2;
            }
            String from = null;
            int fromWord = -1;
            while (line.has(i)) {
                if (line.arg(i).equals("from") && line.has(i + 1)) {
                    from = line.arg(i + 1);
                    fromWord = i + 1;
                    i += 2;
                } else if (kind == ProxyKind.LISTEN && listenAddress == null && !line.arg(i).equals("from")) {
                    listenAddress = line.arg(i);
                    listenAddressWord = i;
                    i++;
                } else {
                    current = "proxy";
                    ctx.proxy = null;
                    throw new ConfigException(i, "unexpected '" + line.arg(i) + "' after the section name",
                            "a " + kind.word() + " line is '" + kind.word() + " NAME [from DEFAULTS]'");
                }
            }
            ctx.sectionLabel = name.isEmpty() ? kind.word() : kind.word() + " " + name;
            current = "proxy";
            ctx.proxy = null;
            if (name.isEmpty() && kind != ProxyKind.DEFAULTS) {
                throw new ConfigException(1, "missing name after '" + kind.word() + "'", "write '" + kind.word() + " NAME'");
            }
            if (!name.isEmpty() && !PROXY_NAME.matcher(name).matches()) {
                throw new ConfigException(1, "invalid name '" + name + "': only letters, digits, '-', '_', '.' and ':' are allowed", null);
            }
            ProxyBuilder b = new ProxyBuilder(name, kind, line.location(kind == ProxyKind.DEFAULTS ? 0 : 1));
            // HAProxy: "A defaults section resets all settings to the documented ones"; only
            // "from" makes a defaults section start from another one.
            ProxyBuilder parent = kind == ProxyKind.DEFAULTS ? new ProxyBuilder("", ProxyKind.DEFAULTS, b.location) : lastDefaults;
            if (from != null) {
                parent = namedDefaults.get(from);
                if (parent == null) {
                    ctx.proxy = b;  // keep parsing the body against empty defaults
                    if (kind != ProxyKind.DEFAULTS) proxies.add(b);
                    throw new ConfigException(fromWord, "no defaults section named '" + from + "' declared before this line",
                            Objects.requireNonNullElse(ClosestName.hint(from, namedDefaults.keySet()), "declare 'defaults " + from + "' above this section"));
                }
            }
            if (parent.hasRules() && kind == ProxyKind.DEFAULTS && from != null) {
                ctx.proxy = b;
                b.inheritFrom(parent);
                if (!name.isEmpty()) namedDefaults.put(name, b);
                lastDefaults = b;
                throw new ConfigException(fromWord, "defaults section '" + from + "' defines http-request/http-response rules: it cannot be used by another defaults section",
                        "use it from frontend or backend sections only, or move the rules");
            }
            if (parent.hasRules() && kind != ProxyKind.DEFAULTS) {
                // configuration.txt: "the same defaults section cannot be used by proxies with the
                // frontend capability and by proxies with the backend capability"
                String side = kind == ProxyKind.LISTEN ? "listen" : kind == ProxyKind.FRONTEND ? "frontend" : "backend";
                String dname = parent.name.isEmpty() ? "(anonymous)" : parent.name;
                ctx.proxy = b;
                proxies.add(b);
                b.inheritFrom(parent);
                if (kind == ProxyKind.LISTEN) {
                    throw new ConfigException(0, "a 'listen' section cannot use defaults section '" + dname + "', which defines http-request/http-response rules",
                            "use a frontend and a backend, or move the rules into the listen section");
                }
                if (parent.rulesUsedBy != null && !parent.rulesUsedBy.equals(side)) {
                    throw new ConfigException(0, "defaults section '" + dname + "' defines rules and is already used by a " + parent.rulesUsedBy
                            + "; it cannot also be used by a " + side, "give frontends and backends their own defaults sections");
                }
                parent.rulesUsedBy = side;
                if (kind == ProxyKind.BACKEND && !parent.captures.isEmpty()) {
                    throw new ConfigException(0, "defaults section '" + dname + "' declares capture slots ('capture ... len'): a backend has none",
                            "use that defaults section from frontends only");
                }
                return;
            }
            b.inheritFrom(parent);
            ctx.proxy = b;
            if (kind == ProxyKind.DEFAULTS) {
                if (!name.isEmpty()) namedDefaults.put(name, b);
                lastDefaults = b;
            } else {
                proxies.add(b);
            }
            if (listenAddress != null) {
                // HAProxy 1.x: "listen NAME ADDR:PORT". Accept it as "bind ADDR:PORT" and say so.
                ctx.warn(line, listenAddressWord, "the address on a 'listen' line is a HAProxy 1.x form; treated as 'bind " + listenAddress + "'",
                        "write 'listen " + name + "' and a 'bind " + listenAddress + "' line below it");
                try {
                    ProxyKeywords.addBinds(ctx, new ConfigLine(line.file(), line.line(), line.raw(), line.words().subList(listenAddressWord - 1, listenAddressWord + 1)), 1);
                } catch (ConfigException e) {
                    ctx.brokenBinds.add(b.location);
                    // the word index is relative to the two-word "bind ADDR" line built above
                    throw new ConfigException(listenAddressWord - 1 + e.wordIndex(), e.getMessage(), e.hint());
                }
            }
        }

        void dispatch(ConfigLine line) {
            if (current == null) {
                // Reported once: the lines that follow until the next section header are skipped.
                current = "ignored";
                ctx.sectionLabel = "";
                ctx.keyword = line.arg(0);
                throw new ConfigException(0, "'" + line.arg(0) + "' appears before any section; lines up to the next section are skipped",
                        "start with a section line ('global', 'defaults', 'frontend NAME', 'backend NAME' or 'listen NAME')");
            }
            if (current.equals("ignored")) return;
            if (current.equals("http-errors") && ctx.httpErrors == null) return;  // header was broken; already reported
            if (current.equals("proxy") && ctx.proxy == null) return;  // header was broken; already reported
            int sectionBit = switch (current) {
                case "global" -> Section.GLOBAL;
                case "dynamic-update" -> Section.DYNAMIC_UPDATE;
                case "http-errors" -> Section.HTTP_ERRORS;
                default -> Section.of(ctx.proxy.kind);
            };
            ConfigLine l = line;
            ctx.negated = false;
            if (l.arg(0).equals("no") && l.size() > 1) {
                ctx.negated = true;
                l = new ConfigLine(line.file(), line.line(), line.raw(), line.words().subList(1, line.size()));
            } else if (l.arg(0).equals("default") && l.arg(1).equals("option")) {
                l = new ConfigLine(line.file(), line.line(), line.raw(), line.words().subList(1, line.size()));
            }
            Keyword k = table.lookup(GlobalKeywords.keywordOf(l.arg(0)), l.arg(1));
            // "tune.*" stands for every tune.xxx keyword: messages name the one written
            ctx.keyword = k != null && !k.name().equals(GlobalKeywords.TUNE) ? k.name() : l.arg(0);
            ctx.line = l;
            if (k == null) {
                throw unknown(l, sectionBit);
            }
            if ((k.sections() & sectionBit) == 0) {
                if ((sectionBit == Section.FRONTEND || sectionBit == Section.BACKEND) && (k.sections() & Section.LISTEN) != 0
                        && !k.name().equals("server")) {
                    // HAProxy's warnifnotcap(): a frontend keyword in a backend (or the reverse) is
                    // ignored with a warning; only 'server' outside a backend is an error.
                    String lacking = sectionBit == Section.BACKEND ? "frontend" : "backend";
                    ctx.warn(l, 0, "'" + k.name() + "' is ignored because " + Section.describe(sectionBit) + " '" + ctx.proxy.name
                            + "' has no " + lacking + " capability", "it may be used in: " + Section.describe(k.sections()));
                    return;
                }
                throw new ConfigException(0, "'" + k.name() + "' is not allowed in a '" + Section.describe(sectionBit) + "' section",
                        "it may be used in: " + Section.describe(k.sections()));
            }
            if (ctx.negated && !k.name().startsWith("option ")) {
                throw new ConfigException(0, "'no' only applies to 'option' keywords", null);
            }
            k.handler().parse(ctx, l);
            if (k.support() == Support.PARSED) ctx.parsedOnlyUsed.putIfAbsent(k.name(), l.location(0));
        }

        ConfigException unknown(ConfigLine l, int sectionBit) {
            String w0 = l.arg(0);
            List<String> family = table.family(w0);
            if (!family.isEmpty() && table.lookup(w0, "") == null) {
                if (!l.has(1)) return new ConfigException(0, "'" + w0 + "' needs an argument", "one of: " + String.join(", ", family));
                String hint = ClosestName.hint(l.arg(1), family);
                return new ConfigException(1, "unknown '" + w0 + "' keyword '" + l.arg(1) + "'",
                        hint != null ? hint : "known: " + String.join(", ", family));
            }
            String hint = ClosestName.hint(w0, table.namesFor(sectionBit).stream().map(n -> n.split(" ")[0]).distinct().toList());
            return new ConfigException(0, "unknown keyword '" + w0 + "' in '" + Section.describe(sectionBit) + "' section",
                    hint);
        }

        ParseResult finish(List<String> files) {
            List<Proxy> built = new ArrayList<>();
            String hostname = ctx.global.logSendHostname;
            ctx.global.logs.replaceAll(t -> t.settled(hostname));
            for (ProxyBuilder b : proxies) {
                b.logs.replaceAll(t -> t.settled(hostname));
                b.resolvedErrorPages = ErrorFileKeywords.resolve(ctx, b, ctx.httpErrorSections);
                built.add(b.build());
            }
            new ConfigValidator(ctx).validate(built);
            if (!ctx.parsedOnlyUsed.isEmpty()) {
                // One line, not one per keyword: the list shrinks as the runtime lands.
                Location first = ctx.parsedOnlyUsed.values().iterator().next();
                ctx.warn(first, "", "", "keywords parsed and validated but not yet enforced by this vxlb version: "
                        + String.join(", ", ctx.parsedOnlyUsed.keySet()), "see the keyword table in README.md");
            }
            boolean failed = ctx.diagnostics.stream().anyMatch(Diagnostic::isError);
            List<Diagnostic> warnings = ctx.diagnostics.stream().filter(d -> !d.isError()).toList();
            Config config = failed ? null : new Config(files, ctx.global.build(), built, ctx.mapUpdates, warnings);
            return new ParseResult(config, ctx.diagnostics);
        }
    }
}
