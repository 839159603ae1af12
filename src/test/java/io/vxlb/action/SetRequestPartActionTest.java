package io.vxlb.action;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** set-pathq / replace-pathq keep an absolute URI's scheme and authority. */
class SetRequestPartActionTest {
    @Test
    void authorityAndPathq() {
        assertEquals("", SetRequestPartAction.authority("/a?b"));
        assertEquals("http://h:8", SetRequestPartAction.authority("http://h:8/a?b"));
        assertEquals("http://h", SetRequestPartAction.authority("http://h?x"));
        assertEquals("http://h", SetRequestPartAction.authority("http://h"));
        assertEquals("/a?b", SetRequestPartAction.pathq("http://h:8/a?b"));
        assertEquals("", SetRequestPartAction.pathq("http://h"));
        assertEquals("*", SetRequestPartAction.pathq("*"));
    }
}
