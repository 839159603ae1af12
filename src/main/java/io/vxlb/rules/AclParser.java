package io.vxlb.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Parses the words of an ACL after its name, as HAProxy 2.6's parse_acl_expr does:
 * {@code <criterion> [flags] [operator] [<value>] ...}. Flags are only read before the first
 * pattern; {@code --} ends them. The criterion is an ACL keyword (its name implies the match,
 * {@code hdr_beg} = {@code req.hdr} + beg) or any sample expression, matched by default according
 * to its output type (string → str, integer → int, boolean → bool, ip → ip; binary, method and
 * variables need {@code -m}). When converters follow an ACL keyword, 2.6 drops the keyword's
 * match for the default one of the converters' output; vxlb does the same and warns.
 */
public final class AclParser {
    private static final Pattern ACL_NAME = Pattern.compile("[A-Za-z0-9._:-]+");
    private static final Pattern IPV4_PATTERN = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){0,3}");
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");
    private static final List<String> FLAGS = List.of("-i", "-f", "-m", "-n", "-M", "-u", "--");

    private AclParser() {
    }

    /** Parses {@code words} (criterion, flags, values); word indexes in errors refer to this list. */
    public static AclDef parse(String name, List<String> words) {
        return parse(name, words, 0, words.size());
    }

    /** Parses {@code words[from, to)}; errors and pattern word indexes refer to the whole list. */
    static AclDef parse(String name, List<String> words, int from, int to) {
        if (!name.isEmpty() && !ACL_NAME.matcher(name).matches()) {
            throw new RuleException("invalid character in ACL name '" + name + "'",
                    "ACL names are made of letters, digits, '-', '_', '.' and ':'");
        }
        if (from >= to) {
            throw new RuleException(from, "missing criterion in " + describe(name),
                    "an acl needs a fetch and patterns, e.g. 'acl is_static path_beg /static'");
        }
        List<String> warnings = new ArrayList<>();
        String critText = words.get(from);
        String keywordName = SampleExprParser.keyword(critText);
        AclKeyword keyword = AclKeywords.find(keywordName).orElse(null);
        SampleExpr sample;
        MatchMethod method;
        try {
            if (keyword != null) {
                sample = SampleExprParser.parseAclKeyword(critText, keyword);
            } else if (AclKeywords.UNSUPPORTED.contains(keywordName)) {
                throw new RuleException("ACL keyword '" + keywordName + "' of HAProxy 2.6 is not supported by vxlb", null);
            } else if (SampleFetches.find(keywordName).isEmpty()) {
                throw SampleExprParser.unknownFetch(keywordName, true);
            } else {
                sample = SampleExprParser.parse(critText);
            }
        } catch (RuleException e) {
            throw e.at(from);
        }
        SampleType type = sample.outputType();
        if (keyword != null && sample.converters().isEmpty()) {
            method = keyword.method();
        } else {
            method = type.defaultMatch();
            if (keyword != null && method != keyword.method()) {
                warnings.add("converters after ACL keyword '" + keyword.name() + "' make HAProxy match with '"
                        + (method == null ? "-m" : method.word()) + "' instead of '" + keyword.method().word()
                        + "'; write '" + keyword.fetch().name() + critText.substring(keywordName.length())
                        + " -m " + keyword.method().word() + "' to keep the '" + keyword.method().word() + "' match");
            }
        }
        if (!critText.contains("(") && from + 1 < to && words.get(from + 1).startsWith("(")) {
            warnings.add("matching '" + critText + "' for pattern '" + words.get(from + 1)
                    + "' is likely a mistake: remove the space before '('");
        }

        boolean ignoreCase = false;
        boolean noDns = false;
        boolean asMap = false;
        boolean filesLoaded = false;
        boolean endOfFlags = false;
        int uniqueId = -1;
        List<PatternFile> files = new ArrayList<>();
        int i = from + 1;
        while (i < to && words.get(i).startsWith("-")) {
            String flag = words.get(i);
            switch (flag) {
                case "-i" -> ignoreCase = true;
                case "-n" -> noDns = true;
                case "-M" -> asMap = true;
                case "-u" -> {
                    String id = argument(words, i, to, "-u", "an integer id");
                    if (!id.matches("-?\\d{1,9}")) {
                        throw new RuleException(i + 1, "the argument of -u must be an integer, not '" + id + "'", null);
                    }
                    uniqueId = Integer.parseInt(id);
                    i++;
                }
                case "-f" -> {
                    if (method == null) {
                        throw needMethod(from, sample);
                    }
                    files.add(new PatternFile(argument(words, i, to, "-f", "a file name"), i + 1, ignoreCase, asMap));
                    filesLoaded = true;
                    i++;
                }
                case "-m" -> {
                    String m = argument(words, i, to, "-m", "a matching method");
                    if (filesLoaded) {
                        throw new RuleException(i, "'-m' must be given before patterns and files ('-f')",
                                "move '-m " + m + "' before the first '-f'");
                    }
                    MatchMethod chosen = MatchMethod.fromName(m);
                    if (chosen == null) {
                        throw new RuleException(i + 1, "unknown matching method '" + m + "'",
                                "valid methods are " + MatchMethod.names());
                    }
                    if (chosen != MatchMethod.FOUND && !type.castsTo(chosen.expects())) {
                        throw new RuleException(i + 1, "matching method '" + m + "' cannot be used with '"
                                + critText + "', which returns a " + type.word() + " sample",
                                "methods usable with a " + type.word() + ": " + usableMethods(type));
                    }
                    method = chosen;
                    i++;
                }
                case "--" -> endOfFlags = true;
                default -> throw new RuleException(i, "'" + flag + "' is not a valid ACL option",
                        "options are -i, -f <file>, -m <method>, -n, -M, -u <id>; put '--' before a pattern beginning with '-'"
                                + (ClosestName.among(flag, FLAGS).map(f -> " (did you mean '" + f + "'?)").orElse("")));
            }
            i++;
            if (endOfFlags) {
                break;
            }
        }
        if (method == null) {
            throw needMethod(from, sample);
        }

        List<AclPattern> patterns = new ArrayList<>();
        IntPattern.Op op = IntPattern.Op.EQ;
        String pendingOp = null;
        for (; i < to; i++) {
            String word = words.get(i);
            if (method.integerPatterns() && IntPattern.op(word) != null) {
                op = IntPattern.op(word);
                pendingOp = word;
                continue;
            }
            pendingOp = null;
            if (FLAGS.contains(word)) {
                warnings.add("'" + word + "' after the first pattern is taken as a pattern; flags must come first");
            }
            IntPattern intPattern = null;
            try {
                switch (method) {
                    case INT, LEN -> intPattern = IntPattern.parse(word, op);
                    case REG -> RegexDialect.compile(word, ignoreCase);
                    case IP -> checkIp(word, noDns);
                    case BIN -> {
                        if (!word.matches("([0-9A-Fa-f]{2})+")) {
                            throw new RuleException("'" + word + "' is not an even number of hex digits",
                                    "'-m bin' patterns are hex strings such as 48656c6c6f");
                        }
                    }
                    default -> {
                    }
                }
            } catch (RuleException e) {
                throw e.at(i);
            }
            patterns.add(new AclPattern(word, i, intPattern));
        }
        if (pendingOp != null) {
            warnings.add("operator '" + pendingOp + "' is not followed by a value");
        }
        if (!method.takesPatterns() && !patterns.isEmpty()) {
            warnings.add("patterns are ignored by the '" + method.word() + "' match");
        }
        if (method.takesPatterns() && patterns.isEmpty() && files.isEmpty() && !endOfFlags
                && type != SampleType.BOOLEAN) {
            warnings.add("no pattern to match against in " + describe(name) + ", so it will never match; "
                    + "add '--' if this is intended, use '-m found' to test existence, or '-m bool' to test an integer");
        }
        return new AclDef(name, new AclCriterion(critText, keyword == null ? null : keyword.name(), sample),
                method, ignoreCase, patterns, files, noDns, uniqueId, warnings);
    }

    private static String describe(String name) {
        return name.isEmpty() ? "anonymous ACL" : "ACL '" + name + "'";
    }

    private static String argument(List<String> words, int i, int to, String flag, String what) {
        if (i + 1 >= to) {
            throw new RuleException(i, "'" + flag + "' needs " + what, null);
        }
        return words.get(i + 1);
    }

    private static RuleException needMethod(int index, SampleExpr sample) {
        return new RuleException(index, "'" + sample.text() + "' returns a " + sample.outputType().word()
                + " sample, which has no default match: the matching method must be given first with '-m'",
                "e.g. '" + sample.text() + " -m " + (sample.outputType() == SampleType.METHOD ? "str GET" : "sub text")
                        + "'; methods: " + usableMethods(sample.outputType()));
    }

    private static String usableMethods(SampleType type) {
        List<String> names = new ArrayList<>();
        for (MatchMethod m : MatchMethod.values()) {
            if (m != MatchMethod.METH && (m == MatchMethod.FOUND || type.castsTo(m.expects()))) {
                names.add(m.word());
            }
        }
        return String.join(", ", names);
    }

    /** IPv4 (also abbreviated, as 10.12/8) or IPv6 with an optional mask; host names unless -n. */
    private static void checkIp(String pattern, boolean noDns) {
        int slash = pattern.indexOf('/');
        String addr = slash < 0 ? pattern : pattern.substring(0, slash);
        String mask = slash < 0 ? null : pattern.substring(slash + 1);
        boolean ok;
        if (IPV4_PATTERN.matcher(addr).matches()) {
            ok = octetsValid(addr) && (mask == null || bits(mask, 32)
                    || SampleExprParser.isIpLiteral(mask) && mask.indexOf(':') < 0);
        } else if (addr.indexOf(':') >= 0) {
            ok = SampleExprParser.isIpLiteral(addr) && (mask == null || bits(mask, 128));
        } else if (HOST_NAME.matcher(addr).matches()) {
            if (noDns) {
                throw new RuleException("'" + pattern + "' is not an IP address and '-n' forbids resolving names",
                        "write an address such as 10.0.0.0/8, or drop '-n'");
            }
            ok = mask == null || bits(mask, 32);
        } else {
            ok = false;
        }
        if (!ok) {
            throw new RuleException("'" + pattern + "' is not a valid IP address or network",
                    "write e.g. 192.168.0.1, 10.0.0.0/8, 10.0.0.0/255.0.0.0 or 2001:db8::/32");
        }
    }

    private static boolean octetsValid(String addr) {
        for (String part : addr.split("\\.")) {
            if (Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    private static boolean bits(String mask, int max) {
        return mask.matches("\\d{1,3}") && Integer.parseInt(mask) <= max;
    }
}
