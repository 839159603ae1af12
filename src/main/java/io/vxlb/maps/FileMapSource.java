package io.vxlb.maps;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Map files read from disk, cached per path as written in the configuration: a file is read once,
 * and later snapshots reuse its contents (and their lookup structures) until {@link #put} replaces
 * them or {@link #invalidate} drops them. Relative paths resolve against a base directory, by
 * default the process working directory, as HAProxy does.
 */
public final class FileMapSource implements MapSource {
    private final Path base;
    private final ConcurrentHashMap<String, MapFile> cache = new ConcurrentHashMap<>();

    public FileMapSource() {
        this(Path.of("").toAbsolutePath());
    }

    public FileMapSource(Path base) {
        this.base = base;
    }

    /** The file a configured path designates. */
    public Path resolve(String path) {
        return base.resolve(path);
    }

    @Override
    public MapFile get(String path) {
        MapFile f = cache.get(path);
        if (f != null) {
            return f;
        }
        Path file = resolve(path);
        try {
            f = MapFile.load(path, file, 1);
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("failed to open map file '" + path + "' (" + file + "): no such file", e);
        } catch (IOException e) {
            throw new UncheckedIOException("failed to open map file '" + path + "' (" + file + "): " + e, e);
        }
        MapFile prev = cache.putIfAbsent(path, f);
        return prev != null ? prev : f;
    }

    /** Replaces the cached contents of a path (e.g. after a change through the admin API). */
    public void put(MapFile file) {
        cache.put(file.path(), file);
    }

    /** Paths read so far (the maps configurations have used), sorted. */
    public java.util.List<String> paths() {
        java.util.List<String> out = new java.util.ArrayList<>(cache.keySet());
        out.sort(null);
        return out;
    }

    /** Forgets a path: the next {@link #get} reads the file again. */
    public void invalidate(String path) {
        cache.remove(path);
    }
}
