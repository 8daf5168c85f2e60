package io.squall.model.generate;

import java.util.List;

/**
 * What a generation produced.
 *
 * @param tokens         generated token ids (without the end-of-generation token that stopped it)
 * @param logprobs       one entry per generated token when requested, else empty
 * @param stopReason     why it stopped
 * @param promptTokens   prompt tokens given
 * @param promptEvaluated prompt tokens actually run (the rest was reused from the cache)
 */
public record GenerationResult(int[] tokens, String text, List<TokenLogprob> logprobs, StopReason stopReason,
                               int promptTokens, int promptEvaluated, long promptNanos, long generationNanos) {

    public enum StopReason {
        /** the model produced an end-of-generation token */
        END_OF_GENERATION,
        /** the token budget (--max-tokens) was reached */
        MAX_TOKENS,
        /** the context window is full */
        CONTEXT_FULL
    }

    public double promptTokensPerSecond() {
        return promptNanos == 0 ? 0 : promptEvaluated * 1e9 / promptNanos;
    }

    /** Decode speed: every generated token but the last was run through the model. */
    public double generationTokensPerSecond() {
        return generationNanos == 0 ? 0 : tokens.length * 1e9 / generationNanos;
    }
}
