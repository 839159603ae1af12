package io.vxlb.rules;

/**
 * One HTTP transaction (or TCP session) as the rules see it: what sample fetches read. The proxy
 * implements it over its own request state; every method must be cheap and must not allocate
 * for the caller. Header lists are in order, as received or as rewritten by earlier rules.
 */
public interface Txn {
    /** Client address as text ("192.0.2.1", "2001:db8::1"); null when there is none (unix socket). */
    String srcAddress();

    int srcPort();

    /** Address the client connected to, as text; null when unknown. */
    String dstAddress();

    int dstPort();

    /** True when the client connection uses TLS. */
    boolean ssl();

    /** The server name the client sent with TLS (SNI); null when none. */
    String sni();

    String frontendName();

    /** The backend, once chosen; null before routing. */
    String backendName();

    /** Request method as received ("GET"). */
    String method();

    /** Request target as received or rewritten ("/a/b?x=1", or an absolute URI). */
    String uri();

    /** HTTP version of the request: "1.1", "1.0", "2.0". */
    String version();

    int requestHeaderCount();

    String requestHeaderName(int i);

    String requestHeaderValue(int i);

    /** Response status; 0 while there is no response. */
    int status();

    int responseHeaderCount();

    String responseHeaderName(int i);

    String responseHeaderValue(int i);

    /** Usable servers of a backend in the current snapshot; 0 for an unknown backend. */
    int nbsrv(String backend);

    /** True when the server is up in the current snapshot; false when unknown. */
    boolean srvIsUp(String backend, String server);

    /** {@code capture.req.method}: the method of the request line as received, before any rewrite. */
    default String receivedMethod() {
        return method();
    }

    /** {@code capture.req.uri}: the URI of the request line as received, before any rewrite. */
    default String receivedUri() {
        return uri();
    }

    /**
     * A timeout in milliseconds for {@code be_server_timeout}, {@code be_tunnel_timeout},
     * {@code fe_client_timeout} ({@code current} false: as configured) and
     * {@code cur_server_timeout}, {@code cur_tunnel_timeout} (true: after set-timeout);
     * {@code which} is "server", "tunnel" or "client"; -1 when unknown.
     */
    default long timeout(String which, boolean current) {
        return -1;
    }

    /** {@code req.body}: the request body read while waiting for it (http-buffer-request, wait-for-body); null when none was. */
    default byte[] requestBody() {
        return null;
    }

    /** {@code req.body_size}: the body's announced length (else what was read); -1 when unknown. */
    default long requestBodySize() {
        return -1;
    }

    /** {@code last_rule_file}: the file of the last rule that ended a rule list (accept, allow, deny...); null before one. */
    default String lastRuleFile() {
        return null;
    }

    /** {@code last_rule_line}: its line; 0 before one. */
    default int lastRuleLine() {
        return 0;
    }

    /** {@code fe_defbe}: the frontend's default_backend; null without one. */
    default String frontendDefaultBackend() {
        return null;
    }

    /** A variable by its full name with scope ("txn.host"); null when unset. */
    Object variable(String name);

    void setVariable(String name, Object value);

    /**
     * set-var with conditions (Vars.IFEXISTS...): the stores apply them; this default, for a
     * Txn without its own store of states, reads the value to decide.
     */
    default void setVariable(String name, Object value, int flags) {
        if (flags == 0 || value == null) {
            setVariable(name, value);
            return;
        }
        Object next = Vars.decide(variable(name), value, flags);
        if (next != Vars.KEEP && next != Vars.UNSET) setVariable(name, next);
    }

    /** The client connection's facts for {@code fc_*} fetches; null when the proxy keeps none (then they read src/dst). */
    default ConnectionFacts connectionFacts() {
        return null;
    }

    /** Appends a log-format variable (%ci, %ST, ...) as the log layer writes it. */
    void appendLogVariable(LogVariable v, StringBuilder out);

    /**
     * The frontend's capture slot {@code slot} ({@code capture.req.hdr(N)}/{@code capture.res.hdr(N)}):
     * a captured header or a capture action's value; null when the slot is empty or does not exist.
     */
    default String captured(boolean request, int slot) {
        return null;
    }

    /** The request's {@code unique-id} (made from {@code unique-id-format} on first use); null without one. */
    default String uniqueId() {
        return null;
    }

    /** vxlb-stick: the stick counters this stream tracks (sc0..sc2); null while it tracks none. */
    default io.vxlb.stick.StreamCounters streamCounters() {
        return null;
    }

    /** {@code http_first_req}: this request is the connection's first (null: not an HTTP stream). */
    default Boolean firstRequest() {
        return null;
    }

    /** {@code fe_conn}: current connections of a frontend; -1 when unknown. */
    default long feConn(String frontend) {
        return -1;
    }

    /** {@code be_conn}: current streams of a backend (at its servers and in its queues); -1 when unknown. */
    default long beConn(String backend) {
        return -1;
    }

    /** {@code srv_conn}: current connections of a server; -1 when unknown. */
    default long srvConn(String backend, String server) {
        return -1;
    }

    /** {@code srv_name}: the server the stream was given; null before (or without) one. */
    default String serverName() {
        return null;
    }

    /** {@code srv_id}: that server's id. */
    default int serverId() {
        return 0;
    }

    /** {@code so_name}: the bind's {@code name}; null without one. */
    default String listenerName() {
        return null;
    }
}
