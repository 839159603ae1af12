package io.vxlb.rules;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * HAProxy 2.6's predefined ACLs (section 7.4, default_acl_list in src/acl.c). An ACL declared
 * with the same name in a section takes precedence over these.
 */
public final class PredefinedAcls {
    private static final Map<String, AclDef> ACLS = new LinkedHashMap<>();

    private static void a(String name, String... words) {
        ACLS.put(name, AclParser.parse(name, List.of(words)));
    }

    static {
        a("TRUE", "always_true");
        a("FALSE", "always_false");
        a("LOCALHOST", "src", "127.0.0.1/8", "::1");
        a("HTTP", "req.proto_http");
        a("HTTP_1.0", "req.ver", "1.0");
        a("HTTP_1.1", "req.ver", "1.1");
        a("HTTP_2.0", "req.ver", "2.0");
        a("METH_CONNECT", "method", "CONNECT");
        a("METH_DELETE", "method", "DELETE");
        a("METH_GET", "method", "GET", "HEAD");
        a("METH_HEAD", "method", "HEAD");
        a("METH_OPTIONS", "method", "OPTIONS");
        a("METH_POST", "method", "POST");
        a("METH_PUT", "method", "PUT");
        a("METH_TRACE", "method", "TRACE");
        a("HTTP_URL_ABS", "url_reg", "^[^/:]*://");
        a("HTTP_URL_SLASH", "url_beg", "/");
        a("HTTP_URL_STAR", "url", "*");
        a("HTTP_CONTENT", "req.hdr_val(content-length)", "gt", "0");
        a("RDP_COOKIE", "req.rdp_cookie_cnt", "gt", "0");
        a("REQ_CONTENT", "req.len", "gt", "0");
        a("WAIT_END", "wait_end");
    }

    private PredefinedAcls() {
    }

    public static Optional<AclDef> find(String name) {
        return Optional.ofNullable(ACLS.get(name));
    }

    public static Collection<AclDef> all() {
        return Collections.unmodifiableCollection(ACLS.values());
    }
}
