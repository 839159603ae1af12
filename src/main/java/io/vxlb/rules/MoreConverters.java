package io.vxlb.rules;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Converters of HAProxy 2.6 sections 7.3.1 whose semantics follow src/sample.c, src/ssl_sample.c
 * and src/http_conv.c: digests and HMAC (through the JDK's providers), base64 / base64url,
 * be2dec / be2hex, url_enc / url_dec, iif, add_item, strcmp, secure_memcmp and the arithmetic
 * family. Each returns null where HAProxy's converter fails (the sample is then missing).
 */
final class MoreConverters {
    private MoreConverters() {}

    private static final Map<String, String> DIGESTS = Map.ofEntries(
            Map.entry("md5", "MD5"), Map.entry("sha1", "SHA-1"), Map.entry("sha224", "SHA-224"),
            Map.entry("sha256", "SHA-256"), Map.entry("sha384", "SHA-384"), Map.entry("sha512", "SHA-512"),
            Map.entry("sha512-224", "SHA-512/224"), Map.entry("sha512-256", "SHA-512/256"),
            Map.entry("sha3-224", "SHA3-224"), Map.entry("sha3-256", "SHA3-256"),
            Map.entry("sha3-384", "SHA3-384"), Map.entry("sha3-512", "SHA3-512"));

    /** The JDK name of an OpenSSL digest name ("sha256", "SHA256", "sha-256"), or null. */
    static String jdkDigest(String openssl) {
        String n = openssl.toLowerCase(Locale.ROOT);
        String jdk = DIGESTS.get(n);
        if (jdk == null && n.startsWith("sha-")) jdk = DIGESTS.get("sha" + n.substring(4));
        if (jdk == null && n.equals("sha")) jdk = null;
        return jdk;
    }

    static boolean isVariableName(String s) {
        return s.matches("(proc|sess|txn|req|res|check)\\.[A-Za-z0-9_.]+");
    }

    /** sha1, sha2(bits), digest(algorithm): the digest of the input bytes. */
    static final class Digest extends CompiledConverter {
        private final String algorithm;

        Digest(String jdkAlgorithm) {
            try {
                MessageDigest.getInstance(jdkAlgorithm);
            } catch (NoSuchAlgorithmException e) {
                throw new RuleException("digest algorithm '" + jdkAlgorithm + "' is not available in this JVM", null);
            }
            this.algorithm = jdkAlgorithm;
        }

        static Digest sha2(long bits) {
            if (bits == 0) bits = 256;
            if (bits != 224 && bits != 256 && bits != 384 && bits != 512) {
                throw new RuleException("sha2: unsupported number of bits: '" + bits + "'", "use 224, 256, 384 or 512");
            }
            return new Digest("SHA-" + bits);
        }

        static Digest named(String name) {
            String jdk = jdkDigest(name);
            if (jdk == null) {
                throw new RuleException("digest: unsupported algorithm '" + name + "'",
                        "one of md5, sha1, sha224, sha256, sha384, sha512, sha512-224, sha512-256, sha3-224, sha3-256, sha3-384, sha3-512");
            }
            return new Digest(jdk);
        }

        @Override
        Object apply(Txn t, Object v) {
            try {
                return MessageDigest.getInstance(algorithm).digest((byte[]) v);
            } catch (NoSuchAlgorithmException e) {
                return null;
            }
        }
    }

    /** hmac(algorithm,key): the key is base64, or names a variable holding base64. */
    static final class Hmac extends CompiledConverter {
        private final String macName;
        private final byte[] key;
        private final String keyVariable;

        Hmac(String algorithm, String key) {
            String jdk = jdkDigest(algorithm);
            if (jdk == null) {
                throw new RuleException("hmac: unsupported algorithm '" + algorithm + "'", "e.g. sha1, sha256, sha512, md5");
            }
            this.macName = "Hmac" + jdk.replace("-", "").replace("/", "");
            try {
                Mac.getInstance(macName);
            } catch (NoSuchAlgorithmException e) {
                throw new RuleException("hmac: algorithm '" + algorithm + "' is not available in this JVM", null);
            }
            if (isVariableName(key)) {
                this.keyVariable = key;
                this.key = null;
            } else {
                this.keyVariable = null;
                byte[] k = base64(key);
                if (k == null) {
                    throw new RuleException("hmac: failed to parse key : argument needs to be base64 encoded, and can either be a string or a variable", null);
                }
                this.key = k;
            }
        }

        @Override
        Object apply(Txn t, Object v) {
            byte[] k = key;
            if (keyVariable != null) {
                Object x = t.variable(keyVariable);
                String s = x == null ? null : SampleValues.toStr(x, SampleType.ANY);
                if (s == null) return null;
                k = base64(s);
                if (k == null) return null;
            }
            try {
                Mac mac = Mac.getInstance(macName);
                // an empty key is legal for HMAC but not for SecretKeySpec: pad to the block as HMAC does
                mac.init(new SecretKeySpec(k.length == 0 ? new byte[1] : k, macName));
                if (k.length == 0) {
                    mac = Mac.getInstance(macName);
                    mac.init(new SecretKeySpec(new byte[64], macName));
                }
                return mac.doFinal((byte[]) v);
            } catch (Exception e) {
                return null;
            }
        }
    }

    /** HAProxy's base64dec(): standard alphabet, length a multiple of 4; null when invalid. */
    static byte[] base64(String s) {
        if (s.length() % 4 != 0) return null;
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** b64dec: the standard alphabet with padding. */
    static final class Base64Decode extends CompiledConverter {
        @Override
        Object apply(Txn t, Object v) {
            return base64((String) v);
        }
    }

    /** ub64enc: base64url without padding. */
    static final class Base64UrlEncode extends CompiledConverter {
        @Override
        Object apply(Txn t, Object v) {
            return Base64.getUrlEncoder().withoutPadding().encodeToString((byte[]) v);
        }
    }

    /** ub64dec: base64url, padding optional; a length of 1 modulo 4 is invalid. */
    static final class Base64UrlDecode extends CompiledConverter {
        @Override
        Object apply(Txn t, Object v) {
            String s = (String) v;
            if (s.length() % 4 == 1) return null;
            try {
                return Base64.getUrlDecoder().decode(s);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }

    /** be2dec(separator,chunk_size[,truncate]): each chunk of big-endian bytes as an unsigned decimal. */
    static final class Be2Dec extends CompiledConverter {
        private final String separator;
        private final int chunk;
        private final boolean truncate;

        Be2Dec(String separator, long chunk, long truncate) {
            if (chunk <= 0 || chunk > 8) {
                throw new RuleException("be2dec: chunk_size out of [1..8] range (" + chunk + ")", null);
            }
            if (truncate != 0 && truncate != 1) {
                throw new RuleException("be2dec: Unsupported truncate value (" + truncate + ")", "0 or 1");
            }
            this.separator = separator;
            this.chunk = (int) chunk;
            this.truncate = truncate == 1;
        }

        @Override
        Object apply(Txn t, Object v) {
            byte[] b = (byte[]) v;
            int last = truncate ? b.length - chunk + 1 : b.length;
            StringBuilder sb = new StringBuilder();
            int ptr = 0;
            while (ptr < last) {
                if (ptr > 0) sb.append(separator);
                long number = 0;
                for (int i = 0; i < chunk && ptr < b.length; i++) number = (number << 8) + (b[ptr++] & 0xFF);
                sb.append(Long.toUnsignedString(number));
            }
            return sb.toString();
        }
    }

    /** be2hex([separator[,chunk_size[,truncate]]]): upper-case hex, a separator every chunk_size bytes. */
    static final class Be2Hex extends CompiledConverter {
        private static final char[] DIGITS = "0123456789ABCDEF".toCharArray();
        private final String separator;
        private final int chunk;
        private final boolean truncate;

        Be2Hex(String separator, long chunk, long truncate) {
            if (chunk <= 0 && (!separator.isEmpty() || truncate != 0)) {
                throw new RuleException("be2hex: chunk_size needs to be positive (" + chunk + ")", null);
            }
            if (truncate != 0 && truncate != 1) {
                throw new RuleException("be2hex: Unsupported truncate value (" + truncate + ")", "0 or 1");
            }
            this.separator = separator;
            this.chunk = (int) chunk;
            this.truncate = truncate == 1;
        }

        @Override
        Object apply(Txn t, Object v) {
            byte[] b = (byte[]) v;
            int size = separator.isEmpty() && !truncate ? b.length : chunk;
            int last = truncate ? b.length - chunk + 1 : b.length;
            StringBuilder sb = new StringBuilder();
            int ptr = 0;
            while (ptr < last) {
                if (ptr > 0) sb.append(separator);
                for (int i = 0; i < size && ptr < b.length; i++) {
                    int c = b[ptr++] & 0xFF;
                    sb.append(DIGITS[c >> 4]).append(DIGITS[c & 0xF]);
                }
            }
            return sb.toString();
        }
    }

    /** url_dec([in_form]): %XX decoded; '+' is a space in a form or after a '?'. Invalid escapes fail. */
    static final class UrlDecode extends CompiledConverter {
        private final boolean inForm;

        UrlDecode(boolean inForm) {
            this.inForm = inForm;
        }

        @Override
        Object apply(Txn t, Object v) {
            byte[] in = SampleValues.bytes((String) v);
            byte[] out = new byte[in.length];
            int n = 0;
            boolean form = inForm;
            for (int i = 0; i < in.length; i++) {
                byte c = in[i];
                if (c == 0) break;  // url_decode() stops at the string's NUL
                if (c == '+') {
                    out[n++] = form ? (byte) ' ' : c;
                } else if (c == '%') {
                    int hi = i + 1 < in.length ? Character.digit(in[i + 1], 16) : -1;
                    int lo = i + 2 < in.length ? Character.digit(in[i + 2], 16) : -1;
                    if (hi < 0 || lo < 0) return null;
                    out[n++] = (byte) ((hi << 4) + lo);
                    i += 2;
                } else {
                    if (c == '?') form = true;
                    out[n++] = c;
                }
            }
            return new String(out, 0, n, StandardCharsets.ISO_8859_1);
        }
    }

    /** url_enc([query]): every byte but RFC 3986's unreserved characters as %XX (upper case). */
    static final class UrlEncode extends CompiledConverter {
        private static final char[] DIGITS = "0123456789ABCDEF".toCharArray();

        UrlEncode(String type) {
            if (!type.isEmpty() && !type.equals("query")) {
                throw new RuleException("url_enc: Unexpected encode type. Allowed value is 'query'", null);
            }
        }

        @Override
        Object apply(Txn t, Object v) {
            byte[] in = SampleValues.bytes((String) v);
            StringBuilder sb = new StringBuilder(in.length * 3);
            for (byte x : in) {
                int c = x & 0xFF;
                if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
                    sb.append((char) c);
                } else {
                    sb.append('%').append(DIGITS[c >> 4]).append(DIGITS[c & 0xF]);
                }
            }
            return sb.toString();
        }
    }

    /** iif(true,false). */
    static final class Iif extends CompiledConverter {
        private final String whenTrue;
        private final String whenFalse;

        Iif(String whenTrue, String whenFalse) {
            this.whenTrue = whenTrue;
            this.whenFalse = whenFalse;
        }

        @Override
        Object apply(Txn t, Object v) {
            return (Boolean) v ? whenTrue : whenFalse;
        }
    }

    /**
     * add_item(delim[,var[,suffix]]): appends the variable's text and the suffix; the delimiter
     * goes first only when the input is not empty and something non-empty follows.
     */
    static final class AddItem extends CompiledConverter {
        private final String delim;
        private final String var;
        private final String suffix;

        AddItem(String delim, String var, String suffix) {
            if (var.isEmpty() && suffix.isEmpty()) {
                throw new RuleException("add_item: one of the optional arguments has to be nonempty", null);
            }
            this.delim = delim;
            this.var = var;
            this.suffix = suffix;
        }

        @Override
        Object apply(Txn t, Object v) {
            String s = (String) v;
            String middle = null;
            if (!var.isEmpty()) {
                Object x = t.variable(var);
                if (x != null) middle = SampleValues.toStr(x, SampleType.ANY);
            }
            StringBuilder sb = new StringBuilder(s);
            if (!s.isEmpty() && ((middle != null && !middle.isEmpty()) || !suffix.isEmpty())) sb.append(delim);
            if (middle != null) sb.append(middle);
            return sb.append(suffix).toString();
        }
    }

    /** strcmp(var): -1, 0 or 1 as strcmp(3) against the variable's text; fails when it is unset. */
    static final class StrCmp extends CompiledConverter {
        private final String var;

        StrCmp(String var) {
            this.var = var;
        }

        @Override
        Object apply(Txn t, Object v) {
            Object x = t.variable(var);
            String other = x == null ? null : SampleValues.toStr(x, SampleType.ANY);
            if (other == null) return null;
            byte[] a = SampleValues.bytes((String) v), b = SampleValues.bytes(other);
            int n = Math.min(a.length, b.length);
            for (int i = 0; i < n; i++) {
                int d = (a[i] & 0xFF) - (b[i] & 0xFF);
                if (d != 0) return (long) d;
                if (a[i] == 0) return 0L;  // strncmp stops at a NUL
            }
            return a.length == b.length ? 0L : a.length < b.length ? -1L : 1L;
        }
    }

    /** secure_memcmp(var): true when the input bytes equal the variable's, compared in constant time. */
    static final class SecureMemcmp extends CompiledConverter {
        private final String var;

        SecureMemcmp(String var) {
            this.var = var;
        }

        @Override
        Object apply(Txn t, Object v) {
            Object x = t.variable(var);
            if (x == null) return null;
            Object norm = SampleValues.normalize(x);
            byte[] other = norm instanceof byte[] b ? b : norm instanceof String s ? SampleValues.bytes(s) : null;
            if (other == null) return null;
            byte[] in = (byte[]) v;
            if (in.length != other.length) return false;
            return MessageDigest.isEqual(in, other);
        }
    }

    /** add, sub, mul, div, mod, and, or, xor: with an integer or a variable (sample_conv_arith_*). */
    static final class Arith extends CompiledConverter {
        private final String op;
        private final long value;
        private final String var;

        Arith(String op, String arg) {
            this.op = op;
            if (isVariableName(arg)) {
                this.var = arg;
                this.value = 0;
            } else {
                this.var = null;
                try {
                    this.value = Long.parseLong(arg.startsWith("+") ? arg.substring(1) : arg);
                } catch (NumberFormatException e) {
                    throw new RuleException("converter '" + op + "': failed to parse '" + arg + "' as an integer or a variable name", "e.g. " + op + "(2) or " + op + "(txn.count)");
                }
            }
        }

        @Override
        Object apply(Txn t, Object v) {
            long a = (Long) v;
            long b = value;
            if (var != null) {
                Object x = t.variable(var);
                Object n = x == null ? null : SampleValues.cast(x, SampleType.ANY, SampleType.INTEGER);
                if (n == null) return null;  // HAProxy: the variable must cast to an integer
                b = (Long) n;
            }
            return switch (op) {
                case "add" -> add(a, b);
                case "sub" -> b == Long.MIN_VALUE ? (add(a, Long.MAX_VALUE) < Long.MAX_VALUE ? add(a, Long.MAX_VALUE) + 1 : Long.MAX_VALUE) : add(a, -b);
                case "mul" -> mul(a, b);
                case "div" -> b == 0 ? Long.MAX_VALUE : a == Long.MIN_VALUE && b == -1 ? Long.MAX_VALUE : a / b;
                case "mod" -> b == 0 || (a == Long.MIN_VALUE && b == -1) ? 0L : a % b;
                case "and" -> a & b;
                case "or" -> a | b;
                default -> a ^ b;  // xor
            };
        }

        /** arith_add(): capped at the 64-bit limits instead of wrapping. */
        static long add(long a, long b) {
            long r = a + b;
            if (((a ^ r) & (b ^ r)) < 0) return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
            return r;
        }

        static long mul(long a, long b) {
            if (a == 0 || b == 0) return 0;
            if (a == Long.MIN_VALUE && b == -1) return Long.MAX_VALUE;
            long c = a * b;
            if (a != c / b) return (a < 0) == (b < 0) ? Long.MAX_VALUE : Long.MIN_VALUE;
            return c;
        }
    }

    /** neg, cpl, bool, not, odd, even. */
    static final class Unary extends CompiledConverter {
        private final String op;

        Unary(String op) {
            this.op = op;
        }

        @Override
        Object apply(Txn t, Object v) {
            long a = (Long) v;
            return switch (op) {
                case "neg" -> a == Long.MIN_VALUE ? Long.MAX_VALUE : -a;
                case "cpl" -> ~a;
                case "bool" -> a != 0;
                case "not" -> a == 0;
                case "odd" -> (a & 1) == 1;
                default -> (a & 1) == 0;  // even
            };
        }
    }
}
