package io.squall.model.llama;

import io.squall.device.placement.ModelFootprint;

import java.util.Map;

/**
 * The {@link ModelFootprint} of a Llama model from its GGUF tensor sizes and hyper-parameters, as the accelerated
 * engine lays it out: weights as stored ({@code blk.N.*} per layer, {@code token_embd.weight}, {@code output.weight},
 * the embedding again when the output head is tied to it), a float key and value cache of {@code contextSize}
 * positions per layer, and float activations (hidden state, attention and feed-forward scratch, logits, RoPE tables).
 */
public final class LlamaFootprint {
    private LlamaFootprint() {}

    /**
     * @param tensorBytes bytes of each tensor by GGUF name
     * @param kvDim key/value width per position (kvHeads x headSize)
     */
    public static ModelFootprint of(
            Map<String, Long> tensorBytes,
            int layers,
            int dim,
            int ffnDim,
            int heads,
            int kvDim,
            int vocabSize,
            int ropeDims,
            int contextSize) {
        long[] layerBytes = new long[layers];
        for (Map.Entry<String, Long> e : tensorBytes.entrySet()) {
            String name = e.getKey();
            if (name.startsWith("blk.")) {
                int dot = name.indexOf('.', 4);
                int layer;
                try {
                    layer = Integer.parseInt(name.substring(4, dot < 0 ? name.length() : dot));
                } catch (NumberFormatException ex) {
                    throw new IllegalArgumentException("tensor " + name + ": not blk.<layer>.<name>");
                }
                if (layer < 0 || layer >= layers) {
                    throw new IllegalArgumentException(
                            "tensor " + name + " is outside the model's " + layers + " layers");
                }
                layerBytes[layer] += e.getValue();
            }
        }
        Long embedding = tensorBytes.get("token_embd.weight");
        if (embedding == null) {
            throw new IllegalArgumentException("missing tensor token_embd.weight");
        }
        long output = tensorBytes.getOrDefault("output.weight", embedding)
                + tensorBytes.getOrDefault("output_norm.weight", 0L);
        long kvPerLayer = 2L * contextSize * kvDim * Float.BYTES;
        long activations = Float.BYTES
                * (8L * dim
                        + 3L * ffnDim
                        + 2L * kvDim
                        + vocabSize
                        + (long) heads * contextSize
                        + (long) contextSize * ropeDims);
        return new ModelFootprint(layers, layerBytes, embedding, output, kvPerLayer, activations);
    }
}
