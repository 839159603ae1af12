package io.vxlb.health;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;

import java.util.function.Consumer;

/**
 * One run of a socket-based check: connects with HAProxy's deadlines, collects input (up to
 * HAProxy's default 16 kB buffer), and completes exactly once. Everything runs on the health
 * verticle's event loop; nothing blocks.
 */
final class CheckRun {
    static final int BUFSIZE = 16384;

    final CheckTarget target;
    private final Promise<CheckResult> promise = Promise.promise();
    private final long startNanos = System.nanoTime();
    private long timer = -1;
    private NetSocket socket;
    boolean connected;
    boolean done;
    /** Input received since the last send. */
    Buffer in = Buffer.buffer();
    /** The peer closed, errored, or the buffer is full: no more data will come. */
    boolean lastRead;
    /** Called whenever input arrives or lastRead turns true. */
    Runnable onInput = () -> { };
    /** Builds the result when the deadline passes; gets whether the connection was established. */
    java.util.function.Function<Boolean, CheckResult> onTimeout;

    CheckRun(CheckTarget target) {
        this.target = target;
    }

    Future<CheckResult> future() {
        return promise.future();
    }

    long elapsedMs() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** Opens a connection (closing any previous one); calls onConnected, or onError with the OS error text. */
    void connect(int port, boolean ssl, Runnable onConnected, Consumer<String> onError) {
        closeSocket();
        connected = false;
        lastRead = false;
        in = Buffer.buffer();
        long connectStart = System.nanoTime();
        arm(target.connectBound());
        NetClient client = ssl && target.sslClient() != null ? target.sslClient() : target.client();
        client.connect(port, target.host()).onComplete(ar -> {
            if (done) {
                if (ar.succeeded()) ar.result().close();
                return;
            }
            if (ar.failed()) {
                onError.accept(errorText(ar.cause()));
                return;
            }
            NetSocket so = ar.result();
            socket = so;
            connected = true;
            io.vertx.core.buffer.Buffer pp = ssl ? null : target.proxyHeader();  // (TLS checks: not before the handshake yet)
            if (pp != null) so.write(pp);
            long rest = target.timeoutCheck() > 0 ? target.timeoutCheck()
                    : target.inter() - (System.nanoTime() - connectStart) / 1_000_000;
            arm(Math.max(1, rest));
            so.handler(b -> {
                if (done || so != socket) return;
                in.appendBuffer(b);
                if (in.length() >= BUFSIZE) lastRead = true;
                onInput.run();
            });
            so.closeHandler(v -> {
                if (done || so != socket) return;
                lastRead = true;
                onInput.run();
            });
            so.exceptionHandler(t -> {
                if (done || so != socket) return;
                lastRead = true;
                onInput.run();
            });
            onConnected.run();
        });
    }

    void write(Buffer data) {
        in = Buffer.buffer();
        lastRead = false;
        if (socket != null) socket.write(data);
    }

    /**
     * Writes without clearing the input: for checks where the server speaks first (MySQL's
     * greeting). HAProxy reads only when an expect rule runs, so a greeting that arrived before
     * the send is still there for it; here input is collected as it arrives and must be kept.
     */
    void writeKeepingInput(Buffer data) {
        if (socket != null) socket.write(data);
    }

    private void arm(long ms) {
        if (timer >= 0) target.vertx().cancelTimer(timer);
        timer = target.vertx().setTimer(Math.max(1, ms), id -> {
            timer = -1;
            if (!done) {
                boolean wasConnected = connected;
                finish(onTimeout != null ? onTimeout.apply(wasConnected)
                        : new CheckResult(wasConnected ? CheckStatus.L7TOUT : CheckStatus.L4TOUT, 0, "", 0));
            }
        });
    }

    void finish(CheckStatus status, int code, String info) {
        finish(new CheckResult(status, code, info, 0));
    }

    void finish(CheckResult r) {
        if (done) return;
        done = true;
        if (timer >= 0) {
            target.vertx().cancelTimer(timer);
            timer = -1;
        }
        closeSocket();
        promise.complete(new CheckResult(r.status(), r.code(), r.info(), elapsedMs()));
    }

    private void closeSocket() {
        if (socket != null) {
            NetSocket so = socket;
            socket = null;
            so.close();
        }
    }

    /** strerror()-like text from a Netty/JDK connect failure: "Connection refused". */
    static String errorText(Throwable t) {
        String m = t.getMessage();
        if (m == null) return t.getClass().getSimpleName();
        int failed = m.indexOf("failed: ");
        if (failed >= 0) m = m.substring(failed + 8);
        int slash = m.indexOf(": /");
        if (slash >= 0) m = m.substring(0, slash);
        int colon = m.indexOf(": ");
        if (m.startsWith("connection timed out")) return "Connection timed out";
        if (colon >= 0 && m.substring(colon + 2).startsWith("/")) m = m.substring(0, colon);
        return m;
    }
}
