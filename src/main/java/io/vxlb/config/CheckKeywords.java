package io.vxlb.config;

import io.vxlb.rules.ClosestName;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import static io.vxlb.config.Section.BACK_SIDE;

/** Health-check protocols: option httpchk / http-check, option tcp-check / tcp-check, redis-check... */
final class CheckKeywords {
    private CheckKeywords() {}

    private static final Pattern HTTP_VERSION = Pattern.compile("HTTP/\\d(\\.\\d)?");
    private static final Pattern STATUS_LIST = Pattern.compile("\\d{3}(-\\d{3})?(,\\d{3}(-\\d{3})?)*");

    static void register(KeywordTable t) {
        t.add("option httpchk", BACK_SIDE, Support.PARSED, "[METHOD] [URI] [VERSION] (headers after the version accepted, deprecated)", (ctx, line) -> {
            if (ctx.negated()) {
                ctx.proxy.checkKind = CheckSettings.Kind.CONNECT;
                ctx.proxy.httpchk = null;
                return;
            }
            ctx.proxy.checkKind = CheckSettings.Kind.HTTP;
            ctx.proxy.httpchk = httpchk(ctx, line);
        });
        ProxyKeywords.flag(t, "tcp-check", BACK_SIDE, "run the tcp-check rules", (ctx, line, on) ->
                ctx.proxy.checkKind = on ? CheckSettings.Kind.TCP_CHECK : CheckSettings.Kind.CONNECT);
        ProxyKeywords.flag(t, "redis-check", BACK_SIDE, "PING, expect +PONG", (ctx, line, on) ->
                ctx.proxy.checkKind = on ? CheckSettings.Kind.REDIS : CheckSettings.Kind.CONNECT);
        ProxyKeywords.flag(t, "mysql-check", BACK_SIDE, "[user U [post-41|pre-41]]: MySQL handshake, login as U and quit", (ctx, line, on) -> {
            ctx.proxy.checkKind = on ? CheckSettings.Kind.MYSQL : CheckSettings.Kind.CONNECT;
            ctx.proxy.mysqlCheck = on ? mysqlCheck(line) : null;
        });
        ProxyKeywords.flag(t, "pgsql-check", BACK_SIDE, "user U: PostgreSQL startup", (ctx, line, on) ->
                ctx.proxy.checkKind = on ? CheckSettings.Kind.PGSQL : CheckSettings.Kind.CONNECT);
        ProxyKeywords.flag(t, "smtpchk", BACK_SIDE, "SMTP greeting + HELO", (ctx, line, on) ->
                ctx.proxy.checkKind = on ? CheckSettings.Kind.SMTP : CheckSettings.Kind.CONNECT);
        ProxyKeywords.flag(t, "ldap-check", BACK_SIDE, "LDAPv3 anonymous bind", (ctx, line, on) ->
                ctx.proxy.checkKind = on ? CheckSettings.Kind.LDAP : CheckSettings.Kind.CONNECT);
        ProxyKeywords.flag(t, "ssl-hello-chk", BACK_SIDE, "TLS ClientHello", (ctx, line, on) ->
                ctx.proxy.checkKind = on ? CheckSettings.Kind.SSL_HELLO : CheckSettings.Kind.CONNECT);

        t.add("http-check expect", BACK_SIDE, Support.PARSED, "[!] status|rstatus|string|rstring PATTERN", (ctx, line) ->
                ctx.proxy.httpCheckSteps.add(expect(line, true)));
        t.add("http-check send", BACK_SIDE, Support.PARSED, "[meth M] [uri U] [ver V] [hdr NAME VALUE]* [body B]", (ctx, line) -> {
            String meth = null, uri = null, ver = null, body = null;
            List<CheckStep.Header> headers = new ArrayList<>();
            for (int i = 2; i < line.size(); i++) {
                switch (line.arg(i)) {
                    case "meth" -> meth = ProxyKeywords.stringArg(line, ++i, "a method");
                    case "uri" -> uri = ProxyKeywords.stringArg(line, ++i, "a URI");
                    case "ver" -> {
                        ver = ProxyKeywords.stringArg(line, ++i, "an HTTP version");
                        if (!HTTP_VERSION.matcher(ver).matches()) throw new ConfigException(i, "invalid HTTP version '" + ver + "'", "e.g. HTTP/1.1");
                    }
                    case "hdr" -> {
                        String n = ProxyKeywords.stringArg(line, ++i, "a header name");
                        headers.add(new CheckStep.Header(n, ProxyKeywords.stringArg(line, ++i, "a header value")));
                    }
                    case "body" -> body = ProxyKeywords.stringArg(line, ++i, "a body");
                    case "uri-lf", "body-lf" -> throw new ConfigException(i, "'" + line.arg(i) + "' is not supported yet", "use 'uri' / 'body'");
                    default -> throw new ConfigException(i, "unknown 'http-check send' option '" + line.arg(i) + "'",
                            ClosestName.hint(line.arg(i), List.of("meth", "uri", "ver", "hdr", "body")));
                }
            }
            ctx.proxy.httpCheckSteps.add(new CheckStep.HttpSend(line.location(1), meth, uri, ver, headers, body));
        });
        t.add("http-check connect", BACK_SIDE, Support.PARSED, "[port N] [addr A] [ssl] [send-proxy]", (ctx, line) ->
                ctx.proxy.httpCheckSteps.add(connect(line)));
        t.add("http-check comment", BACK_SIDE, Support.PARSED, "TEXT", (ctx, line) ->
                ctx.proxy.httpCheckSteps.add(new CheckStep.Comment(line.location(1), ProxyKeywords.stringArg(line, 2, "a comment"))));
        t.add("http-check disable-on-404", BACK_SIDE, Support.PARSED, "a 404 puts the server in drain", (ctx, line) -> ctx.proxy.disableOn404 = true);
        t.add("http-check send-state", BACK_SIDE, Support.IGNORED, "X-Haproxy-Server-State header", (ctx, line) ->
                ctx.warn(line, 1, "'http-check send-state' is ignored", null));

        t.add("tcp-check connect", BACK_SIDE, Support.PARSED, "[port N] [addr A] [ssl] [send-proxy]", (ctx, line) ->
                ctx.proxy.tcpCheckSteps.add(connect(line)));
        t.add("tcp-check send", BACK_SIDE, Support.PARSED, "STRING (\\r\\n escapes)", (ctx, line) -> {
            String data = ProxyKeywords.stringArg(line, 2, "the data to send");
            commentOnly(line, 3);
            if (data.endsWith("rn") && data.indexOf('\n') < 0) {
                // seed 003: "tcp-check send PINGrn" lost its backslashes; the server never answers it
                ctx.warn(line, 2, "'" + data + "' ends with 'rn' and holds no line break", "if a line ending was meant, write \\r\\n (the backslashes seem lost)");
            }
            ctx.proxy.tcpCheckSteps.add(new CheckStep.Send(line.location(2), data.getBytes(StandardCharsets.ISO_8859_1), false));
        });
        t.add("tcp-check send-binary", BACK_SIDE, Support.PARSED, "HEX", (ctx, line) -> {
            String hex = ProxyKeywords.stringArg(line, 2, "hexadecimal data");
            commentOnly(line, 3);
            ctx.proxy.tcpCheckSteps.add(new CheckStep.Send(line.location(2), hexBytes(line, 2), true));
        });
        t.add("tcp-check expect", BACK_SIDE, Support.PARSED, "[!] string|rstring|binary|rbinary PATTERN", (ctx, line) ->
                ctx.proxy.tcpCheckSteps.add(expect(line, false)));
        t.add("tcp-check comment", BACK_SIDE, Support.PARSED, "TEXT", (ctx, line) ->
                ctx.proxy.tcpCheckSteps.add(new CheckStep.Comment(line.location(1), ProxyKeywords.stringArg(line, 2, "a comment"))));
        t.reject("tcp-check send-lf", BACK_SIDE, Support.UNSUPPORTED, "not supported yet: use 'tcp-check send'");
        t.reject("tcp-check send-binary-lf", BACK_SIDE, Support.UNSUPPORTED, "not supported yet: use 'tcp-check send-binary'");
        t.reject("tcp-check set-var", BACK_SIDE, Support.UNSUPPORTED, "not supported yet");
        t.reject("tcp-check unset-var", BACK_SIDE, Support.UNSUPPORTED, "not supported yet");
        t.reject("http-check set-var", BACK_SIDE, Support.UNSUPPORTED, "not supported yet");
        t.reject("http-check unset-var", BACK_SIDE, Support.UNSUPPORTED, "not supported yet");
    }

