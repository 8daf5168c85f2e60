package io.squall.model.cli;

/**
 * Text from files (metadata, tensor names, token pieces, error messages quoting them) made safe for a terminal:
 * control characters (C0, DEL, C1: escape sequences that clear the screen or set the window title) and the
 * bidirectional overrides (which reorder what a reader sees) are shown as {@code \xNN} / {@code \\uNNNN} escapes.
 * Generated text printed as the story itself is the user's output and is not passed through here.
 */
public final class TerminalText {
    private TerminalText() {}

    /** Every control character escaped, line breaks and tabs included (for one-line values). */
    public static String escape(String s) {
        return escape(s, false);
    }

    /** Control characters escaped except line breaks and tabs (for multi-line messages). */
    public static String escapeKeepingLines(String s) {
        return escape(s, true);
    }

    private static String escape(String s, boolean keepLines) {
        if (s == null) {
            return null;
        }
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean unsafe = isUnsafe(c) && !(keepLines && (c == '\n' || c == '\t'));
            if (unsafe && sb == null) {
                sb = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (sb == null) {
                continue;
            }
            if (!unsafe) {
                sb.append(c);
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\t') {
                sb.append("\\t");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c < 0x100) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(String.format("\\u%04x", (int) c));
            }
        }
        return sb == null ? s : sb.toString();
    }

    private static boolean isUnsafe(char c) {
        return c < 0x20
                || c >= 0x7f && c <= 0x9f // C0, DEL, C1 (0x9b is a one-byte CSI)
                || c >= '\u202a' && c <= '\u202e'
                || c >= '\u2066' && c <= '\u2069' // bidi embeddings, overrides, isolates
                || c == '\u061c'
                || c == '\u200e'
                || c == '\u200f'; // bidi marks
    }
}
