package io.squall.model.llama;

/**
 * A forward pass over one sequence, whatever runs it (the {@link CpuEngine}, or the accelerated engine in
 * io.squall.model.accel). The generator drives it; the returned logits are the engine's buffer, valid until the next call.
 */
public interface InferenceEngine extends AutoCloseable {
    LlamaModel model();

    int contextSize();

    /** Runs {@code token} at {@code pos} (the cache holds 0..pos-1) and returns the logits. */
    float[] forward(int token, int pos);

    /** Runs {@code count} tokens from {@code tokens[from]} at positions {@code startPos..}; returns the last one's logits. */
    float[] prefill(int[] tokens, int from, int count, int startPos);

    /**
     * Like {@link #forward} but returns only the greedy choice (the first maximum of the logits), so an engine on a
     * device can pick it there and skip copying the logits.
     */
    default int forwardGreedy(int token, int pos) {
        float[] logits = forward(token, pos);
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Frees what the engine holds on devices (the model stays open). */
    @Override
    default void close() {
    }
}
