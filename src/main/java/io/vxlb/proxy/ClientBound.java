package io.vxlb.proxy;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.WriteStream;

/**
 * The client response as the target of the server-to-client pipe. When the client has gone
 * away, Vert.x's response throws from writeQueueFull()/write() for chunks still in flight
 * (logged as unhandled); here they are dropped quietly and the pipe fails through the
 * response's close, which the exchange already handles.
 */
final class ClientBound implements WriteStream<Buffer> {
    private final HttpServerResponse resp;
    /** Told of every chunk, for its timeout server (null: nobody to tell). */
    private final HttpExchange exchange;

    ClientBound(HttpServerResponse resp, HttpExchange exchange) {
        this.resp = resp;
        this.exchange = exchange;
    }

    private boolean gone() {
        return resp.closed() || resp.ended();
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        resp.exceptionHandler(handler);
        return this;
    }

    @Override
    public Future<Void> write(Buffer data) {
        if (exchange != null) {
            exchange.serverActive();
            exchange.serverChunk(data.length());
        }
        return gone() ? Future.failedFuture("client connection closed") : resp.write(data);
    }

    @Override
    public Future<Void> end() {
        // the server's response is complete: its slot is free before the client can see the end
        // and send its next request (HAProxy ends the server side of the transaction first too)
        if (exchange != null) exchange.serverResponseEnded();
        return gone() ? Future.failedFuture("client connection closed") : resp.end();
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
        resp.setWriteQueueMaxSize(maxSize);
        return this;
    }

    @Override
    public boolean writeQueueFull() {
        return !gone() && resp.writeQueueFull();
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
        if (!gone()) resp.drainHandler(handler);
        return this;
    }
}
