package io.vxlb;

import io.vxlb.config.ConfigParser;
import io.vxlb.config.Diagnostic;
import io.vxlb.config.ParseResult;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line, close to haproxy's: {@code -f FILE|DIR} (repeatable), {@code -c} check only,
 * {@code -q} quiet, {@code -v}/{@code -vv} version.
 */
public final class Main {
    static final String USAGE = """
            Usage: java -jar vxlb.jar -f FILE|DIR [-f ...] [-c] [-q]
                          [--cluster --cluster-secret FILE [--cluster-config FILE] [--cluster-size N]
                           [--cluster-tls CERT,KEY,CA]] [--node NAME]
                          [--admin [HOST:]PORT [--admin-token-file FILE | --admin-no-auth]
                           [--admin-cert CERT[,KEY]] [--maps-dir DIR ...]]
                   java -jar vxlb.jar demo
                   java -jar vxlb.jar -v | -vv
              -f FILE|DIR        configuration file, or directory whose *.cfg files load in name order
              -c                 check the configuration and exit (0 = valid, 1 = errors)
              -q                 quiet: do not print warnings
              -v, -vv            print the version (and build details)
              -d, -db            stay in the foreground (vxlb always does; accepted as haproxy's)
              -W                 master-worker mode as haproxy's: a signal ends vxlb with 128+signal
              -p FILE            write the process id to FILE
              -cc CONDITION      evaluate a '.if' condition: exit 0 if true, 1 if false, 2 on error
              --cluster          join the Hazelcast cluster (cluster.xml in the jar: TCP-IP on 127.0.0.1)
              --cluster-config F Hazelcast XML to use instead (or -Dvertx.hazelcast.config=F)
              --cluster-secret F every cluster message is sealed (HMAC) with this file's secret; made
                                 (0600) when missing: copy it to every node. Required with --cluster
              --cluster-size N   configured members: writes need a majority of N live (split-brain)
              --cluster-tls C,K,A  event bus over mutual TLS: PEM certificate, key, and CA
              --node NAME        this node's name in the cluster (default: host-pid)
              --admin [H:]PORT   serve the admin REST API (default host 127.0.0.1); it needs a token:
                                 --admin-token-file F (made 0600 when missing; default ~/.vxlb/admin-token),
                                 VXLB_ADMIN_TOKEN or VXLB_ADMIN_BASIC=user:pass; --admin-no-auth (loopback only)
              --admin-cert C[,K] serve the admin API over HTTPS (required off loopback)
              --maps-dir DIR     a configuration pushed through the API may name files under DIR
              demo               run the bundled demo: five backends and vxlb on 127.0.0.1:8080
            """;

