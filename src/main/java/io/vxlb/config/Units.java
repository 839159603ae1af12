package io.vxlb.config;

/** HAProxy's number formats: durations ({@code us ms s m h d}, default ms) and sizes ({@code k m g}). */
public final class Units {
    private Units() {}

    /**
     * Parses a duration to milliseconds; microseconds round up to 1 ms so that "1us" is not "0 =
     * infinite". Throws IllegalArgumentException with a helpful message.
     */
    public static long durationMillis(String s) {
        if (s == null || s.isEmpty()) throw new IllegalArgumentException("missing duration (e.g. 5s, 300ms, 1m)");
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
        if (i == 0) throw new IllegalArgumentException("'" + s + "' is not a duration (expected a number with an optional unit us, ms, s, m, h or d, e.g. 5s)");
        long v;
        try {
            v = Long.parseLong(s.substring(0, i));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("duration '" + s + "' is too large");
        }
        String unit = s.substring(i);
        long ms = switch (unit) {
            case "", "ms" -> v;
            case "us" -> (v + 999) / 1000;
            case "s" -> v * 1000L;
            case "m" -> v * 60_000L;
            case "h" -> v * 3_600_000L;
            case "d" -> v * 86_400_000L;
            default -> throw new IllegalArgumentException("unknown unit '" + unit + "' in duration '" + s + "' (use us, ms, s, m, h or d)");
        };
        if (ms < 0 || ms > Integer.MAX_VALUE) throw new IllegalArgumentException("duration '" + s + "' is too large (max is about 24 days)");
        return ms;
    }

    /** Parses a size in bytes with an optional k/m/g suffix (powers of 1024, case-insensitive). */
    public static long size(String s) {
        if (s == null || s.isEmpty()) throw new IllegalArgumentException("missing size (e.g. 16k)");
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
        if (i == 0) throw new IllegalArgumentException("'" + s + "' is not a size (expected a number with an optional unit k, m or g)");
        long v = Long.parseLong(s.substring(0, i));
        String unit = s.substring(i).toLowerCase(java.util.Locale.ROOT);
        return switch (unit) {
            case "" -> v;
            case "k" -> v << 10;
            case "m" -> v << 20;
            case "g" -> v << 30;
            default -> throw new IllegalArgumentException("unknown unit '" + unit + "' in size '" + s + "' (use k, m or g)");
        };
    }

    /** Parses a non-negative decimal integer, or throws with a message naming what was expected. */
    public static int integer(String s, String what) {
        try {
            int v = Integer.parseInt(s);
            if (v < 0) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not a valid " + what + " (expected a non-negative integer)");
        }
    }
}
