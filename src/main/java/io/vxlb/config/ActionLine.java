package io.vxlb.config;

import java.util.List;

import io.vxlb.rules.Condition;
import io.vxlb.rules.LogFormat;
import io.vxlb.rules.RuleException;
import io.vxlb.rules.SampleExpr;
import io.vxlb.rules.SampleExprParser;

/**
 * One {@code http-request}/{@code http-response} line as an action's parser reads it: the words
 * after the action keyword, with the config parser's checks and error messages (file, line,
 * word, hint) so every action reports mistakes the same way.
 */
public final class ActionLine {
    private final ParseContext ctx;
    private final ConfigLine line;
    private final boolean responseSide;
    private boolean conditionRead;
    private Condition condition;

    ActionLine(ParseContext ctx, ConfigLine line, boolean responseSide) {
        this.ctx = ctx;
        this.line = line;
        this.responseSide = responseSide;
    }

    /** Index of the first argument after the action keyword. */
    public int first() {
        return 2;
    }

    public boolean responseSide() {
        return responseSide;
    }

    /** The proxy the rule is written in (vxlb-stick: the default table of track-sc). */
    public String proxyName() {
        return ctx.proxy.name;
    }

    /** The word at {@code i} ("" past the end); word 1 is the action keyword as written. */
    public String word(int i) {
        return line.arg(i);
    }

    public boolean has(int i) {
        return line.has(i);
    }

    public void need(int i, String what) {
        GlobalKeywords.need(line, i, what);
    }

    public String string(int i, String what) {
        return ProxyKeywords.stringArg(line, i, what);
    }

    public int integer(int i, String what) {
        return ProxyKeywords.intArg(line, i, what);
    }

    public LogFormat logFormat(int i) {
        return RuleKeywords.logFormat(line, i);
    }

    /** A regex, checked now so that a bad one is a config error. */
    public String regex(int i) {
        return RuleKeywords.regex(line, i);
    }

    public SampleExpr sample(int i) {
        need(i, "a sample expression");
        try {
            return SampleExprParser.parse(line.arg(i));
        } catch (RuleException e) {
            throw new ConfigException(i, e.getMessage(), e.hint());
        }
    }

    /**
     * A new capture slot of the proxy ({@code http-request capture ... len N}, as
     * {@code declare capture}); returns its index. Only in frontends and listens.
     */
    public int newCaptureSlot(int word, boolean request, int length) {
        if (ctx.proxy.kind == ProxyKind.BACKEND) {
            throw new ConfigException(word, "a capture slot ('len') can only be declared in a frontend, listen or defaults section",
                    "declare it in the frontend ('declare capture request len N') and use 'id N' here");
        }
        return CaptureKeywords.addSlot(ctx.proxy, request, length);
    }

    /** The proxy can hold servers (a backend, a listen, or a defaults section used by them). */
    public boolean backendCapable() {
        return ctx.proxy.kind != ProxyKind.FRONTEND;
    }

    /** The entries of http-errors section {@code name} declared so far; null when there is none by that name. */
    public List<ErrorPageSpec> httpErrorsSection(String name) {
        return ctx.httpErrorSections.get(name);
    }

    /** The number of capture slots the proxy has declared so far on that side. */
    public int captureSlots(boolean request) {
        int n = 0;
        for (Capture c : ctx.proxy.captures) if (c.request() == request) n++;
        return n;
    }

    /** Every word before the condition (or the end of the line) must have been read by {@code i}. */
    public void end(int i) {
        RuleKeywords.end(line, i);
    }

    /** Index of the first if/unless at or after {@code from}, or the number of words. */
    public int conditionStart(int from) {
        return RuleKeywords.conditionStart(line, from);
    }

    /** The redirect syntax shared with the {@code redirect} keyword; it reads the rule's condition too. */
    public Redirect redirect(int i) {
        Redirect r = RuleKeywords.redirect(ctx, line, i);
        conditionRead = true;
        condition = r.condition();
        return r;
    }

    public void warn(int i, String message, String hint) {
        ctx.warn(line, i, message, hint);
    }

    public ConfigException error(int i, String message, String hint) {
        return new ConfigException(i, message, hint);
    }

    /** The rule's condition: the one the action read itself, else the words from if/unless on. */
    Condition condition() {
        return conditionRead ? condition : RuleKeywords.condition(ctx, line, 2, false);
    }
}
