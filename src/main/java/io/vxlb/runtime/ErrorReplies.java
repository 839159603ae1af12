package io.vxlb.runtime;

import io.vertx.core.buffer.Buffer;
import io.vxlb.config.ErrorPageSpec;
import io.vxlb.config.Proxy;
import io.vxlb.proxy.ErrorPages;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A proxy's custom error pages ({@code errorfile}, {@code errorloc*}, {@code errorfiles}),
 * read and checked once per snapshot as HAProxy's http_load_errorfile/http_str_to_htx check
 * them at start-up: a full HTTP/1.x response, at most {@code tune.bufsize} bytes, no chunked
 * body, a content-length that matches. The request path only looks a page up.
 */
public final class ErrorReplies {
    public static final ErrorReplies NONE = new ErrorReplies(Map.of());

    private final Map<Integer, ErrorPages.Page> pages;

    private ErrorReplies(Map<Integer, ErrorPages.Page> pages) {
        this.pages = Map.copyOf(pages);
    }

    /** The page replacing built-in status {@code status}; null: none. */
    public ErrorPages.Page page(int status) {
        return pages.get(status);
    }

    public boolean isEmpty() {
        return pages.isEmpty();
    }

    /**
     * HAProxy's http_error_message(): the backend's page for the status (the frontend itself
     * until a backend is chosen), else the frontend's, else the built-in {@code page}.
     */
    public static ErrorPages.Page pick(ErrorPages.Page page, CompiledBackend be, CompiledFrontend fe) {
        if (page.custom()) return page;
        ErrorPages.Page p = be != null ? be.errorReplies().page(page.status()) : null;
        if (p == null && fe != null) p = fe.errorReplies().page(page.status());
        return p != null ? p : page;
    }

    /** Reads every page {@code p} names; {@code files} resolves (and may refuse) a path. Errors name the file and line. */
    public static ErrorReplies compile(Proxy p, Function<String, Path> files, int bufsize,
                                       Function<io.vxlb.action.HttpReply, Function<io.vxlb.action.ActionContext, io.vxlb.action.HttpReply.Response>> replies) {
        if (p.errorPages().isEmpty()) return NONE;
        Map<Integer, ErrorPages.Page> out = new HashMap<>();
        Map<String, ErrorPages.Page> loaded = new HashMap<>();
        for (ErrorPageSpec e : p.errorPages()) {
            ErrorPages.Page page = switch (e.kind()) {
                case REPLY -> reply(e, files, bufsize, replies);
                case LOCATION_302 -> location(302, "Found", e.value());
                case LOCATION_303 -> location(303, "See Other", e.value());
                case FILE -> {
                    ErrorPages.Page f = loaded.get(e.value());
                    if (f == null) {
                        f = load(e, files, bufsize);
                        loaded.put(e.value(), f);
                    }
                    yield f;
                }
            };
            // an empty file: nothing is sent for that status, whatever the status
            out.put(e.status(), page.body() == null ? new ErrorPages.Page(e.status(), "", null, true, List.of(), null) : page);
        }
        return new ErrorReplies(out);
    }

    /** http-error status N ...: the proxy's page for N, built as the reply says. */
    private static ErrorPages.Page reply(ErrorPageSpec e, Function<String, Path> files, int bufsize,
                                         Function<io.vxlb.action.HttpReply, Function<io.vxlb.action.ActionContext, io.vxlb.action.HttpReply.Response>> replies) {
        io.vxlb.action.HttpReply r = e.reply();
        return switch (r.kind()) {
            case DEFAULT_ERRORFILES -> ErrorPages.of(r.status());  // the built-in page, whatever came before
            case ERRORFILE -> r.body() != null ? load(new ErrorPageSpec(r.status(), ErrorPageSpec.Kind.FILE, r.body(), e.location()), files, bufsize)
                    : new ErrorPages.Page(r.status(), "", Buffer.buffer(), false, null, null, replies.apply(
                            new io.vxlb.action.HttpReply(r.status(), null, io.vxlb.action.HttpReply.Kind.NONE, null, null, List.of())));
            default -> new ErrorPages.Page(r.status(), "", Buffer.buffer(), false, null, null, replies.apply(r));
        };
    }

    private static ErrorPages.Page location(int status, String reason, String url) {
        // http_parse_errorloc's text, as HAProxy's H1 layer writes it (lower-case names)
        return new ErrorPages.Page(status, reason, Buffer.buffer(), false,
                List.of("cache-control", "no-cache", "content-length", "0", "location", url), null);
    }

