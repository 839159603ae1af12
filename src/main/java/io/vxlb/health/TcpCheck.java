package io.vxlb.health;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vxlb.config.CheckStep;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code option tcp-check} rules ({@code connect [port] [ssl]}, {@code send}, {@code send-binary},
 * {@code expect [!] string|rstring|binary|rbinary}), {@code option redis-check} and
 * {@code option mysql-check} (HAProxy's rule sets built from tcp-check rules), run as
 * HAProxy 2.6's tcpcheck_main() runs them: an implicit connect first unless the first rule is a
 * connect; input is cleared on each send; an expect waits for more data until it matches, the
 * peer closes or the check times out; a negated expect fails as soon as the content shows up.
 * Step numbers and "info" texts are HAProxy's (src/tcpcheck.c tcpcheck_expect_onerror_message,
 * src/check.c chk_report_conn_err).
 */
public final class TcpCheck implements Check {
    /** option redis-check's rules (src/tcpcheck.c proxy_parse_redis_check_opt). */
    public static final List<CheckStep> REDIS_STEPS = List.of(
            new CheckStep.Send(null, "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.ISO_8859_1), false),
            new CheckStep.Expect(null, false, CheckStep.ExpectKind.STRING, "+PONG\r\n"));

    private final CheckTarget target;
    private final boolean serverSsl;
    private final List<Rule> rules;
    private final boolean redis;
    /** A protocol check (redis-check, mysql-check): no tcp-check step details in the info texts. */
    private final boolean protocol;
    /** option mysql-check: the server's greeting may arrive before the login is sent, and is kept. */
    private final boolean mysql;

    /** An expect rule evaluated by code rather than a pattern (HAProxy's "expect custom"). */
    private enum Custom { NONE, MYSQL_INITIAL_HANDSHAKE, MYSQL_OK }

    /** A rule with its HAProxy step number (1-based; 0 for the implicit connect). */
    private record Rule(int step, CheckStep step0, byte[] needle, Pattern regex, boolean implicit, Custom custom) {
        Rule(int step, CheckStep step0, byte[] needle, Pattern regex, boolean implicit) {
            this(step, step0, needle, regex, implicit, Custom.NONE);
        }
    }

    private TcpCheck(CheckTarget target, boolean serverSsl, List<Rule> rules) {
        this.target = target;
        this.serverSsl = serverSsl;
        this.redis = false;
        this.protocol = true;
        this.mysql = true;
        this.rules = List.copyOf(rules);
    }

    /**
     * {@code option mysql-check [user U [post-41|pre-41]]} as src/tcpcheck.c
     * proxy_parse_mysql_check_opt() builds it: connect; with a user, send a client authentication
     * packet for U (no password) followed by COM_QUIT; expect the server's initial handshake
     * packet (not an error packet); with a user, then expect the packet after it to be an OK
     * packet, not an error. Passing reports the server version as the info ("Layer7 check
     * passed"); an error packet gives L7STS with the MySQL error number as code and its text as
     * info, a truncated packet L7RSP.
     */
    public static TcpCheck mysql(CheckTarget target, boolean serverSsl, io.vxlb.config.CheckSettings.Mysql settings) {
        List<Rule> rules = new ArrayList<>();
        int step = 1;
        rules.add(new Rule(step++, new CheckStep.Connect(null, 0, null, serverSsl, false), null, null, false));
        if (settings.user() != null) {
            rules.add(new Rule(step++, new CheckStep.Send(null, mysqlLoginAndQuit(settings.user(), settings.post41()), true), null, null, false));
        }
        CheckStep.Expect custom = new CheckStep.Expect(null, false, CheckStep.ExpectKind.BINARY, "");
        rules.add(new Rule(step++, custom, null, null, false, Custom.MYSQL_INITIAL_HANDSHAKE));
        if (settings.user() != null) rules.add(new Rule(step, custom, null, null, false, Custom.MYSQL_OK));
        return new TcpCheck(target, serverSsl, rules);
    }

    /** The client authentication packet (sequence id 1, user, no password) and a COM_QUIT packet, as HAProxy sends them. */
    static byte[] mysqlLoginAndQuit(String user, boolean post41) {
        byte[] u = user.getBytes(StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        int len = post41 ? u.length + 7 + 27 : u.length + 7;
        b.write(len & 0xff);
        b.write((len >> 8) & 0xff);
        b.write((len >> 16) & 0xff);
        b.write(1);
        if (post41) {
            b.writeBytes(HexFormat.of().parseHex("00820000"));   // capabilities: PROTOCOL_41 | SECURE_CONNECTION
            b.writeBytes(HexFormat.of().parseHex("00800001"));   // max packet
            b.write(0x21);                                        // character set (utf8_general_ci)
            b.writeBytes(new byte[23]);
        } else {
            b.writeBytes(HexFormat.of().parseHex("0080"));       // capabilities
            b.writeBytes(HexFormat.of().parseHex("000001"));     // max packet
        }
        b.writeBytes(u);
        b.write(0);                                               // end of the user name
        b.write(0);                                               // empty auth response
        b.writeBytes(HexFormat.of().parseHex("0100000001"));     // COM_QUIT: length 1, sequence 0, 0x01
        return b.toByteArray();
    }

    public TcpCheck(CheckTarget target, boolean serverSsl, List<CheckStep> steps, boolean redis) {
        this.target = target;
        this.serverSsl = serverSsl;
        this.redis = redis;
        this.protocol = redis;
        this.mysql = false;
        List<Rule> list = new ArrayList<>();
        CheckStep first = steps.stream().filter(s -> !(s instanceof CheckStep.Comment)).findFirst().orElse(null);
        if (!(first instanceof CheckStep.Connect)) list.add(new Rule(0, new CheckStep.Connect(null, 0, null, serverSsl, false), null, null, true));
        for (int i = 0; i < steps.size(); i++) {
            CheckStep s = steps.get(i);
            if (s instanceof CheckStep.Comment) continue;
            byte[] needle = null;
            Pattern regex = null;
            if (s instanceof CheckStep.Expect e) {
                switch (e.kind()) {
                    case STRING -> needle = e.pattern().getBytes(StandardCharsets.ISO_8859_1);
                    case BINARY -> needle = HexFormat.of().parseHex(e.pattern());
                    case RSTRING, RBINARY -> regex = Pattern.compile(e.pattern());
                    default -> throw new IllegalArgumentException("tcp-check expect " + e.kind().word + " is not a tcp-check match");
                }
            }
            list.add(new Rule(i + 1, s, needle, regex, false));
        }
        this.rules = List.copyOf(list);
    }

    @Override
    public Future<CheckResult> run() {
        Run r = new Run(new CheckRun(target));
        r.run.onInput = r::resume;
        r.run.onTimeout = r::timeout;
        r.next();
        return r.run.future();
    }

    private final class Run {
        final CheckRun run;
        int idx;
        boolean waiting;

        Run(CheckRun run) {
            this.run = run;
        }

        void resume() {
            if (waiting) {
                waiting = false;
                next();
            }
        }

        void next() {
            while (!run.done && idx < rules.size()) {
                Rule rule = rules.get(idx);
                CheckStep s = rule.step0;
                if (s instanceof CheckStep.Connect c) {
                    int port = c.port() > 0 ? c.port() : target.port();
                    run.connect(port, c.ssl() || (rule.implicit && serverSsl), () -> {
                        idx++;
                        next();
                    }, err -> run.finish(CheckStatus.L4CON, 0, err + connSuffix(rule)));
                    return;
                } else if (s instanceof CheckStep.Send send) {
                    if (!run.connected) {
                        run.finish(CheckStatus.SOCKERR, 0, connSuffix(rule));
                        return;
                    }
                    if (mysql) run.writeKeepingInput(Buffer.buffer(send.data()));
                    else run.write(Buffer.buffer(send.data()));
                    idx++;
                } else if (rule.custom != Custom.NONE) {
                    if (!mysqlPacket(rule)) return;
                    idx++;
                } else if (s instanceof CheckStep.Expect e) {
                    byte[] data = run.in.getBytes();
                    boolean match = matches(rule, data);
                    if (e.negate() ? match : !match) {
                        if (!e.negate() && !run.lastRead) {
                            waiting = true;
                            return;
                        }
                        fail(rule, e, data);
                        return;
                    }
                    if (e.negate() && !run.lastRead) {
                        // "! string X": succeeds only once no more data can come (min-recv unset)
                        waiting = true;
                        return;
                    }
                    idx++;
                } else {
                    idx++;
                }
            }
            if (run.done) return;
            Rule last = rules.get(rules.size() - 1);
            if (redis) run.finish(CheckStatus.L7OK, 0, "Redis server is ok");
            else if (last.custom != Custom.NONE) run.finish(CheckStatus.L7OK, 0, mysqlVersion(run.in.getBytes()));
            else if (last.step0 instanceof CheckStep.Connect c) {
                run.finish(c.ssl() ? CheckStatus.L6OK : CheckStatus.L4OK, 0, last.implicit ? "" : "(tcp-check)");
            } else run.finish(CheckStatus.L7OK, 0, "(tcp-check)");
        }

        /**
         * src/tcpcheck.c tcpcheck_mysql_expect_packet(): the packet at the rule's offset (0 for the
         * initial handshake, after it for the OK) must be complete and not an error packet (0xff).
         * Returns true to go on; false when the run waits for more data or has finished.
         */
        private boolean mysqlPacket(Rule rule) {
            byte[] d = run.in.getBytes();
            // the OK packet follows the initial handshake, which the rule before made sure is complete
            int offset = rule.custom == Custom.MYSQL_OK ? 4 + u24(d, 0) : 0;
            if (d.length < offset + 4 || d.length < offset + 4 + u24(d, offset)) {
                if (!run.lastRead) {
                    waiting = true;
                    return false;
                }
                run.finish(CheckStatus.L7RSP, 0, "");  // invalid length or truncated response
                return false;
            }
            if (d.length > offset + 4 && (d[offset + 4] & 0xff) == 0xff) {
                int code = d.length > offset + 6 ? (d[offset + 5] & 0xff) | (d[offset + 6] & 0xff) << 8 : 0;
                String desc = d.length > offset + 7 ? new String(d, offset + 7, d.length - offset - 7, StandardCharsets.ISO_8859_1) : "";
                run.finish(CheckStatus.L7STS, code, desc);
                return false;
            }
            return true;
        }

        private static int u24(byte[] d, int at) {
            return (d[at] & 0xff) | (d[at + 1] & 0xff) << 8 | (d[at + 2] & 0xff) << 16;
        }

        /** The server version of the initial handshake (a C string after the protocol version byte). */
        private static String mysqlVersion(byte[] d) {
            int end = 5;
            while (end < d.length && d[end] != 0) end++;
            return d.length > 5 ? new String(d, 5, end - 5, StandardCharsets.ISO_8859_1) : "";
        }

        private boolean matches(Rule rule, byte[] data) {
            if (rule.needle != null) return HttpCheck.Response.indexOf(data, rule.needle, 0) >= 0;
            CheckStep.Expect e = (CheckStep.Expect) rule.step0;
            String text = e.kind() == CheckStep.ExpectKind.RBINARY ? HexFormat.of().withUpperCase().formatHex(data)
                    : new String(data, StandardCharsets.ISO_8859_1);
            return rule.regex.matcher(text).find();
        }

        private void fail(Rule rule, CheckStep.Expect e, byte[] data) {
            if (redis) {
                String payload = new String(data, StandardCharsets.ISO_8859_1);
                int crlf = payload.indexOf('\r');
                int lf = payload.indexOf('\n');
                int cut = crlf < 0 ? lf : lf < 0 ? crlf : Math.min(crlf, lf);
                run.finish(CheckStatus.L7STS, 0, cut >= 0 ? payload.substring(0, cut) : payload);
                return;
            }
            if (data.length == 0 && !e.negate()) {
                run.finish(CheckStatus.L7RSP, 0, "TCPCHK got an empty response at step " + rule.step);
                return;
            }
            String what = switch (e.kind()) {
                case STRING -> " '" + e.pattern() + "'";
                case BINARY -> " (binary)";
                case RSTRING -> " (regex)";
                default -> " (binary regex)";
            };
            run.finish(CheckStatus.L7RSP, 0, (e.negate() ? "TCPCHK matched unwanted content" : "TCPCHK did not match content")
                    + what + " at step " + rule.step);
        }

        CheckResult timeout(boolean connected) {
            Rule rule = idx < rules.size() ? rules.get(idx) : rules.get(rules.size() - 1);
            return new CheckResult(connected ? CheckStatus.L7TOUT : CheckStatus.L4TOUT, 0, connSuffix(rule), 0);
        }

        /** chk_report_conn_err's text after the error: " at step 4 of tcp-check (expect string 'x')". */
        private String connSuffix(Rule rule) {
            if (protocol) return "";
            if (rule.implicit) return " at initial connection step of tcp-check";
            StringBuilder sb = new StringBuilder(" at step ").append(rule.step).append(" of tcp-check");
            if (rule.step0 instanceof CheckStep.Connect c) {
                sb.append(c.port() > 0 ? " (connect port " + c.port() + ")" : " (connect)");
            } else if (rule.step0 instanceof CheckStep.Expect e) {
                sb.append(switch (e.kind()) {
                    case STRING -> " (expect string '" + e.pattern() + "')";
                    case BINARY -> " (expect binary '" + e.pattern() + "')";
                    case RSTRING -> " (expect regex)";
                    default -> " (expect binary regex)";
                });
            } else if (rule.step0 instanceof CheckStep.Send) {
                sb.append(" (send)");
            }
            return sb.toString();
        }
    }
}
