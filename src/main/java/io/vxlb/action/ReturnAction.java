package io.vxlb.action;

import io.vertx.core.buffer.Buffer;
import io.vxlb.config.ActionLine;
import io.vxlb.proxy.HeaderList;
import io.vxlb.rules.ClosestName;
import io.vxlb.rules.CompiledLogFormat;
import io.vxlb.rules.LogFormat;
import io.vxlb.rules.LogFormatParser;
import io.vxlb.rules.RuleException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code return [status N] [content-type T] [string S | lf-string FMT | file F | lf-file F]
 * [hdr NAME FMT]*}; {@code body} holds the string, the log-format text or the file path.
 */
public record ReturnAction(int status, String contentType, BodyKind bodyKind, String body, LogFormat bodyFormat,
                           List<Header> headers) implements HttpAction {
    public enum BodyKind { NONE, STRING, LF_STRING, FILE }

    public record Header(String name, LogFormat value) {}

    public ReturnAction {
        headers = List.copyOf(headers);
    }

    static void register(HttpActions.Registrar r) {
        r.add("http-request return", "[status N] [content-type T] [string S|lf-string FMT|file F] [hdr NAME FMT]*", ReturnAction::parse);
        r.add("http-response return", "as http-request return", ReturnAction::parse);
    }

    private static ReturnAction parse(ActionLine a) {
        int i = a.first();
        int status = 200;
        String contentType = null, body = null;
        LogFormat bodyFormat = null;
        BodyKind kind = BodyKind.NONE;
        List<Header> headers = new ArrayList<>();
        int end = a.conditionStart(i);
        while (i < end) {
            String w = a.word(i);
            switch (w) {
                case "status" -> {
                    status = a.integer(i + 1, "status code");
                    if (status < 200 || status > 599) throw a.error(i + 1, "invalid status " + status, "use 200-599");
                    i += 2;
                }
                case "content-type" -> {
                    contentType = a.string(i + 1, "a content type");
                    i += 2;
                }
                case "string", "file" -> {
                    kind = w.equals("string") ? BodyKind.STRING : BodyKind.FILE;
                    body = a.string(i + 1, "a value");
                    i += 2;
                }
                case "lf-string" -> {
                    kind = BodyKind.LF_STRING;
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
                    kind = BodyKind.LF_STRING;
                    body = content;
                    i += 2;
                }
                case "hdr" -> {
                    String name = a.string(i + 1, "a header name");
                    headers.add(new Header(name, a.logFormat(i + 2)));
                    i += 3;
                }
                case "default-errorfiles" -> i++;
                case "errorfile", "errorfiles" -> throw a.error(i, "'" + w + "' in 'return' is not supported yet", "use 'string' or 'file'");
                default -> throw a.error(i, "unexpected '" + w + "' in 'return'",
                        ClosestName.hint(w, List.of("status", "content-type", "string", "lf-string", "file", "lf-file", "hdr")));
            }
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
        if (body != null && contentType == null && !emptyPayload) throw a.error(i - 1, "a 'return' body needs 'content-type'", "e.g. content-type text/plain");
        if ((kind == BodyKind.STRING || kind == BodyKind.FILE) && emptyPayload && contentType != null) {
            // parse_http_reply(): a raw payload that is empty drops its content-type, with a warning
            a.warn(1, "content-type '" + contentType + "' ignored by the http reply when used with an empty payload", null);
            contentType = null;
        }
        if (kind == BodyKind.NONE && contentType != null) {
            // http_htx.c parse_http_reply(): an empty reply drops its content-type, with a warning
            a.warn(1, "content-type '" + contentType + "' ignored by the http reply because neither errorfile nor payload defined",
                    "remove 'content-type', or give the reply a body ('string', 'lf-string', 'file', 'lf-file')");
            contentType = null;
        }
        return new ReturnAction(status, contentType, kind, body, bodyFormat, headers);
    }

    @Override public String keyword() { return "return"; }

    @Override
    public CompiledAction compile(ActionCompiler c) {
        Buffer fixed = switch (bodyKind) {
            case STRING -> Buffer.buffer(body);
            case FILE -> c.file(body);
            case NONE -> Buffer.buffer();
            case LF_STRING -> null;
        };
        CompiledLogFormat bodyLf = bodyKind == BodyKind.LF_STRING ? c.format(bodyFormat) : null;
        CompiledLogFormat[] values = new CompiledLogFormat[headers.size()];
        for (int i = 0; i < values.length; i++) values[i] = c.format(headers.get(i).value());
        return txn -> {
            Buffer out = bodyLf != null ? Buffer.buffer(bodyLf.format(txn)) : fixed;
            HeaderList h = new HeaderList(values.length + 2);
            // HAProxy's order (http_reply_to_htx): the hdr lines, an empty one left out, then
            // content-length, then content-type when there is a body
            for (int i = 0; i < values.length; i++) {
                String v = values[i].format(txn);
                if (!v.isEmpty()) h.add(headers.get(i).name(), v);
            }
            h.add("content-length", Integer.toString(out.length()));
            if (contentType != null && out.length() > 0) h.add("content-type", contentType);
            txn.reply(status, h, out);
            return CompiledAction.Verdict.ANSWERED;
        };
    }
}
