package io.vxlb.admin.cli;

import io.vxlb.proxy.ProxyFixture;
import io.vxlb.testing.Ports;
import io.vxlb.testing.RealServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code show table} and {@code clear table} on the stats socket, driven with socat. The entry
 * lines are those {@code StickParityIT} compares with HAProxy 2.6.12's; here: the command words,
 * the messages and that a clear really removes.
 */
class CliStickTableIT {
    private ProxyFixture fx;
    private Path dir;

    @AfterEach
    void tearDown() throws Exception {
        if (fx != null) fx.close();
        if (dir != null) Ports.deleteTree(dir);
    }

    private String cli(String command) throws Exception {
        return CliParityIT.socat("UNIX-CONNECT:" + dir.resolve("cli.sock"), command + "\n");
    }

    @Test
    void showAndClearTableOverTheSocket() throws Exception {
        RealServers.assume(RealServers.find("socat") != null, "socat", "apt-get install socat");
        dir = Files.createTempDirectory("vxlb-cli-table");
        fx = new ProxyFixture();
        fx.backend("BE");
        fx.start("""
                global
                    stats socket %s/cli.sock level admin
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 5s
                    timeout server 5s
                frontend fe
                    bind 127.0.0.1:${FE}
                    stick-table type ip size 1k expire 30s store http_req_cnt,http_req_rate(10s)
                    http-request track-sc0 src
                    default_backend be
                backend be
                    stick-table type string len 32 size 10
                    server s1 127.0.0.1:${BE}
                """.formatted(dir));
        for (int i = 0; i < 3; i++) assertEquals(200, fx.get("FE", "/").status());

        String all = cli("show table");
        assertTrue(all.contains("# table: fe, type: ip, size:1024, used:1\n"), all);
        assertTrue(all.contains("# table: be, type: string, size:10, used:0\n"), all);

        String fe = cli("show table fe");
        assertTrue(fe.startsWith("# table: fe, type: ip, size:1024, used:1\n"), fe);
        assertTrue(fe.matches("(?s).*0x[0-9a-f]+: key=127\\.0\\.0\\.1 use=0 exp=\\d+ http_req_cnt=3 http_req_rate\\(10000\\)=3\n.*"), fe);
        assertEquals(fe.replaceAll("exp=\\d+", "exp=E"), cli("show table fe key 127.0.0.1").replaceAll("exp=\\d+", "exp=E"));
        assertEquals("# table: fe, type: ip, size:1024, used:1\n\n", cli("show table fe key 127.0.0.2"));
        assertEquals("No such table\n\n", cli("show table nope"));
        assertEquals("Invalid key\n\n", cli("show table fe key not-an-address"));

        assertEquals("\n", cli("clear table fe key 127.0.0.1"));
        assertEquals("# table: fe, type: ip, size:1024, used:0\n\n", cli("show table fe"));
    }
}
