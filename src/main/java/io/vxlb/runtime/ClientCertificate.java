package io.vxlb.runtime;

import javax.net.ssl.KeyManager;

/**
 * The client certificate of {@code server ... crt FILE}: chain and key in one HAProxy PEM, read
 * as a bind's certificate is (proxy/BindCertificates: the file's chain in file order, the key in
 * any form Vert.x reads). It is offered whenever the server asks, as HAProxy (OpenSSL) offers
 * it: the JDK's key manager would withhold a certificate whose issuer is not among the CAs the
 * server names, and the server would then see no certificate at all instead of refusing a
 * wrong one.
 */
final class ClientCertificate {
    private ClientCertificate() {}

    static KeyManager load(String file) throws Exception {
        return io.vxlb.proxy.BindCertificates.keyManagerFactory(file, null).getKeyManagers()[0];
    }
}
