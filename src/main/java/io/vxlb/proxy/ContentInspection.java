package io.vxlb.proxy;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vxlb.config.TcpAction;
import io.vxlb.rules.CompiledCondition;
import io.vxlb.runtime.CompiledTcpRules;

import java.util.List;
import java.util.function.Consumer;

/**
 * {@code tcp-request content} / {@code tcp-response content} on a {@code mode tcp} stream
 * (HAProxy's tcp_inspect_request / tcp_inspect_response): the socket's first bytes are kept here
 * (nothing is forwarded yet) and the rules evaluated on every arrival. A rule whose condition
 * needs bytes that have not come (MISS) waits, and evaluation resumes at that rule, until the
 * inspect-delay expires, the buffer is full or the peer closes: then what is missing counts as
 * not matching. Ends in ACCEPT (an accept rule, or the end of the list) or REJECT (a reject or
 * close rule); the kept bytes are then the stream's first bytes. Event-loop confined.
 */
final class ContentInspection {
    enum Verdict { ACCEPT, REJECT, CLOSE }

    /** HAProxy's default tune.bufsize: a full buffer ends the wait. */
    static final int BUFFER_SIZE = 16384;

    /** What the rules act on: the stream's transaction and its session. */
    interface Stream extends io.vxlb.rules.PayloadTxn, io.vxlb.rules.Layer4Txn {
        FrontSession session();
        void setLogLevel(String level);
        /** vxlb-stick: the stream's counters for a content track-sc (made on first use). */
        io.vxlb.stick.StreamCounters trackingCounters();
        io.vxlb.stick.StickTables stickTables();
    }

    private final Vertx vertx;
    private final List<CompiledTcpRules.Rule> rules;
    private final long delay;
    private final boolean response;
    private final Stream stream;
    private final Consumer<Verdict> done;
    private byte[] buf = new byte[512];
    private int len;
    private int next;
    private boolean expired, ended, finished;
    private long timer = -1;
    private NetSocket socket;

    ContentInspection(Vertx vertx, List<CompiledTcpRules.Rule> rules, long delay, boolean response, Stream stream, Consumer<Verdict> done) {
        this.vertx = vertx;
        this.rules = rules;
        this.delay = delay;
        this.response = response;
        this.stream = stream;
        this.done = done;
    }

    /** Starts reading {@code socket} (paused or not) into the buffer and evaluates the rules at once. */
    void start(NetSocket socket) {
        this.socket = socket;
        // a peer that sends its request and shuts its side (a health check, "printf | nc") is still
        // inspected and relayed: its FIN ends the wait instead of closing the connection
        if (socket instanceof io.vertx.core.internal.net.NetSocketInternal si) {
            si.channelHandlerContext().channel().config().setOption(io.netty.channel.ChannelOption.ALLOW_HALF_CLOSURE, true);
        }
        if (delay > 0) timer = vertx.setTimer(delay, id -> {
            timer = -1;
            expired = true;
            evaluate();
        });
        else expired = true;  // no inspect-delay: the rules decide on what is there, at once (HAProxy)
        socket.handler(this::onData);
        socket.endHandler(v -> {
            ended = true;
            evaluate();
        });
        evaluate();
        if (!finished) socket.resume();
    }

    private void onData(Buffer b) {
        if (finished) {
            append(b);  // arrived between the verdict and the pause: still the stream's bytes
            return;
        }
        append(b);
        evaluate();
    }

    private void append(Buffer b) {
        int n = b.length();
        if (len + n > buf.length) buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        b.getBytes(0, n, buf, len);
        len += n;
    }

    /** Stops the evaluation (the stream ended). */
    void cancel() {
        finished = true;
        if (timer >= 0) vertx.cancelTimer(timer);
    }

    byte[] bytes() {
        return buf;
    }

    int length() {
        return len;
    }

    boolean isFinal() {
        return expired || ended || len >= BUFFER_SIZE;
    }

    /** The kept bytes, for the stream to forward first. */
    Buffer kept() {
        return Buffer.buffer(len).appendBytes(buf, 0, len);
    }

    private void evaluate() {
        if (finished) return;
        boolean last = isFinal();
        for (int i = next; i < rules.size(); i++) {
            CompiledTcpRules.Rule r = rules.get(i);
            if (r.condition() != null) {
                CompiledCondition.Result res = r.condition().evaluate(stream);
                if (res == CompiledCondition.Result.MISS) {
                    if (!last) {
                        next = i;  // resumes here when more bytes come
                        return;
                    }
                    res = CompiledCondition.Result.FAIL;
                }
                if (res == CompiledCondition.Result.FAIL) continue;
            }
            TcpAction a = r.action();
            if (a instanceof TcpAction.Accept) {
                end(Verdict.ACCEPT);
                return;
            }
            if (a instanceof TcpAction.Reject) {
                end(Verdict.REJECT);
                return;
            }
            if (a instanceof TcpAction.Close) {
                end(Verdict.CLOSE);
                return;
            }
            if (a instanceof TcpAction.SetLogLevel l) stream.setLogLevel(l.level());
            else if (!FrontSession.applyStick(r, stream, stream::trackingCounters, stream.stickTables(), false)) FrontSession.apply(r, stream, stream.session());
        }
        end(Verdict.ACCEPT);
    }

    private void end(Verdict v) {
        cancel();
        socket.pause();
        socket.endHandler(null);
        done.accept(v);
    }

    boolean response() {
        return response;
    }

}
