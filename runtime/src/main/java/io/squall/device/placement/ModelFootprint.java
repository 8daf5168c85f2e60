package io.squall.device.placement;

import java.util.Arrays;

/**
 * What a model needs in device memory, computed from its metadata before any weight is loaded.
 * Sizes in bytes: {@code layerWeightBytes[i]} are layer i's weights, {@code kvBytesPerLayer} its KV cache
 * (keys and values for the whole context), {@code activationBytes} the per-device working buffers
 * (hidden state, scratch, logits), counted once on every device a placement uses.
 */
public record ModelFootprint(
        int layers,
        long[] layerWeightBytes,
        long embeddingBytes,
        long outputBytes,
        long kvBytesPerLayer,
        long activationBytes) {
    public ModelFootprint {
        if (layers <= 0) {
            throw new IllegalArgumentException("a model has at least one layer, got " + layers);
        }
        if (layerWeightBytes == null || layerWeightBytes.length != layers) {
            throw new IllegalArgumentException("layerWeightBytes must have one entry per layer (" + layers + "), got "
                    + (layerWeightBytes == null ? "null" : layerWeightBytes.length));
        }
        for (int i = 0; i < layers; i++) {
            if (layerWeightBytes[i] < 0) {
                throw new IllegalArgumentException("layerWeightBytes[" + i + "] is negative");
            }
        }
        if (embeddingBytes < 0 || outputBytes < 0 || kvBytesPerLayer < 0 || activationBytes < 0) {
            throw new IllegalArgumentException("negative size in model footprint");
        }
        layerWeightBytes = layerWeightBytes.clone();
    }

    /** A model whose layers all have the same size. */
    public static ModelFootprint uniform(
            int layers,
            long bytesPerLayer,
            long embeddingBytes,
            long outputBytes,
            long kvBytesPerLayer,
            long activationBytes) {
        long[] sizes = new long[layers];
        Arrays.fill(sizes, bytesPerLayer);
        return new ModelFootprint(layers, sizes, embeddingBytes, outputBytes, kvBytesPerLayer, activationBytes);
    }

    @Override
    public long[] layerWeightBytes() {
        return layerWeightBytes.clone();
    }

    /** Weights plus KV cache of layers [first, end). */
    public long layerBytes(int first, int end) {
        long sum = 0;
        for (int i = first; i < end; i++) {
            sum += layerWeightBytes[i] + kvBytesPerLayer;
        }
        return sum;
    }

    /** Weights only of layers [first, end). */
    public long layerWeights(int first, int end) {
        long sum = 0;
        for (int i = first; i < end; i++) {
            sum += layerWeightBytes[i];
        }
        return sum;
    }

    /** All weights: layers, embedding and output head. */
    public long weightBytes() {
        return layerWeights(0, layers) + embeddingBytes + outputBytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelFootprint m
                && layers == m.layers
                && Arrays.equals(layerWeightBytes, m.layerWeightBytes)
                && embeddingBytes == m.embeddingBytes
                && outputBytes == m.outputBytes
                && kvBytesPerLayer == m.kvBytesPerLayer
                && activationBytes == m.activationBytes;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(layerWeightBytes) * 31
                + Long.hashCode(embeddingBytes + outputBytes + kvBytesPerLayer + activationBytes);
    }

    @Override
    public String toString() {
        return "ModelFootprint[" + layers + " layers, weights " + Bytes.format(weightBytes()) + ", KV cache "
                + Bytes.format(kvBytesPerLayer * layers) + "]";
    }
}
