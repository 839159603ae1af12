package io.vxlb;

/**
 * SIGINT and SIGTERM stop vxlb as they stop haproxy: the node closes (shutdown hooks run) and
 * the process exits with status 0, or with 128 + the signal's number in master-worker mode
 * ({@code -W}), whose master reports how it was stopped. The JVM's own handling would exit
 * with 130 / 143 in every mode.
 */
final class StopSignals {
    private StopSignals() {}

    static void install(boolean masterWorker) {
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> {
                    int code = masterWorker ? 128 + s.getNumber() : 0;
                    // System.exit runs the shutdown hooks (node.close) and must not run on the
                    // signal dispatcher thread's behalf twice: a second signal during shutdown
                    // finds the JVM already exiting and is ignored.
                    new Thread(() -> System.exit(code), "vxlb-stop-" + name).start();
                });
            } catch (IllegalArgumentException e) {
                // the signal is not available here (or the JVM reserves it): keep the JVM's default
            }
        }
    }
}
