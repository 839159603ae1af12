package io.vxlb.config;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Every keyword vxlb knows, registered by the family that owns it (as HAProxy's keyword lists
 * do). Multi-word keywords ("timeout connect") take precedence over their first word.
 */
public final class KeywordTable {
    /**
     * (Declared before INSTANCE: static fields initialise in order.) Keywords the runtime enforces today. Families register keywords as PARSED; a keyword moves
     * here when a test proves its behaviour through the proxy, so the README table stays honest.
     */
    private static final java.util.Set<String> ENFORCED = java.util.Set.of(
            "mode", "bind", "backlog", "retries", "log", "log-tag", "monitor-uri", "nbthread",
            "timeout connect", "timeout client", "timeout server", "timeout http-request", "timeout http-keep-alive", "timeout tarpit", "timeout tunnel",
            "contimeout", "clitimeout", "srvtimeout", "redispatch",
            "option httplog", "option dontlognull", "option forwardfor", "option originalto", "option http-server-close", "option httpclose",
            "option http-keep-alive", "option http-pretend-keepalive", "option redispatch", "option allbackups",
            "acl", "use_backend", "default_backend", "use-server", "redirect", "capture request", "capture response",
            "option httpchk", "http-check expect", "http-check send", "http-check comment", "option tcp-check",
            "tcp-check connect", "tcp-check send", "tcp-check send-binary", "tcp-check expect", "tcp-check comment",
            "option redis-check", "option mysql-check", "timeout check", "option tcplog", "balance", "hash-type", "update", "cookie", "maxconn", "timeout queue", "http-reuse",
            "log-format");

    private static final KeywordTable INSTANCE = new KeywordTable();

    private final Map<String, Keyword> keywords = new LinkedHashMap<>();

    private KeywordTable() {
        GlobalKeywords.register(this);
        ProxyKeywords.register(this);
        RuleKeywords.register(this);
        BackendKeywords.register(this);
        CheckKeywords.register(this);
        DynamicUpdateKeywords.register(this);
        ErrorFileKeywords.register(this);
        CaptureKeywords.register(this);
        TcpRuleKeywords.register(this);
        AfterResponseKeywords.register(this);
        StickKeywords.register(this);
    }

    public static KeywordTable instance() {
        return INSTANCE;
    }

    void add(String name, int sections, Support support, String note, Keyword.Handler handler) {
        if (support == Support.PARSED && ENFORCED.contains(name)) support = Support.SUPPORTED;
        if (keywords.put(name, new Keyword(name, sections, support, note, handler)) != null) {
            throw new IllegalStateException("keyword registered twice: " + name);
        }
    }

    /** Registers a keyword that is refused with an error naming its replacement. */
    void reject(String name, int sections, Support support, String why) {
        add(name, sections, support, why, (ctx, line) -> {
            throw new ConfigException(0, (support == Support.REJECTED ? "'" + name + "' is no longer supported" : "'" + name + "' is not supported by vxlb"), why);
        });
    }

    /** The keyword for a line: the two-word form first ("option httplog"), then the one-word form. */
    public Keyword lookup(String first, String second) {
        int paren = second.indexOf('(');
        Keyword k = keywords.get(first + " " + (paren > 0 ? second.substring(0, paren) : second));
        return k != null ? k : keywords.get(first);
    }

    public Collection<Keyword> all() {
        return Collections.unmodifiableCollection(keywords.values());
    }

    /** Keyword names usable in the given section kind, for suggestions. */
    public List<String> namesFor(int section) {
        return keywords.values().stream().filter(k -> (k.sections() & section) != 0).map(Keyword::name).collect(Collectors.toList());
    }

    /** Sub-keywords of a family ("option" gives "httplog", "forwardfor"...). */
    public List<String> family(String first) {
        String prefix = first + " ";
        return keywords.keySet().stream().filter(n -> n.startsWith(prefix)).map(n -> n.substring(prefix.length())).toList();
    }
}
