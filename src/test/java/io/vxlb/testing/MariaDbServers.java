package io.vxlb.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Private MariaDB servers for the tests (Debian's {@code mariadb-server}, installed by .ci/run):
 * each one a {@code mariadbd} on 127.0.0.1:PORT with its own data directory, socket, pid file and
 * error log under one temporary folder; the host's own MariaDB service, /etc/mysql and
 * /var/lib/mysql are never read or touched ({@code --no-defaults}). The system tables are made
 * once per JVM with {@code mariadb-install-db} and copied for every server. Each server has
 * the database {@value #DATABASE}, the user {@value #USER} (password {@value #PASSWORD}) and the
 * password-less user {@value #CHECK_USER} that {@code option mysql-check user haproxy} logs in
 * as. Queries go through the {@code mariadb} command-line client. {@link #close()} stops the
 * servers and deletes the folder.
 */
public final class MariaDbServers implements AutoCloseable {
    public static final String USER = "vxlb", PASSWORD = "vxlb", DATABASE = "vxlb", CHECK_USER = "haproxy";
    private static final String[] SBIN = {"/usr/sbin", "/usr/local/sbin", "/sbin"};

    private final List<Server> servers = new ArrayList<>();
    private final Thread cleanup = new Thread(this::killAll, "mariadb-test-cleanup");
    private Path base;
    /** The system tables made by mariadb-install-db, once per JVM (deleted when it exits); each server gets a copy. */
    private static Path template;

    /** Skips the calling test when MariaDB is not installed; fails instead under CI (see {@link RealServers}). */
    public static void assumeAvailable() {
        boolean found = RealServers.find("mariadbd", SBIN) != null && RealServers.find("mariadb-install-db", SBIN) != null
                && RealServers.find("mariadb", SBIN) != null;
        RealServers.assume(found, "MariaDB (mariadbd, mariadb-install-db, mariadb)", "apt-get install -y mariadb-server mariadb-client");
    }

    private static String bin(String name) {
        Path p = RealServers.find(name, SBIN);
        if (p == null) throw new IllegalStateException(name + " not found");
        return p.toString();
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Options every mariadbd (and the bootstrap of mariadb-install-db) gets: small, fast, private. */
    private static List<String> serverOptions() {
        List<String> o = new ArrayList<>(List.of("--skip-name-resolve", "--innodb-buffer-pool-size=16M",
                "--innodb-log-file-size=4M", "--innodb-flush-log-at-trx-commit=0", "--skip-log-bin"));
        if (root()) o.add("--user=root");
        return o;
    }

    /** A running server: its port, and how to query or stop it. */
    public final class Server {
        public final int port;
        final Path dir;
        Process process;

        Server(int port, Path dir) {
            this.port = port;
            this.dir = dir;
        }

        Path socket() {
            return dir.resolve("sock");
        }

        /** Runs SQL as {@value #USER} over TCP on this server directly (not through vxlb). */
        public String query(String sql) throws IOException, InterruptedException {
            return MariaDbServers.query(port, sql);
        }

        /** Runs SQL as root over this server's unix socket. */
        public String rootQuery(String sql) throws IOException, InterruptedException {
            return text(run(List.of(bin("mariadb"), "--no-defaults", "--protocol=SOCKET", "--socket=" + socket(), "-uroot",
                    "--batch", "--raw", "--skip-column-names", "-e", sql), 20));
        }

        /** Starts mariadbd again on the same port and data (after {@link #stop()}); returns when it answers. */
        public void restart() throws Exception {
            if (running()) throw new IllegalStateException("mariadbd on port " + port + " is running");
            launch();
        }

        void launch() throws Exception {
            List<String> cmd = new ArrayList<>(List.of(bin("mariadbd"), "--no-defaults", "--datadir=" + dir.resolve("data"),
                    "--port=" + port, "--bind-address=127.0.0.1", "--skip-networking=0", "--socket=" + socket(),
                    "--pid-file=" + dir.resolve("mariadbd.pid"), "--log-error=" + dir.resolve("error.log")));
            cmd.addAll(serverOptions());
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile())).start();
            long end = System.nanoTime() + 20_000_000_000L;
            String last = null;
            while (true) {
                if (!process.isAlive()) throw new AssertionError("mariadbd on port " + port + " exited:\n" + errorLog());
                try {
                    rootQuery("SELECT 1");
                    return;
                } catch (IOException e) {
                    last = e.getMessage();
                }
                if (System.nanoTime() > end) throw new AssertionError("mariadbd on port " + port + " did not start: " + last + "\n" + errorLog());
                Thread.sleep(50);
            }
        }

        public boolean running() {
            return process != null && process.isAlive();
        }

        /** Stops the server (SIGTERM, a clean shutdown; killed after 10 s) and waits until it is gone. */
        public void stop() throws InterruptedException {
            if (process == null) return;
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }

        /** The tail of this server's error log, for failure messages. */
        public String errorLog() {
            try {
                List<String> lines = Files.readAllLines(dir.resolve("error.log"));
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
            } catch (IOException e) {
                return "(no error log: " + e + ")";
            }
        }
    }

    /**
     * Starts a mariadbd on 127.0.0.1:{@code port}, waits until it answers (≤ 20 s) and creates the
     * test database and users. The first call in a JVM also makes the system tables (about 2 s).
     */
    public Server start(int port) throws Exception {
        if (base == null) {
            base = Files.createTempDirectory("vxlb-mariadb");
            Runtime.getRuntime().addShutdownHook(cleanup);
        }
        Path template = template();
        Path dir = base.resolve("s" + port);
        Files.createDirectories(dir);
        copyTree(template, dir.resolve("data"));
        Server s = new Server(port, dir);
        servers.add(s);
        s.launch();
        s.rootQuery("DELETE FROM mysql.global_priv WHERE User = '';"  // no anonymous accounts shadowing ours
                + " FLUSH PRIVILEGES;"
                + " CREATE DATABASE " + DATABASE + ";"
                + " CREATE USER '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "';"
                + " GRANT ALL ON " + DATABASE + ".* TO '" + USER + "'@'%';"
                + " CREATE USER '" + CHECK_USER + "'@'%';");
        return s;
    }

    private static synchronized Path template() throws IOException, InterruptedException {
        if (template != null) return template;
        Path dir = Files.createTempDirectory("vxlb-mariadb-template");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> Ports.deleteTree(dir), "mariadb-template-cleanup"));
        List<String> cmd = new ArrayList<>(List.of(bin("mariadb-install-db"), "--no-defaults", "--datadir=" + dir.resolve("data"),
                "--auth-root-authentication-method=normal", "--skip-test-db"));
        cmd.addAll(serverOptions());
        run(cmd, 60);
        template = dir.resolve("data");
        return template;
    }

    /** Runs SQL as {@value #USER} in {@value #DATABASE} on 127.0.0.1:{@code port} (a server or vxlb); returns the client's output. */
    public static String query(int port, String sql) throws IOException, InterruptedException {
        return text(queryBytes(port, sql));
    }

    /** As {@link #query}, the output's exact bytes ({@code --batch --raw --skip-column-names}: tab-separated, unescaped). */
    public static byte[] queryBytes(int port, String sql) throws IOException, InterruptedException {
        return run(List.of(bin("mariadb"), "--no-defaults", "--protocol=TCP", "-h", "127.0.0.1", "-P", String.valueOf(port),
                "-u", USER, "-p" + PASSWORD, "-D", DATABASE, "--connect-timeout=5", "--batch", "--raw", "--skip-column-names",
                "-e", sql), 30);
    }

    private static String text(byte[] out) {
        String s = new String(out, StandardCharsets.UTF_8);
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }

    /** Runs a command; returns its standard output, or throws IOException with its error output when it fails. */
    private static byte[] run(List<String> cmd, int timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        // both streams drained on their own threads: a large result cannot block the client, a hung one cannot block the test
        var out = drain(p.getInputStream());
        var err = drain(p.getErrorStream());
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(Path.of(cmd.get(0)).getFileName() + " did not finish in " + timeoutSeconds + " s");
        }
        try {
            if (p.exitValue() != 0) {
                throw new IOException(Path.of(cmd.get(0)).getFileName() + " exited " + p.exitValue() + ": "
                        + new String(err.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8).trim());
            }
            return out.get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("reading the output of " + cmd.get(0), e);
        }
    }

    private static java.util.concurrent.CompletableFuture<byte[]> drain(java.io.InputStream in) {
        var f = new java.util.concurrent.CompletableFuture<byte[]>();
        Thread t = new Thread(() -> {
            try {
                f.complete(in.readAllBytes());
            } catch (IOException e) {
                f.completeExceptionally(e);
            }
        }, "mariadb-client-output");
        t.setDaemon(true);
        t.start();
        return f;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(q);
                else Files.copy(p, q);
            }
        }
    }

    private void killAll() {
        for (Server s : servers) if (s.process != null) s.process.destroyForcibly();
    }

    @Override
    public void close() throws InterruptedException {
        for (Server s : servers) s.stop();
        servers.clear();
        if (base != null) {
            Ports.deleteTree(base);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down
            }
            base = null;
        }
    }
}
