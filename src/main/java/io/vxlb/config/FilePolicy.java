package io.vxlb.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which files a configuration may make a node read or write. A configuration from the operator's
 * own files is trusted ({@link #OPEN}). One pushed through the admin API (and applied by every
 * node) is not: every file it names — map files, ACL pattern files ({@code -f}), {@code return
 * file} bodies, {@code bind ... crt} certificates, {@code dynamic-update} targets — must be one the
 * node's own configuration files already name, or lie under a directory the operator allowed
 * ({@code --maps-dir}), after symbolic links are resolved; it must be a regular file of at most
 * {@link #maxBytes()} (so {@code /dev/zero} or {@code /etc/shadow} are refused before anything
 * reads them). Refusals name the path and the rule, never the file's contents.
 */
public final class FilePolicy {
    public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;
    public static final FilePolicy OPEN = new FilePolicy(true, List.of(), Set.of(), Set.of(), Long.MAX_VALUE);

    /** A file the policy does not allow; the message names the path and the rule only. */
    public static final class Refused extends RuntimeException {
        public Refused(String message) {
            super(message, null, false, false);
        }
    }

    private final boolean open;
    private final List<Path> dirs;
    private final Set<Path> files;
    /** Certificates (files or directories) the node's own configuration names: allowed as certificates only, never as maps or bodies. */
    private final Set<Path> certs;
    private final long maxBytes;

    private FilePolicy(boolean open, List<Path> dirs, Set<Path> files, Set<Path> certs, long maxBytes) {
        this.open = open;
        this.dirs = List.copyOf(dirs);
        this.files = Set.copyOf(files);
        this.certs = Set.copyOf(certs);
        this.maxBytes = maxBytes;
    }

    /** Files under {@code dirs} (resolved now; missing ones are skipped) or equal to one of {@code files}. */
    public static FilePolicy restricted(Collection<Path> dirs, Collection<Path> files, long maxBytes) {
        return restricted(dirs, files, List.of(), maxBytes);
    }

    /** As above; {@code certs} are allowed as {@code bind ... crt} certificates only (a key must never become a map or a body). */
    public static FilePolicy restricted(Collection<Path> dirs, Collection<Path> files, Collection<Path> certs, long maxBytes) {
        List<Path> d = new ArrayList<>();
        for (Path p : dirs) {
            try {
                d.add(p.toRealPath());
            } catch (IOException e) {
                // a directory that does not exist allows nothing
            }
        }
        Set<Path> f = new LinkedHashSet<>();
        for (Path p : files) {
            try {
                f.add(p.toRealPath());
            } catch (IOException e) {
                f.add(p.toAbsolutePath().normalize());
            }
        }
        return new FilePolicy(false, d, f, real(certs), maxBytes > 0 ? maxBytes : DEFAULT_MAX_BYTES);
    }

    private static Set<Path> real(Collection<Path> paths) {
        Set<Path> out = new LinkedHashSet<>();
        for (Path p : paths) {
            try {
                out.add(p.toRealPath());
            } catch (IOException e) {
                out.add(p.toAbsolutePath().normalize());
            }
        }
        return out;
    }

    public boolean isOpen() {
        return open;
    }

    public long maxBytes() {
        return maxBytes;
    }

    public List<Path> dirs() {
        return dirs;
    }

    /** The same policy also allowing {@code more} files (e.g. the ones the node's own configuration names). */
    public FilePolicy allowing(Collection<Path> more) {
        if (open) return this;
        Set<Path> f = new LinkedHashSet<>(files);
        for (Path p : more) {
            try {
                f.add(p.toRealPath());
            } catch (IOException e) {
                f.add(p.toAbsolutePath().normalize());
            }
        }
        return new FilePolicy(false, dirs, f, certs, maxBytes);
    }

    /** The file to read for {@code path} (as the configuration writes it), or {@link Refused}. */
    public Path readable(String path, String what) {
        Path p = Path.of(path);
        if (open) return p;
        Path real;
        try {
            real = p.toRealPath();
        } catch (IOException e) {
            throw new Refused(what + " '" + path + "' does not exist or cannot be resolved");
        }
        if (!allowed(real)) throw new Refused(what + " '" + path + "' is outside the allowed directories" + dirsText());
        if (!Files.isRegularFile(real)) throw new Refused(what + " '" + path + "' is not a regular file");
        try {
            if (Files.size(real) > maxBytes) throw new Refused(what + " '" + path + "' is over " + maxBytes + " bytes");
        } catch (IOException e) {
            throw new Refused(what + " '" + path + "' cannot be read");
        }
        return real;
    }

    /** A directory ({@code bind ... crt DIR}) or file the configuration names, checked as {@link #readable} but allowing directories. */
    public void readableFileOrDir(String path, String what) {
        if (open) return;
        Path p = Path.of(path);
        try {
            if (certs.contains(p.toRealPath())) return;
        } catch (IOException e) {
            throw new Refused(what + " '" + path + "' does not exist or cannot be resolved");
        }
        if (Files.isDirectory(p)) {
            try {
                Path real = p.toRealPath();
                if (!allowed(real)) throw new Refused(what + " '" + path + "' is outside the allowed directories" + dirsText());
            } catch (IOException e) {
                throw new Refused(what + " '" + path + "' cannot be resolved");
            }
            return;
        }
        readable(path, what);
    }

    /**
     * The file a node may write for {@code path} (a dynamic-update target, which may not exist
     * yet): its directory must exist and be allowed, or the file itself be one already allowed,
     * and an existing file must be a regular file.
     */
    public Path writable(String path, String what) {
        Path p = Path.of(path).toAbsolutePath().normalize();
        if (open) return p;
        Path dir = p.getParent();
        Path real;
        try {
            real = dir.toRealPath().resolve(p.getFileName());
        } catch (IOException e) {
            throw new Refused(what + " '" + path + "': its directory does not exist");
        }
        if (Files.exists(real, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new Refused(what + " '" + path + "' is not a regular file");
        }
        if (!allowed(real)) throw new Refused(what + " '" + path + "' is outside the allowed directories" + dirsText());
        return real;
    }

    private boolean allowed(Path real) {
        if (files.contains(real)) return true;
        for (Path d : dirs) if (real.startsWith(d) && !real.equals(d)) return true;
        return false;
    }

    private String dirsText() {
        return dirs.isEmpty() ? " (no --maps-dir is set: only the files the node's own configuration names)" : " " + dirs + " (--maps-dir)";
    }

    /**
     * The files a configuration names outside of its rules (the rules' maps, pattern and return
     * files are checked as they are compiled): bind certificates and dynamic-update targets.
     * Returns one refusal per file that is not allowed.
     */
    public List<String> check(Config c) {
        List<String> out = new ArrayList<>();
        if (open) return out;
        for (Proxy p : c.proxies()) {
            for (Bind b : p.binds()) {
                for (String crt : b.certificates()) {
                    try {
                        readableFileOrDir(crt, "certificate");
                    } catch (Refused e) {
                        out.add(e.getMessage());
                    }
                }
                // crt-list files and client CA files are read at start too (config branch)
                for (String list : b.tls().crtLists()) {
                    try {
                        readableFileOrDir(list, "crt-list");
                    } catch (Refused e) {
                        out.add(e.getMessage());
                    }
                }
                if (b.tls().caFile() != null) {
                    try {
                        readableFileOrDir(b.tls().caFile(), "ca-file");
                    } catch (Refused e) {
                        out.add(e.getMessage());
                    }
                }
            }
            for (Server s : p.servers()) {
                for (String f : new String[] {s.caFile(), s.crt()}) {
                    if (f == null) continue;
                    try {
                        readableFileOrDir(f, "server TLS file");
                    } catch (Refused e) {
                        out.add(e.getMessage());
                    }
                }
            }
        }
        for (MapUpdate u : c.mapUpdates()) {
            try {
                writable(u.file(), "dynamic-update file");
            } catch (Refused e) {
                out.add(e.getMessage());
            }
        }
        return out;
    }

    /** The dynamic-update targets a configuration names (to allow them for later API pushes). */
    public static List<Path> namedFiles(Config c) {
        List<Path> out = new ArrayList<>();
        for (MapUpdate u : c.mapUpdates()) out.add(Path.of(u.file()));
        return out;
    }

    /** The TLS files a configuration names: bind certificates (files or directories), crt-lists, client CA files, server ca-file and crt. */
    public static List<Path> namedCerts(Config c) {
        List<Path> out = new ArrayList<>();
        for (Proxy p : c.proxies()) {
            for (Bind b : p.binds()) {
                for (String crt : b.certificates()) out.add(Path.of(crt));
                for (String list : b.tls().crtLists()) out.add(Path.of(list));
                if (b.tls().caFile() != null) out.add(Path.of(b.tls().caFile()));
            }
            for (Server s : p.servers()) {
                if (s.caFile() != null) out.add(Path.of(s.caFile()));
                if (s.crt() != null) out.add(Path.of(s.crt()));
            }
        }
        return out;
    }
}
