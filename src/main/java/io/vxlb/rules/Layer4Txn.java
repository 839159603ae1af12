package io.vxlb.rules;

/**
 * A transaction below HTTP (a connection's tcp rules, a {@code mode tcp} stream): every HTTP
 * fetch finds nothing, as in HAProxy, where they fail without an HTTP message.
 */
public interface Layer4Txn extends Txn {
    @Override default boolean ssl() { return false; }
    @Override default String sni() { return null; }
    @Override default String method() { return ""; }
    @Override default String uri() { return ""; }
    @Override default String version() { return ""; }
    @Override default int requestHeaderCount() { return 0; }
    @Override default String requestHeaderName(int i) { throw new IndexOutOfBoundsException(i); }
    @Override default String requestHeaderValue(int i) { throw new IndexOutOfBoundsException(i); }
    @Override default int status() { return 0; }
    @Override default int responseHeaderCount() { return 0; }
    @Override default String responseHeaderName(int i) { throw new IndexOutOfBoundsException(i); }
    @Override default String responseHeaderValue(int i) { throw new IndexOutOfBoundsException(i); }
}
