package io.vxlb.config;

/** {@code declare capture request|response len N}: a capture slot that capture actions fill. */
final class CaptureKeywords {
    private CaptureKeywords() {}

    static void register(KeywordTable t) {
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
