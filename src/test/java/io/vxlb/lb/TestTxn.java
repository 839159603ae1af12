package io.vxlb.lb;

import io.vxlb.rules.LogVariable;
import io.vxlb.rules.Txn;

import java.util.ArrayList;
import java.util.List;

/** A request for balancer tests: a URI, a source address and request headers. */
final class TestTxn implements Txn {
    private String src = "127.0.0.1";
    private String uri = "/";
    private final List<String[]> headers = new ArrayList<>();

    static TestTxn uri(String uri) {
        TestTxn t = new TestTxn();
        t.uri = uri;
        return t;
    }

    static TestTxn source(String address) {
        TestTxn t = new TestTxn();
        t.src = address;
        return t;
    }

    static TestTxn header(String name, String value) {
        TestTxn t = new TestTxn();
        t.headers.add(new String[] {name, value});
        return t;
    }

    @Override public String srcAddress() { return src; }
    @Override public int srcPort() { return 40000; }
    @Override public String dstAddress() { return "127.0.0.1"; }
    @Override public int dstPort() { return 80; }
    @Override public boolean ssl() { return false; }
    @Override public String sni() { return null; }
    @Override public String frontendName() { return "fe"; }
    @Override public String backendName() { return "be"; }
    @Override public String method() { return "GET"; }
    @Override public String uri() { return uri; }
    @Override public String version() { return "1.1"; }
    @Override public int requestHeaderCount() { return headers.size(); }
    @Override public String requestHeaderName(int i) { return headers.get(i)[0]; }
    @Override public String requestHeaderValue(int i) { return headers.get(i)[1]; }
    @Override public int status() { return 0; }
    @Override public int responseHeaderCount() { return 0; }
    @Override public String responseHeaderName(int i) { throw new IndexOutOfBoundsException(); }
    @Override public String responseHeaderValue(int i) { throw new IndexOutOfBoundsException(); }
    @Override public int nbsrv(String backend) { return 0; }
    @Override public boolean srvIsUp(String backend, String server) { return false; }
    @Override public Object variable(String name) { return null; }
    @Override public void setVariable(String name, Object value) { }
    @Override public void appendLogVariable(LogVariable v, StringBuilder out) { }
}
