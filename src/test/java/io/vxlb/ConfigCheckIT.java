package io.vxlb;

import io.vertx.core.Vertx;
import io.vxlb.config.ConfigParser;
import io.vxlb.config.ParseResult;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code -c} and start-up agree on every configuration of the suite (src/test/resources and
 * /work/shared/configs) and on configurations made to parse but fail at start
 * (src/test/resources/io/vxlb/check/bad-*.cfg): a configuration {@code -c} accepts starts, one it
 * refuses does not. Bind ports become free loopback ports for the start (the texts name fixed ports).
 */
class ConfigCheckIT {
    @Test
    void checkAndStartUpAgreeOnEveryConfiguration() throws Exception {
        List<Path> configs = new ArrayList<>();
        for (Path dir : List.of(Path.of("src/test/resources"), Path.of("/work/shared/configs"))) {
            if (!Files.isDirectory(dir)) continue;
            try (Stream<Path> s = Files.walk(dir)) {
                s.filter(p -> p.toString().endsWith(".cfg")).sorted().forEach(configs::add);
            }
        }
        assertTrue(configs.size() > 10, "the suite's configurations were found: " + configs);
        List<String> disagreements = new ArrayList<>();
        int bad = 0;
        Vertx vertx = Vertx.vertx();
        try {
            for (Path cfg : configs) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^(\\s*bind\\s+[^\\s,]*):\\d+(?=\\s|$)").matcher(Files.readString(cfg));
                StringBuilder sb = new StringBuilder();
                while (m.find()) m.appendReplacement(sb, "$1:" + io.vxlb.testing.Ports.freePort());
                String text = m.appendTail(sb).toString();
                ParseResult r = new ConfigParser().parse(cfg.toString(), text);
                if (!r.ok()) continue;  // refused by the parser: by -c and start-up alike
                List<String> problems = ConfigCheck.problems(r.config());
                String startError = null;
                try {
                    Node node = Node.start(vertx, r.config()).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
                    node.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    startError = String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
                }
                if (cfg.getFileName().toString().startsWith("bad-")) {
                    bad++;
                    if (problems.isEmpty() || startError == null) disagreements.add(cfg + ": made to fail at start; -c said " + problems + ", start-up said " + startError);
                } else if (problems.isEmpty() != (startError == null)) {
                    disagreements.add(cfg + ": -c said " + problems + ", start-up said " + startError);
                }
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        assertEquals(4, bad, "the crafted configurations were all checked");
        assertEquals(List.of(), disagreements);
    }
}
