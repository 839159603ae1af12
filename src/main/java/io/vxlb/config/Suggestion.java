package io.vxlb.config;

import java.util.Collection;

/** "Did you mean ...?" for misspelt names: the closest candidate by edit distance, if close enough. */
public final class Suggestion {
    private Suggestion() {}

    /** The candidate nearest to {@code word}, or null when none is within a third of its length (min 2 edits). */
    public static String closest(String word, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String lower = word.toLowerCase(java.util.Locale.ROOT);
        for (String c : candidates) {
            int d = distance(lower, c.toLowerCase(java.util.Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        int allowed = Math.max(2, word.length() / 3);
        return bestDistance <= allowed ? best : null;
    }

    /** "did you mean 'x'?" or null. */
    public static String didYouMean(String word, Collection<String> candidates) {
        String c = closest(word, candidates);
        return c == null ? null : "did you mean '" + c + "'?";
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
