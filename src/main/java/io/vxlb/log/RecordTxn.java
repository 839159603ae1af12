package io.vxlb.log;

import io.vxlb.rules.LogVariable;
import io.vxlb.rules.Txn;

/**
 * A finished transaction seen only through its log record: what a {@code log-format} line reads
 * when the exchange itself is gone (a tunnel's end) or never existed (a bad request). Headers
 * and variables are no longer there: samples reading them are absent, as in HAProxy once the
 * buffers are released.
 */
public final class RecordTxn implements Txn {
    private final HttpLogRecord r;

    public RecordTxn(HttpLogRecord r) {
        this.r = r;
    }

    @Override public String srcAddress() { return r.client.hostAddress(); }
    @Override public int srcPort() { return r.client.port(); }
    @Override public String dstAddress() { return r.local == null ? null : r.local.hostAddress(); }
    @Override public int dstPort() { return r.local == null ? 0 : r.local.port(); }
    @Override public boolean ssl() { return r.ssl; }
    @Override public String sni() { return null; }
    @Override public String frontendName() { return r.frontend; }
    @Override public String backendName() { return r.backend; }
    @Override public String method() { return r.method(); }
    @Override public String uri() { return r.uri(); }
    @Override public String version() { return r.version(); }
    @Override public int requestHeaderCount() { return 0; }
    @Override public String requestHeaderName(int i) { throw new IndexOutOfBoundsException(i); }
    @Override public String requestHeaderValue(int i) { throw new IndexOutOfBoundsException(i); }
    @Override public int status() { return r.status; }
    @Override public int responseHeaderCount() { return 0; }
    @Override public String responseHeaderName(int i) { throw new IndexOutOfBoundsException(i); }
    @Override public String responseHeaderValue(int i) { throw new IndexOutOfBoundsException(i); }
    @Override public int nbsrv(String backend) { return 0; }
    @Override public boolean srvIsUp(String backend, String server) { return false; }
    @Override public Object variable(String name) { return null; }
    @Override public void setVariable(String name, Object value) { }

    @Override
    public void appendLogVariable(LogVariable v, StringBuilder out) {
        r.appendVariable(v.name(), this, out);
    }
}
