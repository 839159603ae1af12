package io.vxlb.rules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A transaction for tests: the input of the evaluators, built field by field. Not a mock of what
 * is tested — the real proxy implements {@link Txn} over its request state the same way.
 */
final class TestTxn implements Txn {
    String src = "192.0.2.10";
    int srcPort = 40000;
    String dst = "127.0.0.1";
    int dstPort = 8080;
    boolean ssl;
    String sni;
    String frontend = "fe";
    String backend;
    String method = "GET";
    String uri = "/";
    String version = "1.1";
    final List<String[]> req = new ArrayList<>();
    int status;
    final List<String[]> res = new ArrayList<>();
    final Map<String, Integer> nbsrv = new HashMap<>();
    final Map<String, Boolean> up = new HashMap<>();
    final Map<String, Object> vars = new HashMap<>();

    static TestTxn get(String uri) {
        TestTxn t = new TestTxn();
        t.uri = uri;
        return t;
    }

    TestTxn method(String m) {
        method = m;
        return this;
    }

    TestTxn uri(String u) {
        uri = u;
        return this;
    }

    TestTxn version(String v) {
        version = v;
        return this;
    }

    TestTxn header(String name, String value) {
        req.add(new String[] {name, value});
        return this;
    }

    TestTxn host(String value) {
        return header("Host", value);
    }

    TestTxn response(int st, String... nameValues) {
        status = st;
        for (int i = 0; i < nameValues.length; i += 2) {
            res.add(new String[] {nameValues[i], nameValues[i + 1]});
        }
        return this;
    }

    TestTxn src(String address, int port) {
        src = address;
        srcPort = port;
        return this;
    }

    TestTxn dst(String address, int port) {
        dst = address;
        dstPort = port;
        return this;
    }

    TestTxn ssl(String serverName) {
        ssl = true;
        sni = serverName;
        return this;
    }

    TestTxn backend(String name) {
        backend = name;
        return this;
    }

    TestTxn frontend(String name) {
        frontend = name;
        return this;
    }

    TestTxn servers(String backendName, int usable) {
        nbsrv.put(backendName, usable);
        return this;
    }

    TestTxn serverUp(String backendName, String server, boolean isUp) {
        up.put(backendName + "/" + server, isUp);
        return this;
    }

    TestTxn var(String name, Object value) {
        vars.put(name, value);
        return this;
    }

    @Override
    public String srcAddress() {
        return src;
    }

    @Override
    public int srcPort() {
        return srcPort;
    }

    @Override
    public String dstAddress() {
        return dst;
    }

    @Override
    public int dstPort() {
        return dstPort;
    }

    @Override
    public boolean ssl() {
        return ssl;
    }

    @Override
    public String sni() {
        return sni;
    }

    @Override
    public String frontendName() {
        return frontend;
    }

    @Override
    public String backendName() {
        return backend;
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String uri() {
        return uri;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public int requestHeaderCount() {
        return req.size();
    }

    @Override
    public String requestHeaderName(int i) {
        return req.get(i)[0];
    }

    @Override
    public String requestHeaderValue(int i) {
        return req.get(i)[1];
    }

    @Override
    public int status() {
        return status;
    }

    @Override
    public int responseHeaderCount() {
        return res.size();
    }

    @Override
    public String responseHeaderName(int i) {
        return res.get(i)[0];
    }

    @Override
    public String responseHeaderValue(int i) {
        return res.get(i)[1];
    }

    @Override
    public int nbsrv(String backendName) {
        return nbsrv.getOrDefault(backendName, 0);
    }

    @Override
    public boolean srvIsUp(String backendName, String server) {
        return up.getOrDefault(backendName + "/" + server, false);
    }

    @Override
    public Object variable(String name) {
        return vars.get(name);
    }

    @Override
    public void setVariable(String name, Object value) {
        vars.put(name, value);
    }

    @Override
    public void appendLogVariable(LogVariable v, StringBuilder out) {
        switch (v.name()) {
            case "ci" -> out.append(src);
            case "cp" -> out.append(srcPort);
            case "HM" -> out.append(method);
            case "HU" -> out.append(uri);
            case "ST" -> out.append(status);
            default -> out.append('<').append(v.name()).append('>');
        }
    }
}