    private static ErrorPages.Page load(ErrorPageSpec e, Function<String, Path> files, int bufsize) {
        String where = e.location().file() + ":" + e.location().line() + ": errorfile " + e.status() + " '" + e.value() + "': ";
        byte[] raw;
        try {
            Path path = files.apply(e.value());
            raw = Files.readAllBytes(path);
        } catch (IOException | RuntimeException x) {
            throw new IllegalArgumentException(where + "error opening file (" + (x.getMessage() == null ? x.getClass().getSimpleName() : x.getMessage()) + ")", x);
        }
        if (raw.length > bufsize) {
            throw new IllegalArgumentException(where + "larger than tune.bufsize (" + raw.length + " > " + bufsize + " bytes); HAProxy would truncate it");
        }
        try {
            return parse(raw);
        } catch (IllegalArgumentException x) {
            throw new IllegalArgumentException(where + x.getMessage() + " (an error file is a whole HTTP/1.x response: status line, headers, empty line, body)", x);
        }
    }

    /** An error file's bytes as a page; the checks and messages of HAProxy's http_str_to_htx. Empty: send nothing. */
    public static ErrorPages.Page parse(byte[] raw) {
        if (raw.length == 0) return new ErrorPages.Page(0, "", null, true, List.of(), null);
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        int bodyStart = end + 4;
        int lf = text.indexOf("\n\n");
        if (end < 0 || (lf >= 0 && lf < end)) {
            end = lf;
            bodyStart = lf + 2;
        }
        if (end < 0) throw new IllegalArgumentException("unabled to parse headers (no end of headers)");
        String[] lines = text.substring(0, end).split("\r?\n", -1);
        String[] sl = lines[0].split(" ", 3);
        if (sl.length < 2 || !sl[1].matches("\\d{3}")) throw new IllegalArgumentException("unabled to parse headers (error offset: 0)");
        // the file's bytes are never echoed (a configuration pushed through the API may name any allowed file)
        if (!sl[0].matches("HTTP/\\d\\.\\d")) throw new IllegalArgumentException("invalid http version in the status line");
        int status = Integer.parseInt(sl[1]);
        if (status < 200 && (status == 100 || status >= 102)) throw new IllegalArgumentException("invalid http status code for an error message (" + status + ")");
        List<String> headers = new ArrayList<>();
        long contentLength = -1;
        boolean chunked = false;
        for (int i = 1; i < lines.length; i++) {
            String l = lines[i];
            int colon = l.indexOf(':');
            if (colon <= 0 || !l.substring(0, colon).matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                throw new IllegalArgumentException("unabled to parse headers (bad header line " + (i + 1) + ")");
            }
            String name = l.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = l.substring(colon + 1).strip();
            switch (name) {
                case "content-length" -> {
                    if (!value.matches("\\d{1,18}")) throw new IllegalArgumentException("unabled to parse headers (bad content-length)");
                    contentLength = Long.parseLong(value);
                }
                case "transfer-encoding" -> chunked |= value.toLowerCase(Locale.ROOT).contains("chunked");
                default -> { }
            }
            // the connection is the H1 layer's business, as HAProxy's (it never relays this header)
            if (name.equals("connection")) continue;
            headers.add(name);
            headers.add(value);
        }
        int bodyLength = raw.length - bodyStart;
        boolean bodyless = status == 204 || status == 304 || contentLength == 0;
        if (chunked && !bodyless) throw new IllegalArgumentException("chunk-encoded payload not supported");
        if (bodyless && bodyLength > 0) throw new IllegalArgumentException("message payload not expected");
        if (contentLength > 0 && contentLength != bodyLength) {
            throw new IllegalArgumentException("payload size does not match the announced content-length (" + bodyLength + " != " + contentLength + ")");
        }
        String reason = sl.length > 2 ? sl[2] : "";
        Buffer body = Buffer.buffer(raw).slice(bodyStart, raw.length).copy();
        Buffer wire = null;
        boolean http10 = sl[0].equals("HTTP/1.0");
        if (http10 || (contentLength < 0 && !bodyless)) {
            // HAProxy then writes the file's own status line, its headers (names lower-cased, no
            // connection header but its own "close" for HTTP/1.1), the body, and closes
            StringBuilder head = new StringBuilder(lines[0]).append("\r\n");
            for (int i = 0; i + 1 < headers.size(); i += 2) head.append(headers.get(i)).append(": ").append(headers.get(i + 1)).append("\r\n");
            if (!http10) head.append("connection: close\r\n");
            wire = Buffer.buffer(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1)).appendBuffer(body);
        }
        return new ErrorPages.Page(status, reason, body, wire != null, List.copyOf(headers), wire);
    }
}
