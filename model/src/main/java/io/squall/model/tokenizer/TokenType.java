package io.squall.model.tokenizer;

/** Token kinds as stored in {@code tokenizer.ggml.token_type} (the SentencePiece piece types, same numbering). */
public enum TokenType {
    NORMAL(1),
    UNKNOWN(2),
    CONTROL(3),
    USER_DEFINED(4),
    UNUSED(5),
    BYTE(6);

    private final int id;

    TokenType(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    public static TokenType fromId(int id) {
        for (TokenType t : values()) if (t.id == id) return t;
        throw new IllegalArgumentException("unknown token type " + id + " (expected 1..6)");
    }
}
