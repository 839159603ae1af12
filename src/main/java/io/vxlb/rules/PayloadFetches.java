package io.vxlb.rules;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * HAProxy 2.6's layer-6 fetches (src/payload.c): the first bytes of a TCP request or response as
 * {@code tcp-request content} / {@code tcp-response content} rules see them, read through a
 * {@link PayloadTxn}. Outside such a transaction (an HTTP request's rules) they have no sample,
 * except {@code req.proto_http}, which is then true. Every parser here reads untrusted bytes:
 * each length is checked against what was received before it is used.
 */
final class PayloadFetches {
    private PayloadFetches() {
    }

    /** The evaluator for a layer-6 fetch, or null when {@code e} is not one. */
    static Fetch create(SampleExpr e, Direction dir) {
        List<String> a = e.fetchArgs();
        boolean dirResponse = dir == Direction.RESPONSE;
        return switch (e.fetch().name()) {
            case "req.len", "req_len" -> new Len(false);
            case "res.len" -> new Len(true);
            case "req.payload" -> new Payload(false, num(a, 0), num(a, 1));
            case "res.payload" -> new Payload(true, num(a, 0), num(a, 1));
            case "payload" -> new Payload(dirResponse, num(a, 0), num(a, 1));
            case "req.payload_lv" -> new PayloadLv(false, num(a, 0), num(a, 1), a.size() > 2 ? a.get(2) : "");
            case "res.payload_lv" -> new PayloadLv(true, num(a, 0), num(a, 1), a.size() > 2 ? a.get(2) : "");
            case "payload_lv" -> new PayloadLv(dirResponse, num(a, 0), num(a, 1), a.size() > 2 ? a.get(2) : "");
            case "req.ssl_hello_type", "req_ssl_hello_type" -> new HelloType();
            case "req.ssl_ver", "req_ssl_ver" -> new SslVersion();
            case "req.ssl_sni", "req_ssl_sni" -> new ClientHelloExtension(0);
            case "req.ssl_alpn" -> new ClientHelloExtension(16);
            case "req.proto_http", "req_proto_http" -> new ProtoHttp();
            case "req.rdp_cookie", "rdp_cookie" -> new RdpCookie(a.isEmpty() ? "" : a.get(0), false);
            case "req.rdp_cookie_cnt", "rdp_cookie_cnt" -> new RdpCookie(a.isEmpty() ? "" : a.get(0), true);
            case "wait_end" -> new WaitEnd();
            case "fc_src" -> new FcAddress(true);
            case "fc_dst" -> new FcAddress(false);
            case "fc_src_port" -> new FcPort(true);
            case "fc_dst_port" -> new FcPort(false);
            case "fc_pp_authority" -> new FcTlv(true);
            case "fc_pp_unique_id" -> new FcTlv(false);
            default -> null;
        };
    }

    private static int num(List<String> a, int i) {
        if (i >= a.size() || a.get(i).isEmpty()) return 0;
        String s = a.get(i).startsWith("+") ? a.get(i).substring(1) : a.get(i);
        long v = Long.parseLong(s);
        if (v < 0 || v > Integer.MAX_VALUE) throw new RuleException("payload offset or length out of range: " + a.get(i), "use a value between 0 and " + Integer.MAX_VALUE);
        return (int) v;
    }

    /** The side's bytes, or null outside an inspection; marks "may change" when more can come. */
    private static PayloadTxn inspected(Txn t) {
        return t instanceof PayloadTxn p ? p : null;
    }

    /** No sample yet: say so when more data could change that. */
    private static Object missing(PayloadTxn p, boolean response) {
        if (!p.payloadFinal(response)) p.payloadMayChange();
        return null;
    }

    static final class Len extends Fetch {
        private final boolean response;

        Len(boolean response) {
            super(SampleType.INTEGER);
            this.response = response;
        }

        @Override
        Object get(Txn t) {
            PayloadTxn p = inspected(t);
            if (p == null) return response ? null : htxLength(t);
            if (!p.payloadFinal(response)) p.payloadMayChange();
            return (long) p.payloadLength(response);
        }
    }

    /**
     * On an HTTP stream HAProxy's req.len is the size of the request's HTX message ("not accurate
     * but kept for backward compatibility", payload.c): a 20-byte start-line block plus method,
     * URI and version, each header's name and value, one byte of end-of-headers, the body so far.
     */
    private static Long htxLength(Txn t) {
        String m = t.method();
        if (m == null) return null;
        long n = 20 + m.length() + t.uri().length() + "HTTP/".length() + t.version().length() + 1;
        for (int i = 0, c = t.requestHeaderCount(); i < c; i++) n += t.requestHeaderName(i).length() + t.requestHeaderValue(i).length();
        byte[] body = t.requestBody();
        return body == null ? n : n + body.length;
    }

    /** {@code req.payload(off,len)}: {@code len} bytes at {@code off}; len 0 means up to the end of what was received. */
    static final class Payload extends Fetch {
        private final boolean response;
        private final int offset, length;

        Payload(boolean response, int offset, int length) {
            super(SampleType.BINARY);
            this.response = response;
            this.offset = offset;
            this.length = length;
        }

        @Override
        Object get(Txn t) {
            PayloadTxn p = inspected(t);
            if (p == null) return null;
            int n = p.payloadLength(response);
            if (length == 0) {
                if (offset > n) return missing(p, response);
                if (!p.payloadFinal(response)) p.payloadMayChange();  // more may be appended
                return copy(p.payload(response), offset, n - offset);
            }
            if ((long) offset + length > n) return missing(p, response);
            return copy(p.payload(response), offset, length);
        }
    }

    /**
     * {@code req.payload_lv(off1,len1[,off2])}: a {@code len1}-byte big-endian length at
     * {@code off1}, then that many bytes at {@code off2} (absolute, or relative to the end of the
     * length field when written {@code +N}; the end of the length field when omitted).
     */
    static final class PayloadLv extends Fetch {
        private final boolean response;
        private final int lenOffset, lenSize;
        private final String dataOffset;

        PayloadLv(boolean response, int lenOffset, int lenSize, String dataOffset) {
            super(SampleType.BINARY);
            if (lenSize < 1 || lenSize > 4) throw new RuleException("payload_lv length field must be 1 to 4 bytes, not " + lenSize, null);
            this.response = response;
            this.lenOffset = lenOffset;
            this.lenSize = lenSize;
            this.dataOffset = dataOffset;
        }

        @Override
        Object get(Txn t) {
            PayloadTxn p = inspected(t);
            if (p == null) return null;
            int n = p.payloadLength(response);
            byte[] b = p.payload(response);
            if ((long) lenOffset + lenSize > n) return missing(p, response);
            long len = 0;
            for (int i = 0; i < lenSize; i++) len = (len << 8) | (b[lenOffset + i] & 0xff);
            long start = lenOffset + lenSize;
            if (!dataOffset.isEmpty()) {
                start = dataOffset.startsWith("+") ? start + Long.parseLong(dataOffset.substring(1)) : Long.parseLong(dataOffset);
            }
            if (start + len > n) return missing(p, response);
            return copy(b, (int) start, (int) len);
        }
    }

    /** {@code req.ssl_hello_type}: the handshake type of the first TLS record (1: ClientHello). */
    static final class HelloType extends Fetch.IntFetch {
        @Override
        boolean present(Txn t) {
            PayloadTxn p = inspected(t);
            if (p == null) return false;
            int n = p.payloadLength(false);
            if (n < 6) {
                missing(p, false);
                return false;
            }
            byte[] b = p.payload(false);
            return b[0] == 0x16 && b[1] == 3;  // a TLS handshake record (SSLv3 / TLS)
        }

        @Override
        long getLong(Txn t) {
            return ((PayloadTxn) t).payload(false)[5] & 0xff;
        }
    }

    /**
     * {@code req.ssl_ver}: the protocol version of an SSLv3/TLS hello as (major << 16) + minor
     * (0x30001 is TLS 1.0), from the ClientHello's own version when the record holds one.
     */
    static final class SslVersion extends Fetch.IntFetch {
        @Override
        boolean present(Txn t) {
            PayloadTxn p = inspected(t);
            if (p == null) return false;
            int n = p.payloadLength(false);
            if (n < 11) {
                missing(p, false);
                return false;
            }
            byte[] b = p.payload(false);
            return b[0] == 0x16 && b[1] == 3 && b[5] == 1;
        }

        @Override
        long getLong(Txn t) {
            byte[] b = ((PayloadTxn) t).payload(false);
            return ((b[9] & 0xff) << 16) + (b[10] & 0xff);
        }
    }

    /**
     * A ClientHello extension in the first TLS record: SNI (type 0: the host name) or ALPN
     * (type 16: each protocol, the first as the sample). Bytes missing: "may change"; anything
     * malformed: no sample.
     */
    static final class ClientHelloExtension extends Fetch {
        private final int type;

        ClientHelloExtension(int type) {
            super(SampleType.STRING);
            this.type = type;
        }

        /** Offset and length of the extension's data, -1 when absent or malformed, -2 when more bytes are needed. */
        private long find(byte[] b, int n) {
            if (n < 5) return -2;
            if (b[0] != 0x16 || b[1] != 3) return -1;
            int recLen = u16(b, 3);
            int end = 5 + recLen;
            if (n < end) return -2;
            int i = 5;
            if (recLen < 4 || b[i] != 1) return -1;  // not a ClientHello
            int hsLen = (b[i + 1] & 0xff) << 16 | u16(b, i + 2);
            i += 4;
            if (i + hsLen < end) end = i + hsLen;
            i += 2 + 32;  // client version, random
            if (i + 1 > end) return -1;
            i += 1 + (b[i] & 0xff);  // session id
            if (i + 2 > end) return -1;
            i += 2 + u16(b, i);  // cipher suites
            if (i + 1 > end) return -1;
            i += 1 + (b[i] & 0xff);  // compression methods
            if (i + 2 > end) return -1;
            int extEnd = Math.min(end, i + 2 + u16(b, i));
            i += 2;
            while (i + 4 <= extEnd) {
                int t = u16(b, i), len = u16(b, i + 2);
                i += 4;
                if (i + len > extEnd) return -1;
                if (t == type) return ((long) i << 32) | len;
                i += len;
            }
            return -1;
        }

        @Override
        Object get(Txn t) {
            PayloadTxn p = inspected(t);
            if (p == null) return null;
            byte[] b = p.payload(false);
            long at = find(b, p.payloadLength(false));
            if (at == -2) return missing(p, false);
            if (at < 0) return null;
            int i = (int) (at >>> 32), len = (int) at;
            if (type == 0) {
                // server_name_list: length, then entries of (name type, length, name); host_name is type 0
                if (len < 2) return null;
                int listEnd = i + Math.min(len, 2 + u16(b, i));
                i += 2;
                while (i + 3 <= listEnd) {
                    int nameType = b[i] & 0xff, nameLen = u16(b, i + 1);
                    i += 3;
                    if (i + nameLen > listEnd) return null;
                    if (nameType == 0) return new String(b, i, nameLen, StandardCharsets.ISO_8859_1);
                    i += nameLen;
                }
                return null;
            }
            List<String> protocols = alpn(b, i, len);
            return protocols.isEmpty() ? null : protocols.get(0);
        }

        @Override
        boolean anyMatch(Txn t, ValueTest test) {
            if (type == 0) return super.anyMatch(t, test);
            PayloadTxn p = inspected(t);
            if (p == null) return false;
            byte[] b = p.payload(false);
            long at = find(b, p.payloadLength(false));
            if (at == -2) {
                missing(p, false);
                return false;
            }
            if (at < 0) return false;
            for (String proto : alpn(b, (int) (at >>> 32), (int) at)) if (test.test(t, proto)) return true;
            return false;
        }

        private static List<String> alpn(byte[] b, int i, int len) {
            if (len < 2) return List.of();
            int end = i + Math.min(len, 2 + u16(b, i));
            i += 2;
            List<String> out = new java.util.ArrayList<>(2);
            while (i < end) {
                int l = b[i] & 0xff;
                i++;
                if (l == 0 || i + l > end) break;
                out.add(new String(b, i, l, StandardCharsets.ISO_8859_1));
                i += l;
            }
            return out;
        }
    }

    /**
     * {@code req.proto_http}: the buffer starts with a complete HTTP/1 request head (request line
     * {@code METHOD SP TARGET SP HTTP/x.y}, then header lines up to the empty line). In an HTTP
     * transaction (no inspection) it is true: vxlb parsed the request already.
     */
    static final class ProtoHttp extends Fetch {
        ProtoHttp() {
            super(SampleType.BOOLEAN);
        }

        @Override
        Object get(Txn t) {
            PayloadTxn p = inspected(t);
            if (p == null) return t.method() != null && !t.method().isEmpty();
            byte[] b = p.payload(false);
            int n = p.payloadLength(false);
            int lineEnd = indexOf(b, n, 0, (byte) '\n');
            if (lineEnd < 0) {
                if (!looksLikeStart(b, n)) return Boolean.FALSE;
                return p.payloadFinal(false) ? Boolean.FALSE : missing(p, false);
            }
            if (!requestLine(b, lineEnd > 0 && b[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd)) return Boolean.FALSE;
            // the head must be complete: an empty line
            for (int i = lineEnd + 1; i < n; i++) {
                if (b[i] == '\n' && (b[i - 1] == '\n' || (b[i - 1] == '\r' && i >= 2 && b[i - 2] == '\n'))) return Boolean.TRUE;
            }
            return p.payloadFinal(false) ? Boolean.FALSE : missing(p, false);
        }

        /** A method token so far (so it is worth waiting for the rest of the line). */
        private static boolean looksLikeStart(byte[] b, int n) {
            for (int i = 0; i < n; i++) {
                if (b[i] == ' ') return i > 0;
                if (!tchar(b[i])) return false;
            }
            return true;
        }

        private static boolean requestLine(byte[] b, int end) {
            int sp1 = indexOf(b, end, 0, (byte) ' ');
            if (sp1 <= 0) return false;
            for (int i = 0; i < sp1; i++) if (!tchar(b[i])) return false;
            int sp2 = -1;
            for (int i = end - 1; i > sp1; i--) if (b[i] == ' ') { sp2 = i; break; }
            if (sp2 <= sp1 + 1) return false;
            for (int i = sp1 + 1; i < sp2; i++) if (b[i] <= ' ' || b[i] == 127) return false;
            int v = sp2 + 1;
            return end - v == 8 && b[v] == 'H' && b[v + 1] == 'T' && b[v + 2] == 'T' && b[v + 3] == 'P' && b[v + 4] == '/'
                    && Character.isDigit(b[v + 5]) && b[v + 6] == '.' && Character.isDigit(b[v + 7]);
        }

        private static boolean tchar(byte c) {
            return c > 32 && c < 127 && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
        }
    }

    /**
     * {@code req.rdp_cookie([name])}: the value of the {@code Cookie: NAME=VALUE\r\n} line of an
     * RDP connection request (after its 11-byte TPKT/X.224 header); without a name, any cookie.
     * {@code count}: 1 when present, else 0 ({@code req.rdp_cookie_cnt}).
     */
    static final class RdpCookie extends Fetch {
        private final byte[] name;
        private final boolean count;

        RdpCookie(String name, boolean count) {
            super(count ? SampleType.INTEGER : SampleType.STRING);
            this.name = name.getBytes(StandardCharsets.ISO_8859_1);
            this.count = count;
        }

        @Override
        Object get(Txn t) {
            PayloadTxn p = inspected(t);
            if (p == null) return null;
            byte[] b = p.payload(false);
            int n = p.payloadLength(false);
            Object v = value(p, b, n);
            if (count) return v instanceof String ? 1L : 0L;  // while bytes are missing the rule waits anyway
            return v;
        }

        /** The cookie value, or null when absent (or not received yet: then marked "may change"). */
        private Object value(PayloadTxn p, byte[] b, int n) {
            int i = 11;
            byte[] cookie = "Cookie:".getBytes(StandardCharsets.ISO_8859_1);
            if (n < i + cookie.length) return missing(p, false);
            for (int k = 0; k < cookie.length; k++) {
                if (Character.toLowerCase(b[i + k]) != Character.toLowerCase(cookie[k])) return null;
            }
            i += cookie.length;
            while (i < n && b[i] == ' ') i++;
            int nameStart = i;
            while (i < n && b[i] != '=' && b[i] != '\r') i++;
            if (i >= n) return missing(p, false);
            if (b[i] != '=') return null;
            if (name.length > 0) {
                if (i - nameStart != name.length) return null;
                for (int k = 0; k < name.length; k++) if (Character.toLowerCase(b[nameStart + k]) != Character.toLowerCase(name[k])) return null;
            }
            int vs = ++i;
            while (i + 1 < n && !(b[i] == '\r' && b[i + 1] == '\n')) i++;
            if (i + 1 >= n) return missing(p, false);
            return new String(b, vs, i - vs, StandardCharsets.ISO_8859_1);
        }
    }

    /** {@code wait_end}: true once the inspect-delay is over; until then no sample, and the rule waits. */
    static final class WaitEnd extends Fetch {
        WaitEnd() {
            super(SampleType.BOOLEAN);
        }

        @Override
        Object get(Txn t) {
            PayloadTxn p = inspected(t);
            if (p == null) return Boolean.TRUE;
            if (p.payloadFinal(p.inspectingResponse())) return Boolean.TRUE;
            p.payloadMayChange();
            return null;
        }
    }

    /** {@code fc_src} / {@code fc_dst}: the connection's addresses (see {@link ConnectionFacts}). */
    static final class FcAddress extends Fetch {
        private final boolean src;

        FcAddress(boolean src) {
            super(SampleType.IP);
            this.src = src;
        }

        @Override
        Object get(Txn t) {
            ConnectionFacts c = t.connectionFacts();
            if (c == null) return src ? t.srcAddress() : t.dstAddress();
            return src ? c.fcSrcAddress() : c.fcDstAddress();
        }
    }

    static final class FcPort extends Fetch.IntFetch {
        private final boolean src;

        FcPort(boolean src) {
            this.src = src;
        }

        @Override
        long getLong(Txn t) {
            ConnectionFacts c = t.connectionFacts();
            if (c == null) return src ? t.srcPort() : t.dstPort();
            return src ? c.fcSrcPort() : c.fcDstPort();
        }
    }

    /** {@code fc_pp_authority} / {@code fc_pp_unique_id}: a PROXY v2 TLV of the connection, as a string. */
    static final class FcTlv extends Fetch {
        private final boolean authority;

        FcTlv(boolean authority) {
            super(SampleType.STRING);
            this.authority = authority;
        }

        @Override
        Object get(Txn t) {
            ConnectionFacts c = t.connectionFacts();
            byte[] v = c == null ? null : authority ? c.ppAuthority() : c.ppUniqueId();
            return v == null ? null : new String(v, StandardCharsets.ISO_8859_1);
        }
    }

    private static int u16(byte[] b, int i) {
        return (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
    }

    private static int indexOf(byte[] b, int n, int from, byte c) {
        for (int i = from; i < n; i++) if (b[i] == c) return i;
        return -1;
    }

    private static byte[] copy(byte[] b, int from, int len) {
        byte[] out = new byte[len];
        System.arraycopy(b, from, out, 0, len);
        return out;
    }
}
