package io.vxlb.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code if|unless [!]acl1 [!]acl2 ... [or|'||' [!]acl3 ...]} to the end of the word list,
 * as HAProxy 2.6's parse_acl_cond does: juxtaposed terms are ANDed; {@code or} (any case) and
 * {@code ||} separate OR groups; each '!' toggles the negation of the next term, attached or
 * alone; {@code { criterion [flags] values }} is an anonymous ACL, braces being separate words.
 * Names are not resolved here: {@link Condition#aclNames()} lists them for the config layer
 * (which looks in the section first, then in {@link PredefinedAcls}).
 */
public final class ConditionParser {
    private ConditionParser() {
    }

    /** Parses from {@code words.get(from)}, which must be "if" or "unless", to the end. */
    public static Condition parse(List<String> words, int from) {
        if (from >= words.size() || !(words.get(from).equals("if") || words.get(from).equals("unless"))) {
            throw new RuleException(from, "conditions must start with either 'if' or 'unless'"
                    + (from < words.size() ? ", not '" + words.get(from) + "'" : ""), null);
        }
        boolean unless = words.get(from).equals("unless");
        List<List<CondTerm>> groups = new ArrayList<>();
        List<CondTerm> group = null;
        List<String> warnings = new ArrayList<>();
        boolean negated = false;
        int negationWord = -1;
        int orWord = -1;
        for (int i = from + 1; i < words.size(); i++) {
            String word = words.get(i);
            int bangs = 0;
            while (bangs < word.length() && word.charAt(bangs) == '!') {
                bangs++;
            }
            if (bangs % 2 == 1) {
                negated = !negated;
            }
            if (bangs > 0) {
                negationWord = i;
            }
            word = word.substring(bangs);
            if (word.isEmpty()) {
                continue; // a lone "!" negates the next term
            }
            if (word.equalsIgnoreCase("or") || word.equals("||")) {
                if (group == null) {
                    warnings.add("'" + word + "' (word " + i + ") has no ACL before it; HAProxy ignores it");
                }
                group = null;
                negated = false;
                negationWord = -1;
                orWord = i;
                continue;
            }
            CondTerm term;
            if (word.equals("{")) {
                int close = i + 1;
                while (close < words.size() && !words.get(close).equals("}")) {
                    close++;
                }
                if (close >= words.size()) {
                    throw new RuleException(i, "missing closing '}' in condition",
                            "braces are separate words: { hdr(host) -i example.com }");
                }
                if (close == i + 1) {
                    throw new RuleException(i, "empty anonymous ACL '{ }'",
                            "write a criterion and patterns between the braces, e.g. { src 10.0.0.0/8 }");
                }
                term = new CondTerm(negated, null, AclParser.parse("", words, i + 1, close), i);
                warnings.addAll(term.anonymous().warnings());
                i = close;
            } else if (word.equals("}")) {
                throw new RuleException(i, "'}' without a matching '{' in condition", null);
            } else if (word.startsWith("{") || word.endsWith("}")) {
                throw new RuleException(i, "'" + word + "': braces must be separate words",
                        "put spaces around braces: { " + word.replace("{", "").replace("}", "") + " ... }");
            } else {
                term = new CondTerm(negated, word, null, i);
            }
            if (group == null) {
                group = new ArrayList<>();
                groups.add(group);
            }
            group.add(term);
            negated = false;
            negationWord = -1;
            orWord = -1;
        }
        if (negationWord >= 0) {
            warnings.add("'!' at word " + negationWord + " is not followed by an ACL; HAProxy ignores it");
        }
        if (orWord >= 0 && !groups.isEmpty()) {
            warnings.add("'" + words.get(orWord) + "' at the end of the condition (word " + orWord
                    + ") is followed by nothing; HAProxy ignores it");
        }
        if (groups.isEmpty()) {
            warnings.add("empty condition after '" + words.get(from) + "': HAProxy accepts it and it "
                    + (unless ? "always holds" : "never holds"));
        }
        return new Condition(unless, groups, warnings);
    }
}
