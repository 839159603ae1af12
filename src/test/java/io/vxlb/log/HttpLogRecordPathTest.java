package io.vxlb.log;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** %HPO: the path only, as HAProxy 2.6 logs it (reg-tests/log/log_uri.vtc). */
class HttpLogRecordPathTest {
    @Test
    void pathOnlyDropsTheSchemeAndAuthorityOfAnAbsoluteTarget() {
        assertEquals("/r/3", HttpLogRecord.pathOnly("http://localhost/r/3"));
        assertEquals("/r/4", HttpLogRecord.pathOnly("https://user@h:8443/r/4"));
        assertEquals("", HttpLogRecord.pathOnly("http://localhost"));
        assertEquals("/r/1", HttpLogRecord.pathOnly("/r/1"));
        assertEquals("/a://b", HttpLogRecord.pathOnly("/a://b"), "an origin-form path that contains :// stays");
        assertEquals("*", HttpLogRecord.pathOnly("*"));
    }
}
