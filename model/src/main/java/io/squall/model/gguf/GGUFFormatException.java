package io.squall.model.gguf;

import java.io.IOException;

/** A GGUF file that cannot be read; the message names the problem and the byte offset, key or tensor. */
public class GGUFFormatException extends IOException {

    private final long offset;

    public GGUFFormatException(String message) {
        super(message);
        this.offset = -1;
    }

    /** {@code source} names the file; {@code offset} is where the problem was found (-1 when not about a position). */
    public GGUFFormatException(String source, long offset, String problem) {
        super(source + ": " + problem + (offset >= 0 ? " (at byte offset " + offset + ")" : ""));
        this.offset = offset;
    }

    /** The byte offset of the problem, or -1. */
    public long offset() {
        return offset;
    }
}
