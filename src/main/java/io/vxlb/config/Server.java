package io.vxlb.config;

/**
 * A {@code server} line after {@code default-server} values were applied. {@code port} is 0 when
 * the line gave none (HAProxy then uses the port the client connected to). Durations in ms.
 * {@code trackBackend} is this server's own backend when {@code track SERVER} names no backend.
 */
public record Server(String name, Location location, String address, int port, int id,
                     boolean check, long inter, long fastinter, long downinter, int rise, int fall,
                     int checkPort, String checkAddress, boolean checkSsl, boolean agentCheck,
                     int weight, int maxconn, int minconn, int maxqueue,
                     boolean backup, boolean disabled, String trackBackend, String trackServer,
                     String cookie, String source, boolean ssl, boolean sendProxy, String sni,
                     boolean verifyNone, boolean observeLayer7) {

    public boolean tracks() {
        return trackServer != null;
    }

    /** Same address and port ({@code host:port}). */
    public String endpoint() {
        return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
    }
}
