package io.vxlb.action;

import io.vertx.core.buffer.Buffer;
import io.vxlb.config.ActionLine;
import io.vxlb.config.ErrorPageSpec;
import io.vxlb.proxy.ErrorPages;
import io.vxlb.proxy.HeaderList;
import io.vxlb.rules.ClosestName;
import io.vxlb.rules.CompiledLogFormat;
import io.vxlb.rules.LogFormat;
import io.vxlb.rules.LogFormatParser;
import io.vxlb.rules.RuleException;
import io.vxlb.runtime.ErrorReplies;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * HAProxy's "http reply" (http_htx.c http_parse_http_reply), shared by {@code return},
 * {@code deny}, {@code tarpit} and the {@code http-error} directive:
 * {@code [status N] [content-type T] [default-errorfiles | errorfile F | errorfiles NAME |
 * string S | lf-string FMT | file F | lf-file F] [hdr NAME FMT]*}. {@code body} holds the
 * string, the log-format text, the file path or (errorfiles) the file the http-errors section
 * gives the status, null when the section lacks it (then the reply has no payload).
 */
public record HttpReply(int status, String contentType, Kind kind, String body, LogFormat bodyFormat, List<Header> headers) {
    public enum Kind {
        /** No payload. */
        NONE,
        /** A raw payload: {@code string}. */
        STRING,
        /** A log-format payload: {@code lf-string}, {@code lf-file}. */
        LF_STRING,
        /** A raw payload read from a file: {@code file}. */
        FILE,
        /** The proxy's error message for the status (built-in, errorfile, or http-error). */
        DEFAULT_ERRORFILES,
        /** A whole HTTP response read from an error file: {@code errorfile}, {@code errorfiles}. */
        ERRORFILE
    }

    public record Header(String name, LogFormat value) {}

    public HttpReply {
        headers = List.copyOf(headers);
    }

    private static final List<String> WORDS = List.of("status", "content-type", "default-errorfiles", "errorfile", "errorfiles",
            "string", "lf-string", "file", "lf-file", "hdr");

