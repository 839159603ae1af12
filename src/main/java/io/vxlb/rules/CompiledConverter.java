package io.vxlb.rules;

import io.vxlb.maps.IpLiteral;
import io.vxlb.maps.MapIndex;
import io.vxlb.maps.MapIntIndex;

import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The run-time side of one converter (HAProxy 2.6 section 7.3.1, src/sample.c, src/map.c). The
 * input has already been cast to the converter's input type; {@link #apply} returns null when
 * the converter fails (the sample is then missing, as in HAProxy).
 */
abstract class CompiledConverter {
    abstract Object apply(Txn t, Object v);

    static final class Lower extends CompiledConverter {
        @Override
        Object apply(Txn t, Object v) {
            return io.vxlb.maps.AsciiCase.toLower((String) v);
        }
    }

    static final class Upper extends CompiledConverter {
        @Override
        Object apply(Txn t, Object v) {
            return io.vxlb.maps.AsciiCase.toUpper((String) v);
        }
    }

    static final class Length extends CompiledConverter {
        @Override
        Object apply(Txn t, Object v) {
            String s = (String) v;
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) > 0xFF) {
                    return (long) SampleValues.bytes(s).length;
                }
            }
            return (long) s.length();
        }
    }

    static final class Base64Encode extends CompiledConverter {
        @Override
        Object apply(Txn t, Object v) {
            return Base64.getEncoder().encodeToString((byte[]) v);
        }
    }

    static final class Hex extends CompiledConverter {
        private static final char[] DIGITS = "0123456789ABCDEF".toCharArray();

        @Override
        Object apply(Txn t, Object v) {
            byte[] b = (byte[]) v;
            char[] out = new char[b.length * 2];
            for (int i = 0; i < b.length; i++) {
                out[2 * i] = DIGITS[(b[i] >> 4) & 0xF];
                out[2 * i + 1] = DIGITS[b[i] & 0xF];
            }
            return new String(out);
        }
    }

    /** bytes(offset[,length]). */
    static final class Bytes extends CompiledConverter {
        private final long offset;
        private final long length;

        Bytes(long offset, long length) {
            this.offset = offset;
            this.length = length;
        }

        @Override
        Object apply(Txn t, Object v) {
            byte[] b = (byte[]) v;
            if (b.length <= offset) {
                return new byte[0];
            }
            int from = (int) offset;
            int n = b.length - from;
            if (length >= 0 && length < n) {
                n = (int) length;
            }
            return java.util.Arrays.copyOfRange(b, from, from + n);
        }
    }

    /** field(index,delimiters[,count]), sample_conv_field. */
    static final class Field extends CompiledConverter {
        private final long index;
        private final String delims;
        private final long count;

        Field(long index, String delims, long count) {
            this.index = index;
            this.delims = delims;
            this.count = count;
        }

        @Override
        Object apply(Txn t, Object v) {
            String s = (String) v;
            long cnt = count;
            int n = s.length();
            int start;
            int end;
            long field;
            if (index < 0) {
                field = -1;
                end = start = n;
                while (start > 0) {
                    if (delims.indexOf(s.charAt(start - 1)) >= 0) {
                        if (field == index) {
                            if (cnt == 1) {
                                return s.substring(start, end);
                            } else if (cnt > 1) {
                                cnt--;
                            }
                        } else {
                            end = start - 1;
                            field--;
                        }
                    }
                    start--;
                }
            } else {
                field = 1;
                end = start = 0;
                while (end < n) {
                    if (delims.indexOf(s.charAt(end)) >= 0) {
                        if (field == index) {
                            if (cnt == 1) {
                                return s.substring(start, end);
                            } else if (cnt > 1) {
                                cnt--;
                            }
                        } else {
                            start = end + 1;
                            field++;
                        }
                    }
                    end++;
                }
            }
            return field != index ? null : s.substring(start, end);
        }
    }

    /** word(index,delimiters[,count]), sample_conv_word: a missing word is the empty string. */
    static final class Word extends CompiledConverter {
        private final long index;
        private final String delims;
        private final long count;

        Word(long index, String delims, long count) {
            this.index = index;
            this.delims = delims;
            this.count = count;
        }

        @Override
        Object apply(Txn t, Object v) {
            String s = (String) v;
            long cnt = count;
            int n = s.length();
            long word = 0;
            boolean inword = false;
            int start;
            int end;
            if (index < 0) {
                end = start = n;
                while (start > 0) {
                    boolean sep = delims.indexOf(s.charAt(start - 1)) >= 0;
                    if (!inword) {
                        if (!sep) {
                            if (word != index) {
                                word--;
                                end = start;
                            }
                            inword = true;
                        }
                    } else if (sep) {
                        if (word == index) {
                            if (cnt == 1) {
                                return s.substring(start, end);
                            } else if (cnt > 1) {
                                cnt--;
                            }
                        }
                        inword = false;
                    }
                    start--;
                }
            } else {
                end = start = 0;
                while (end < n) {
                    boolean sep = delims.indexOf(s.charAt(end)) >= 0;
                    if (!inword) {
                        if (!sep) {
                            if (word != index) {
                                word++;
                                start = end;
                            }
                            inword = true;
                        }
                    } else if (sep) {
                        if (word == index) {
                            if (cnt == 1) {
                                return s.substring(start, end);
                            } else if (cnt > 1) {
                                cnt--;
                            }
                        }
                        inword = false;
                    }
                    end++;
                }
            }
            return word != index ? "" : s.substring(start, end);
        }
    }

    /** regsub(regex,subst[,flags]), sample_conv_regsub; the regex is compiled once. */
    static final class Regsub extends CompiledConverter {
        private final Pattern regex;
        private final String subst;
        private final boolean global;

        Regsub(Pattern regex, String subst, boolean global) {
            this.regex = regex;
            this.subst = subst;
            this.global = global;
        }

        @Override
        Object apply(Txn t, Object v) {
            String s = (String) v;
            Matcher m = regex.matcher(s);
            int n = s.length();
            StringBuilder out = new StringBuilder(n + 16);
            int start = 0;
            boolean notBol = false;
            while (true) {
                boolean found = false;
                if (global || !notBol) {
                    found = start <= n && m.find(start);
                }
                if (!found) {
                    out.append(s, start, n);
                    break;
                }
                out.append(s, start, m.start());
                if (!expand(out, s, subst, m)) {
                    return null;
                }
                if (start >= n) {
                    break;
                }
                int eo = m.end() - start;
                if (eo == 0) {
                    out.append(s.charAt(start));
                    eo = 1;
                }
                start += eo;
                notBol = true;
            }
            return out.toString();
        }
    }

    /**
     * exp_replace: copies {@code subst} with "\0".."\9" replaced by the groups of {@code m},
     * "\xHH" by that byte and "\c" by c. False when the substitution ends with a lone '\'.
     */
    static boolean expand(StringBuilder out, String input, String subst, Matcher m) {
        int n = subst.length();
        for (int i = 0; i < n; i++) {
            char c = subst.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (++i >= n) {
                return false;
            }
            c = subst.charAt(i);
            if (c >= '0' && c <= '9') {
                int g = c - '0';
                if (g <= m.groupCount() && m.start(g) >= 0) {
                    out.append(input, m.start(g), m.end(g));
                }
            } else if (c == 'x') {
                if (i + 2 >= n) {
                    return false;
                }
                int h1 = Character.toUpperCase(subst.charAt(i + 1)) - '0';
                int h2 = Character.toUpperCase(subst.charAt(i + 2)) - '0';
                if (h1 > 9) {
                    h1 -= 'A' - '9' - 1;
                }
                if (h2 > 9) {
                    h2 -= 'A' - '9' - 1;
                }
                out.append((char) (((h1 << 4) + h2) & 0xFF));
                i += 2;
            } else {
                out.append(c);
            }
        }
        return true;
    }

    /** concat([start][,var][,end]). */
    static final class Concat extends CompiledConverter {
        private final String start;
        private final String var;
        private final String end;

        Concat(String start, String var, String end) {
            this.start = start;
            this.var = var;
            this.end = end;
        }

        @Override
        Object apply(Txn t, Object v) {
            String s = (String) v;
            String middle = null;
            if (!var.isEmpty()) {
                Object x = t.variable(var);
                if (x != null) {
                    middle = SampleValues.toStr(x, SampleType.ANY);
                }
            }
            StringBuilder sb = new StringBuilder(s.length() + start.length() + end.length()
                    + (middle == null ? 0 : middle.length()));
            sb.append(s).append(start);
            if (middle != null) {
                sb.append(middle);
            }
            return sb.append(end).toString();
        }
    }

    /** json([input_code]), sample_conv_json, on the sample's bytes. */
    static final class Json extends CompiledConverter {
        private static final int ASCII = 0;
        private static final int UTF8 = 1;
        private static final int UTF8S = 2;
        private static final int UTF8P = 3;
        private static final int UTF8PS = 4;
        private final int mode;

        Json(String code) {
            mode = switch (code) {
                case "utf8" -> UTF8;
                case "utf8s" -> UTF8S;
                case "utf8p" -> UTF8P;
                case "utf8ps" -> UTF8PS;
                default -> ASCII;
            };
        }

        @Override
        Object apply(Txn t, Object v) {
            byte[] b = SampleValues.bytes((String) v);
            StringBuilder out = new StringBuilder(b.length + 8);
            int p = 0;
            while (p < b.length) {
                int c;
                if (mode == ASCII) {
                    c = b[p++] & 0xFF;
                } else {
                    long r = utf8Next(b, p);
                    int len = (int) (r >>> 40);
                    int code = (int) ((r >>> 32) & 0xFF);
                    c = (int) r;
                    p += Math.max(len, 1);
                    boolean bad = code != 0;
                    boolean badStrict = (code & (INVRANGE | BADSEQ)) != 0;
                    if (mode == UTF8 && bad || mode == UTF8P && badStrict) {
                        return null;
                    }
                    if (mode == UTF8S && bad || mode == UTF8PS && badStrict) {
                        continue;
                    }
                    if (c > 0xFFFF) {
                        if (mode == UTF8 || mode == UTF8P) {
                            return null;
                        }
                        continue;
                    }
                }
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '/' -> out.append("\\/");
                    case '\b' -> out.append("\\b");
                    case '\f' -> out.append("\\f");
                    case '\r' -> out.append("\\r");
                    case '\n' -> out.append("\\n");
                    case '\t' -> out.append("\\t");
                    default -> {
                        if (c > 0xFF || c < 0x20 || c > 0x7E) {
                            String h = Integer.toHexString(c);
                            out.append("\\u");
                            for (int k = h.length(); k < 4; k++) {
                                out.append('0');
                            }
                            out.append(h);
                        } else {
                            out.append((char) c);
                        }
                    }
                }
            }
            return out.toString();
        }

        private static final int BADSEQ = 0x02;
        private static final int INVRANGE = 0x01;
        private static final int OTHER = 0x04;

        /** One UTF-8 character at {@code p}: length << 40 | error code << 32 | code point. */
        private static long utf8Next(byte[] b, int p) {
            int c0 = b[p] & 0xFF;
            int need;
            int cp;
            int min;
            if (c0 < 0x80) {
                return (1L << 40) | c0;
            } else if (c0 < 0xC0) {
                return (1L << 40) | ((long) BADSEQ << 32) | c0;
            } else if (c0 < 0xE0) {
                need = 1;
                cp = c0 & 0x1F;
                min = 0x80;
            } else if (c0 < 0xF0) {
                need = 2;
                cp = c0 & 0x0F;
                min = 0x800;
            } else if (c0 < 0xF8) {
                need = 3;
                cp = c0 & 0x07;
                min = 0x10000;
            } else {
                return (1L << 40) | ((long) BADSEQ << 32) | c0;
            }
            int i = 1;
            for (; i <= need; i++) {
                if (p + i >= b.length || (b[p + i] & 0xC0) != 0x80) {
                    return ((long) i << 40) | ((long) BADSEQ << 32) | cp;
                }
                cp = (cp << 6) | (b[p + i] & 0x3F);
            }
            int code = 0;
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                code = INVRANGE;
            } else if (cp == 0xFFFE || cp == 0xFFFF) {
                code = OTHER;
            }
            return ((long) i << 40) | ((long) code << 32) | cp;
        }
    }

    /**
     * map / map_&lt;match&gt;[_&lt;output&gt;] (src/map.c sample_conv_map): looks the sample up in
     * the file's index; the value of the winning key, else the default, else no sample.
     */
    static final class MapLookup extends CompiledConverter {
        private final MapIndex index;
        private final Object[] typedValues;
        private final Object defaultValue;
        private final boolean regm;

        MapLookup(MapIndex index, Object[] typedValues, Object defaultValue, boolean regm) {
            this.index = index;
            this.typedValues = typedValues;
            this.defaultValue = defaultValue;
            this.regm = regm;
        }

        @Override
        Object apply(Txn t, Object v) {
            int p;
            if (v instanceof Long l) {
                p = ((MapIntIndex) index).find(l);
            } else {
                p = index.find((String) v);
            }
            if (p < 0) {
                return defaultValue;
            }
            if (regm) {
                String input = (String) v;
                Matcher m = ((io.vxlb.maps.MapRegIndex) index).pattern(p).matcher(input);
                if (!m.find()) {
                    return null;
                }
                StringBuilder out = new StringBuilder();
                return expand(out, input, index.value(p), m) ? out.toString() : null;
            }
            return typedValues == null ? index.value(p) : typedValues[p];
        }
    }

    /** map_parse_ip: the canonical text of an IPv4/IPv6 literal, or null. */
    static String mapIp(String text) {
        long v4 = IpLiteral.v4(text);
        if (v4 >= 0) {
            return IpLiteral.formatV4(v4);
        }
        long[] v6 = new long[2];
        return IpLiteral.v6(text, v6) ? IpLiteral.formatV6(v6[0], v6[1]) : null;
    }

    /** map_parse_int: read_int64 that must consume the whole text; null when it does not. */
    static Long mapInt(String text) {
        int i = 0;
        int n = text.length();
        if (i < n && (text.charAt(i) == '-' || text.charAt(i) == '+')) {
            i++;
        }
        while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
            i++;
        }
        return i == n ? MapIntIndex.readInt64(text) : null;
    }
}
