package io.squall.llama;

import java.util.List;

/**
 * What a generation produced.
 *
 * @param text            the generated text (without a stop string that ended it)
 * @param tokens          the generated token ids (without the end-of-generation token that stopped it)
 * @param finishReason    why it ended
 * @param logprobs        one entry per generated token when requested, else empty
 * @param promptTokens    tokens in the prompt
 * @param promptEvaluated prompt tokens actually run (the rest was already in the sequence's cache)
 * @param promptNanos     time to process the prompt
 * @param generationNanos time from the first generated token to the end
 */
public record Completion(
        String text,
        int[] tokens,
        FinishReason finishReason,
        List<TokenLogprob> logprobs,
        int promptTokens,
        int promptEvaluated,
        long promptNanos,
        long generationNanos) {

    /** Generated tokens. */
    public int completionTokens() {
        return tokens.length;
    }

    /** Prompt tokens per second of prompt processing (0 when nothing ran). */
    public double promptTokensPerSecond() {
        return promptNanos == 0 ? 0 : promptEvaluated * 1e9 / promptNanos;
    }

    /** Generated tokens per second. */
    public double generationTokensPerSecond() {
        return generationNanos == 0 ? 0 : tokens.length * 1e9 / generationNanos;
    }
}
