package io.squall.model.tokenizer;

/**
 * Decodes generated tokens one at a time. A character whose UTF-8 bytes are split across tokens
 * (byte-fallback tokens, byte-level BPE pieces of an emoji or CJK character) is held back until complete.
 */
public interface StreamingDecoder {
    /** Adds one token; returns the text completed by it (possibly empty). Control tokens add nothing. */
    String push(int id);

    /** Returns whatever is still held (an incomplete sequence becomes U+FFFD) and resets the decoder. */
    String flush();
}
