package io.vxlb.action;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The normalizers of {@code http-request normalize-uri} on the inputs and answers of HAProxy
 * 2.6.12's reg-tests/http-rules/normalize_uri.vtc (clients c1 to c8, which vxlb passes end to
 * end; c9 on sends a raw '#', which vxlb refuses with 400 as HAProxy does since CVE-2023-45539).
 */
class NormalizeUriActionTest {
    @Test
    void mergeSlashes() {
        assertEquals("/foo/bar", NormalizeUriAction.mergeSlashes("///foo///bar"));
        assertEquals("/foo/bar/", NormalizeUriAction.mergeSlashes("///foo///bar///"));
        assertEquals("/", NormalizeUriAction.mergeSlashes("///"));
    }

    @Test
    void stripDotAndDotdot() {
        assertEquals("/a/b", NormalizeUriAction.stripDot("/a/./b"));
        assertEquals("/", NormalizeUriAction.stripDot("/./"));
        assertEquals("/", NormalizeUriAction.stripDotdot("/foo/..", false));
        assertEquals("/foo/", NormalizeUriAction.stripDotdot("/foo/bar/../", false));
        assertEquals("/bar", NormalizeUriAction.stripDotdot("/foo/../bar", false));
        assertEquals("/../bar/", NormalizeUriAction.stripDotdot("/foo/../../bar/", false));
        assertEquals("/bar/", NormalizeUriAction.stripDotdot("/foo/../../bar/", true));
        assertEquals("/bar/", NormalizeUriAction.stripDotdot("/foo//../../bar/", false));
    }

    @Test
    void sortQueryByNameKeepsEqualNamesInOrder() {
        assertEquals("?a=a&z=z", NormalizeUriAction.sortQuery("?z=z&a=a"));
        assertEquals("?a&b&c&x&y&z", NormalizeUriAction.sortQuery("?c&b&a&z&x&y"));
        assertEquals("?a=&aa=&aaa=&aaaa=", NormalizeUriAction.sortQuery("?aaaa=&a=&aa=&aaa="));
        assertEquals("?a=2&a=1&b", NormalizeUriAction.sortQuery("?b&a=2&a=1"));
    }

    @Test
    void percentEscapes() {
        assertEquals("/%AA?a=%AA", NormalizeUriAction.percent("/%aa?a=%aa", false, false));
        assertEquals("/%zz", NormalizeUriAction.percent("/%zz", false, false));
        assertNull(NormalizeUriAction.percent("/%zz", false, true), "strict: a 400");
        assertEquals("/a?a=a", NormalizeUriAction.percent("/%61?%61=%61", true, false));
        assertEquals("/%3F?foo=bar", NormalizeUriAction.percent("/%3F?foo=bar", true, false), "a reserved character stays encoded");
        assertEquals("/%66", NormalizeUriAction.percent("/%%36%36", true, false));
        assertNull(NormalizeUriAction.percent("/%%36%36", true, true));
    }
}
