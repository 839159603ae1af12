package io.vxlb.config;

import java.util.List;

/** A non-empty configuration line split into words, with its origin for error messages. */
public record ConfigLine(String file, int line, String raw, List<Word> words) {
    public ConfigLine {
        words = List.copyOf(words);
    }

    public int size() {
        return words.size();
    }

    /** The i-th word's text, or "" when the line is shorter (HAProxy treats a missing arg as empty). */
    public String arg(int i) {
        return i < words.size() ? words.get(i).text() : "";
    }

    public boolean has(int i) {
        return i < words.size();
    }

    public int column(int i) {
        if (words.isEmpty()) return 1;
        return i < words.size() ? words.get(i).column() : words.get(words.size() - 1).column() + words.get(words.size() - 1).text().length() + 1;
    }

    public List<String> args(int from) {
        return words.subList(Math.min(from, words.size()), words.size()).stream().map(Word::text).toList();
    }

    public Location location(int wordIndex) {
        return new Location(file, line, column(wordIndex));
    }
}
