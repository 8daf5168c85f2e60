package io.squall.model.llama;

/**
 * A forward pass over one sequence, whatever runs it (the {@link CpuEngine}, or the accelerated engine in
 * io.squall.model.accel). The library's generation loop (io.squall.llama.Slot) drives it; the returned logits are
 * the engine's buffer, valid until the next call.
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
     * device can pick it there and skip copying the logits. Throws {@link NaNLogitsException} for NaN logits.
     */
    default int forwardGreedy(int token, int pos) {
        float[] logits = NaNLogitsException.check(forward(token, pos), pos);
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * How many top-k candidates {@link #forwardTopK} picks where the logits are (on a device); 0 when the engine has no
     * such path and a sampler should take the logits from {@link #forward}.
     */
    default int topKCapacity() {
        return 0;
    }

    /**
     * Like {@link #forward} but returns only the {@code k} largest logits, largest first (ties: lower id first; NaN never
     * chosen): their ids in {@code ids}, logits in {@code values}. Returns how many were found (k unless fewer logits
     * are comparable). An engine on a device picks them there and copies k pairs instead of the row.
     */
    default int forwardTopK(int token, int pos, int k, int[] ids, float[] values) {
        float[] logits = NaNLogitsException.check(forward(token, pos), pos);
        int count = 0;
        for (int i = 0; i < logits.length; i++) {
            float v = logits[i];
            if (Float.isNaN(v) || count == k && (k == 0 || v <= values[k - 1])) {
                continue;
            }
            int j = count < k ? count++ : k - 1;
            while (j > 0 && values[j - 1] < v) {
                ids[j] = ids[j - 1];
                values[j] = values[j - 1];
                j--;
            }
            ids[j] = i;
            values[j] = v;
        }
        return count;
    }

    /** Frees what the engine holds on devices (the model stays open). */
    @Override
    default void close() {}
}
