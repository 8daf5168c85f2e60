package io.squall.llama;

/** Why a generation ended. */
public enum FinishReason {
    /** The model produced an end-of-generation token, or the text reached a stop string. */
    STOP,
    /** The token budget ({@link GenerationRequest#maxTokens()}) was reached. */
    LENGTH,
    /** The context window is full. */
    CONTEXT_FULL,
    /** The caller cancelled it ({@link Generation#cancel()}, or a {@link TextListener} returned false). */
    CANCELLED,
    /** The request's time limit ({@link GenerationRequest#timeout()}) passed. */
    TIMEOUT
}
