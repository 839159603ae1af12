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
 * {@code expect [!] string|rstring|binary|rbinary}) and {@code option redis-check}, run as
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

    /** A rule with its HAProxy step number (1-based; 0 for the implicit connect). */
    private record Rule(int step, CheckStep step0, byte[] needle, Pattern regex, boolean implicit) {}

    public TcpCheck(CheckTarget target, boolean serverSsl, List<CheckStep> steps, boolean redis) {
        this.target = target;
        this.serverSsl = serverSsl;
        this.redis = redis;
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
                    run.write(Buffer.buffer(send.data()));
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
            else if (last.step0 instanceof CheckStep.Connect c) {
                run.finish(c.ssl() ? CheckStatus.L6OK : CheckStatus.L4OK, 0, last.implicit ? "" : "(tcp-check)");
            } else run.finish(CheckStatus.L7OK, 0, "(tcp-check)");
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
            if (redis) return "";
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