    /** src/tcpcheck.c proxy_parse_mysql_check_opt(): {@code option mysql-check [user U [post-41|pre-41]]}. */
    private static CheckSettings.Mysql mysqlCheck(ConfigLine line) {
        if (!line.has(2)) return CheckSettings.Mysql.NO_USER;
        if (!line.arg(2).equals("user")) {
            throw new ConfigException(2, "'option mysql-check' only supports optional values: 'user' (got '" + line.arg(2) + "')",
                    "'option mysql-check user USERNAME [post-41|pre-41]'");
        }
        if (line.arg(3).isEmpty()) throw new ConfigException(3, "'option mysql-check user' expects <username> as argument", null);
        boolean post41 = true;
        if (line.has(4)) {
            switch (line.arg(4)) {
                case "post-41" -> post41 = true;
                case "pre-41" -> post41 = false;
                default -> throw new ConfigException(4, "keyword 'user' only supports 'post-41' and 'pre-41' (got '" + line.arg(4) + "')", null);
            }
        }
        if (line.has(5)) throw new ConfigException(5, "too many arguments", "'option mysql-check [user USERNAME [post-41|pre-41]]'");
        return new CheckSettings.Mysql(line.arg(3), post41);
    }

    /** {@code option httpchk}, {@code option httpchk URI}, {@code option httpchk METH URI [VERSION[\r\nHeaders]]}. */
    private static HttpCheckRequest httpchk(ParseContext ctx, ConfigLine line) {
        HttpCheckRequest d = HttpCheckRequest.DEFAULT;
        List<String> a = line.args(2);
        if (a.isEmpty()) return d;
        if (a.size() == 1) return new HttpCheckRequest(d.method(), a.get(0), d.version(), List.of());
        if (a.size() > 3) throw new ConfigException(5, "too many arguments", "'option httpchk [METHOD] [URI] [VERSION]'; escape spaces in headers with '\\ '");
        String method = a.get(0), uri = a.get(1);
        if (!method.matches("[A-Z]+")) throw new ConfigException(2, "invalid HTTP method '" + method + "'", "e.g. GET, HEAD or OPTIONS");
        String version = a.size() == 3 ? a.get(2) : d.version();
        List<CheckStep.Header> headers = new ArrayList<>();
        if (a.size() == 3) {
            String[] parts = version.split("\r\n");
            version = parts[0];
            if (!HTTP_VERSION.matcher(version).matches()) {
                String hint = version.contains("rn") ? "escape line breaks as \\r\\n (the backslashes seem lost: 'rn')" : "e.g. HTTP/1.1";
                throw new ConfigException(4, "invalid HTTP version '" + version + "'", hint);
            }
            for (int i = 1; i < parts.length; i++) {
                if (parts[i].isEmpty()) continue;
                int colon = parts[i].indexOf(':');
                if (colon <= 0) throw new ConfigException(4, "invalid header '" + parts[i] + "' after the version", "write 'Name:\\ value' pieces separated by \\r\\n");
                headers.add(new CheckStep.Header(parts[i].substring(0, colon).trim(), parts[i].substring(colon + 1).trim()));
            }
            if (!headers.isEmpty()) {
                ctx.warn(line, 4, "headers hidden at the end of the httpchk version string are deprecated (HAProxy 2.2+); accepted",
                        "use 'http-check send hdr NAME VALUE' lines");
            }
        }
        return new HttpCheckRequest(method, uri, version, headers);
    }

