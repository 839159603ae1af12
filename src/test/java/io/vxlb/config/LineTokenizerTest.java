package io.vxlb.config;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LineTokenizerTest {
    private final LineTokenizer tokenizer = new LineTokenizer(Map.of("HOME_PORT", "8080", "EMPTY", "")::get);

    private List<String> words(String line) {
        return tokenizer.tokenize(line).stream().map(Word::text).toList();
    }

    @Test
    void blanksSeparateWordsAndCommentsEndTheLine() {
        assertEquals(List.of("bind", "*:80", "name", "http"), words("  bind\t*:80   name http   # public side"));
        assertEquals(List.of(), words("   # only a comment"));
        assertEquals(List.of(), words(""));
    }

    @Test
    void columnsAreOneBasedAndPointAtTheWordStart() {
        List<Word> w = tokenizer.tokenize("    server s1 10.0.0.1:80");
        assertEquals(5, w.get(0).column());
        assertEquals(12, w.get(1).column());
        assertEquals(15, w.get(2).column());
    }

    @Test
    void backslashEscapesAsHaproxy() {
        // seed 003: "tcp-check send info\ replication\r\n"
        assertEquals(List.of("send", "info replication\r\n"), words("send info\\ replication\\r\\n"));
        assertEquals(List.of("a#b", "c\\d", "tab\there"), words("a\\#b c\\\\d tab\\there"));
        assertEquals(List.of("A\r"), words("\\x41\\x0d"));
        // any other escaped character keeps its backslash, so regexes survive
        assertEquals(List.of("^www\\.example\\.com$"), words("^www\\.example\\.com$"));
    }

    @Test
    void quotesGroupWordsSingleQuotesInterpretNothing() {
        assertEquals(List.of("set-header", "X-A", "a b # c"), words("set-header X-A \"a b # c\""));
        assertEquals(List.of("x", "a \\r ${HOME_PORT}"), words("x 'a \\r ${HOME_PORT}'"));
        assertEquals(List.of("ab cd"), words("a\"b c\"d"));
        assertEquals(List.of("say", "it's"), words("say \"it's\""));
        assertEquals(List.of("", "x"), words("\"\" x"));
    }

    @Test
    void environmentVariablesExpandInsideDoubleQuotesOnly() {
        assertEquals(List.of("bind", "*:8080"), words("bind \"*:${HOME_PORT}\""));
        assertEquals(List.of("*:8080"), words("\"*:$HOME_PORT\""));
        assertEquals(List.of("*:9000"), words("\"*:${UNSET-9000}\""));
        assertEquals(List.of("*:"), words("\"*:${UNSET}\""));
        assertEquals(List.of("path_reg", "^/a$"), words("path_reg ^/a$"));
        assertEquals(List.of("$HOME_PORT"), words("\"\\$HOME_PORT\""));
    }

    @Test
    void syntaxErrorsGiveTheColumn() {
        LineTokenizer.TokenException e = assertThrows(LineTokenizer.TokenException.class, () -> tokenizer.tokenize("acl x hdr(a) \"open"));
        assertEquals(14, e.column());
        e = assertThrows(LineTokenizer.TokenException.class, () -> tokenizer.tokenize("x \\xZZ"));
        assertEquals(3, e.column());
        e = assertThrows(LineTokenizer.TokenException.class, () -> tokenizer.tokenize("x \"${A\""));
        assertEquals(4, e.column());
    }
}
