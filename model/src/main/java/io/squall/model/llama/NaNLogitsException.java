package io.squall.model.llama;

/**
 * The forward pass produced NaN logits (NaN or overflowing weights, or activations that overflowed). Every engine
 * reports it the same way instead of sampling a token from them: the CPU engine picked {@code <unk>} (index 0 wins
 * every comparison with NaN), a device's argmax another token.
 */
public final class NaNLogitsException extends IllegalStateException {
    public NaNLogitsException(int position) {
        super("the model produced NaN logits at position " + position
                + ": its weights hold NaN or infinite values, or its activations overflowed; no token can be sampled");
    }

    /** Throws when any logit is NaN (one pass over the row: cheap next to the forward pass that made it). */
    public static float[] check(float[] logits, int position) {
        for (float l : logits) {
            if (Float.isNaN(l)) {
                throw new NaNLogitsException(position);
            }
        }
        return logits;
    }
}
