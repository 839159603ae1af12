package io.vxlb.config;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BooleanSupplier;

/**
 * The nesting of {@code .if}/{@code .elif}/{@code .else}/{@code .endif} in one file, as HAProxy's
 * cfgparse keeps it: a level takes its first true branch and drops the others; a level inside a
 * dropped branch is skipped whole without evaluating its conditions.
 */
final class ConditionalBlocks {
    private enum State { TAKE, DROP, SKIP }

    private record Level(ConfigLine opened, State state, boolean taken, boolean sawElse) {}

    private final Deque<Level> levels = new ArrayDeque<>();

    /** True when the lines read now belong to the configuration. */
    boolean active() {
        for (Level l : levels) {
            if (l.state != State.TAKE) return false;
        }
        return true;
    }

    /** The .if line of the innermost open level, or null. */
    ConfigLine open() {
        return levels.isEmpty() ? null : levels.peek().opened;
    }

    void condition(ConfigLine line, String directive, BooleanSupplier eval) {
        if (directive.equals(".if")) {
            if (levels.size() >= 100) throw new ConfigException(0, "too many nested '.if', max is 100");
            if (!active()) {
                levels.push(new Level(line, State.SKIP, false, false));
                return;
            }
            boolean v;
            try {
                v = eval.getAsBoolean();
            } catch (ConfigException e) {
                levels.push(new Level(line, State.SKIP, true, false));  // reported; its .endif still matches
                throw e;
            }
            levels.push(new Level(line, v ? State.TAKE : State.DROP, v, false));
            return;
        }
        Level l = levels.peek();
        if (l == null) throw new ConfigException(0, "'.elif' without a matching '.if'", "open the block with '.if CONDITION'");
        if (l.sawElse) throw new ConfigException(0, "'.elif' after '.else' is not permitted", "put the '.elif' before the '.else'");
        levels.pop();
        if (l.state == State.SKIP && !parentActive()) {
            levels.push(l);
            return;
        }
        if (l.taken) {
            levels.push(new Level(l.opened, State.SKIP, true, false));
            return;
        }
        boolean v;
        try {
            v = eval.getAsBoolean();
        } catch (ConfigException e) {
            levels.push(new Level(l.opened, State.SKIP, true, false));
            throw e;
        }
        levels.push(new Level(l.opened, v ? State.TAKE : State.DROP, v, false));
    }

    void otherwise(ConfigLine line) {
        Level l = levels.peek();
        if (l == null) throw new ConfigException(0, "'.else' without a matching '.if'", "open the block with '.if CONDITION'");
        if (l.sawElse) throw new ConfigException(0, "only one '.else' is permitted per '.if' block", null);
        levels.pop();
        State s = !parentActive() ? State.SKIP : l.taken ? State.SKIP : State.TAKE;
        levels.push(new Level(l.opened, s, true, true));
    }

    void end(ConfigLine line) {
        if (levels.isEmpty()) throw new ConfigException(0, "'.endif' without a matching '.if'", null);
        levels.pop();
    }

    /** Whether the levels around the innermost one are all taken (call with the innermost popped). */
    private boolean parentActive() {
        return active();
    }
}
