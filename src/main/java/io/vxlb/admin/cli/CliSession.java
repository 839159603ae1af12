package io.vxlb.admin.cli;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

import java.util.ArrayList;
import java.util.List;

/**
 * One runtime API connection, as HAProxy's CLI applet (src/cli.c cli_io_handler): commands end
 * at a line feed or an unescaped ';'; a backslash escapes the next character (so
 * {@code "a\ b"} is one word); a line ending with {@code <<} starts a payload that ends at an
 * empty line. Each answer is followed by an empty line ("\n"), or by "\n> " in interactive mode
 * ({@code prompt}). Without the prompt the connection closes once the commands that arrived are
 * answered. Commands run one at a time, in order. A line is at most {@link #MAX_LINE} bytes, a
 * payload at most {@link #MAX_PAYLOAD}: the connection closes beyond (as HAProxy, whose buffer
 * is full).
 */
final class CliSession {
    static final int MAX_LINE = 16 * 1024, MAX_PAYLOAD = 1024 * 1024;

    private final NetSocket socket;
    private final CliCommands commands;
    private CliLevel level;
    private boolean prompt;
    private boolean busy, closing;
    private final StringBuilder line = new StringBuilder();
    private boolean escaped;
    /** The command line that opened a payload, and the payload so far (null: none). */
    private String payloadCommand;
    private StringBuilder payload;
    private final List<String[]> queue = new ArrayList<>();  // {command, payload or null}
    private long idleTimer = -1;
    private final io.vertx.core.Vertx vertx;
    private final long idleMillis;

    CliSession(io.vertx.core.Vertx vertx, NetSocket socket, CliCommands commands, CliLevel level, long idleMillis) {
        this.vertx = vertx;
        this.socket = socket;
        this.commands = commands;
        this.level = level;
        this.idleMillis = idleMillis;
    }

    CliLevel level() {
        return level;
    }

    /** experimental-mode / expert-mode, per session as in HAProxy. */
    private final java.util.Set<String> modes = new java.util.HashSet<>();

    boolean mode(String mode) {
        return modes.contains(mode);
    }

    void mode(String mode, boolean on) {
        if (on) modes.add(mode);
        else modes.remove(mode);
    }

    void level(CliLevel l) {
        level = l;
    }

    void start() {
        socket.handler(this::received);
        socket.endHandler(v -> inputClosed());
        socket.exceptionHandler(t -> socket.close());
        socket.closeHandler(v -> cancelIdle());
        armIdle();
    }

    /** The client sent its FIN: answer what arrived, then close. */
    void inputClosed() {
        closing = true;
        if (!busy && queue.isEmpty()) socket.close();
    }

    private void armIdle() {
        cancelIdle();
        idleTimer = vertx.setTimer(idleMillis, t -> socket.close());
    }

    private void cancelIdle() {
        if (idleTimer >= 0) vertx.cancelTimer(idleTimer);
        idleTimer = -1;
    }

    private void received(Buffer b) {
        armIdle();
        String s = b.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (payload != null) {
                if (c == '\n') {
                    String l = line.toString();
                    line.setLength(0);
                    if (l.endsWith("\r")) l = l.substring(0, l.length() - 1);
                    if (l.isEmpty()) {
                        queue.add(new String[] {payloadCommand, payload.toString()});
                        payload = null;
                        payloadCommand = null;
                    } else {
                        payload.append(l).append('\n');
                        if (payload.length() > MAX_PAYLOAD) {
                            socket.close();
                            return;
                        }
                    }
                } else {
                    line.append(c);
                }
                continue;
            }
            if (escaped) {
                line.append(c);
                escaped = false;
            } else if (c == '\\') {
                line.append(c);
                escaped = true;
            } else if (c == '\n' || c == ';') {
                String l = line.toString();
                line.setLength(0);
                if (l.endsWith("\r")) l = l.substring(0, l.length() - 1);
                if (l.strip().endsWith("<<") && c == '\n') {
                    payloadCommand = l.substring(0, l.lastIndexOf("<<"));
                    payload = new StringBuilder();
                } else {
                    queue.add(new String[] {l, null});
                }
            } else {
                line.append(c);
            }
            if (line.length() > MAX_LINE) {
                socket.close();
                return;
            }
        }
        next();
    }

    /** Runs the next queued command once the previous one answered. */
    private void next() {
        if (busy) return;
        if (queue.isEmpty()) {
            if (!prompt && payload == null && (closing || line.length() == 0)) socket.close();
            return;
        }
        String[] cmd = queue.remove(0);
        String[] args = words(cmd[0]);
        if (args.length == 1 && args[0].equals("quit")) {
            socket.close();
            return;
        }
        if (args.length == 1 && args[0].equals("prompt")) {
            prompt = !prompt;
            answer("");
            return;
        }
        busy = true;
        Future<String> f;
        try {
            f = commands.run(args, cmd[1], this);
        } catch (RuntimeException e) {
            f = Future.succeededFuture("Internal error.\n");
        }
        f.onComplete(ar -> {
            busy = false;
            answer(ar.succeeded() ? ar.result() : "Internal error.\n");
        });
    }

    private void answer(String text) {
        String end = prompt ? "\n> " : "\n";
        socket.write(Buffer.buffer((text + end).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
        next();
    }

    /** The words of a command line: blanks separate, a backslash makes the next character literal. */
    static String[] words(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder w = null;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                if (w == null) w = new StringBuilder();
                w.append(line.charAt(++i));
            } else if (c == ' ' || c == '\t') {
                if (w != null) out.add(w.toString());
                w = null;
            } else {
                if (w == null) w = new StringBuilder();
                w.append(c);
            }
        }
        if (w != null) out.add(w.toString());
        return out.toArray(new String[0]);
    }
}
