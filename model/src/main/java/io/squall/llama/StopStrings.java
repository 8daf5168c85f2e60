package io.squall.llama;

import java.util.List;

/**
 * Finds stop strings in streamed text. Text that might be the start of a stop string is held back until the next
 * piece shows whether it is one, so a stop string split across tokens is never half-emitted.
 */
final class StopStrings {
    private final List<String> stops;
    private final StringBuilder held = new StringBuilder();
    private boolean stopped;

    StopStrings(List<String> stops) {
        this.stops = stops;
    }

    /** Whether a stop string was found (everything before it was returned by {@link #push}). */
    boolean stopped() {
        return stopped;
    }

    /** Adds a piece; returns the text that is now safe to emit (before any stop string found). */
    String push(String piece) {
        if (stopped) {
            return "";
        }
        held.append(piece);
        if (stops.isEmpty()) {
            return flush();
        }
        int first = -1;
        for (String s : stops) {
            int at = held.indexOf(s);
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
            }
        }
        if (first >= 0) {
            stopped = true;
            String out = held.substring(0, first);
            held.setLength(0);
            return out;
        }
        String h = held.toString();
        int keep = 0; // the longest suffix of the held text that begins some stop string
        for (String s : stops) {
            for (int len = Math.min(s.length() - 1, h.length()); len > keep; len--) {
                if (h.regionMatches(h.length() - len, s, 0, len)) {
                    keep = len;
                    break;
                }
            }
        }
        String out = held.substring(0, held.length() - keep);
        held.delete(0, held.length() - keep);
        return out;
    }

    /** The text still held back (the generation ended without completing a stop string). */
    String flush() {
        String out = held.toString();
        held.setLength(0);
        return out;
    }
}
