package io.vxlb.action;

import io.vxlb.admin.cli.CliParityIT;
import io.vxlb.proxy.ProxyFixture;
import io.vxlb.testing.Ports;
import io.vxlb.testing.RealServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Variables end to end: global set-var / set-var-fmt at start-up, set-var conditions,
 * set-var-fmt and unset-var on requests and responses, the set-var() converter, and the runtime
 * API's get var / set var (experimental mode). The expected values are those HAProxy 2.6.12's
 * reg-tests sample_fetches/vars.vtc and cond_set_var.vtc assert.
 */
class VarsIT {
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
    void variablesAcrossScopesConditionsAndTheCli() throws Exception {
        RealServers.assume(RealServers.find("socat") != null, "socat", "apt-get install socat");
        dir = Files.createTempDirectory("vxlb-vars");
        fx = new ProxyFixture();
        fx.backend("BE");
        fx.start("""
                global
                    stats socket %s/cli.sock level admin
                    set-var proc.int12 int(12)
                    set-var proc.int5 var(proc.str60,60),div(proc.int12)
                    set-var proc.str1 str("this is")
                    set-var-fmt proc.str "%%[var(proc.str1)] a string"
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 5s
                    timeout server 5s
                frontend fe
                    bind 127.0.0.1:${FE}
                    tcp-request session set-var(sess.int5) var(proc.int5)
                    tcp-request content set-var-fmt(req.str4) "%%[var(proc.str),regsub(is a,is also a)]"
                    http-request set-var(txn.first) str(one)
                    http-request set-var(txn.first,ifnotexists) str(two)
                    http-request set-var(txn.big) int(10)
                    http-request set-var(txn.big,ifgt) int(3)
                    http-request set-var(txn.big,iflt) int(1)
                    http-request set-var(txn.gone) str(x)
                    http-request unset-var(txn.gone)
                    http-request set-var(txn.empty,ifnotempty) str()
                    http-request deny if { req.hdr(x-cust),set-var(sess.cust,ifnotempty),length -m int 0 }
                    http-request set-var-fmt(txn.fmt) "%%[var(req.str4)]/%%[var(sess.int5)]"
                    default_backend be
                backend be
                    http-response set-var(res.code) status
                    http-response set-header x-vars "first=%%[var(txn.first)] big=%%[var(txn.big)] gone=%%[var(txn.gone)] empty=%%[var(txn.empty)] cust=%%[var(sess.cust)] fmt=%%[var(txn.fmt)] code=%%[var(res.code)] proc=%%[var(proc.str)]"
                    server s1 127.0.0.1:${BE}
                """.formatted(dir));
        ProxyFixture.Response r = fx.get("FE", "/", "x-cust", "foobar");
        assertEquals(200, r.status());
        assertEquals("first=one big=3 gone= empty= cust=foobar fmt=this is also a string/5 code=200 proc=this is a string", r.headers().get("x-vars"));
        assertEquals(403, fx.get("FE", "/", "x-cust", "").status());

        assertEquals("proc.int5: type=sint value=<5>\n", cli("get var proc.int5"));
        assertEquals("proc.str: type=str value=<this is a string>\n", cli("get var proc.str"));
        assertEquals("Variable not found.\n\n", cli("get var proc.nope"));
        // set var needs experimental mode, as in HAProxy
        assertEquals("This command is restricted to experimental mode only.\n\n", cli("set var proc.str str(x)"));
        assertEquals("\n\n\n", cli("experimental-mode on; set var proc.str str(updating); set var proc.str fmt %[var(proc.str),regsub(ing,ed)]"));
        assertEquals("proc.str: type=str value=<updated>\n", cli("get var proc.str"));
        assertEquals("first=one big=3 gone= empty= cust=foobar fmt=updated/5 code=200 proc=updated",
                fx.get("FE", "/", "x-cust", "foobar").headers().get("x-vars"));
        assertEquals("'set var': cannot set variable 'txn.x', only scope 'proc' is permitted here.\n\n", cli("experimental-mode on; set var txn.x str(1)").substring(1));
    }
}
