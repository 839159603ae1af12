package io.vxlb.health;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vxlb.config.CheckStep;
import io.vxlb.config.HttpCheckRequest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code option httpchk} / {@code http-check send} / {@code http-check expect}, as HAProxy 2.6
 * builds and judges it (src/tcpcheck.c: tcpcheck_eval_send for TCPCHK_SEND_HTTP,
 * tcpcheck_eval_expect_http). The request is written on a raw connection so that legacy
 * headers, HTTP/1.0 and a {@code 101} answer behave exactly as there: "METH URI VER", the
 * headers, {@code Connection: close} unless one was given, {@code Content-length}. Without an
 * expect rule, the status must be 200-399.
 */
public final class HttpCheck implements Check {
    private final CheckTarget target;
    private final boolean ssl;
    private final Buffer request;
    private final boolean headRequest;
    private final List<Expectation> expects;

    /** One compiled {@code http-check expect}. */
    record Expectation(boolean negate, CheckStep.ExpectKind kind, String pattern, int[][] ranges, Pattern regex) {
        static Expectation of(CheckStep.Expect e) {
            int[][] ranges = null;
            Pattern regex = null;
            switch (e.kind()) {
                case STATUS -> {
                    String[] parts = e.pattern().split(",");
                    ranges = new int[parts.length][];
                    for (int i = 0; i < parts.length; i++) {
                        String[] lh = parts[i].split("-");
                        int lo = Integer.parseInt(lh[0].trim());
                        ranges[i] = new int[] {lo, lh.length > 1 ? Integer.parseInt(lh[1].trim()) : lo};
                    }
                }
                case RSTATUS, RSTRING -> regex = Pattern.compile(e.pattern());
                default -> { }
            }
            return new Expectation(e.negate(), e.kind(), e.pattern(), ranges, regex);
        }

        boolean onBody() {
            return kind == CheckStep.ExpectKind.STRING || kind == CheckStep.ExpectKind.RSTRING;
        }
    }

    public HttpCheck(CheckTarget target, boolean ssl, HttpCheckRequest httpchk, List<CheckStep> steps) {
        this.target = target;
        this.ssl = ssl;
        HttpCheckRequest base = httpchk != null ? httpchk : HttpCheckRequest.DEFAULT;
        String method = base.method(), uri = base.uri(), version = base.version(), body = null;
        List<CheckStep.Header> headers = new ArrayList<>(base.headers());
        List<Expectation> ex = new ArrayList<>();
        for (CheckStep s : steps) {
            if (s instanceof CheckStep.HttpSend send) {
                if (send.method() != null) method = send.method();
                if (send.uri() != null) uri = send.uri();
                if (send.version() != null) version = send.version();
                if (send.body() != null) body = send.body();
                headers.addAll(send.headers());
            } else if (s instanceof CheckStep.Expect e) {
                ex.add(Expectation.of(e));
            }
        }
        if (ex.isEmpty()) ex.add(Expectation.of(new CheckStep.Expect(null, false, CheckStep.ExpectKind.STATUS, "200-399")));
        this.expects = List.copyOf(ex);
        this.headRequest = method.equalsIgnoreCase("HEAD");
        StringBuilder sb = new StringBuilder();
        sb.append(method).append(' ').append(uri == null || uri.isEmpty() ? "/" : uri).append(' ').append(version).append("\r\n");
        boolean connection = false;
        for (CheckStep.Header h : headers) {
            if (h.value().isEmpty()) continue;
            sb.append(h.name()).append(": ").append(h.value()).append("\r\n");
            if (h.name().equalsIgnoreCase("connection")) connection = true;
        }
        byte[] bodyBytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.ISO_8859_1);
        if (!connection) sb.append("Connection: close\r\n");
        sb.append("Content-length: ").append(bodyBytes.length).append("\r\n\r\n");
        Buffer req = Buffer.buffer(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
        req.appendBytes(bodyBytes);
        this.request = req;
    }