    private Main() {}

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code >= 0) System.exit(code);
        // code < 0: vxlb is serving; Vert.x's threads keep the JVM alive until it is stopped
    }

    /**
     * Runs the CLI. Returns the process exit code, or -1 when vxlb was started and keeps running
     * (kept separate from System.exit for tests).
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 1 && args[0].equals("demo")) return Demo.run(out, err);
        List<Path> files = new ArrayList<>();
        boolean check = false, quiet = false, cluster = false, masterWorker = false;
        String clusterConfig = null, nodeName = null, admin = null, tokenFile = null, pidFile = null;
        String secretFile = null, clusterTls = null, adminCert = null;
        int clusterSize = 0;
        boolean noAuth = false;
        List<Path> mapsDirs = new ArrayList<>();
        List<String> ignoredFlags = new ArrayList<>();
        int version = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-f" -> {
                    if (i + 1 >= args.length) return usage(err, "-f needs a file or directory");
                    files.add(Path.of(args[++i]));
                }
                case "-c" -> check = true;
                case "--cluster" -> cluster = true;
                case "--admin-no-auth" -> noAuth = true;
                case "--cluster-secret", "--cluster-size", "--cluster-tls", "--admin-cert", "--maps-dir" -> {
                    if (i + 1 >= args.length) return usage(err, args[i] + " needs a value");
                    String v = args[++i];
                    switch (args[i - 1]) {
                        case "--cluster-secret" -> secretFile = v;
                        case "--cluster-tls" -> clusterTls = v;
                        case "--admin-cert" -> adminCert = v;
                        case "--maps-dir" -> mapsDirs.add(Path.of(v));
                        default -> {
                            try {
                                clusterSize = Integer.parseInt(v);
                            } catch (NumberFormatException e) {
                                return usage(err, "--cluster-size needs a number");
                            }
                        }
                    }
                }
                case "-d", "-db" -> { }  // haproxy's foreground / debug mode: vxlb never forks
                case "-W" -> masterWorker = true;
                case "-p", "-cc" -> {
                    if (i + 1 >= args.length) return usage(err, args[i] + (args[i].equals("-p") ? " needs a file" : " needs a condition"));
                    if (args[i].equals("-p")) {
                        pidFile = args[++i];
                    } else {
                        return checkCondition(args[++i], err);
                    }
                }
                case "-dM", "-dG", "-dS", "-dV", "-dW", "-dD", "-dr", "-de", "-dp", "-dK", "-V" -> ignoredFlags.add(args[i]);
                case "-D" -> {
                    err.println("[ALERT] -D (daemon mode) is not supported: vxlb runs in the foreground; start it under systemd or another supervisor");
                    return 1;
                }
                case "--cluster-config", "--node", "--admin", "--admin-token-file" -> {
                    if (i + 1 >= args.length) return usage(err, args[i] + " needs a value");
                    String v = args[++i];
                    switch (args[i - 1]) {
                        case "--cluster-config" -> {
                            clusterConfig = v;
                            cluster = true;
                        }
                        case "--node" -> nodeName = v;
                        case "--admin" -> admin = v;
                        default -> tokenFile = v;
                    }
                }
                case "-q" -> quiet = true;
                case "-v" -> version = Math.max(version, 1);
                case "-vv" -> version = 2;
                case "-h", "--help" -> {
                    out.print(USAGE);
                    return 0;
                }
                default -> {
                    if (args[i].startsWith("-dM")) {
                        ignoredFlags.add(args[i]);
                        continue;
                    }
                    return usage(err, "unknown option '" + args[i] + "'");
                }
            }
        }
        if (version > 0) {
            out.println("vxlb version " + Version.get() + " - HAProxy-compatible load balancer on Vert.x");
            if (version > 1) {
                out.println("Java: " + System.getProperty("java.vm.name") + " " + Runtime.version());
                out.println("Vert.x: " + Version.vertx());
                // what the JVM runs with (bin/vxlb's settings, or the operator's), for support questions
                StringBuilder gcs = new StringBuilder();
                for (java.lang.management.GarbageCollectorMXBean gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
                    if (gcs.length() > 0) gcs.append(", ");
                    gcs.append(gc.getName());
                }
                out.println("JVM: max heap " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB, collectors " + gcs);
                out.println("Compatible with HAProxy 2.6 configuration syntax");
            }
            return 0;
        }
        if (files.isEmpty()) return usage(err, "no configuration file given (use -f FILE)");
        for (Path p : files) {
            if (!Files.exists(p)) {
                err.println("[ALERT] Could not open configuration file " + p + " : No such file or directory");
                return 1;
            }
        }
        if (!ignoredFlags.isEmpty() && !quiet) {
            err.println("[WARNING] haproxy debugging switches ignored by vxlb: " + String.join(" ", ignoredFlags));
        }
        ParseResult result = new ConfigParser().parseFiles(files);
        for (Diagnostic d : result.diagnostics()) {
            if (d.isError() || !quiet) err.println(d.format());
        }
        if (!result.ok()) {
            err.println("[ALERT] Fatal errors found in configuration (" + result.errors().size() + " error" + (result.errors().size() == 1 ? "" : "s") + ").");
            return 1;
        }
        if (check) {
            // the same building as start-up, so that nothing that cannot start passes -c
            List<String> problems = ConfigCheck.problems(result.config());
            for (String p : problems) err.println("[ALERT] " + p);
            if (!problems.isEmpty()) {
                err.println("[ALERT] Fatal errors found in configuration (" + problems.size() + " error" + (problems.size() == 1 ? "" : "s") + ").");
                return 1;
            }
            if (!quiet) out.println("Configuration file is valid");
            return 0;
        }
        // before anything listens: a stop signal that arrives while vxlb starts ends it as haproxy's would
        StopSignals.install(masterWorker);
        Node node;
        try {
            io.vxlb.admin.AdminOptions adminOptions = null;
            if (admin != null) {
                adminOptions = adminOptions(admin, tokenFile, noAuth, adminCert, out);
            } else if (tokenFile != null || noAuth || adminCert != null) {
                return usage(err, "--admin-token-file, --admin-no-auth and --admin-cert need --admin");
            }
            Node.Options options = new Node.Options(nodeName, adminOptions).withMapsDirs(mapsDirs).withClusterSize(clusterSize);
            if (cluster) {
                if (secretFile == null) return usage(err, "--cluster needs --cluster-secret FILE (made when missing; every node needs the same file)");
                options = options.withSecret(io.vxlb.cluster.ClusterSecret.load(Path.of(secretFile),
                        f -> out.println("[NOTICE] made a new cluster secret in " + f + " (0600): copy this file to every node")));
                var hz = io.vxlb.cluster.ClusterBootstrap.hazelcastConfig(clusterConfig == null ? null : Path.of(clusterConfig), null);
                io.vertx.core.VertxOptions vo = Node.vertxOptions(result.config());
                if (clusterTls != null) {
                    String[] t = clusterTls.split(",");
                    if (t.length != 3) return usage(err, "--cluster-tls needs CERT,KEY,CA (PEM files)");
                    io.vxlb.cluster.ClusterBootstrap.eventBusTls(vo, t[0], t[1], t[2]);
                }
                io.vertx.core.Vertx vertx = io.vxlb.cluster.ClusterBootstrap.start(vo, hz).await();
                if (clusterSize <= 0) err.println("[WARNING] no --cluster-size: during a network split both sides accept admin writes (the newest wins after the heal)");
                node = Node.startOwning(vertx, result.config(), options).await();
            } else {
                node = Node.start(result.config(), options).await();
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> node.close().await(), "vxlb-shutdown"));
            if (pidFile != null) Files.writeString(Path.of(pidFile), ProcessHandle.current().pid() + "\n");
        } catch (Exception e) {
            err.println("[ALERT] cannot start: " + e.getMessage());
            return 1;
        }
        if (!quiet) {
            out.println("vxlb " + Version.get() + " started with " + String.join(", ", result.config().files())
                    + (cluster ? " as cluster node " + node.name() + " (" + node.members().live().size() + " members)" : "")
                    + (node.adminPort() > 0 ? ", admin API on port " + node.adminPort() : ""));
        }
        return -1;
    }

    /**
     * The admin API's options: a token by default (from --admin-token-file, else VXLB_ADMIN_TOKEN
     * or VXLB_ADMIN_BASIC, else the default token file, made and printed on first start), none only
     * with --admin-no-auth on loopback; HTTPS with --admin-cert, which off loopback is required.
     */
    private static io.vxlb.admin.AdminOptions adminOptions(String spec, String tokenFile, boolean noAuth, String cert, PrintStream out) throws java.io.IOException {
        String token = System.getenv("VXLB_ADMIN_TOKEN"), basic = System.getenv("VXLB_ADMIN_BASIC");
        if (noAuth) {
            if (tokenFile != null) throw new IllegalArgumentException("--admin-no-auth and --admin-token-file exclude each other");
            token = null;
            basic = null;
        } else if (tokenFile != null || (token == null || token.isEmpty()) && (basic == null || basic.isEmpty())) {
            Path f = tokenFile != null ? Path.of(tokenFile) : io.vxlb.admin.AdminToken.defaultFile();
            token = io.vxlb.admin.AdminToken.load(f, t -> out.println("[NOTICE] admin API token made in " + f + " (0600): " + t));
        }
        io.vxlb.admin.AdminOptions o = io.vxlb.admin.AdminOptions.parse(spec, token, basic);
        if (noAuth && !o.onLoopback()) throw new IllegalArgumentException("--admin-no-auth is for a loopback address only");
        if (cert != null) {
            String[] c = cert.split(",", 2);
            o = o.withCert(c[0], c.length > 1 ? c[1] : null);
        } else if (!o.onLoopback()) {
            throw new IllegalArgumentException("admin API on " + o.address() + " is not on loopback: it needs TLS (--admin-cert CERT[,KEY]) so the token is not sent in clear");
        }
        String names = System.getenv("VXLB_ADMIN_HOSTS");
        if (names != null && !names.isBlank()) o = o.withHostNames(List.of(names.split("[, ]+")));
        return o;
    }

    /** haproxy -cc: 0 when the condition is true, 1 when false, 2 when it cannot be evaluated. */
    static int checkCondition(String text, PrintStream err) {
        java.util.List<io.vxlb.config.Word> words;
        try {
            words = new io.vxlb.config.LineTokenizer(System::getenv).tokenize(text);
        } catch (io.vxlb.config.LineTokenizer.TokenException e) {
            err.println("[ALERT] Syntax Error in condition: " + e.getMessage());
            return 2;
        }
        try {
            return io.vxlb.config.CfgCondition.eval(String.join(" ", words.stream().map(io.vxlb.config.Word::text).toList()), System::getenv) ? 0 : 1;
        } catch (IllegalArgumentException e) {
            err.println("[ALERT] Failed to evaluate condition: " + e.getMessage());
            return 2;
        }
    }

    private static int usage(PrintStream err, String message) {
        err.println("[ALERT] " + message);
        err.print(USAGE);
        return 1;
    }
}
