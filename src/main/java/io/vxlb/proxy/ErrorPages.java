package io.vxlb.proxy;

import io.vertx.core.buffer.Buffer;

/**
 * HAProxy 2.6's built-in error responses (src/http.c http_err_msgs): same status lines and
 * bodies, so clients and monitoring that match on them see no difference.
 */
public final class ErrorPages {
    private ErrorPages() {}

    /**
     * A response vxlb writes itself. {@code headers} (name, value, name, value...) is null for
     * the built-in pages, whose headers the sender writes; an {@code errorfile} page carries its
     * own, and {@code body} null for an empty error file (HAProxy then sends nothing and closes).
     * {@code wire}: the whole response as HAProxy writes it when it ends the connection (an
     * HTTP/1.0 error file, or one without a length): sent as is (H1Session.writeRaw).
     */
    public record Page(int status, String reason, Buffer body, boolean close, java.util.List<String> headers, Buffer wire,
                       java.util.function.Function<io.vxlb.action.ActionContext, io.vxlb.action.HttpReply.Response> reply) {
        public Page(int status, String reason, Buffer body, boolean close) {
            this(status, reason, body, close, null, null, null);
        }

        public Page(int status, String reason, Buffer body, boolean close, java.util.List<String> headers, Buffer wire) {
            this(status, reason, body, close, headers, wire, null);
        }

        /** An errorfile/errorloc/http-error page (runtime/ErrorReplies), not a built-in one. */
        public boolean custom() {
            return headers != null || reply != null;
        }
    }

    private static Page page(int status, String reason, String text, boolean close) {
        String body = "<html><body><h1>" + status + " " + reason + "</h1>\n" + text + "\n</body></html>\n";
        return new Page(status, reason, Buffer.buffer(body), close);
    }

    public static final Page OK = page(200, "OK", "Service ready.", false);
    public static final Page BAD_REQUEST = page(400, "Bad request", "Your browser sent an invalid request.", true);
    public static final Page UNAUTHORIZED = page(401, "Unauthorized", "You need a valid user and password to access this content.", false);
    public static final Page FORBIDDEN = page(403, "Forbidden", "Request forbidden by administrative rules.", false);
    public static final Page NOT_FOUND = page(404, "Not Found", "The resource could not be found.", false);
    public static final Page METHOD_NOT_ALLOWED = page(405, "Method Not Allowed", "A request was made of a resource using a request method not supported by that resource", false);
    public static final Page REQUEST_TIMEOUT = page(408, "Request Time-out", "Your browser didn't send a complete request in time.", true);
    public static final Page GONE = page(410, "Gone", "The resource is no longer available and will not be available again.", false);
    public static final Page PAYLOAD_TOO_LARGE = page(413, "Payload Too Large", "The request entity exceeds the maximum allowed.", false);
    public static final Page UNPROCESSABLE = page(422, "Unprocessable Content", "The server cannot process the contained instructions.", false);
    public static final Page TOO_MANY_REQUESTS = page(429, "Too Many Requests", "You have sent too many requests in a given amount of time.", false);
    public static final Page HEADERS_TOO_LARGE = page(431, "Request Header Fields Too Large", "Your browser sent a request whose header fields are too large.", true);
    public static final Page INTERNAL_ERROR = page(500, "Internal Server Error", "An internal server error occurred.", false);
    public static final Page NOT_IMPLEMENTED = page(501, "Not Implemented", ".The server does not support the functionality required to fulfill the request.", false);
    public static final Page BAD_GATEWAY = page(502, "Bad Gateway", "The server returned an invalid or incomplete response.", false);
    public static final Page SERVICE_UNAVAILABLE = page(503, "Service Unavailable", "No server is available to handle this request.", false);
    public static final Page GATEWAY_TIMEOUT = page(504, "Gateway Time-out", "The server didn't respond in time.", false);

    /** The page for a status, falling back to a generic one built the same way. */
    public static Page of(int status) {
        return switch (status) {
            case 200 -> OK;
            case 400 -> BAD_REQUEST;
            case 401 -> UNAUTHORIZED;
            case 403 -> FORBIDDEN;
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 408 -> REQUEST_TIMEOUT;
            case 410 -> GONE;
            case 413 -> PAYLOAD_TOO_LARGE;
            case 422 -> UNPROCESSABLE;
            case 429 -> TOO_MANY_REQUESTS;
            case 431 -> HEADERS_TOO_LARGE;
            case 500 -> INTERNAL_ERROR;
            case 501 -> NOT_IMPLEMENTED;
            case 502 -> BAD_GATEWAY;
            case 503 -> SERVICE_UNAVAILABLE;
            case 504 -> GATEWAY_TIMEOUT;
            default -> page(status, io.netty.handler.codec.http.HttpResponseStatus.valueOf(status).reasonPhrase(), "", false);
        };
    }

    /**
     * The whole response as HAProxy's H1 layer writes it when there is no request to answer
     * (h1_send_error: the http_err_msgs text as is, mixed-case names): parse errors, 408, 413...
     */
    public static Buffer raw(Page p) {
        String head = "HTTP/1.1 " + p.status() + " " + p.reason() + "\r\n"
                + "Content-length: " + p.body().length() + "\r\n"
                + "Cache-Control: no-cache\r\n"
                + (p.close() ? "Connection: close\r\n" : "")
                + "Content-Type: text/html\r\n\r\n";
        return Buffer.buffer(head).appendBuffer(p.body());
    }
}
