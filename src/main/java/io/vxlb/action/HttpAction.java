package io.vxlb.action;

/**
 * What an {@code http-request} / {@code http-response} rule does, as configured (immutable).
 * Each action kind lives in one file of this package: its parser (registered in
 * {@link HttpActions} under its full keyword), this record, and the compiled form that runs.
 */
public interface HttpAction {
    /** The keyword as written in the configuration (e.g. "set-header"). */
    String keyword();

    /** The form the event loops run, with its log-formats, regexes and files prepared once. */
    CompiledAction compile(ActionCompiler c);
}
