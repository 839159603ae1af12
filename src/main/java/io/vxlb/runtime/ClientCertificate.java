package io.vxlb.runtime;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * The client certificate of {@code server ... crt FILE}: chain and key in one PEM file (PKCS#8,
 * PKCS#1 RSA or SEC1 EC keys, read by Vert.x's PEM loader). It is offered whenever the server
 * asks, as HAProxy (OpenSSL) offers it: the JDK's key manager would withhold a certificate whose
 * issuer is not among the CAs the server names, and the server would then see no certificate at
 * all instead of refusing a wrong one.
 */
final class ClientCertificate {
    private ClientCertificate() {}

    static KeyManager load(String file) throws Exception {
        byte[] pem = Files.readAllBytes(Path.of(file));
        PemKeyCertOptions o = new PemKeyCertOptions().setCertValue(Buffer.buffer(pem)).setKeyValue(Buffer.buffer(pem));
        KeyManagerFactory kmf = o.getKeyManagerFactory(null);  // values, not paths: no file system needed
        for (KeyManager km : kmf.getKeyManagers()) {
            if (km instanceof X509ExtendedKeyManager x) return new AnyIssuer(x);
        }
        throw new IllegalArgumentException("no certificate and key found");
    }

    /** Chooses the certificate without the issuer filter (issuers null: any). */
    private static final class AnyIssuer extends X509ExtendedKeyManager {
        private final X509ExtendedKeyManager d;

        AnyIssuer(X509ExtendedKeyManager d) {
            this.d = d;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return d.getClientAliases(keyType, null);
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return d.chooseClientAlias(keyType, null, socket);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return d.chooseEngineClientAlias(keyType, null, engine);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return d.getServerAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return d.chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return d.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return d.getPrivateKey(alias);
        }
    }
}
