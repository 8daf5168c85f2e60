package io.squall.kernels.graphs;

import io.squall.api.types.arrays.FloatArray;

/** One transformer block's weights on the device side (norm vectors as F32 arrays). */
public record LayerWeights(
        FloatArray attentionNorm,
        DeviceWeight wq,
        DeviceWeight wk,
        DeviceWeight wv,
        DeviceWeight wo,
        FloatArray ffnNorm,
        DeviceWeight gate,
        DeviceWeight up,
        DeviceWeight down) {}