    private static CheckStep.Connect connect(ConfigLine line) {
        int port = 0;
        String addr = null;
        boolean ssl = false, sendProxy = false;
        for (int i = 2; i < line.size(); i++) {
            switch (line.arg(i)) {
                case "port" -> {
                    port = ProxyKeywords.intArg(line, ++i, "port");
                    if (port < 1 || port > 65535) throw new ConfigException(i, "invalid port " + port, "1-65535");
                }
                case "addr" -> addr = ProxyKeywords.stringArg(line, ++i, "an address");
                case "ssl" -> ssl = true;
                case "send-proxy" -> sendProxy = true;
                case "default", "linger", "via-socks4" -> { }
                case "sni", "alpn", "proto", "comment" -> ProxyKeywords.stringArg(line, ++i, "a value");
                default -> throw new ConfigException(i, "unknown connect option '" + line.arg(i) + "'",
                        ClosestName.hint(line.arg(i), List.of("port", "addr", "ssl", "send-proxy", "sni", "alpn", "linger", "comment")));
            }
        }
        return new CheckStep.Connect(line.location(1), port, addr, ssl, sendProxy);
    }

    private static CheckStep.Expect expect(ConfigLine line, boolean http) {
        int i = 2;
        boolean negate = false;
        while (line.arg(i).equals("min-recv") || line.arg(i).equals("comment") || line.arg(i).equals("ok-status")
                || line.arg(i).equals("error-status") || line.arg(i).equals("tout-status") || line.arg(i).equals("on-success")
                || line.arg(i).equals("on-error") || line.arg(i).equals("status-code")) {
            ProxyKeywords.stringArg(line, i + 1, "a value");
            i += 2;
        }
        if (line.arg(i).equals("!")) {
            negate = true;
            i++;
        }
        String kindWord = line.arg(i);
        if (kindWord.startsWith("!") && kindWord.length() > 1) {
            // tcpcheck.c: the '!' may be glued to the match ("!rstring"), and each one inverts
            negate = !negate;
            kindWord = kindWord.substring(1);
        }
        List<String> allowed = http ? List.of("status", "rstatus", "string", "rstring") : List.of("string", "rstring", "binary", "rbinary");
        if (!allowed.contains(kindWord)) {
            String hint = "use " + String.join(", ", allowed);
            if (http && (kindWord.equals("hdr") || kindWord.equals("fhdr"))) throw new ConfigException(i, "'http-check expect " + kindWord + "' is not supported yet", hint);
            throw new ConfigException(i, line.has(i) ? "unknown expect match '" + kindWord + "'" : "missing match type", hint);
        }
        CheckStep.ExpectKind kind = CheckStep.ExpectKind.valueOf(kindWord.toUpperCase(java.util.Locale.ROOT));
        String pattern = ProxyKeywords.stringArg(line, i + 1, "a pattern");
        switch (kind) {
            case STATUS -> {
                if (!STATUS_LIST.matcher(pattern).matches()) throw new ConfigException(i + 1, "invalid status list '" + pattern + "'", "e.g. 200, 200,302 or 200-399");
            }
            case RSTATUS, RSTRING, RBINARY -> {
                try {
                    Pattern.compile(pattern);
                } catch (PatternSyntaxException e) {
                    throw new ConfigException(i + 1, "invalid regular expression: " + e.getDescription(), null);
                }
            }
            case BINARY -> hexBytes(line, i + 1);
            default -> { }
        }
        commentOnly(line, i + 2);
        return new CheckStep.Expect(line.location(1), negate, kind, pattern);
    }

    private static void commentOnly(ConfigLine line, int i) {
        if (line.arg(i).equals("comment") && line.has(i + 1) && !line.has(i + 2)) return;
        if (line.has(i)) throw new ConfigException(i, "unexpected '" + line.arg(i) + "'", "escape spaces inside the data with '\\ '");
    }

    private static byte[] hexBytes(ConfigLine line, int i) {
        try {
            return HexFormat.of().parseHex(line.arg(i));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(i, "'" + line.arg(i) + "' is not an even-length hexadecimal string", "e.g. 50494e470d0a");
        }
    }
}
