package io.vxlb.maps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class IpLiteralTest {

    @Test
    void v4() {
        assertEquals(0x0A000001L, IpLiteral.v4("10.0.0.1"));
        assertEquals(0xFFFFFFFFL, IpLiteral.v4("255.255.255.255"));
        assertEquals(0x0A000001L, IpLiteral.v4("010.0.0.1")); // buf2ip accepts leading zeros
        assertEquals(-1, IpLiteral.v4("256.0.0.1"));
        assertEquals(-1, IpLiteral.v4("1.2.3"));
        assertEquals(-1, IpLiteral.v4("1.2.3.4.5"));
        assertEquals(-1, IpLiteral.v4("::1"));
        assertEquals(-1, IpLiteral.v4Strict("010.0.0.1")); // inet_pton does not
        assertEquals(0x0A000001L, IpLiteral.v4Strict("10.0.0.1"));
        assertEquals(0x0A00000CL, IpLiteral.v4Abbreviated("10.12", 0, 5));
        assertEquals(0xC0A80001L, IpLiteral.v4Abbreviated("192.168.1", 0, 9));
        assertEquals(0x7F000001L, IpLiteral.v4Abbreviated("127.1", 0, 5));
    }

    @Test
    void v6() throws Exception {
        long[] a = new long[2];
        for (String s : new String[] {"::", "::1", "2001:db8::1", "fe80::1:2:3:4", "1:2:3:4:5:6:7:8", "::ffff:10.0.0.1",
                "2001:db8::", "1::8", "::ffff:0:0"}) {
            assertTrue(IpLiteral.v6(s, a), s);
            byte[] expected = InetAddress.getByName(s).getAddress();
            if (expected.length == 4) { // Java maps ::ffff:a.b.c.d to IPv4
                expected = new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff,
                        expected[0], expected[1], expected[2], expected[3]};
            }
            assertArrayEquals(expected, bytes(a), s);
        }
        for (String s : new String[] {"", ":", ":::", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "g::1",
                "1:", ":1", "::1.2.3"}) {
            assertFalse(IpLiteral.v6(s, a), s);
        }
        assertTrue(IpLiteral.v6("fe80::1%eth0", a)); // zone ignored
    }

    private static byte[] bytes(long[] a) {
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (a[0] >>> (56 - 8 * i));
            b[i + 8] = (byte) (a[1] >>> (56 - 8 * i));
        }
        return b;
    }

    @Test
    void formatsLikeInetNtop() {
        assertEquals("::", IpLiteral.canonical("0:0:0:0:0:0:0:0"));
        assertEquals("::1", IpLiteral.canonical("0:0:0:0:0:0:0:1"));
        assertEquals("2001:db8::1", IpLiteral.canonical("2001:0db8:0:0:0:0:0:1"));
        assertEquals("2001:db8:0:1:1:1:1:1", IpLiteral.canonical("2001:db8:0:1:1:1:1:1")); // one zero word stays
        assertEquals("1:0:0:1::", IpLiteral.canonical("1:0:0:1:0:0:0:0"));
        assertEquals("::ffff:10.0.0.1", IpLiteral.canonical("::ffff:a00:1"));
        assertEquals("10.0.0.1", IpLiteral.canonical("010.000.000.001"));
        assertNull(IpLiteral.canonical("nope"));
        assertEquals("10.0.0.1", IpLiteral.toInetAddress("10.0.0.1").getHostAddress());
    }
}
