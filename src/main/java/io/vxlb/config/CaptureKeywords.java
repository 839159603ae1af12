package io.vxlb.config;

/** {@code declare capture request|response len N}: a capture slot that capture actions fill. */
final class CaptureKeywords {
    private CaptureKeywords() {}

    static void register(KeywordTable t) {
        // unique-id-format/unique-id-header live here too: like captures, request identity for logs
        t.add("unique-id-format", Section.FRONT_SIDE, Support.SUPPORTED, "FORMAT: the request's unique id (fetch unique-id, %ID), made once per request",
                (ctx, line) -> {
                    GlobalKeywords.need(line, 1, "a log-format string");
                    ProxyKeywords.noExtra(line, 2);
                    RuleKeywords.logFormat(line, 1);  // checked now: a bad format is an error at its line
                    ctx.proxy.uniqueIdFormat = new Proxy.LogFormatSpec(line.arg(1), line.location(1));
                });
        t.add("unique-id-header", Section.FRONT_SIDE, Support.SUPPORTED, "NAME: sends the unique id to the server in header NAME",
                (ctx, line) -> {
                    GlobalKeywords.need(line, 1, "a header name");
                    ProxyKeywords.noExtra(line, 2);
                    ctx.proxy.uniqueIdHeader = line.arg(1);
                });
        t.add("declare capture", Section.FRONTEND | Section.LISTEN, Support.SUPPORTED,
                "declare capture request|response len N: a slot for http-request/http-response capture ... id N, logged with %hr/%hs",
                (ctx, line) -> {
                    boolean request = switch (line.arg(2)) {
                        case "request" -> true;
                        case "response" -> false;
                        default -> throw new ConfigException(2, "expected 'request' or 'response'", "declare capture request len N");
                    };
                    if (!line.arg(3).equals("len")) throw new ConfigException(3, "expected 'len'", "declare capture " + line.arg(2) + " len N");
                    int len = ProxyKeywords.intArg(line, 4, "length");
                    if (len < 1) throw new ConfigException(4, "capture length must be at least 1", null);
                    ProxyKeywords.noExtra(line, 5);
                    addSlot(ctx.proxy, request, len);
                });
    }

    /** Appends a slot for capture actions; returns its index on its side. */
    static int addSlot(ProxyBuilder p, boolean request, int length) {
        int index = 0;
        for (Capture c : p.captures) if (c.request() == request) index++;
        p.captures.add(new Capture(request, null, length));
        return index;
    }
}
