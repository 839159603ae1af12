package io.vxlb.rules;

import static io.vxlb.rules.SampleType.ANY;
import static io.vxlb.rules.SampleType.BINARY;
import static io.vxlb.rules.SampleType.BOOLEAN;
import static io.vxlb.rules.SampleType.INTEGER;
import static io.vxlb.rules.SampleType.IP;
import static io.vxlb.rules.SampleType.STRING;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The converters vxlb understands, with HAProxy 2.6's names, arguments and types. An argument
 * 2.6 declares mandatory but fills with an empty string when omitted (json, concat, url_enc) is
 * declared optional here, because that is how it behaves for the operator.
 */
public final class Converters {
    private static final Map<String, Converter> CONVERTERS = new LinkedHashMap<>();

    private static void c(String name, SampleType in, SampleType out, String args, String doc) {
        CONVERTERS.put(name, new Converter(name, ArgSpec.list(args), in, out, doc));
    }

    static {
        c("add", INTEGER, INTEGER, "value", "adds an integer or a variable");
        c("add_item", STRING, STRING, "delim,var:variable?,suffix?", "appends delim, a variable and a suffix");
        c("and", INTEGER, INTEGER, "value", "bitwise AND with an integer or a variable");
        c("b64dec", STRING, BINARY, "", "decodes base64");
        c("base64", BINARY, STRING, "", "encodes as base64");
        c("be2dec", BINARY, STRING, "separator,chunk_size:integer?,truncate:integer?", "big-endian chunks as decimal");
        c("be2hex", BINARY, STRING, "separator?,chunk_size:integer?,truncate:integer?", "big-endian chunks as hex");
        c("bool", INTEGER, BOOLEAN, "", "true when non-zero");
        c("bytes", BINARY, BINARY, "offset:integer,length:integer?", "extracts bytes");
        c("capture-req", STRING, STRING, "id:integer", "stores the sample in a request capture slot");
        c("capture-res", STRING, STRING, "id:integer", "stores the sample in a response capture slot");
        c("concat", STRING, STRING, "start?,var:variable?,end?", "appends a string, a variable and a string");
        c("cpl", INTEGER, INTEGER, "", "ones' complement");
        c("crc32", BINARY, INTEGER, "avalanche:integer?", "CRC32 hash");
        c("crc32c", BINARY, INTEGER, "avalanche:integer?", "CRC32C hash");
        c("cut_crlf", STRING, STRING, "", "cuts at the first CR or LF");
        c("debug", ANY, ANY, "prefix?,destination?", "copies the sample to an event sink");
        c("digest", BINARY, BINARY, "algorithm", "message digest (e.g. sha256)");
        c("div", INTEGER, INTEGER, "value", "divides by an integer or a variable");
        c("djb2", BINARY, INTEGER, "avalanche:integer?", "DJB2 hash");
        c("even", INTEGER, BOOLEAN, "", "true when even");
        c("field", STRING, STRING, "index:integer,delimiters,count:integer?", "extracts a field");
        c("hex", BINARY, STRING, "", "encodes as hex");
        c("hex2i", STRING, INTEGER, "", "decodes hex to an integer");
        c("hmac", BINARY, BINARY, "algorithm,key", "HMAC with a base64 key");
        c("htonl", INTEGER, BINARY, "", "32-bit network-order integer");
        c("http_date", INTEGER, STRING, "offset:integer?,unit?", "formats a date for HTTP headers");
        c("iif", BOOLEAN, STRING, "true,false", "one string when true, the other when false");
        c("ipmask", IP, IP, "mask4:mask,mask6:mask?", "applies a netmask");
        c("json", STRING, STRING, "input_code?", "escapes as a JSON string");
        c("json_query", STRING, ANY, "path,type?", "the value at a JSON path ($.key, $.a.b, $.list[0]; '\\.' a dot in a key): a string, a number as %g text or with \"int\" an integer, a boolean");
        c("language", STRING, STRING, "value,default?", "preferred language of an Accept-Language");
        c("length", STRING, INTEGER, "", "length of the string");
        c("lower", STRING, STRING, "", "lower case");
        c("ltime", INTEGER, STRING, "format,offset:integer?", "formats a date in local time (strftime)");
        c("ltrim", STRING, STRING, "chars", "strips characters at the start");
        c("mod", INTEGER, INTEGER, "value", "remainder of the division by an integer or a variable");
        c("mul", INTEGER, INTEGER, "value", "multiplies by an integer or a variable");
        c("nbsrv", STRING, INTEGER, "", "usable servers of the backend named by the sample");
        c("neg", INTEGER, INTEGER, "", "opposite value");
        c("not", INTEGER, BOOLEAN, "", "true when zero");
        c("odd", INTEGER, BOOLEAN, "", "true when odd");
        c("or", INTEGER, INTEGER, "value", "bitwise OR with an integer or a variable");
        c("regsub", STRING, STRING, "regex:regex,subst,flags?", "regex substitution (flags i and g)");
        c("rtrim", STRING, STRING, "chars", "strips characters at the end");
        c("sdbm", BINARY, INTEGER, "avalanche:integer?", "SDBM hash");
        c("secure_memcmp", BINARY, BOOLEAN, "var:variable", "constant-time comparison with a variable");
        c("set-var", ANY, ANY, "var:variable,cond?,cond?,cond?,cond?", "stores the sample in a variable");
        c("sha1", BINARY, BINARY, "", "SHA-1 digest");
        c("sha2", BINARY, BINARY, "bits:integer?", "SHA-2 digest (224, 256, 384 or 512)");
        c("srv_queue", STRING, INTEGER, "", "queued connections of the server named by the sample");
        c("strcmp", STRING, INTEGER, "var:variable", "compares with a variable");
        c("sub", INTEGER, INTEGER, "value", "subtracts an integer or a variable");
        c("ub64dec", STRING, BINARY, "", "decodes base64url");
        c("ub64enc", BINARY, STRING, "", "encodes as base64url");
        c("unset-var", ANY, ANY, "var:variable", "unsets a variable");
        c("upper", STRING, STRING, "", "upper case");
        c("url_dec", STRING, STRING, "in_form:integer?", "URL-decodes");
        c("url_enc", STRING, STRING, "enc_type?", "URL-encodes (type query)");
        c("utime", INTEGER, STRING, "format,offset:integer?", "formats a date in UTC (strftime)");
        c("word", STRING, STRING, "index:integer,delimiters,count:integer?", "extracts a word");
        c("wt6", BINARY, INTEGER, "avalanche:integer?", "WT6 hash");
        c("xor", INTEGER, INTEGER, "value", "bitwise XOR with an integer or a variable");
        c("xxh3", BINARY, INTEGER, "seed:integer?", "XXH3 64-bit hash");
        c("xxh32", BINARY, INTEGER, "seed:integer?", "XXH32 hash");
        c("xxh64", BINARY, INTEGER, "seed:integer?", "XXH64 hash");
        // map(<file>[,<default>]): map = map_str; map_<match>[_<output>]; input follows the match
        for (String match : List.of("str", "beg", "sub", "dir", "dom", "end", "reg", "regm", "int", "ip")) {
            SampleType in = match.equals("int") ? INTEGER : match.equals("ip") ? IP : STRING;
            String base = "map_" + match;
            c(base, in, STRING, "file,default?", "looks the sample up in a map file (" + match + " match)");
            if (!match.equals("regm")) {
                c(base + "_int", in, INTEGER, "file,default:integer?", "map lookup with an integer result");
                c(base + "_ip", in, IP, "file,default?", "map lookup with an IP result");
            }
        }
        CONVERTERS.put("map", new Converter("map", ArgSpec.list("file,default?"), STRING, STRING,
                "alias of map_str"));
        StickFetches.declare(Converters::c);  // table_*, in_table (vxlb-stick)
    }

    private static final List<String> UNSUPPORTED_PREFIXES = List.of(
            "51d.", "da-csv", "aes_gcm_dec", "jwt_", "mqtt_", "protobuf", "ungrpc", "fix_");

    private Converters() {
    }

    public static Optional<Converter> find(String name) {
        return Optional.ofNullable(CONVERTERS.get(name));
    }

    public static Collection<Converter> all() {
        return Collections.unmodifiableCollection(CONVERTERS.values());
    }

    static String unsupportedFamily(String name) {
        return UNSUPPORTED_PREFIXES.stream().filter(name::startsWith).findFirst().orElse(null);
    }
}
