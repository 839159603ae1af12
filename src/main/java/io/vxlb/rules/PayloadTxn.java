package io.vxlb.rules;

/**
 * A transaction whose first bytes are being inspected by {@code tcp-request content} /
 * {@code tcp-response content} rules: the layer-6 fetches ({@code req.len}, {@code req.payload},
 * {@code req.ssl_sni}, ...) read them. While more data may come ({@link #payloadFinal} false) a
 * fetch that cannot decide yet calls {@link #payloadMayChange}, and the rule waits for more bytes
 * instead of failing (HAProxy's SMP_F_MAY_CHANGE / ACL_TEST_MISS).
 */
public interface PayloadTxn extends Txn {
    /** The buffered bytes of one side (request: from the client; response: from the server); valid up to {@link #payloadLength}. */
    byte[] payload(boolean response);

    int payloadLength(boolean response);

    /** True when no more bytes will be waited for: the inspect-delay is over, the buffer is full or the peer closed. */
    boolean payloadFinal(boolean response);

    /** Which side the rules being evaluated inspect (for the side-less {@code payload} and {@code wait_end}). */
    boolean inspectingResponse();

    /** Called by a fetch whose answer may change with more data. */
    void payloadMayChange();

    /** Whether {@link #payloadMayChange} was called since the last call of this method (and clears it). */
    boolean takePayloadMayChange();
}
