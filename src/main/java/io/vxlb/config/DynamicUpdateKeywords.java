package io.vxlb.config;

/** The {@code dynamic-update} section (HAPEE lb-update, seed 003): periodic map downloads. */
final class DynamicUpdateKeywords {
    private DynamicUpdateKeywords() {}

    static void register(KeywordTable t) {
        t.add("update", Section.DYNAMIC_UPDATE, Support.PARSED, "id FILE url URL delay T [timeout T] [retries N] map|acl; map: fetched by one cluster node (rendezvous owner) and applied on all; acl: not yet", (ctx, line) -> {
            if (!line.arg(1).equals("id")) throw new ConfigException(1, "expected 'id FILE'", "'update id FILE url URL delay T [timeout T] [retries N] map'");
            String file = ProxyKeywords.stringArg(line, 2, "the map file the update replaces");
            if (file.equals("url") || file.equals("delay")) {
                // seed 003: "update id url delay 60s ..." lost both the map file and the URL
                throw new ConfigException(2, "missing the map file after 'id'", "'update id FILE url URL delay T [timeout T] [retries N] map'");
            }
            String url = null;
            long delay = 0, timeout = 5000;
            int retries = 3;
            Boolean map = null;
            for (int i = 3; i < line.size(); i++) {
                switch (line.arg(i)) {
                    case "url" -> {
                        url = ProxyKeywords.stringArg(line, ++i, "a URL");
                        if (!url.startsWith("http://") && !url.startsWith("https://")) throw new ConfigException(i, "invalid URL '" + url + "'", "an http:// or https:// URL");
                    }
                    case "delay" -> delay = ProxyKeywords.duration(line, ++i);
                    case "timeout" -> timeout = ProxyKeywords.duration(line, ++i);
                    case "retries" -> retries = ProxyKeywords.intArg(line, ++i, "retry count");
                    case "map" -> map = true;
                    case "acl" -> map = false;
                    default -> throw new ConfigException(i, "unexpected '" + line.arg(i) + "'", "'update id FILE url URL delay T [timeout T] [retries N] map'");
                }
            }
            if (url == null) throw new ConfigException(0, "missing 'url URL'", null);
            if (delay <= 0) throw new ConfigException(0, "missing 'delay T'", "e.g. 'delay 60s'");
            if (map == null) throw new ConfigException(0, "missing 'map' or 'acl' at the end", null);
            ctx.mapUpdates.add(new MapUpdate(line.location(2), file, url, delay, timeout, retries, map));
        });
    }
}
