package io.vxlb.config;

import io.vxlb.rules.LogFormat;
import io.vxlb.rules.SampleExpr;

import java.util.List;

/** What an {@code http-request} / {@code http-response} rule does. One record per action kind. */
public sealed interface HttpAction {
    /** The keyword as written in the configuration (e.g. "set-header"). */
    String keyword();

    /** {@code allow}: stop evaluating the rule list, go on with the request. */
    record Allow() implements HttpAction {
        public String keyword() { return "allow"; }
    }

    /** {@code deny [deny_status N]}: answer with N (403 by default) and close. */
    record Deny(int status) implements HttpAction {
        public String keyword() { return "deny"; }
    }

    /** {@code tarpit [deny_status N]}: hold the connection for {@code timeout tarpit}, then answer N (500 by default). */
    record Tarpit(int status) implements HttpAction {
        public String keyword() { return "tarpit"; }
    }

    /** {@code set-header NAME FMT} (replace every occurrence) or {@code add-header NAME FMT} (append). */
    record SetHeader(String name, LogFormat value, boolean add) implements HttpAction {
        public String keyword() { return add ? "add-header" : "set-header"; }
    }

    /** {@code del-header NAME [-m str|beg|end|sub|reg]} (name matched case-insensitively for str/beg/end/sub). */
    record DelHeader(String name, String method) implements HttpAction {
        public String keyword() { return "del-header"; }
    }

    /** {@code replace-header NAME REGEX REPLACE} (whole line) or {@code replace-value} (each comma-separated value). */
    record ReplaceHeader(String name, String regex, LogFormat replacement, boolean eachValue) implements HttpAction {
        public String keyword() { return eachValue ? "replace-value" : "replace-header"; }
    }

    /** {@code set-path FMT}, {@code set-query FMT}, {@code set-uri FMT}, {@code set-method FMT}. */
    record SetRequestPart(Part part, LogFormat value) implements HttpAction {
        public enum Part { PATH, QUERY, URI, METHOD }

        public String keyword() { return "set-" + part.name().toLowerCase(java.util.Locale.ROOT); }
    }

    /** {@code replace-path REGEX FMT} / {@code replace-uri REGEX FMT}. */
    record ReplaceRequestPart(SetRequestPart.Part part, String regex, LogFormat replacement) implements HttpAction {
        public String keyword() { return "replace-" + part.name().toLowerCase(java.util.Locale.ROOT); }
    }

    /**
     * {@code return [status N] [content-type T] [string S | lf-string FMT | file F]
     * [hdr NAME FMT]*}; {@code body} holds the string, the log-format text or the file path.
     */
    record Return(int status, String contentType, BodyKind bodyKind, String body, LogFormat bodyFormat,
                  List<Header> headers) implements HttpAction {
        public enum BodyKind { NONE, STRING, LF_STRING, FILE }

        public record Header(String name, LogFormat value) {}

        public Return {
            headers = List.copyOf(headers);
        }

        public String keyword() { return "return"; }
    }

    /** {@code http-request redirect ...}. */
    record RedirectAction(Redirect redirect) implements HttpAction {
        public String keyword() { return "redirect"; }
    }

    /** {@code auth [realm R]}: 401 with a Basic challenge. */
    record Auth(String realm) implements HttpAction {
        public String keyword() { return "auth"; }
    }

    /** {@code set-var(NAME) EXPR}. */
    record SetVar(String variable, SampleExpr expr) implements HttpAction {
        public String keyword() { return "set-var"; }
    }

    /** {@code http-response set-status N [reason R]}. */
    record SetStatus(int status, String reason) implements HttpAction {
        public String keyword() { return "set-status"; }
    }

    /** vxlb-stick: {@code track-sc*}, {@code sc-inc-gpc0/1}, {@code sc-set-gpt0}; run by io.vxlb.stick.StickActions. */
    record StickCounter(StickCounterAction counter) implements HttpAction {
        public String keyword() { return counter.keyword(); }
    }
}
