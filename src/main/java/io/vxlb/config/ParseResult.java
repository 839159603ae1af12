package io.vxlb.config;

import java.util.List;

/**
 * The outcome of reading a configuration: the model when there was no error (null otherwise),
 * and every diagnostic in file order.
 */
public record ParseResult(Config config, List<Diagnostic> diagnostics) {
    public ParseResult {
        diagnostics = List.copyOf(diagnostics);
    }

    public boolean ok() {
        return config != null;
    }

    public List<Diagnostic> errors() {
        return diagnostics.stream().filter(Diagnostic::isError).toList();
    }

    public List<Diagnostic> warnings() {
        return diagnostics.stream().filter(d -> !d.isError()).toList();
    }
}
