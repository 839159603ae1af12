package io.vxlb.action;

import io.vertx.core.buffer.Buffer;
import io.vxlb.proxy.HeaderList;
import io.vxlb.rules.Txn;
import io.vxlb.runtime.CompiledRedirect;

/**
 * The transaction as the actions see it. The exchange sets the side before it runs a rule
 * list: {@link #headers()} are the request's during {@code http-request} rules and the
 * response's during {@code http-response} rules.
 */
public interface ActionContext extends Txn {
    boolean responseSide();

    HeaderList headers();

    void setMethod(String method);

    void setUri(String uri);

    /** The URI's path (before '?'). */
    String path();

    /** The query with its '?', or "" when the URI has none. */
    String queryWithMark();

    /** {@code http-response set-status}: the reason given, else the new status's standard one. */
    void setStatus(int status, String reason);

    /** Answers with the proxy's error page for {@code status} (deny). */
    default void deny(int status) {
        denyWith(status, null, null, null);
    }

    /**
     * A deny's answer: {@code headers} and {@code body} when the reply builds them, else
     * {@code page} (an error file), else the proxy's error page for {@code status}.
     */
    void denyWith(int status, io.vxlb.proxy.ErrorPages.Page page, HeaderList headers, Buffer body);

    /** A local reply with an error page: {@code page}, or the proxy's page for {@code status} when null ({@code return default-errorfiles}). */
    void replyPage(int status, io.vxlb.proxy.ErrorPages.Page page);

    /** Holds the connection for {@code timeout tarpit}, then answers {@code status}. */
    void tarpit(int status);

    /** 401 with a Basic challenge for {@code realm} (null: the proxy's name). */
    void challenge(String realm);

    void redirect(CompiledRedirect redirect);

    /** A local reply ({@code return}): status, header lines as built, body. */
    void reply(int status, HeaderList headers, Buffer body);

    /** {@code capture}: stores {@code value}, cut to the slot's length, in the frontend's capture slot. */
    void capture(boolean request, int slot, String value);

    /** vxlb-stick: the snapshot's stick tables. */
    default io.vxlb.stick.StickTables stickTables() {
        return io.vxlb.stick.StickTables.EMPTY;
    }

    /** vxlb-stick: the stream's stick counters, made on the first track-sc; null where nothing can track. */
    default io.vxlb.stick.StreamCounters trackingCounters() {
        return null;
    }

    /**
     * {@code wait-for-body}: true when the body (or {@code atLeast} bytes of it) is already there;
     * false when the rule list must yield and wait up to {@code timeMs} (then 408).
     */
    default boolean waitForBody(long timeMs, long atLeast) {
        return true;
    }

    /** {@code set-timeout server|tunnel}: this stream's timeout from now on, in milliseconds. */
    default void setStreamTimeout(boolean tunnel, long millis) {
        throw new UnsupportedOperationException("set-timeout");
    }

    /** {@code http-request reject}: the client connection closes now, without an answer. */
    default void reject() {
        throw new UnsupportedOperationException("reject");
    }

    /** {@code set-src}/{@code set-dst}: the connection's address (canonical text), its port kept. */
    default void setAddress(boolean source, String address) {
    }

    /** {@code set-src-port}/{@code set-dst-port}. */
    default void setPort(boolean source, int port) {
    }
}
