package io.vxlb.rules;

import io.vxlb.maps.FileMapSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test shorthands: compile rules written as in a configuration file (words split on blanks). */
final class Rules {
    static final Path TEST_MAPS = Path.of("src/test/resources/maps");

    private Rules() {
    }

    static RuleCompiler compiler() {
        return new RuleCompiler(new FileMapSource(TEST_MAPS), Rules::readLines);
    }

    static List<String> readLines(String path) {
        try {
            return Files.readAllLines(TEST_MAPS.resolve(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        for (String w : s.trim().split("[ \t]+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    /** A section's ACLs from lines "name criterion flags values...". */
    static Map<String, List<AclDef>> acls(String... lines) {
        Map<String, List<AclDef>> out = new LinkedHashMap<>();
        for (String line : lines) {
            List<String> w = words(line);
            out.computeIfAbsent(w.get(0), k -> new ArrayList<>()).add(AclParser.parse(w.get(0), w.subList(1, w.size())));
        }
        return out;
    }

    /** Compiles "if ..." / "unless ..." against the given section ACLs. */
    static CompiledCondition cond(String condition, Map<String, List<AclDef>> acls) {
        return compiler().compile(ConditionParser.parse(words(condition), 0), acls);
    }

    /** An anonymous ACL "criterion flags values" as a condition. */
    static CompiledCondition acl(String criterion) {
        return cond("if { " + criterion + " }", Map.of());
    }

    static CompiledSample sample(String expr) {
        return compiler().compile(SampleExprParser.parse(expr));
    }

    static CompiledLogFormat format(String text) {
        return compiler().compile(LogFormatParser.parse(text));
    }
}
