package io.vxlb.maps;

/** A key that the index of its match kind cannot hold (e.g. "abc" for map_int); names its position. */
public final class MapKeyException extends IllegalArgumentException {
    private final int position;

    public MapKeyException(int position, String message) {
        super(message);
        this.position = position;
    }

    /** The entry's position in the key list (0-based). */
    public int position() {
        return position;
    }
}
