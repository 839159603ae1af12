package io.vxlb.rules;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * HAProxy 2.6's ACL keywords (the acl_kw tables of src/http_acl.c, payload.c, ssl_sample.c).
 * Only these take a match from their name: there is no {@code req.hdr_beg} nor
 * {@code res.hdr_beg} (the response family is {@code shdr_*}), and {@code hdr_cnt},
 * {@code hdr_ip}, {@code url_port}... are plain fetches matched by their output type.
 */
public final class AclKeywords {
    private static final Map<String, AclKeyword> KEYWORDS = new LinkedHashMap<>();
    private static final List<MatchMethod> STRING_FAMILY = List.of(MatchMethod.BEG, MatchMethod.DIR,
            MatchMethod.DOM, MatchMethod.END, MatchMethod.LEN, MatchMethod.REG, MatchMethod.SUB);

    /** 2.6 ACL keywords vxlb leaves out (special matchers or fetches it lacks). */
    static final Set<String> UNSUPPORTED = Set.of("http_auth_group",
            "req_ssl_ver", "req.ssl_ver");

    private static void k(String name, String fetch, MatchMethod method) {
        SampleFetch f = SampleFetches.find(fetch).orElseThrow();
        KEYWORDS.put(name, new AclKeyword(name, f, method));
    }

    /** {@code base}, {@code base_beg}, ..., {@code base_sub} on one fetch. */
    private static void family(String prefix, String fetch) {
        k(prefix, fetch, MatchMethod.STR);
        for (MatchMethod m : STRING_FAMILY) {
            k(prefix + "_" + m.word(), fetch, m);
        }
    }

    static {
        family("base", "base");
        family("cook", "req.cook");
        family("hdr", "req.hdr");
        k("method", "method", MatchMethod.METH);
        family("path", "path");
        k("payload", "req.payload", MatchMethod.BIN);
        k("payload_lv", "req.payload_lv", MatchMethod.BIN);
        k("req_ssl_sni", "req.ssl_sni", MatchMethod.STR);
        k("req_rdp_cookie", "req.rdp_cookie", MatchMethod.STR);
        k("req_rdp_cookie_cnt", "req.rdp_cookie_cnt", MatchMethod.INT);
        k("req_ver", "req.ver", MatchMethod.STR);
        k("resp_ver", "res.ver", MatchMethod.STR);
        family("scook", "res.cook");
        family("shdr", "res.hdr");
        k("ssl_fc_sni_end", "ssl_fc_sni", MatchMethod.END);
        k("ssl_fc_sni_reg", "ssl_fc_sni", MatchMethod.REG);
        family("url", "url");
        family("urlp", "urlp");
    }

    private AclKeywords() {
    }

    public static Optional<AclKeyword> find(String name) {
        return Optional.ofNullable(KEYWORDS.get(name));
    }

    public static Collection<AclKeyword> all() {
        return Collections.unmodifiableCollection(KEYWORDS.values());
    }

    static Collection<String> names() {
        return Collections.unmodifiableSet(KEYWORDS.keySet());
    }
}
