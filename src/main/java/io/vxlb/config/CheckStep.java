package io.vxlb.config;

import java.util.List;

/** One step of a {@code tcp-check} or {@code http-check} rule list, in the order written. */
public sealed interface CheckStep {
    Location location();

    /** {@code tcp-check connect [port N] [addr A] [ssl] [send-proxy]} / {@code http-check connect}. */
    record Connect(Location location, int port, String address, boolean ssl, boolean sendProxy) implements CheckStep {}

    /** {@code tcp-check send STR} / {@code send-binary HEX}: bytes already decoded. */
    record Send(Location location, byte[] data, boolean binary) implements CheckStep {}

    /**
     * {@code tcp-check expect [!] string|rstring|binary|rbinary PATTERN} or
     * {@code http-check expect [!] status|rstatus|string|rstring PATTERN}.
     */
    record Expect(Location location, boolean negate, ExpectKind kind, String pattern) implements CheckStep {}

    /** {@code http-check send [meth M] [uri U] [ver V] [hdr N V]* [body B]}. */
    record HttpSend(Location location, String method, String uri, String version, List<Header> headers, String body)
            implements CheckStep {
        public HttpSend {
            headers = List.copyOf(headers);
        }
    }

    /** {@code tcp-check comment} / {@code http-check comment}: kept for logs only. */
    record Comment(Location location, String text) implements CheckStep {}

    record Header(String name, String value) {}

    enum ExpectKind {
        STRING("string"), RSTRING("rstring"), BINARY("binary"), RBINARY("rbinary"),
        STATUS("status"), RSTATUS("rstatus");

        public final String word;

        ExpectKind(String word) {
            this.word = word;
        }
    }
}