    /**
     * Parses the reply's words from {@code i} to the line's condition. {@code statusWords} are the
     * words that set the status ({@code status}, and {@code deny_status} for deny/tarpit);
     * without a payload word the reply is {@code dflt}'s kind.
     */
    public static HttpReply parse(ActionLine a, int i, int defaultStatus, Set<String> statusWords, Kind dflt) {
        int status = defaultStatus;
        String contentType = null, body = null, payloadWord = null, section = null;
        LogFormat bodyFormat = null;
        Kind kind = null;
        List<Header> headers = new ArrayList<>();
        int end = a.conditionStart(i);
        while (i < end) {
            String w = a.word(i);
            if (statusWords.contains(w)) {
                status = a.integer(i + 1, "status code");
                if (status < 200 || status > 599) throw a.error(i + 1, "invalid " + w + " " + status, "use a status between 200 and 599");
                i += 2;
                continue;
            }
            switch (w) {
                case "content-type" -> {
                    contentType = a.string(i + 1, "a content type");
                    i += 2;
                    continue;
                }
                case "hdr" -> {
                    String name = a.string(i + 1, "a header name");
                    a.need(i + 2, "a header value");
                    if (name.equalsIgnoreCase("content-length") || name.equalsIgnoreCase("transfer-encoding") || name.equalsIgnoreCase("content-type")) {
                        a.warn(i + 1, "header '" + name + "' always ignored by the http reply", null);
                    } else {
                        headers.add(new Header(name, a.logFormat(i + 2)));
                    }
                    i += 3;
                    continue;
                }
                default -> { }
            }
            if (!WORDS.contains(w)) {
                throw a.error(i, "unexpected '" + w + "' in the reply", ClosestName.hint(w, statusWords.isEmpty() ? WORDS : concat(statusWords)));
            }
            if (kind != null) throw a.error(i, "unexpected '" + w + "' argument, '" + payloadWord + "' already defined", "give one payload");
            payloadWord = w;
            switch (w) {
                case "default-errorfiles" -> {
                    kind = Kind.DEFAULT_ERRORFILES;
                    i++;
                }
                case "errorfile" -> {
                    kind = Kind.ERRORFILE;
                    body = a.string(i + 1, "a file");
                    checkErrorFile(a, i + 1, body);
                    i += 2;
                }
                case "errorfiles" -> {
                    kind = Kind.ERRORFILE;
                    section = a.string(i + 1, "the name of an http-errors section");
                    List<ErrorPageSpec> pages = a.httpErrorsSection(section);
                    if (pages == null) {
                        throw a.error(i + 1, "unknown http-errors section '" + section + "' referenced by an http reply",
                                "declare 'http-errors " + section + "' (with 'errorfile CODE FILE' lines) above this line");
                    }
                    i += 2;
                }
                case "string", "file" -> {
                    kind = w.equals("string") ? Kind.STRING : Kind.FILE;
                    body = a.string(i + 1, "a value");
                    i += 2;
                }
                case "lf-string" -> {
                    kind = Kind.LF_STRING;
                    body = a.string(i + 1, "a value");
                    bodyFormat = a.logFormat(i + 1);
                    i += 2;
                }
                case "lf-file" -> {
                    // HAProxy reads the file when it parses the rule and evaluates its content as a log-format
                    String path = a.string(i + 1, "a file");
                    String content;
                    try {
                        content = Files.readString(Path.of(path), StandardCharsets.ISO_8859_1);
                    } catch (IOException | UncheckedIOException e) {
                        throw a.error(i + 1, "failed to open file '" + path + "' of 'lf-file': " + e.getMessage(), "check the path (relative paths start from vxlb's working directory)");
                    }
                    try {
                        bodyFormat = LogFormatParser.parse(content);
                    } catch (RuleException e) {
                        throw a.error(i + 1, "in 'lf-file' " + path + ": " + e.getMessage(), e.hint());
                    }
                    kind = Kind.LF_STRING;
                    body = content;
                    i += 2;
                }
                default -> throw new IllegalStateException(w);
            }
        }
        a.end(i);
        if (kind == null) kind = dflt;
        if (section != null) {
            // errorfiles NAME: the section's file for this status, resolved now (HAProxy: at post-parse)
            body = null;
            for (ErrorPageSpec e : a.httpErrorsSection(section)) {
                if (e.status() == status && e.kind() == ErrorPageSpec.Kind.FILE) body = e.value();
            }
            if (body != null) checkErrorFile(a, 1, body);
            if (body == null) a.warn(1, "status '" + status + "' referenced by an http reply not declared in http-errors section '" + section + "'", null);
        }
        if ((kind == Kind.DEFAULT_ERRORFILES || (kind == Kind.ERRORFILE && "errorfiles".equals(payloadWord))) && !ErrorPageSpec.STATUSES.contains(status)) {
            throw a.error(1, "status code '" + status + "' not handled by default with '" + payloadWord + "' argument",
                    "one of " + ErrorPageSpec.STATUSES);
        }
        if (kind == Kind.DEFAULT_ERRORFILES || kind == Kind.ERRORFILE) {
            if (contentType != null) a.warn(1, "content-type '" + contentType + "' ignored by the http reply when used with an errorfile", null);
            if (!headers.isEmpty()) a.warn(1, "hdr parameters ignored by the http reply when used with an errorfile", null);
            return new HttpReply(status, null, kind, body, null, List.of());
        }
        boolean emptyPayload = switch (kind) {
            case STRING, LF_STRING -> body.isEmpty();
            case FILE -> {
                try {
                    yield Files.size(Path.of(body)) == 0;
                } catch (IOException | RuntimeException e) {
                    yield false;
                }
            }
            default -> true;
        };
        if ((status == 204 || status == 304) && !emptyPayload && kind != Kind.LF_STRING) {
            throw a.error(1, "No body expected for " + status + " responses", "remove the payload");
        }
        if (body != null && contentType == null && !emptyPayload) throw a.error(i - 1, "a content type must be defined when non-empty payload is configured", "e.g. content-type text/plain");
        if ((kind == Kind.STRING || kind == Kind.FILE) && emptyPayload && contentType != null) {
            a.warn(1, "content-type '" + contentType + "' ignored by the http reply when used with an empty payload", null);
            contentType = null;
        }
        if (kind == Kind.NONE && contentType != null) {
            a.warn(1, "content-type '" + contentType + "' ignored by the http reply because neither errorfile nor payload defined",
                    "remove 'content-type', or give the reply a body ('string', 'lf-string', 'file', 'lf-file')");
            contentType = null;
        }
        return new HttpReply(status, contentType, kind, body, bodyFormat, headers);
    }

