package io.vxlb.rules;

import io.vxlb.compat.Differential;
import org.junit.jupiter.api.Test;

/**
 * crc32 and crc32c (with avalanche), xxh64, djb2, sdbm, wt6, xxh32 (short and long input, seed), http_date (offset, ms, us),
 * ipmask (prefix, dotted, IPv6 with mask6, IPv6 without) and req.hdr_ip (with a port, IPv6,
 * garbage) against HAProxy 2.6.12's recorded answers, as the header a backend receives.
 */
class HashConvertersIT {
    @Test
    void valuesMatchHaproxy() throws Exception {
        String cfg = """
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 5s
                    timeout server 5s

                frontend fe
                    bind 127.0.0.1:${FE}
                    http-request set-header x-v "crc=%[str(hello),crc32] crca=%[str(hello),crc32(1)] crc32c=%[str(hello),crc32c] crc32ca=%[str(hello),crc32c(1)] xxh64=%[str(hello),xxh64] xxh64l=%[str(hello-world-longer-than-thirty-two-bytes-for-sure),xxh64(7)] djb2=%[str(hello),djb2] sdbm=%[str(hello),sdbm(1)] wt6=%[str(hello),wt6] xxh=%[str(hello),xxh32] xxhs=%[str(hello-world-longer-than-sixteen-bytes),xxh32(42)] date=%[int(1700000000),http_date] dateoff=%[int(1700000000),http_date(3600)] datems=%[int(1700000000123),http_date(0,ms)] dateus=%[int(1700000000123456),http_date(0,us)] m4=%[req.hdr_ip(x-ip),ipmask(24)] m4d=%[req.hdr_ip(x-ip),ipmask(255.255.0.0)] m6=%[req.hdr_ip(x-ip),ipmask(24,64)] m6none=%[req.hdr_ip(x-ip),ipmask(24)] hip=%[req.hdr_ip(x-fwd)]"
                    default_backend be

                backend be
                    server s1 127.0.0.1:${BE1}
                """;
        new Differential("hash-converters", cfg)
                .request("ipv4", "FE", "GET / HTTP/1.1\r\nhost: x\r\nx-ip: 192.168.12.34\r\nx-fwd: 10.1.2.3:8080\r\n\r\n")
                .request("ipv6", "FE", "GET / HTTP/1.1\r\nhost: x\r\nx-ip: 2001:db8:1:2:3:4:5:6\r\nx-fwd: ::ffff:10.0.0.1\r\n\r\n")
                .request("garbage", "FE", "GET / HTTP/1.1\r\nhost: x\r\nx-ip: nope\r\nx-fwd: 1.2.3\r\n\r\n")
                .assertSameAsHaproxy();
    }
}
