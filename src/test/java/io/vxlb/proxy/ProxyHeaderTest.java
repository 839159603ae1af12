package io.vxlb.proxy;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The PROXY protocol parser on raw bytes, as strict as haproxy 2.6's conn_recv_proxy, and the headers send-proxy writes. */
class ProxyHeaderTest {
    private static ProxyHeader.Parsed parse(byte[] b) throws ProxyHeader.Invalid {
        return ProxyHeader.parse(b, b.length);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void v1Tcp4AndTcp6() throws Exception {
        ProxyHeader.Parsed p = parse(ascii("PROXY TCP4 192.0.2.1 198.51.100.2 56324 443\r\nGET /"));
        assertEquals(45, p.length());
        assertEquals("192.0.2.1", p.srcAddress());
        assertEquals(56324, p.srcPort());
        assertEquals("198.51.100.2", p.dstAddress());
        assertEquals(443, p.dstPort());
        p = parse(ascii("PROXY TCP6 2001:db8::1 2001:db8:0:0:0:0:0:2 1 65535\r\n"));
        assertEquals("2001:db8::1", p.srcAddress());
        assertEquals("2001:db8::2", p.dstAddress());
        assertEquals(65535, p.dstPort());
        p = parse(ascii("PROXY UNKNOWN whatever follows\r\nx"));
        assertFalse(p.hasAddresses());
        assertEquals(32, p.length());
    }

    @Test
    void incompleteHeadersWaitForMoreBytes() throws Exception {
        assertNull(parse(ascii("PROX")));
        assertNull(parse(ascii("PROXY TCP4 192.0.2.1 198.51.100.2 56324 443\r")));
        assertNull(parse(hex("0d0a0d0a000d0a5155")));
        assertNull(parse(hex("0d0a0d0a000d0a515549540a 21 11 000c 7f000001")));
    }

    @Test
    void malformedV1LinesAreRefused() {
        for (String bad : List.of(
                "GET / HTTP/1.1\r\n",                                           // not a header at all
                "PROXY  TCP4 192.0.2.1 198.51.100.2 1 2\r\n",                  // two spaces
                "PROXY TCP4 192.0.2.1 198.51.100.2 1\r\n",                     // a port missing
                "PROXY TCP4 192.0.2.1 198.51.100.2 1 2 3\r\n",                 // a field too many
                "PROXY TCP4 192.0.2.256 198.51.100.2 1 2\r\n",                 // not an address
                "PROXY TCP4 example.com 198.51.100.2 1 2\r\n",                 // a name, never resolved
                "PROXY TCP4 2001:db8::1 198.51.100.2 1 2\r\n",                 // family mismatch
                "PROXY TCP6 192.0.2.1 2001:db8::2 1 2\r\n",
                "PROXY TCP4 192.0.2.1 198.51.100.2 1 65536\r\n",               // port out of range
                "PROXY TCP4 192.0.2.1 198.51.100.2 -1 2\r\n",
                "PROXY TCP4 192.0.2.1 198.51.100.2 1 2\n",                     // LF without CR
                "PROXY UDP4 192.0.2.1 198.51.100.2 1 2\r\n",
                "PROXY TCP4 192.0.2.1 198.51.100.2 1 2" + " ".repeat(80))) {   // no end within 107 bytes
            assertThrows(ProxyHeader.Invalid.class, () -> parse(ascii(bad)), bad);
        }
    }

    @Test
    void v2AddressesTlvsAndChecksum() throws Exception {
        String sig = "0d0a0d0a000d0a515549540a";
        ProxyHeader.Parsed p = parse(hex(sig + "21 11 0014 7f000001 7f000002 002a 0539 02 0005 3132333435"));
        assertEquals(36, p.length());
        assertEquals("127.0.0.1", p.srcAddress());
        assertEquals(42, p.srcPort());
        assertEquals("127.0.0.2", p.dstAddress());
        assertEquals(1337, p.dstPort());
        assertArrayEquals(ascii("12345"), p.authority());
        // LOCAL: the connection's own addresses; the body is skipped
        p = parse(hex(sig + "20 00 0003 010203"));
        assertFalse(p.hasAddresses());
        assertEquals(19, p.length());
        // UDP and unix: kept as the connection's, skipped
        assertFalse(parse(hex(sig + "21 12 000c 7f000001 7f000002 002a 0539")).hasAddresses());
        // TCP6
        p = parse(hex(sig + "21 21 0024 20010db8000000000000000000000001 20010db8000000000000000000000002 0001 0002"));
        assertEquals("2001:db8::1", p.srcAddress());
        // a CRC32C TLV is checked over the whole header with its own value zeroed
        byte[] h = hex(sig + "21 11 0013 7f000001 7f000002 002a 0539 03 0004 00000000");
        CRC32C crc = new CRC32C();
        crc.update(h);
        long v = crc.getValue();
        h[h.length - 4] = (byte) (v >> 24);
        h[h.length - 3] = (byte) (v >> 16);
        h[h.length - 2] = (byte) (v >> 8);
        h[h.length - 1] = (byte) v;
        assertEquals("127.0.0.1", parse(h).srcAddress());
        h[h.length - 1] ^= 1;
        byte[] wrong = h;
        assertThrows(ProxyHeader.Invalid.class, () -> parse(wrong));
    }

    @Test
    void malformedV2HeadersAreRefused() {
        String sig = "0d0a0d0a000d0a515549540a";
        for (String bad : List.of(
                "0d0a0d0a000d0a515549540b 21 11 000c 7f000001 7f000002 002a 0539",  // signature
                sig + "11 11 000c 7f000001 7f000002 002a 0539",                      // version 1
                sig + "22 11 000c 7f000001 7f000002 002a 0539",                      // command 2
                sig + "21 11 0008 7f000001 7f000002",                                // TCP4 shorter than its addresses
                sig + "21 11 0014 7f000001 7f000002 002a 0539 02 000a 3132333435",   // TLV longer than the header
                sig + "21 11 0014 7f000001 7f000002 002a 0539 02 0004 31323334 47",  // TLVs end before the header does
                sig + "21 11 000e 7f000001 7f000002 002a 0539 02 00")) {             // half a TLV header
            assertThrows(ProxyHeader.Invalid.class, () -> parse(hex(bad)), bad);
        }
    }

    @Test
    void headersSendProxyWrites() throws Exception {
        assertEquals("PROXY TCP4 192.0.2.1 198.51.100.2 1000 80\r\n", new String(ProxyHeader.v1("192.0.2.1", 1000, "198.51.100.2", 80), StandardCharsets.US_ASCII));
        assertEquals("PROXY TCP6 2001:db8::1 2001:db8::2 1 2\r\n", new String(ProxyHeader.v1("2001:db8::1", 1, "2001:db8:0:0:0:0:0:2", 2), StandardCharsets.US_ASCII));
        assertEquals("PROXY TCP6 ::ffff:192.0.2.1 2001:db8::2 1 2\r\n", new String(ProxyHeader.v1("192.0.2.1", 1, "2001:db8::2", 2), StandardCharsets.US_ASCII));
        assertEquals("PROXY UNKNOWN\r\n", new String(ProxyHeader.v1(null, 0, "192.0.2.1", 2), StandardCharsets.US_ASCII));
        byte[] v2 = ProxyHeader.v2("192.0.2.1", 1000, "198.51.100.2", 80);
        assertEquals("0d0a0d0a000d0a515549540a2111000cc0000201c633640203e80050", HexFormat.of().formatHex(v2));
        // what is written is read back
        ProxyHeader.Parsed p = parse(ProxyHeader.v2("2001:db8::1", 5, "2001:db8::2", 6));
        assertEquals("2001:db8::1", p.srcAddress());
        assertEquals(6, p.dstPort());
    }

    @Test
    void v2WritesTheTlvsOfProxyV2Options() throws Exception {
        byte[] h = ProxyHeader.v2("192.0.2.1", 1000, "198.51.100.2", 80, true, "example.com".getBytes(), "TEST-foo".getBytes());
        // read back as strictly as HAProxy does: the CRC32C must match, the TLVs fill the length
        ProxyHeader.Parsed p = parse(h);
        assertEquals(h.length, p.length());
        assertEquals("192.0.2.1", p.srcAddress());
        assertEquals("example.com", new String(p.authority()));
        assertEquals("TEST-foo", new String(p.uniqueId()));
        assertEquals(0x03, h[28] & 0xff, "CRC32C first, as make_proxy_line_v2");
        h[h.length - 1] ^= 1;  // one bit off: the checksum no longer matches
        byte[] bad = h;
        assertThrows(ProxyHeader.Invalid.class, () -> parse(bad));
        // without options: the plain 28-byte header
        assertEquals(28, ProxyHeader.v2("192.0.2.1", 1000, "198.51.100.2", 80, false, null, null).length);
    }
}
