package io.vxlb.proxy;

import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vxlb.config.Bind;

import javax.net.ssl.KeyManagerFactory;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The certificates of a {@code bind ... ssl} line, chosen per client SNI as HAProxy chooses
 * them (ssl_sock_switchctx_cbk): the {@code crt} files and directories and the lines of
 * {@code crt-list} files in order; a line's SNI filters ({@code name}, {@code *.domain},
 * {@code !name}) replace the names of its certificate (CN and DNS SANs); an exact name wins
 * over a wildcard; the first certificate is the default, served without SNI or when no name
 * matches. Client certificates: {@code ca-file} + {@code verify optional|required}.
 */
public final class BindCertificates {
    /** Names HAProxy skips in a {@code crt} directory (crtlist_load_cert_dir): its companion files and dot-files. */
    private static final Pattern NOT_A_CERTIFICATE = Pattern.compile("^\\..*|.*\\.(key|issuer|ocsp|sctl)$");

    /**
     * One certificate, the SNI names it answers (empty: only as the default) and its negative
     * filters ({@code !name}).
     */
    record Entry(String file, Set<String> names, Set<String> excluded) {
        Entry(String file, Set<String> names) {
            this(file, names, Set.of());
        }
    }

    private final List<Entry> entries;

    private BindCertificates(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** Reads the bind's crt files, directories and crt-list files; errors name the file and line. */
    public static BindCertificates of(Bind b) {
        List<Entry> out = new ArrayList<>();
        for (String c : b.certificates()) {
            File f = new File(c);
            if (f.isDirectory()) {
                File[] files = f.listFiles(x -> x.isFile() && !NOT_A_CERTIFICATE.matcher(x.getName()).matches());
                if (files == null) throw new IllegalArgumentException("cannot list certificate directory '" + c + "'");
                Arrays.sort(files);
                for (File x : files) out.add(new Entry(x.getPath(), certificateNames(x.getPath())));
            } else {
                out.add(new Entry(c, certificateNames(c)));
            }
        }
        for (String list : b.tls().crtLists()) out.addAll(crtList(list, b.tls().crtBase()));
        if (out.isEmpty()) throw new IllegalArgumentException("no certificate for 'bind " + b.listenHost() + ":" + b.port() + " ssl'");
        return new BindCertificates(out);
    }

    List<Entry> entries() {
        return entries;
    }

    /** Parses a crt-list file: {@code CRTFILE [SNIFILTER...]} per line; {@code [options]} are refused. */
    static List<Entry> crtList(String list, String crtBase) {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of(list), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read crt-list '" + list + "': " + e.getMessage(), e);
        }
        List<Entry> out = new ArrayList<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String where = "crt-list '" + list + "' line " + (n + 1) + ": ";
            String[] words = line.split("\\s+");
            if (line.contains("[")) {
                throw new IllegalArgumentException(where + "per-certificate options '[...]' are not supported by vxlb yet; put them on the bind line");
            }
            String crt = words[0];
            // HAProxy: a relative path is taken from crt-base when set, else from the working directory
            if (!crt.startsWith("/") && crtBase != null && !crtBase.isEmpty()) crt = crtBase + crt;  // crtBase ends with "/"
            // the line's text is not echoed: the list is a file, and its contents stay unseen
            if (!new File(crt).isFile()) throw new IllegalArgumentException(where + "its certificate is not a readable file");
            Set<String> names = new LinkedHashSet<>();
            Set<String> excluded = new LinkedHashSet<>();
            for (int i = 1; i < words.length; i++) {
                String w = words[i].toLowerCase(Locale.ROOT);
                if (w.startsWith("!")) excluded.add(w.substring(1));
                else names.add(w);
            }
            if (names.isEmpty()) names.addAll(certificateNames(crt));
            if (excluded.contains("*")) names.clear();
            names.removeAll(excluded);
            out.add(new Entry(crt, names, excluded));
        }
        return out;
    }

    /** The DNS names of the first certificate in a PEM file: its SANs, else its CN (lower case). */
    static Set<String> certificateNames(String file) {
        Set<String> out = new LinkedHashSet<>();
        X509Certificate cert;
        try {
            // the first CERTIFICATE block: HAProxy's PEM may hold the key first
            String text = Files.readString(Path.of(file), StandardCharsets.ISO_8859_1);
            int begin = text.indexOf("-----BEGIN CERTIFICATE-----");
            if (begin < 0) throw new IllegalArgumentException("no certificate in the file");
            InputStream in = new java.io.ByteArrayInputStream(text.substring(begin).getBytes(StandardCharsets.ISO_8859_1));
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException | CertificateException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read certificate '" + file + "': " + e.getMessage(), e);
        }
        try {
            if (cert.getSubjectAlternativeNames() != null) {
                for (List<?> san : cert.getSubjectAlternativeNames()) {
                    if (((Integer) san.get(0)) == 2) out.add(((String) san.get(1)).toLowerCase(Locale.ROOT));
                }
            }
        } catch (java.security.cert.CertificateParsingException e) {
            // no usable SAN: the CN below
        }
        // HAProxy adds the CN and the SANs to the SNI tree
        java.util.regex.Matcher cn = Pattern.compile("(?:^|,)\\s*CN=([^,]+)").matcher(cert.getSubjectX500Principal().getName());
        if (cn.find()) out.add(cn.group(1).toLowerCase(Locale.ROOT));
        return out;
    }

    /** Sets the server options' TLS: certificates by SNI, and client certificates when verify asks for them. */
    public void apply(NetServerOptions o, Bind b) {
        o.setSsl(true).setSni(true).setKeyCertOptions(keyCertOptions(b.tls().strictSni()));
        Bind.Tls tls = b.tls();
        if (tls.caFile() != null) o.setTrustOptions(new PemTrustOptions().addCertPath(tls.caFile()));
        switch (tls.verify()) {
            case "optional" -> o.setClientAuth(ClientAuth.REQUEST);
            case "required" -> o.setClientAuth(ClientAuth.REQUIRED);
            default -> o.setClientAuth(ClientAuth.NONE);
        }
    }

    /**
     * Loads everything the listener will load (every certificate and key, the client CA file)
     * without listening: {@code -c} refuses what start-up would.
     */
    public void check(Bind b) throws Exception {
        KeyCertOptions k = keyCertOptions(b.tls().strictSni());
        k.getKeyManagerFactory(null);
        k.keyManagerFactoryMapper(null);
        if (b.tls().caFile() != null) {
            try (InputStream in = Files.newInputStream(Path.of(b.tls().caFile()))) {
                if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
                    throw new IllegalArgumentException("ca-file '" + b.tls().caFile() + "' holds no certificate");
                }
            } catch (IOException | CertificateException e) {
                throw new IllegalArgumentException("cannot read ca-file '" + b.tls().caFile() + "': " + e.getMessage(), e);
            }
        }
    }

    /** Key managers: the default (first) certificate, and one per SNI name. */
    KeyCertOptions keyCertOptions(boolean strictSni) {
        List<Entry> list = entries;
        return new KeyCertOptions() {
            @Override
            public KeyCertOptions copy() {
                return this;  // immutable
            }

            @Override
            public KeyManagerFactory getKeyManagerFactory(Vertx v) throws Exception {
                // without SNI: the default certificate, or none with strict-sni (the handshake fails)
                return strictSni ? wrap(new Chain(null, null)) : keyManagerFactory(list.get(0).file(), v);
            }

            @Override
            public Function<String, KeyManagerFactory> keyManagerFactoryMapper(Vertx v) throws Exception {
                Map<String, KeyManagerFactory> byFile = new HashMap<>();
                Map<String, KeyManagerFactory> exact = new HashMap<>();
                Map<String, KeyManagerFactory> wildcard = new HashMap<>();
                Set<String> negative = new java.util.HashSet<>();
                for (Entry e : list) {
                    KeyManagerFactory kmf = byFile.get(e.file());
                    if (kmf == null) {
                        kmf = keyManagerFactory(e.file(), v);
                        byFile.put(e.file(), kmf);
                    }
                    negative.addAll(e.excluded());
                    for (String n : e.names()) {
                        // the first certificate declared for a name keeps it
                        if (n.startsWith("*.")) wildcard.putIfAbsent(n.substring(2), kmf);
                        else exact.putIfAbsent(n, kmf);
                    }
                }
                KeyManagerFactory none = strictSni ? wrap(new Chain(null, null)) : null;
                return name -> {
                    if (name == null) return none;  // the default certificate, or none with strict-sni
                    String n = name.toLowerCase(Locale.ROOT);
                    KeyManagerFactory k = exact.get(n);
                    if (k != null) return k;
                    // ssl_sock_switchctx_cbk: a name in the exact tree, even as a negative filter only, is not looked up among wildcards
                    if (negative.contains(n)) return none;
                    int dot = n.indexOf('.');
                    k = dot > 0 ? wildcard.get(n.substring(dot + 1)) : null;
                    return k != null ? k : none;
                };
            }
        };
    }

    /**
     * The key manager of one HAProxy PEM: its key (any form Vert.x reads: PKCS#8, PKCS#1, SEC1)
     * and every certificate of the file as the chain, in file order, as OpenSSL sends it. A Java
     * KeyStore refuses a chain whose links do not follow each other ("Certificate chain is not
     * valid"), which HAProxy accepts: the store gets the leaf only, the chain is served from here.
     */
    public static KeyManagerFactory keyManagerFactory(String file, Vertx v) throws Exception {
        String text = java.nio.file.Files.readString(Path.of(file), StandardCharsets.ISO_8859_1);
        List<X509Certificate> chain = new ArrayList<>();
        for (java.security.cert.Certificate c : CertificateFactory.getInstance("X.509")
                .generateCertificates(new java.io.ByteArrayInputStream(certificateBlocks(text).getBytes(StandardCharsets.ISO_8859_1)))) {
            chain.add((X509Certificate) c);
        }
        if (chain.isEmpty()) throw new IllegalArgumentException("no certificate in '" + file + "'");
        String leaf = pemBlock(chain.get(0));
        KeyManagerFactory kmf = new PemKeyCertOptions().setCertValue(io.vertx.core.buffer.Buffer.buffer(leaf))
                .setKeyValue(io.vertx.core.buffer.Buffer.buffer(text)).getKeyManagerFactory(v);
        for (javax.net.ssl.KeyManager km : kmf.getKeyManagers()) {
            if (km instanceof javax.net.ssl.X509ExtendedKeyManager x) {
                String alias = null;
                for (String type : new String[] {"RSA", "EC", "EdDSA", "DSA", "RSASSA-PSS"}) {
                    String[] a = x.getServerAliases(type, null);
                    if (a != null && a.length > 0) {
                        alias = a[0];
                        break;
                    }
                }
                if (alias == null) throw new IllegalArgumentException("no usable key in '" + file + "'");
                return wrap(new Chain(x.getPrivateKey(alias), chain.toArray(new X509Certificate[0])));
            }
        }
        throw new IllegalArgumentException("no key manager for '" + file + "'");
    }

    private static String certificateBlocks(String text) {
        StringBuilder sb = new StringBuilder();
        java.util.regex.Matcher m = Pattern.compile("-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", Pattern.DOTALL).matcher(text);
        while (m.find()) sb.append(m.group()).append('\n');
        return sb.toString();
    }

    private static String pemBlock(X509Certificate c) throws java.security.cert.CertificateEncodingException {
        return "-----BEGIN CERTIFICATE-----\n" + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(c.getEncoded()) + "\n-----END CERTIFICATE-----\n";
    }

    /** One certificate chain and its key (both null: no certificate, for strict-sni refusals). */
    record Chain(java.security.PrivateKey key, X509Certificate[] certs) {}

    private static KeyManagerFactory wrap(Chain chain) {
        javax.net.ssl.X509ExtendedKeyManager km = new javax.net.ssl.X509ExtendedKeyManager() {
            private static final String ALIAS = "crt";

            private String alias() {
                return chain.key() == null ? null : ALIAS;
            }

            // as a client certificate (server ... crt): offered whatever CAs the server names, as OpenSSL does
            @Override
            public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
                return chain.key() == null ? null : new String[] {ALIAS};
            }

            @Override
            public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, java.net.Socket socket) {
                if (chain.key() == null) return null;
                for (String k : keyType) if (chain.key().getAlgorithm().equals(k)) return ALIAS;
                return null;
            }

            @Override
            public String chooseEngineClientAlias(String[] keyType, java.security.Principal[] issuers, javax.net.ssl.SSLEngine engine) {
                return chooseClientAlias(keyType, issuers, null);
            }

            @Override
            public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
                return chain.key() == null ? null : new String[] {ALIAS};
            }

            @Override
            public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket socket) {
                return chain.key() != null && chain.key().getAlgorithm().equals(keyType) ? alias() : null;
            }

            @Override
            public String chooseEngineServerAlias(String keyType, java.security.Principal[] issuers, javax.net.ssl.SSLEngine engine) {
                return chooseServerAlias(keyType, issuers, null);
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return ALIAS.equals(alias) ? chain.certs().clone() : null;
            }

            @Override
            public java.security.PrivateKey getPrivateKey(String alias) {
                return ALIAS.equals(alias) ? chain.key() : null;
            }
        };
        javax.net.ssl.KeyManagerFactorySpi spi = new javax.net.ssl.KeyManagerFactorySpi() {
            @Override
            protected void engineInit(java.security.KeyStore ks, char[] password) {
            }

            @Override
            protected void engineInit(javax.net.ssl.ManagerFactoryParameters spec) {
            }

            @Override
            protected javax.net.ssl.KeyManager[] engineGetKeyManagers() {
                return new javax.net.ssl.KeyManager[] {km};
            }
        };
        return new KeyManagerFactory(spi, null, "vxlb-pem") {};
    }
}
