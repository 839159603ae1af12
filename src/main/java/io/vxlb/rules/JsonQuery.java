package io.vxlb.rules;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code json_query(PATH[,"int"])} as HAProxy 2.6 (sample.c over mjson): the value at PATH
 * ({@code $}, then {@code .key} segments, a backslash escaping the next character, and
 * {@code [N]} array indexes) in the input text. A string gives its decoded text; a number its
 * C {@code %g} text, or with "int" the integer its text starts with (no sample outside
 * +/-(2^53-1)); true/false a boolean; null, an object, an array or no match: no sample.
 * Read with Jackson's streaming parser, skipping what the path does not enter.
 */
final class JsonQuery extends CompiledConverter {
    private static final JsonFactory JSON = new JsonFactory();
    private static final long JSON_INT_MAX = (1L << 53) - 1;

    /** A path step: a key, or an array index (key null). */
    private record Step(String key, int index) {}

    private final Step[] steps;
    private final boolean integer;

    JsonQuery(String path, boolean integer) {
        this.steps = parse(path);
        this.integer = integer;
    }

    private static Step[] parse(String path) {
        List<Step> out = new ArrayList<>();
        int i = 1;  // after '$'
        while (i < path.length()) {
            char c = path.charAt(i);
            if (c == '.') {
                StringBuilder key = new StringBuilder();
                i++;
                while (i < path.length() && path.charAt(i) != '.' && path.charAt(i) != '[') {
                    if (path.charAt(i) == '\\' && i + 1 < path.length()) i++;
                    key.append(path.charAt(i++));
                }
                out.add(new Step(key.toString(), -1));
            } else if (c == '[') {
                int end = path.indexOf(']', i);
                int n;
                try {
                    n = Integer.parseInt(path.substring(i + 1, end < 0 ? path.length() : end).trim());
                } catch (NumberFormatException e) {
                    n = Integer.MIN_VALUE;  // never matches, as mjson's unparsable index
                }
                out.add(new Step(null, n));
                i = end < 0 ? path.length() : end + 1;
            } else {
                out.add(new Step("\u0000never", -1));  // not a path mjson can follow
                break;
            }
        }
        return out.toArray(new Step[0]);
    }

    @Override
    Object apply(Txn t, Object v) {
        byte[] in = v instanceof byte[] b ? b : String.valueOf(v).getBytes(StandardCharsets.ISO_8859_1);
        try (JsonParser p = JSON.createParser(in)) {
            JsonToken tok = p.nextToken();
            for (Step s : steps) {
                tok = enter(p, tok, s);
                if (tok == null) return null;
            }
            return value(p, tok);
        } catch (IOException | RuntimeException e) {
            return null;  // not JSON (as far as the path goes): no sample
        }
    }

    /** The first token of step {@code s}'s value inside the container starting at {@code tok}; null: none. */
    private static JsonToken enter(JsonParser p, JsonToken tok, Step s) throws IOException {
        if (s.key() != null) {
            if (tok != JsonToken.START_OBJECT) return null;
            for (JsonToken f = p.nextToken(); f == JsonToken.FIELD_NAME; f = p.nextToken()) {
                JsonToken value = p.nextToken();
                if (s.key().equals(p.currentName())) return value;
                p.skipChildren();
            }
            return null;
        }
        if (tok != JsonToken.START_ARRAY) return null;
        int i = 0;
        for (JsonToken e = p.nextToken(); e != null && e != JsonToken.END_ARRAY; e = p.nextToken(), i++) {
            if (i == s.index()) return e;
            p.skipChildren();
        }
        return null;
    }

    private Object value(JsonParser p, JsonToken tok) throws IOException {
        return switch (tok) {
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> integer ? leadingInteger(p.getText()) : cG(p.getDoubleValue());
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            default -> null;
        };
    }

    /** strtoll(text, NULL, 0) for a JSON number's text, bounded as HAProxy's JSON_INT_MIN/MAX. */
    private static Long leadingInteger(String text) {
        int i = 0;
        boolean neg = false;
        if (i < text.length() && (text.charAt(i) == '-' || text.charAt(i) == '+')) neg = text.charAt(i++) == '-';
        long n = 0;
        for (; i < text.length() && Character.isDigit(text.charAt(i)); i++) {
            n = n * 10 + (text.charAt(i) - '0');
            if (n > JSON_INT_MAX) return null;
        }
        return neg ? -n : n;
    }

    /** C's printf("%g"): 6 significant digits, trailing zeros dropped, exponent form below 1e-4 and from 1e6. */
    static String cG(double v) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        if (v == 0) return (1 / v < 0) ? "-0" : "0";
        BigDecimal d = new BigDecimal(v).round(new MathContext(6, RoundingMode.HALF_EVEN));
        int exp = d.precision() - d.scale() - 1;
        if (exp < -4 || exp >= 6) {
            String m = d.movePointLeft(exp).stripTrailingZeros().toPlainString();
            return m + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
        }
        return d.stripTrailingZeros().toPlainString();
    }
}
