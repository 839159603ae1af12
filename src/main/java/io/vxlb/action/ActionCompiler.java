package io.vxlb.action;

import io.vertx.core.buffer.Buffer;
import io.vxlb.config.Redirect;
import io.vxlb.rules.CompiledLogFormat;
import io.vxlb.rules.CompiledSample;
import io.vxlb.rules.LogFormat;
import io.vxlb.rules.SampleExpr;
import io.vxlb.runtime.CompiledRedirect;

import java.util.regex.Pattern;

/** What an action needs from the snapshot compiler, for the rule list's direction and ACLs. */
public interface ActionCompiler {
    CompiledLogFormat format(LogFormat f);

    /** A HAProxy (PCRE-style) regex. */
    Pattern regex(String re);

    CompiledSample sample(SampleExpr e);

    CompiledRedirect redirect(Redirect r);

    /** A file's bytes, read once at compile time. */
    Buffer file(String path);

    /** A variable an action names: a proc one exists (unset) from the start, as HAProxy creates it at parse time. */
    default void declareVariable(String name) {
    }
}
