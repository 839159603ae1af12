package io.vxlb.rules;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A log-format variable of HAProxy 2.6 (table of section 8.2.6, logformat_keywords in
 * src/log.c). {@code httpOnly} ones are refused by HAProxy in a {@code mode tcp} proxy ("format
 * variable is reserved for HTTP mode"); the config layer checks that, knowing the mode.
 */
public record LogVariable(String name, String field, boolean httpOnly) {
    private static final Map<String, LogVariable> VARIABLES = new LinkedHashMap<>();

    private static void v(String name, String field, boolean httpOnly) {
        VARIABLES.put(name, new LogVariable(name, field, httpOnly));
    }

    static {
        v("o", "special variable, applies its flags to all following variables", false);
        v("B", "bytes_read (from server to client)", false);
        v("CC", "captured_request_cookie", true);
        v("CS", "captured_response_cookie", true);
        v("H", "hostname", false);
        v("HM", "HTTP method", true);
        v("HP", "HTTP request URI without query string", true);
        v("HPO", "HTTP path only (without host nor query string)", true);
        v("HQ", "HTTP request URI query string", true);
        v("HU", "HTTP request URI", true);
        v("HV", "HTTP version", true);
        v("ID", "unique-id", false);
        v("ST", "status_code", false);
        v("T", "gmt_date_time", false);
        v("Ta", "active time of the request (from TR to end)", true);
        v("Tc", "Tc (time to connect to the server)", false);
        v("Td", "Td = Tt - (Tq + Tw + Tc + Tr)", false);
        v("Th", "connection handshake time", false);
        v("Ti", "idle time before the HTTP request", true);
        v("Tl", "local_date_time", false);
        v("Tq", "Th + Ti + TR", true);
        v("TR", "time to receive the full request from the first byte", true);
        v("Tr", "Tr (response time)", true);
        v("Ts", "timestamp", false);
        v("Tt", "Tt (total session time)", false);
        v("Tu", "Tu = Tt - Ti", false);
        v("Tw", "Tw (time waiting in queues)", false);
        v("U", "bytes_uploaded (from client to server)", false);
        v("ac", "actconn", false);
        v("b", "backend_name", false);
        v("bc", "beconn (backend concurrent connections)", false);
        v("bi", "backend_source_ip (connecting address)", false);
        v("bp", "backend_source_port (connecting address)", false);
        v("bq", "backend_queue", false);
        v("ci", "client_ip (accepted address)", false);
        v("cp", "client_port (accepted address)", false);
        v("f", "frontend_name", false);
        v("fc", "feconn (frontend concurrent connections)", false);
        v("fi", "frontend_ip (accepting address)", false);
        v("fp", "frontend_port (accepting address)", false);
        v("ft", "frontend_name_transport ('~' suffix for SSL)", false);
        v("lc", "frontend_log_counter", false);
        v("hr", "captured_request_headers default style", false);
        v("hrl", "captured_request_headers CLF style", false);
        v("hs", "captured_response_headers default style", false);
        v("hsl", "captured_response_headers CLF style", false);
        v("ms", "accept date milliseconds (left-padded with 0)", false);
        v("pid", "PID", false);
        v("r", "http_request", true);
        v("rc", "retries", false);
        v("rt", "request_counter (HTTP req or TCP session)", false);
        v("s", "server_name", false);
        v("sc", "srv_conn (server concurrent connections)", false);
        v("si", "server_IP (target address)", false);
        v("sp", "server_port (target address)", false);
        v("sq", "srv_queue", false);
        v("sslc", "ssl_ciphers (ex: AES-SHA)", false);
        v("sslv", "ssl_version (ex: TLSv1)", false);
        v("t", "date_time (with millisecond resolution)", false);
        v("tr", "date_time of HTTP request", true);
        v("trg", "gmt_date_time of start of HTTP request", true);
        v("trl", "local_date_time of start of HTTP request", true);
        v("ts", "termination_state", false);
        v("tsc", "termination_state with cookie status", false);
    }

    public static Optional<LogVariable> find(String name) {
        return Optional.ofNullable(VARIABLES.get(name));
    }

    public static Collection<LogVariable> all() {
        return Collections.unmodifiableCollection(VARIABLES.values());
    }
}
