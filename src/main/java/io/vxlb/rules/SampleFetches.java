package io.vxlb.rules;

import static io.vxlb.rules.SampleType.ANY;
import static io.vxlb.rules.SampleType.BINARY;
import static io.vxlb.rules.SampleType.BOOLEAN;
import static io.vxlb.rules.SampleType.INTEGER;
import static io.vxlb.rules.SampleType.IP;
import static io.vxlb.rules.SampleType.METHOD;
import static io.vxlb.rules.SampleType.STRING;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sample fetch methods vxlb understands, with HAProxy 2.6's names, argument types and output
 * types (taken from the 2.6 manual and, where the manual disagrees, from what 2.6 really accepts).
 * Fetches of 2.6 that vxlb does not offer (stick counters, client certificates, TCP_INFO, ...)
 * are recognised by {@link #unsupportedFamily} so the error can say so instead of "unknown".
 */
public final class SampleFetches {
    private static final Map<String, SampleFetch> FETCHES = new LinkedHashMap<>();

    private static void f(String name, SampleType out, String args, String doc) {
        FETCHES.put(name, new SampleFetch(name, ArgSpec.list(args), out, doc));
    }

    static {
        // 7.3.2 internal states and constants
        f("always_false", BOOLEAN, "", "never matches");
        f("always_true", BOOLEAN, "", "always matches");
        f("avg_queue", INTEGER, "backend:backend?", "queued connections of the backend divided by its usable servers");
        f("be_conn", INTEGER, "backend:backend?", "current connections on the backend");
        f("be_conn_free", INTEGER, "backend:backend?", "free connection slots on the backend");
        f("be_sess_rate", INTEGER, "backend:backend?", "sessions per second on the backend");
        f("bin", BINARY, "hex", "constant binary block written in hex");
        f("bool", BOOLEAN, "value", "constant boolean: true, false or an integer");
        f("connslots", INTEGER, "backend:backend?", "free connection and queue slots of the backend");
        f("date", INTEGER, "offset:integer?,unit?", "current date since epoch (unit s, ms or us)");
        f("date_us", INTEGER, "", "microseconds part of the current date");
        f("env", STRING, "name", "environment variable");
        f("fe_conn", INTEGER, "frontend:frontend?", "current connections on the frontend");
        f("fe_req_rate", INTEGER, "frontend:frontend?", "HTTP requests per second on the frontend");
        f("fe_sess_rate", INTEGER, "frontend:frontend?", "sessions per second on the frontend");
        f("hostname", STRING, "", "system host name");
        f("int", INTEGER, "value:integer", "constant integer");
        f("ipv4", IP, "address:ip", "constant IPv4 address");
        f("ipv6", IP, "address:ip", "constant IPv6 address");
        f("meth", METHOD, "method", "constant HTTP method");
        // 2.6 declares the backend mandatory but fills an omitted one with the rule's own proxy
        f("nbsrv", INTEGER, "backend:backend?", "usable servers of the backend (the rule's own proxy when omitted)");
        f("nbproc", INTEGER, "", "number of processes (always 1)");
        f("proc", INTEGER, "", "process number (always 1)");
        f("queue", INTEGER, "backend:backend?", "queued connections of the backend");
        f("rand", INTEGER, "range:integer?", "random integer in [0, range)");
        f("srv_conn", INTEGER, "server:server", "current connections on the server");
        f("srv_conn_free", INTEGER, "server:server", "free connection slots on the server");
        f("srv_is_up", BOOLEAN, "server:server", "true when the server is up");
        f("srv_queue", INTEGER, "server:server", "queued connections of the server");
        f("srv_sess_rate", INTEGER, "server:server", "sessions per second on the server");
        f("srv_weight", INTEGER, "server:server", "effective weight of the server");
        f("srv_iweight", INTEGER, "server:server", "initial weight of the server");
        f("srv_uweight", INTEGER, "server:server", "user weight of the server");
        f("stopping", BOOLEAN, "", "true while the process is stopping");
        f("str", STRING, "value", "constant string");
        f("thread", INTEGER, "", "current thread number");
        f("uuid", STRING, "version:integer?", "random UUID (version 4)");
        f("var", ANY, "name:variable,default?", "contents of a variable");
        // 7.3.3 layer 4
        f("be_id", INTEGER, "", "id of the backend");
        f("be_name", STRING, "", "name of the backend");
        f("be_server_timeout", INTEGER, "", "configured server timeout of the backend (ms)");
        f("be_tunnel_timeout", INTEGER, "", "configured tunnel timeout of the backend (ms)");
        f("cur_server_timeout", INTEGER, "", "current server timeout of the stream (ms)");
        f("cur_tunnel_timeout", INTEGER, "", "current tunnel timeout of the stream (ms)");
        f("dst", IP, "", "local address the client connected to");
        f("dst_conn", INTEGER, "", "current connections on the listener");
        f("dst_is_local", BOOLEAN, "", "true when the destination address is local");
        f("dst_port", INTEGER, "", "local port the client connected to");
        f("fe_client_timeout", INTEGER, "", "configured client timeout of the frontend (ms)");
        f("fe_defbe", STRING, "", "default backend of the frontend");
        f("fe_id", INTEGER, "", "id of the frontend");
        f("fe_name", STRING, "", "name of the frontend");
        f("so_id", INTEGER, "", "id of the listening socket");
        f("so_name", STRING, "", "name of the listening socket");
        f("src", IP, "", "client address");
        f("src_is_local", BOOLEAN, "", "true when the client address is local");
        f("src_port", INTEGER, "", "client port");
        f("srv_id", INTEGER, "", "id of the server that got the connection");
        f("srv_name", STRING, "", "name of the server that got the connection");
        // 7.3.4 layer 5 (frontend TLS)
        f("ssl_fc", BOOLEAN, "", "true when the client connection uses TLS");
        f("ssl_fc_alpn", STRING, "", "ALPN protocol negotiated with the client");
        f("ssl_fc_cipher", STRING, "", "cipher used with the client");
        f("ssl_fc_has_sni", BOOLEAN, "", "true when the client sent SNI");
        f("ssl_fc_protocol", STRING, "", "TLS protocol version used with the client");
        f("ssl_fc_sni", STRING, "", "server name the client sent (SNI)");
        // 7.3.5 layer 6 (buffer contents)
        f("payload", BINARY, "offset:integer,length:integer", "deprecated, use req.payload/res.payload");
        f("rdp_cookie", STRING, "name?", "deprecated, use req.rdp_cookie");
        f("rdp_cookie_cnt", INTEGER, "name?", "deprecated, use req.rdp_cookie_cnt");
        f("req.len", INTEGER, "", "bytes in the request buffer");
        f("req_len", INTEGER, "", "deprecated, use req.len");
        f("req.payload", BINARY, "offset:integer,length:integer", "bytes of the request buffer");
        f("req.proto_http", BOOLEAN, "", "true when the request buffer holds valid HTTP");
        f("req_proto_http", BOOLEAN, "", "deprecated, use req.proto_http");
        f("req.rdp_cookie", STRING, "name?", "RDP cookie of the request buffer");
        f("req.rdp_cookie_cnt", INTEGER, "name?", "number of RDP cookies in the request buffer");
        f("res.len", INTEGER, "", "bytes in the response buffer");
        f("res.payload", BINARY, "offset:integer,length:integer", "bytes of the response buffer");
        f("wait_end", BOOLEAN, "", "true once the inspect-delay is over");
        f("payload_lv", BINARY, "offset1:integer,length:integer,offset2?", "deprecated, use req.payload_lv/res.payload_lv");
        f("req.payload_lv", BINARY, "offset1:integer,length:integer,offset2?", "length-prefixed block of the request buffer");
        f("res.payload_lv", BINARY, "offset1:integer,length:integer,offset2?", "length-prefixed block of the response buffer");
        f("req.ssl_hello_type", INTEGER, "", "handshake type of the first TLS record (1: ClientHello)");
        f("req_ssl_hello_type", INTEGER, "", "deprecated, use req.ssl_hello_type");
        f("req.ssl_ver", INTEGER, "", "TLS version of the ClientHello, (major << 16) + minor");
        f("req_ssl_ver", INTEGER, "", "deprecated, use req.ssl_ver");
        f("req.ssl_sni", STRING, "", "server name (SNI) of the ClientHello in the request buffer");
        f("req_ssl_sni", STRING, "", "deprecated, use req.ssl_sni");
        f("req.ssl_alpn", STRING, "", "ALPN protocols of the ClientHello in the request buffer");
        f("fc_src", IP, "", "source address of the client connection (before session/content set-src)");
        f("fc_dst", IP, "", "destination address of the client connection");
        f("fc_src_port", INTEGER, "", "source port of the client connection");
        f("fc_dst_port", INTEGER, "", "destination port of the client connection");
        f("fc_pp_authority", STRING, "", "PROXY v2 authority TLV of the client connection");
        f("fc_pp_unique_id", STRING, "", "PROXY v2 unique-id TLV of the client connection");
        // 7.3.6 layer 7
        f("base", STRING, "", "Host header followed by the path");
        f("base32", INTEGER, "", "32-bit hash of base");
        f("base32+src", BINARY, "", "base32 followed by the client address");
        f("baseq", STRING, "", "base followed by the query string");
        f("capture.req.hdr", STRING, "index:integer", "captured request header");
        f("capture.req.method", STRING, "", "captured request method");
        f("capture.req.uri", STRING, "", "captured request URI");
        f("capture.req.ver", STRING, "", "captured request version");
        f("capture.res.hdr", STRING, "index:integer", "captured response header");
        f("capture.res.ver", STRING, "", "captured response version");
        f("cook", STRING, "name?", "deprecated, use req.cook");
        f("cook_cnt", INTEGER, "name?", "deprecated, use req.cook_cnt");
        f("cook_val", INTEGER, "name?", "deprecated, use req.cook_val");
        f("cookie", STRING, "name?", "deprecated, use req.cook or res.cook");
        f("hdr", STRING, "name?,occ:integer?", "header of the request (or of the response in response rules)");
        f("hdr_cnt", INTEGER, "name?", "deprecated, use req.hdr_cnt");
        f("hdr_ip", IP, "name?,occ:integer?", "deprecated, use req.hdr_ip");
        f("hdr_val", INTEGER, "name?,occ:integer?", "deprecated, use req.hdr_val");
        f("http_auth", BOOLEAN, "userlist:userlist", "true when the Authorization credentials are valid in the userlist");
        f("http_auth_bearer", STRING, "header?", "bearer token of the Authorization header");
        f("http_auth_group", STRING, "userlist:userlist", "group of the authenticated user");
        f("http_auth_pass", STRING, "", "password of the Authorization header");
        f("http_auth_type", STRING, "", "scheme of the Authorization header");
        f("http_auth_user", STRING, "", "user of the Authorization header");
        f("http_first_req", BOOLEAN, "", "true for the first request of a connection");
        f("method", METHOD, "", "request method");
        f("path", STRING, "", "request path, without the query string");
        f("pathq", STRING, "", "request path with the query string");
        f("query", STRING, "", "query string, without the '?'");
        f("req.body", BINARY, "", "buffered request body");
        f("req.body_len", INTEGER, "", "length of the buffered request body");
        f("req.body_param", BINARY, "name?", "parameter of a url-encoded request body");
        f("req.body_size", INTEGER, "", "announced size of the request body");
        f("req.cook", STRING, "name?", "request cookie");
        f("req.cook_cnt", INTEGER, "name?", "number of request cookies");
        f("req.cook_val", INTEGER, "name?", "request cookie as an integer");
        f("req.fhdr", STRING, "name?,occ:integer?", "full-line request header (commas not split)");
        f("req.fhdr_cnt", INTEGER, "name?", "number of full-line request headers");
        f("req.hdr", STRING, "name?,occ:integer?", "request header value");
        f("req.hdr_cnt", INTEGER, "name?", "number of request header values");
        f("req.hdr_ip", IP, "name?,occ:integer?", "request header as an IP address");
        f("req.hdr_names", STRING, "delim?", "names of the request headers");
        f("req.hdr_val", INTEGER, "name?,occ:integer?", "request header as an integer");
        f("req.hdrs", BINARY, "", "all request headers");
        f("req.hdrs_bin", BINARY, "", "all request headers, binary encoded");
        f("req.ver", STRING, "", "request version, e.g. 1.1");
        f("req_ver", STRING, "", "deprecated, use req.ver");
        f("res.body", BINARY, "", "buffered response body");
        f("res.body_len", INTEGER, "", "length of the buffered response body");
        f("res.body_size", INTEGER, "", "announced size of the response body");
        f("res.cook", STRING, "name?", "response Set-Cookie value");
        f("res.cook_cnt", INTEGER, "name?", "number of response cookies");
        f("res.cook_val", INTEGER, "name?", "response cookie as an integer");
        f("res.fhdr", STRING, "name?,occ:integer?", "full-line response header");
        f("res.fhdr_cnt", INTEGER, "name?", "number of full-line response headers");
        f("res.hdr", STRING, "name?,occ:integer?", "response header value");
        f("res.hdr_cnt", INTEGER, "name?", "number of response header values");
        f("res.hdr_ip", IP, "name?,occ:integer?", "response header as an IP address");
        f("res.hdr_names", STRING, "delim?", "names of the response headers");
        f("res.hdr_val", INTEGER, "name?,occ:integer?", "response header as an integer");
        f("res.hdrs", BINARY, "", "all response headers");
        f("res.hdrs_bin", BINARY, "", "all response headers, binary encoded");
        f("res.ver", STRING, "", "response version");
        f("resp_ver", STRING, "", "deprecated, use res.ver");
        f("scook", STRING, "name?", "deprecated, use res.cook");
        f("scook_cnt", INTEGER, "name?", "deprecated, use res.cook_cnt");
        f("scook_val", INTEGER, "name?", "deprecated, use res.cook_val");
        f("shdr", STRING, "name?,occ:integer?", "deprecated, use res.hdr");
        f("shdr_cnt", INTEGER, "name?", "deprecated, use res.hdr_cnt");
        f("shdr_ip", IP, "name?,occ:integer?", "deprecated, use res.hdr_ip");
        f("shdr_val", INTEGER, "name?,occ:integer?", "deprecated, use res.hdr_val");
        f("status", INTEGER, "", "response status code");
        f("unique-id", STRING, "", "unique-id of the request");
        f("last_rule_file", STRING, "", "file of the last rule that ended a rule list");
        f("last_rule_line", INTEGER, "", "line of the last rule that ended a rule list");
        f("url", STRING, "", "request URI as received (path and query string, or absolute URI)");
        f("url32", INTEGER, "", "32-bit hash of the Host header and the URL");
        f("url32+src", BINARY, "", "url32 followed by the client address");
        f("url_ip", IP, "", "IP address of an absolute URI");
        f("url_param", STRING, "name?,delim?", "query string parameter");
        f("url_port", INTEGER, "", "port of an absolute URI");
        f("urlp", STRING, "name?,delim?", "query string parameter (alias of url_param)");
        f("urlp_val", INTEGER, "name?,delim?", "query string parameter as an integer");
        // 7.3.3 stick counters and tables (vxlb-stick)
        StickFetches.declare(SampleFetches::f);
    }

    /** Fetch families of HAProxy 2.6 that vxlb does not implement; they are errors, but not typos. */
    private static final List<String> UNSUPPORTED_PREFIXES = List.of(
            "ssl_c_", "ssl_f_", "ssl_s_", "ssl_bc",
            "ssl_fc_", "fc_", "bc_", "distcc_", "internal.", "51d.", "da-", "wurfl-", "fcgi.",
            "req.ssl_", "req_ssl_", "res.ssl_", "rep_ssl_", "res.cache_", "res.comp", "cpu_", "lat_",
            "prio_");

    private SampleFetches() {
    }

    public static Optional<SampleFetch> find(String name) {
        return Optional.ofNullable(FETCHES.get(name));
    }

    public static Collection<SampleFetch> all() {
        return Collections.unmodifiableCollection(FETCHES.values());
    }

    /** The 2.6 family an unknown name belongs to when vxlb deliberately leaves it out, else null. */
    static String unsupportedFamily(String name) {
        return UNSUPPORTED_PREFIXES.stream().filter(name::startsWith).findFirst().orElse(null);
    }
}
