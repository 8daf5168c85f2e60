package io.squall.kernels.graphs;

/**
 * The sizes the task graphs are built for (from the model's hyper-parameters).
 *
 * @param contextSize positions the key/value cache holds
 */
public record LlamaShape(
        int dim,
        int heads,
        int kvHeads,
        int headSize,
        int ffnDim,
        int ropeDims,
        int vocabSize,
        float rmsEpsilon,
        int contextSize) {
    public int kvDim() {
        return kvHeads * headSize;
    }

    /** Splits of the attention over the context for position {@code pos}. */
    public int attentionSplits(int pos) {
        return pos / io.squall.kernels.Attention.CHUNK + 1;
    }
}
