package io.vxlb.maps;

/**
 * Where map files come from when a configuration snapshot is compiled. Implementations are
 * consulted only while compiling (never on the request path) and may block.
 */
public interface MapSource {
    /**
     * The contents of the map file named {@code path} as written in the configuration (relative
     * paths resolve against the process working directory, as in HAProxy). Throws an unchecked
     * exception naming the file when it cannot be read.
     */
    MapFile get(String path);
}
