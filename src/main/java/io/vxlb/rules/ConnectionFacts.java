package io.vxlb.rules;

/**
 * What the {@code fc_*} fetches read: the client connection's own addresses (after
 * {@code tcp-request connection set-src/set-dst} and the PROXY header, before session or content
 * rules moved the stream's {@code src}/{@code dst}) and the PROXY v2 TLVs it carried.
 */
public interface ConnectionFacts {
    String fcSrcAddress();

    int fcSrcPort();

    String fcDstAddress();

    int fcDstPort();

    /** PROXY v2 PP2_TYPE_AUTHORITY, null when none. */
    byte[] ppAuthority();

    /** PROXY v2 PP2_TYPE_UNIQUE_ID, null when none. */
    byte[] ppUniqueId();
}
