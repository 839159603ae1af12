package io.vxlb.rules;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code fetch(arg,arg),conv(arg),conv} as HAProxy 2.6 does (sample_parse_expr and
 * make_arg_list): names are made of letters, digits and {@code . _ - + :}; arguments are split on
 * ',' and end at ')', both unless quoted with ' or "; outside single quotes a backslash escapes
 * {@code \ " '} and space, and gives CR, LF, TAB for r, n, t. A backslash does NOT protect ',' or
 * ')' in 2.6: quote them. The text is the word after the configuration line's own unquoting.
 */
public final class SampleExprParser {
    private static final Pattern INTEGER = Pattern.compile("[-+]?\\d{1,18}");
    private static final Pattern VARIABLE = Pattern.compile("(proc|sess|txn|req|res)\\.[A-Za-z0-9._]+");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern MATCH_SUFFIX = Pattern.compile("(.+)_(beg|end|sub|dom|dir|reg|len)");
    private static final Set<String> SET_VAR_CONDITIONS = Set.of("ifexists", "ifnotexists", "ifempty",
            "ifnotempty", "ifset", "ifnotset", "ifgt", "iflt");

    /** Names operators reach for that 2.6 does not have, with what it has instead. */
    private static final Map<String, String> MISNAMED = Map.of(
            "req.uri", "HAProxy 2.6 has no 'req.uri': use 'url' for the request URI with its query string, "
                    + "or 'path' for the path alone",
            "req.url", "use 'url' (path and query string) or 'path'",
            "req.path", "use 'path' (without query string) or 'pathq' (with it)",
            "req.query", "use 'query'",
            "req.method", "use 'method'",
            "req.host", "use 'req.hdr(host)'",
            "host", "use 'req.hdr(host)'",
            "res.status", "use 'status'",
            "req.cookie", "use 'req.cook(<name>)'",
            "req.src", "use 'src'");

    private final String text;
    private int pos;

    private SampleExprParser(String text, int pos) {
        this.text = text;
        this.pos = pos;
    }

    /** Parses a whole sample expression. */
    public static SampleExpr parse(String text) {
        return new SampleExprParser(text, 0).expression(null, null, false);
    }

    /** An expression found at the start of a longer text, and where it ends. */
    record Prefix(SampleExpr expr, int end) {
    }

    /** Parses from {@code from} up to the first character that cannot continue the expression (log-format's %[...]). */
    static Prefix parsePrefix(String text, int from) {
        SampleExprParser p = new SampleExprParser(text, from);
        SampleExpr expr = p.expression(null, null, true);
        return new Prefix(expr, p.pos);
    }

    /** Parses an ACL criterion whose name is an ACL keyword: arguments are those of the keyword's fetch. */
    static SampleExpr parseAclKeyword(String text, AclKeyword keyword) {
        return new SampleExprParser(text, 0).expression(keyword.fetch(), keyword.name(), false);
    }

    static boolean isIdChar(char c) {
        return Character.isLetterOrDigit(c) && c < 128 || c == '.' || c == '_' || c == '-' || c == '+' || c == ':';
    }

    /** The leading keyword of a criterion or expression ("hdr_beg" for "hdr_beg(host)"). */
    static String keyword(String text) {
        int i = 0;
        while (i < text.length() && isIdChar(text.charAt(i))) {
            i++;
        }
        return text.substring(0, i);
    }

    private SampleExpr expression(SampleFetch forced, String keywordName, boolean prefix) {
        int start = pos;
        String name = ident();
        if (name.isEmpty()) {
            throw new RuleException(pos >= text.length() ? "missing fetch method"
                    : "missing fetch method before '" + text.substring(pos) + "'",
                    "a sample expression starts with a fetch method, e.g. req.hdr(host), path or src");
        }
        SampleFetch fetch = forced != null ? forced
                : SampleFetches.find(name).orElseThrow(() -> unknownFetch(name, false));
        String what = (keywordName != null ? "ACL keyword '" : "fetch method '") + name + "'";
        String usage = keywordName != null ? ArgSpec.usage(keywordName, fetch.args()) : fetch.usage();
        List<String> fetchArgs = arguments(what);
        if (fetch.name().equals("str") && fetchArgs.isEmpty()) {
            fetchArgs = List.of("");  // make_arg_list(): an empty list holds one empty mandatory string
        }
        checkArgs(what, usage, fetch.args(), fetchArgs);
        checkFetch(fetch.name(), fetchArgs);

        SampleType type = fetch.outputType();
        List<ConverterCall> converters = new ArrayList<>();
        String last = null;
        while (pos < text.length()) {
            int sofar = pos;
            if (text.charAt(pos) != ',') {
                if (prefix) {
                    break;
                }
                throw new RuleException("missing comma after " + (last == null ? what : "converter '" + last + "'")
                        + " before '" + text.substring(pos) + "'",
                        "converters follow the fetch, separated by commas, e.g. req.hdr(host),lower");
            }
            while (pos < text.length() && text.charAt(pos) == ',') {
                pos++; // HAProxy tolerates repeated and trailing commas
            }
            if (pos >= text.length()) {
                break;
            }
            String convName = ident();
            if (convName.isEmpty()) {
                throw new RuleException("missing converter name after ',' in '" + text.substring(start) + "'",
                        "write a converter such as lower, or remove the comma");
            }
            Converter conv = Converters.find(convName).orElseThrow(() -> unknownConverter(convName));
            if (!type.castsTo(conv.inputType())) {
                throw new RuleException("converter '" + convName + "' takes " + conv.inputType().word()
                        + " input and cannot be applied to the " + type.word() + " sample of '"
                        + text.substring(start, sofar) + "'",
                        "convert the sample first, or pick a converter that accepts " + type.word() + " input");
            }
            String convWhat = "converter '" + convName + "'";
            List<String> args = arguments(convWhat);
            checkArgs(convWhat, conv.usage(), conv.args(), args);
            checkConverter(conv.name(), args);
            converters.add(new ConverterCall(conv, args));
            type = conv.outputType();
            last = convName;
        }
        return new SampleExpr(text.substring(start, pos), fetch, fetchArgs, converters);
    }

    private String ident() {
        int start = pos;
        while (pos < text.length() && isIdChar(text.charAt(pos))) {
            pos++;
        }
        return text.substring(start, pos);
    }

    /** The parenthesised argument list at pos, unquoted; empty when there is none or it is "()". */
    private List<String> arguments(String what) {
        if (pos >= text.length() || text.charAt(pos) != '(') {
            return List.of();
        }
        int open = pos++;
        List<String> args = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean squote = false;
        boolean dquote = false;
        while (true) {
            if (pos >= text.length()) {
                throw new RuleException((squote || dquote ? "unterminated quote" : "missing ')'")
                        + " in the arguments of " + what + ": '" + text.substring(open) + "'",
                        "close the argument list with ')'; quote arguments containing ',' or ')'");
            }
            char c = text.charAt(pos);
            if (c == '"' && !squote) {
                dquote = !dquote;
                pos++;
            } else if (c == '\'' && !dquote) {
                squote = !squote;
                pos++;
            } else if (c == '\\' && !squote) {
                if (pos + 1 >= text.length()) {
                    throw new RuleException("unterminated escape sequence in the arguments of " + what, null);
                }
                char n = text.charAt(pos + 1);
                switch (n) {
                    case '\\', ' ', '"', '\'' -> { cur.append(n); pos += 2; }
                    case 'r' -> { cur.append('\r'); pos += 2; }
                    case 'n' -> { cur.append('\n'); pos += 2; }
                    case 't' -> { cur.append('\t'); pos += 2; }
                    default -> { cur.append('\\'); pos++; } // lone backslash, kept
                }
            } else if (!squote && !dquote && (c == ',' || c == ')')) {
                args.add(cur.toString());
                cur.setLength(0);
                pos++;
                if (c == ')') {
                    break;
                }
            } else {
                cur.append(c);
                pos++;
            }
        }
        return args.size() == 1 && args.get(0).isEmpty() ? List.of() : args;
    }

    private static void checkArgs(String what, String usage, List<ArgSpec> specs, List<String> args) {
        if (args.size() > specs.size()) {
            throw new RuleException(specs.isEmpty() ? what + " takes no arguments"
                    : what + " takes at most " + specs.size() + " argument" + (specs.size() > 1 ? "s" : "")
                    + ", got " + args.size(), "usage: " + usage);
        }
        for (int i = 0; i < specs.size(); i++) {
            ArgSpec spec = specs.get(i);
            if (i >= args.size()) {
                if (spec.required()) {
                    throw new RuleException(what + " is missing its <" + spec.name() + "> argument", "usage: " + usage);
                }
                continue;
            }
            String arg = args.get(i);
            String label = "argument " + (i + 1) + " <" + spec.name() + "> of " + what;
            switch (spec.type()) {
                case INTEGER -> {
                    if (!(arg.isEmpty() && !spec.required()) && !INTEGER.matcher(arg).matches()) {
                        throw new RuleException(label + " must be an integer, not '" + arg + "'", "usage: " + usage);
                    }
                }
                case SERVER -> {
                    int slash = arg.lastIndexOf('/');
                    if (arg.isEmpty() || slash == 0 || slash == arg.length() - 1) {
                        throw new RuleException(label + " must name a server, not '" + arg + "'",
                                "write <backend>/<server>, or <server> for a server of the rule's own backend");
                    }
                }
                case VARIABLE -> {
                    if (!arg.isEmpty() && !VARIABLE.matcher(arg).matches()) {
                        throw new RuleException(label + ": '" + arg + "' is not a variable name",
                                "variable names start with their scope: proc., sess., txn., req. or res. (e.g. txn.host)");
                    }
                    if (arg.isEmpty() && spec.required()) {
                        throw new RuleException(label + " must name a variable", "usage: " + usage);
                    }
                }
                case REGEX -> RegexDialect.compile(arg, false);
                case IP -> {
                    if (!isIpLiteral(arg)) {
                        throw new RuleException(label + " must be an IP address, not '" + arg + "'", "usage: " + usage);
                    }
                }
                case MASK -> {
                    if (!(INTEGER.matcher(arg).matches() && Long.parseLong(arg) >= 0 && Long.parseLong(arg) <= 128)
                            && !isIpLiteral(arg)) {
                        throw new RuleException(label + " must be a netmask (bits like 24, or 255.255.255.0), not '"
                                + arg + "'", "usage: " + usage);
                    }
                }
                default -> {
                    // names of backends, frontends, userlists and tables are resolved by the config layer
                }
            }
        }
    }

    /** Value checks 2.6 performs on some fetches' arguments (its val_args functions). */
    private static void checkFetch(String name, List<String> args) {
        switch (name) {
            case "bool" -> {
                if (!args.get(0).matches("(?i)true|false|0|1")) {
                    throw new RuleException("bool(" + args.get(0) + ") is not a boolean", "write bool(true), bool(false), bool(1) or bool(0)");
                }
            }
            case "bin" -> {
                if (!args.get(0).matches("([0-9A-Fa-f]{2})*")) {
                    throw new RuleException("bin(" + args.get(0) + ") is not an even number of hex digits", "e.g. bin(48656c6c6f)");
                }
            }
            case "date" -> checkUnit("date", args, 1);
            default -> {
            }
        }
    }

    /** Value checks 2.6 performs on some converters' arguments. */
    private static void checkConverter(String name, List<String> args) {
        if (name.startsWith("map") && args.get(0).isEmpty()) {
            throw new RuleException("converter '" + name + "' needs a map file name", "usage: " + name + "(<map_file>[,<default_value>])");
        }
        if (name.startsWith("map") && args.get(0).endsWith("/")) {
            // seed 003: map_dom(/etc/hapee-1.5/,bk_default) lost its file name
            throw new RuleException("converter '" + name + "': '" + args.get(0) + "' is a directory, not a map file",
                    "the file name seems lost: write e.g. " + name + "(" + args.get(0) + "hosts.map" + (args.size() > 1 ? "," + args.get(1) : "") + ")");
        }
        switch (name) {
            case "field", "word" -> {
                if (Long.parseLong(args.get(0)) == 0) {
                    throw new RuleException("converter '" + name + "': index 0 is not valid",
                            "indexes start at 1 (or -1 to count from the end)");
                }
                if (args.get(1).isEmpty()) {
                    throw new RuleException("converter '" + name + "': empty list of delimiters", "e.g. " + name + "(2,/)");
                }
            }
            case "regsub" -> {
                String flags = args.size() > 2 ? args.get(2) : "";
                for (char f : flags.toCharArray()) {
                    if (f != 'i' && f != 'g') {
                        throw new RuleException("converter 'regsub': invalid regex flag '" + f + "'", "only 'i' and 'g' are supported");
                    }
                }
            }
            case "json_query" -> {
                if (args.isEmpty() || !args.get(0).startsWith("$")) {
                    throw new RuleException("converter 'json_query': the JSON path must start with '$'", "e.g. json_query('$.iss')");
                }
                if (args.size() > 1 && !args.get(1).isEmpty() && !args.get(1).equals("int")) {
                    throw new RuleException("converter 'json_query': unsupported JSON type '" + args.get(1) + "'", "the only output type is \"int\"");
                }
            }
            case "json" -> {
                if (!args.isEmpty() && !args.get(0).matches("|ascii|utf8|utf8s|utf8p|utf8ps")) {
                    throw new RuleException("converter 'json': unknown input code '" + args.get(0) + "'",
                            "allowed values are 'ascii', 'utf8', 'utf8s', 'utf8p' and 'utf8ps'");
                }
            }
            case "sha2" -> {
                if (!args.isEmpty() && !args.get(0).matches("|224|256|384|512")) {
                    throw new RuleException("converter 'sha2': unsupported number of bits '" + args.get(0) + "'",
                            "valid values are 224, 256, 384 and 512");
                }
            }
            case "http_date" -> checkUnit("http_date", args, 1);
            case "url_enc" -> {
                if (!args.isEmpty() && !args.get(0).matches("|query")) {
                    throw new RuleException("converter 'url_enc': unknown encode type '" + args.get(0) + "'", "the only type is 'query'");
                }
            }
            case "set-var" -> {
                for (String cond : args.subList(1, args.size())) {
                    if (!SET_VAR_CONDITIONS.contains(cond)) {
                        throw new RuleException("converter 'set-var': unknown condition '" + cond + "'",
                                "conditions are " + String.join(", ", new java.util.TreeSet<>(SET_VAR_CONDITIONS)));
                    }
                }
            }
            case "add", "sub", "mul", "div", "mod", "and", "or", "xor" -> {
                String v = args.get(0);
                if (!INTEGER.matcher(v).matches() && !VARIABLE.matcher(v).matches()) {
                    throw new RuleException("converter '" + name + "' takes an integer or a variable name, not '" + v + "'",
                            "e.g. " + name + "(1) or " + name + "(txn.count)");
                }
            }
            case "add_item" -> { // 2.6 wants two arguments at least, and a suffix when the variable is empty
                if (args.size() < 2 || args.get(1).isEmpty() && args.size() < 3) {
                    throw new RuleException("converter 'add_item' needs a variable or a suffix",
                            "usage: add_item(<delim>,[<var>][,<suff>])");
                }
            }
            default -> {
            }
        }
    }

    private static void checkUnit(String name, List<String> args, int index) {
        if (args.size() > index && !args.get(index).matches("|s|ms|us")) {
            throw new RuleException(name + ": unknown unit '" + args.get(index) + "'", "units are s, ms and us");
        }
    }

    /** An IPv4 or IPv6 literal; never resolves names. */
    static boolean isIpLiteral(String s) {
        if (IPV4.matcher(s).matches()) {
            for (String part : s.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return false;
                }
            }
            return true;
        }
        if (s.indexOf(':') >= 0 && s.matches("[0-9A-Fa-f:.]+")) {
            try {
                InetAddress.getByName(s); // a literal with ':' is parsed, never looked up
                return true;
            } catch (UnknownHostException | IllegalArgumentException e) {
                return false;
            }
        }
        return false;
    }

    /** "unknown fetch method 'x'", with what the operator most likely meant. */
    static RuleException unknownFetch(String name, boolean inAcl) {
        String misnamed = MISNAMED.get(name);
        if (misnamed != null) {
            return new RuleException("unknown fetch method '" + name + "'", misnamed);
        }
        Matcher m = MATCH_SUFFIX.matcher(name);
        if (m.matches()) {
            String base = m.group(1);
            String match = m.group(2);
            String aclFamily = switch (base) {
                case "req.hdr", "req.fhdr" -> "hdr";
                case "res.hdr", "res.fhdr" -> "shdr";
                case "req.cook" -> "cook";
                case "res.cook" -> "scook";
                case "url_param" -> "urlp";
                default -> null;
            };
            if (aclFamily != null) {
                return new RuleException("unknown fetch method '" + name + "'",
                        "'" + name + "' is neither a fetch nor an ACL keyword in HAProxy 2.6: in an acl write '"
                                + aclFamily + "_" + match + "(...)' (e.g. " + aclFamily + "_" + match
                                + "(host)), or keep the fetch and give the match: '" + base + "(...) -m " + match + "'");
            }
            if (!inAcl && AclKeywords.find(name).isPresent()) {
                String fetch = AclKeywords.find(name).get().fetch().name();
                return new RuleException("unknown fetch method '" + name + "'",
                        "'" + name + "' is an ACL keyword (fetch '" + fetch + "' matched with '" + match
                                + "'); it only exists in acl criteria. Here use the fetch '" + fetch
                                + "', and in an acl either '" + name + "(...)' or '" + fetch + "(...) -m " + match + "'");
            }
        }
        if (Converters.find(name).isPresent()) {
            return new RuleException("unknown fetch method '" + name + "'", "'" + name
                    + "' is a converter: it follows a fetch, e.g. req.hdr(host)," + name);
        }
        Set<String> candidates = new HashSet<>();
        SampleFetches.all().forEach(f -> candidates.add(f.name()));
        if (inAcl) {
            candidates.addAll(AclKeywords.names());
        }
        String closest = ClosestName.among(name, candidates).orElse(null);
        String family = SampleFetches.unsupportedFamily(name);
        // in a family vxlb leaves out, only a one-letter slip is taken for a typo of a known name
        if (family != null && (closest == null || ClosestName.distance(name, closest) > 1)) {
            return new RuleException("fetch method '" + name + "' of HAProxy 2.6 is not supported by vxlb",
                    "vxlb does not provide the '" + family + "*' fetches");
        }
        return new RuleException("unknown fetch method '" + name + "'",
                closest == null ? null : "did you mean '" + closest + "'?");
    }

    static RuleException unknownConverter(String name) {
        if (Converters.unsupportedFamily(name) != null) {
            return new RuleException("converter '" + name + "' of HAProxy 2.6 is not supported by vxlb", null);
        }
        if (SampleFetches.find(name).isPresent()) {
            return new RuleException("unknown converter '" + name + "'",
                    "'" + name + "' is a fetch method; an expression has one fetch followed by converters");
        }
        return new RuleException("unknown converter '" + name + "'",
                ClosestName.hint(name, Converters.all().stream().map(Converter::name).toList()));
    }
}
