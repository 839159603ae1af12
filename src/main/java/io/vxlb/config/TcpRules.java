package io.vxlb.config;

import java.util.List;

/**
 * A proxy's layer-4 rules, in HAProxy's order of evaluation: {@code tcp-request connection} at
 * accept (before any PROXY header or TLS handshake), {@code tcp-request session} once those are
 * done, {@code tcp-request content} on the request's first bytes (waiting at most
 * {@code inspectDelay} ms for the data a rule needs), {@code tcp-response content} on the
 * response's first bytes. {@link #NONE} for a proxy without any.
 */
public record TcpRules(long inspectDelay, List<TcpRule> connection, List<TcpRule> session, List<TcpRule> content,
                       long responseInspectDelay, List<TcpRule> responseContent) {
    public static final TcpRules NONE = new TcpRules(0, List.of(), List.of(), List.of(), 0, List.of());

    public TcpRules {
        connection = List.copyOf(connection);
        session = List.copyOf(session);
        content = List.copyOf(content);
        responseContent = List.copyOf(responseContent);
    }

    public boolean isEmpty() {
        return connection.isEmpty() && session.isEmpty() && content.isEmpty() && responseContent.isEmpty();
    }
}
