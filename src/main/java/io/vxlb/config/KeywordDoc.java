package io.vxlb.config;

import java.util.stream.Collectors;

/** Renders the keyword table of the README from {@link KeywordTable}, so the README cannot drift. */
public final class KeywordDoc {
    public static final String BEGIN = "<!-- BEGIN KEYWORDS: generated from KeywordTable by KeywordDocTest -->";
    public static final String END = "<!-- END KEYWORDS -->";

    private KeywordDoc() {}

    public static String markdown() {
        String rows = KeywordTable.instance().all().stream()
                .map(k -> "| `" + k.name() + "` | " + Section.describe(k.sections()).replace(" | ", ", ") + " | "
                        + k.support().label + " | " + escape(k.note()) + " |")
                .collect(Collectors.joining("\n"));
        return BEGIN + "\n| keyword | sections | vxlb | notes |\n|---|---|---|---|\n" + rows + "\n" + END;
    }

    private static String escape(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
    }
}
