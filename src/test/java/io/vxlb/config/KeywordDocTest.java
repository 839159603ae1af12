package io.vxlb.config;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's keyword table is exactly what {@link KeywordTable} registers. To refresh it after
 * changing keywords: {@code mvn -q test -Dtest=KeywordDocTest -Dvxlb.writeReadme=true}.
 */
class KeywordDocTest {
    @Test
    void readmeKeywordTableMatchesTheRegistry() throws Exception {
        Path readme = Path.of("README.md");
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int begin = text.indexOf(KeywordDoc.BEGIN);
        int end = text.indexOf(KeywordDoc.END);
        assertTrue(begin >= 0 && end > begin, "README.md must contain the keyword table markers");
        String current = text.substring(begin, end + KeywordDoc.END.length());
        String expected = KeywordDoc.markdown();
        if (Boolean.getBoolean("vxlb.writeReadme") && !current.equals(expected)) {
            Files.writeString(readme, text.substring(0, begin) + expected + text.substring(end + KeywordDoc.END.length()), StandardCharsets.UTF_8);
            return;
        }
        assertEquals(expected, current, "README keyword table is stale: run mvn -q test -Dtest=KeywordDocTest -Dvxlb.writeReadme=true");
    }

    @Test
    void everyKeywordHasANoteAndEveryRefusalSaysWhy() {
        for (Keyword k : KeywordTable.instance().all()) {
            assertTrue(k.note() != null && !k.note().isBlank(), k.name() + " has no note");
            assertTrue(k.sections() != 0, k.name() + " is allowed nowhere");
        }
    }
}
