package io.squall.device.placement;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte sizes as people write them ("8GB", "512 MiB", "1.5G"; K/M/G/T are powers of 1024) and as we print them. */
public final class Bytes {
    private Bytes() {}

    private static final Pattern SIZE =
            Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([KMGT]?)(?:I?B)?", Pattern.CASE_INSENSITIVE);

    /** What {@link #parse} returns for a size of 2^63 bytes or more. */
    public static final long TOO_LARGE = -2;

    /** Parses a size; returns -1 when the text is not one, {@link #TOO_LARGE} when it does not fit a long. */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            return -1;
        }
        double value = Double.parseDouble(m.group(1));
        int shift = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            default -> 0;
        };
        double bytes = value * (1L << shift);
        return bytes < 0x1p63 ? (long) bytes : TOO_LARGE; // a cast would saturate silently at 8 EiB
    }

    /** "1.24 GiB", "512.0 MiB", "812 B". */
    public static String format(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.2f %s", v, units[u]);
    }

    /** "48.3 GB/s" (decimal, as bandwidth is usually quoted). */
    public static String rate(double bytesPerSecond) {
        return String.format(Locale.ROOT, "%.1f GB/s", bytesPerSecond / 1e9);
    }
}