    /** An error file is read and checked when the rule is parsed, as HAProxy's http_load_errorfile. */
    private static void checkErrorFile(ActionLine a, int word, String path) {
        try {
            ErrorReplies.parse(Files.readAllBytes(Path.of(path)));
        } catch (IOException | UncheckedIOException e) {
            throw a.error(word, "error opening file '" + path + "': " + e.getMessage(), "check the path (relative paths start from vxlb's working directory)");
        } catch (IllegalArgumentException e) {
            throw a.error(word, "error file '" + path + "': " + e.getMessage(), "an error file is a whole HTTP/1.x response: status line, headers, empty line, body");
        }
    }

    private static List<String> concat(Set<String> statusWords) {
        List<String> l = new ArrayList<>(statusWords);
        for (String w : WORDS) if (!w.equals("status")) l.add(w);
        return l;
    }

    /** A reply's response as built for one transaction. */
    public record Response(int status, HeaderList headers, Buffer body) {}

    /**
     * The response a payload reply ({@code string}, {@code lf-string}, {@code file}, none) builds:
     * HAProxy's order (http_reply_to_htx): the hdr lines, an empty one left out, then
     * content-length, then content-type when there is a body.
     */
    public java.util.function.Function<ActionContext, Response> response(ActionCompiler c) {
        Buffer fixed = switch (kind) {
            case STRING -> Buffer.buffer(body);
            case FILE -> c.file(body);
            default -> Buffer.buffer();
        };
        CompiledLogFormat bodyLf = kind == Kind.LF_STRING ? c.format(bodyFormat) : null;
        CompiledLogFormat[] values = new CompiledLogFormat[headers.size()];
        for (int i = 0; i < values.length; i++) values[i] = c.format(headers.get(i).value());
        return txn -> {
            Buffer out = bodyLf != null ? Buffer.buffer(bodyLf.format(txn)) : fixed;
            HeaderList h = new HeaderList(values.length + 2);
            for (int i = 0; i < values.length; i++) {
                String v = values[i].format(txn);
                if (!v.isEmpty()) h.add(headers.get(i).name(), v);
            }
            h.add("content-length", Integer.toString(out.length()));
            if (contentType != null && out.length() > 0) h.add("content-type", contentType);
            return new Response(status, h, out);
        };
    }

    /** The error page this reply answers with, or null when it builds its own response (or defers to the proxy's page). */
    public ErrorPages.Page errorPage(ActionCompiler c) {
        if (kind != Kind.ERRORFILE) return null;
        if (body == null) return null;
        byte[] raw = c.file(body).getBytes();
        ErrorPages.Page p = ErrorReplies.parse(raw);
        // an empty error file: nothing is sent, whatever the status
        return p.body() == null ? new ErrorPages.Page(status, "", null, true, List.of(), null) : p;
    }

    /**
     * The reply as an action: it answers through {@link ActionContext#reply} (or, for error
     * files, {@link ActionContext#replyPage}). {@code deny} marks it as a deny for the logs and counters.
     */
    public CompiledAction compile(ActionCompiler c, boolean deny) {
        if (kind == Kind.DEFAULT_ERRORFILES || kind == Kind.ERRORFILE) {
            ErrorPages.Page page = errorPage(c);
            boolean noPayload = kind == Kind.ERRORFILE && page == null;  // errorfiles NAME without this status
            return txn -> {
                if (noPayload) {
                    HeaderList h = new HeaderList(1);
                    h.add("content-length", "0");
                    if (deny) txn.denyWith(status, null, h, Buffer.buffer());
                    else txn.reply(status, h, Buffer.buffer());
                } else if (deny) {
                    txn.denyWith(status, page, null, null);
                } else {
                    txn.replyPage(status, page);
                }
                return CompiledAction.Verdict.ANSWERED;
            };
        }
        java.util.function.Function<ActionContext, Response> maker = response(c);
        return txn -> {
            Response r = maker.apply(txn);
            if (deny) txn.denyWith(status, null, r.headers(), r.body());
            else txn.reply(status, r.headers(), r.body());
            return CompiledAction.Verdict.ANSWERED;
        };
    }
}
