package io.vxlb.config;

/**
 * A {@code server} line after {@code default-server} values were applied. {@code port} is 0 when
 * the line gave none (HAProxy then uses the port the client connected to). Durations in ms.
 * {@code trackBackend} is this server's own backend when {@code track SERVER} names no backend.
 * TLS to the server ({@code ssl}): certificates verified against {@code caFile} unless
 * {@code verifyNone}; {@code sni} the name sent (a {@code str()} value), {@code verifyHost} the
 * name the certificate must carry when no SNI is sent (with SNI, HAProxy checks the SNI name), {@code crt} the
 * client certificate (chain and key in one PEM file) offered when the server asks for one.
 */
public record Server(String name, Location location, String address, int port, int id,
                     boolean check, long inter, long fastinter, long downinter, int rise, int fall,
                     int checkPort, String checkAddress, boolean checkSsl, boolean agentCheck,
                     int weight, int maxconn, int minconn, int maxqueue,
                     boolean backup, boolean disabled, String trackBackend, String trackServer,
                     String cookie, String source, boolean ssl, int sendProxy, String sni,
                     boolean verifyNone, boolean observeLayer7, String caFile, String verifyHost, String crt,
                     boolean checkSendProxy, int proxyV2Options, int poolMaxConn) {

    /** Without pool-max-conn: idle connections unbounded (HAProxy's -1). */
    public Server(String name, Location location, String address, int port, int id,
                  boolean check, long inter, long fastinter, long downinter, int rise, int fall,
                  int checkPort, String checkAddress, boolean checkSsl, boolean agentCheck,
                  int weight, int maxconn, int minconn, int maxqueue,
                  boolean backup, boolean disabled, String trackBackend, String trackServer,
                  String cookie, String source, boolean ssl, int sendProxy, String sni,
                  boolean verifyNone, boolean observeLayer7, String caFile, String verifyHost, String crt,
                  boolean checkSendProxy, int proxyV2Options) {
        this(name, location, address, port, id, check, inter, fastinter, downinter, rise, fall, checkPort, checkAddress, checkSsl,
                agentCheck, weight, maxconn, minconn, maxqueue, backup, disabled, trackBackend, trackServer, cookie, source, ssl,
                sendProxy, sni, verifyNone, observeLayer7, caFile, verifyHost, crt, checkSendProxy, proxyV2Options, -1);
    }

    /** {@code proxy-v2-options}: the TLVs a PROXY v2 header carries (bits below). */
    public static final int PP2_CRC32C = 1, PP2_AUTHORITY = 2, PP2_UNIQUE_ID = 4;

    public Server(String name, Location location, String address, int port, int id,
                  boolean check, long inter, long fastinter, long downinter, int rise, int fall,
                  int checkPort, String checkAddress, boolean checkSsl, boolean agentCheck,
                  int weight, int maxconn, int minconn, int maxqueue,
                  boolean backup, boolean disabled, String trackBackend, String trackServer,
                  String cookie, String source, boolean ssl, int sendProxy, String sni,
                  boolean verifyNone, boolean observeLayer7, String caFile, String verifyHost, String crt, boolean checkSendProxy) {
        this(name, location, address, port, id, check, inter, fastinter, downinter, rise, fall, checkPort, checkAddress, checkSsl,
                agentCheck, weight, maxconn, minconn, maxqueue, backup, disabled, trackBackend, trackServer, cookie, source, ssl,
                sendProxy, sni, verifyNone, observeLayer7, caFile, verifyHost, crt, checkSendProxy, 0);
    }

    /** Without a client certificate ({@code crt}). {@code sendProxy}: 0, or the PROXY protocol version. */
    public Server(String name, Location location, String address, int port, int id,
                  boolean check, long inter, long fastinter, long downinter, int rise, int fall,
                  int checkPort, String checkAddress, boolean checkSsl, boolean agentCheck,
                  int weight, int maxconn, int minconn, int maxqueue,
                  boolean backup, boolean disabled, String trackBackend, String trackServer,
                  String cookie, String source, boolean ssl, int sendProxy, String sni,
                  boolean verifyNone, boolean observeLayer7, String caFile, String verifyHost, boolean checkSendProxy) {
        this(name, location, address, port, id, check, inter, fastinter, downinter, rise, fall, checkPort, checkAddress, checkSsl,
                agentCheck, weight, maxconn, minconn, maxqueue, backup, disabled, trackBackend, trackServer, cookie, source, ssl,
                sendProxy, sni, verifyNone, observeLayer7, caFile, verifyHost, null, checkSendProxy);
    }

    public boolean tracks() {
        return trackServer != null;
    }

    /**
     * The address part of a {@code source ADDR[:PORT[-PORT]]} value: the local address outgoing
     * connections bind; null for none, {@code *} or {@code 0.0.0.0}. The port part is not used.
     */
    public static String sourceHost(String source) {
        if (source == null) return null;
        try {
            return Address.parse(source, false).host();
        } catch (IllegalArgumentException e) {
            return null;  // the parser refused it already
        }
    }

    /** Same address and port ({@code host:port}). */
    public String endpoint() {
        return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
    }
}