    /** The bytes written on each check (for tests and diagnostics). */
    public String requestText() {
        return request.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public Future<CheckResult> run() {
        CheckRun r = new CheckRun(target);
        r.onTimeout = connected -> new CheckResult(connected ? CheckStatus.L7TOUT : CheckStatus.L4TOUT, 0, "", 0);
        r.onInput = () -> evaluate(r);
        r.connect(target.port(), ssl, () -> r.write(request), err -> r.finish(CheckStatus.L4CON, 0, err));
        return r.future();
    }

    private void evaluate(CheckRun r) {
        Response resp = Response.parse(r.in, r.lastRead, headRequest);
        if (resp == null) {
            if (r.lastRead) r.finish(CheckStatus.L7RSP, 0, "");
            return; // wait for the whole header
        }
        if (resp.invalid) {
            r.finish(CheckStatus.L7RSP, 0, "");
            return;
        }
        for (Expectation e : expects) {
            boolean match;
            if (!e.onBody()) {
                if (e.kind == CheckStep.ExpectKind.STATUS) {
                    match = false;
                    for (int[] range : e.ranges) if (resp.code >= range[0] && resp.code <= range[1]) match = true;
                } else {
                    match = e.regex.matcher(Integer.toString(resp.code)).find();
                }
                if (match == e.negate) {
                    r.finish(CheckStatus.L7STS, resp.code, resp.reason);
                    return;
                }
                continue;
            }
            String body = resp.body();
            boolean complete = resp.complete || r.lastRead;
            if (body.isEmpty()) {
                if (!complete) return;
                r.finish(CheckStatus.L7RSP, resp.code, "HTTP content check could not find a response body");
                return;
            }
            match = e.kind == CheckStep.ExpectKind.STRING ? body.contains(e.pattern) : e.regex.matcher(body).find();
            if (!match && !complete) return; // wait for more data
            if (match == e.negate) {
                r.finish(CheckStatus.L7RSP, resp.code, e.negate ? "HTTP check matched unwanted content" : "HTTP content check did not match");
                return;
            }
        }
        r.finish(CheckStatus.L7OK, resp.code, "");
    }

    /** The part of an HTTP/1 response received so far. */
    static final class Response {
        int code;
        String reason = "";
        boolean invalid;
        boolean complete;
        private byte[] bodyBytes = new byte[0];

        String body() {
            return new String(bodyBytes, StandardCharsets.ISO_8859_1);
        }

        /** null while the header block is incomplete. */
        static Response parse(Buffer in, boolean lastRead, boolean head) {
            byte[] b = in.getBytes();
            int end = indexOf(b, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 0);
            int bodyStart = end + 4;
            if (end < 0) {
                end = indexOf(b, "\n\n".getBytes(StandardCharsets.ISO_8859_1), 0);
                bodyStart = end + 2;
            }
            Response r = new Response();
            if (end < 0) {
                if (lastRead && b.length > 0) {
                    r.invalid = true;
                    return r;
                }
                return null;
            }
            String[] lines = new String(b, 0, end, StandardCharsets.ISO_8859_1).split("\r?\n");
            String[] sl = lines[0].split(" ", 3);
            if (sl.length < 2 || !sl[0].startsWith("HTTP/") || !sl[1].matches("\\d{3}")) {
                r.invalid = true;
                return r;
            }
            r.code = Integer.parseInt(sl[1]);
            r.reason = sl.length > 2 ? sl[2] : "";
            long contentLength = -1;
            boolean chunked = false;
            for (int i = 1; i < lines.length; i++) {
                int c = lines[i].indexOf(':');
                if (c <= 0) continue;
                String name = lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT);
                String value = lines[i].substring(c + 1).trim();
                if (name.equals("content-length")) {
                    try {
                        contentLength = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        r.invalid = true;
                        return r;
                    }
                } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                    chunked = true;
                }
            }
            byte[] raw = java.util.Arrays.copyOfRange(b, bodyStart, b.length);
            if (head || r.code == 204 || r.code == 304 || (r.code >= 100 && r.code < 200)) {
                r.complete = true;
            } else if (chunked) {
                dechunk(r, raw);
            } else if (contentLength >= 0) {
                r.bodyBytes = raw.length > contentLength ? java.util.Arrays.copyOf(raw, (int) contentLength) : raw;
                r.complete = raw.length >= contentLength;
            } else {
                r.bodyBytes = raw;
            }
            return r;
        }

        private static void dechunk(Response r, byte[] raw) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            int p = 0;
            while (true) {
                int eol = indexOf(raw, new byte[] {'\r', '\n'}, p);
                if (eol < 0) break;
                String size = new String(raw, p, eol - p, StandardCharsets.ISO_8859_1);
                int semi = size.indexOf(';');
                if (semi >= 0) size = size.substring(0, semi);
                int n;
                try {
                    n = Integer.parseInt(size.trim(), 16);
                } catch (NumberFormatException e) {
                    r.invalid = true;
                    break;
                }
                if (n == 0) {
                    r.complete = true;
                    break;
                }
                int start = eol + 2;
                if (start + n > raw.length) {
                    out.write(raw, start, raw.length - start);
                    break;
                }
                out.write(raw, start, n);
                p = start + n + 2;
                if (p > raw.length) break;
            }
            r.bodyBytes = out.toByteArray();
        }

        static int indexOf(byte[] hay, byte[] needle, int from) {
            outer:
            for (int i = Math.max(0, from); i <= hay.length - needle.length; i++) {
                for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
                return i;
            }
            return -1;
        }
    }
}
