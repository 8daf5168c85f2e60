package io.squall.kernels;

import io.squall.api.KernelContext;
import io.squall.api.annotations.Parallel;
import io.squall.api.math.TornadoMath;
import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.arrays.IntArray;

/**
 * The per-token steps of a layer over a chunk of prompt tokens at once (the products are {@link MatMatRows}).
 * Activations are row-major [batch][n]; {@code chunk} holds {count, first position}: vectors count..batch-1 are
 * padding, never written to the cache or attended.
 */
public final class Prefill {
    private Prefill() {}

    /** {@link RmsNorm#normalize} of each vector: work-group g normalizes vector g. Launch: global = batch x GROUP, local = GROUP. */
    public static void rmsNorm(KernelContext ctx, FloatArray x, FloatArray weight, FloatArray out, int n, float eps) {
        float[] partial = ctx.allocateFloatLocalArray(RmsNorm.GROUP);
        int lid = ctx.localIdx;
        int base = ctx.groupIdx * n;
        float ss = 0f;
        for (int i = lid; i < n; i += RmsNorm.GROUP) {
            float v = x.get(base + i);
            ss += v * v;
        }
        partial[lid] = ss;
        ctx.localBarrier();
        for (int stride = RmsNorm.GROUP / 2; stride > 0; stride >>= 1) {
            if (lid < stride) {
                partial[lid] += partial[lid + stride];
            }
            ctx.localBarrier();
        }
        float scale = 1f / TornadoMath.sqrt(partial[0] / n + eps);
        for (int i = lid; i < n; i += RmsNorm.GROUP) {
            out.set(base + i, x.get(base + i) * scale * weight.get(i));
        }
    }

    /** {@link Rope#rotateAndCache} for each token of the chunk at its position (first position + index). */
    public static void ropeAndCache(
            FloatArray q,
            FloatArray k,
            FloatArray v,
            FloatArray keyCache,
            FloatArray valueCache,
            FloatArray cos,
            FloatArray sin,
            IntArray chunk,
            int batch,
            int dim,
            int kvDim,
            int headSize,
            int ropeDims) {
        int count = chunk.get(0);
        int start = chunk.get(1);
        int half = ropeDims / 2;
        int qPairs = dim / 2;
        int pairs = qPairs + kvDim / 2;
        for (@Parallel int id = 0; id < batch * pairs; id++) {
            int t = id / pairs;
            int p = id % pairs;
            if (t < count) {
                int pos = start + t;
                boolean isKey = p >= qPairs;
                int pair = isKey ? p - qPairs : p;
                int j = pair % (headSize / 2);
                float c = 1f;
                float s = 0f;
                if (j < half) {
                    c = cos.get(pos * half + j);
                    s = sin.get(pos * half + j);
                }
                if (isKey) {
                    int src = t * kvDim + 2 * pair;
                    float a = k.get(src);
                    float b = k.get(src + 1);
                    int row = pos * kvDim + 2 * pair;
                    keyCache.set(row, a * c - b * s);
                    keyCache.set(row + 1, a * s + b * c);
                    valueCache.set(row, v.get(src));
                    valueCache.set(row + 1, v.get(src + 1));
                } else {
                    int src = t * dim + 2 * pair;
                    float a = q.get(src);
                    float b = q.get(src + 1);
                    q.set(src, a * c - b * s);
                    q.set(src + 1, a * s + b * c);
                }
            }
        }
    }

    /**
     * Causal attention of each chunk token over the cache up to its own position (the chunk's keys are cached first),
     * one work-item per (token, head), as llama2.c: scores into {@code scores} ([batch][heads][contextSize]), softmax,
     * weighted sum of the values into {@code out} ([batch][dim]). Grouped-query heads share their key/value head.
     */
    public static void attention(
            FloatArray q,
            FloatArray keyCache,
            FloatArray valueCache,
            IntArray chunk,
            FloatArray scores,
            FloatArray out,
            int batch,
            int heads,
            int kvHeads,
            int headSize,
            int contextSize) {
        int count = chunk.get(0);
        int start = chunk.get(1);
        int dim = heads * headSize;
        int kvDim = kvHeads * headSize;
        float scale = 1f / TornadoMath.sqrt((float) headSize);
        for (@Parallel int id = 0; id < batch * heads; id++) {
            int t = id / heads;
            int h = id % heads;
            if (t < count) {
                int pos = start + t;
                int qBase = t * dim + h * headSize;
                int kvOffset = h / (heads / kvHeads) * headSize;
                int sBase = id * contextSize;
                float max = Float.NEGATIVE_INFINITY;
                for (int p = 0; p <= pos; p++) {
                    int kBase = p * kvDim + kvOffset;
                    float dot = 0f;
                    for (int d = 0; d < headSize; d++) {
                        dot += q.get(qBase + d) * keyCache.get(kBase + d);
                    }
                    float score = dot * scale;
                    scores.set(sBase + p, score);
                    max = TornadoMath.max(max, score);
                }
                float sum = 0f;
                for (int p = 0; p <= pos; p++) {
                    float e = TornadoMath.exp(scores.get(sBase + p) - max);
                    scores.set(sBase + p, e);
                    sum += e;
                }
                for (int d = 0; d < headSize; d++) {
                    float acc = 0f;
                    for (int p = 0; p <= pos; p++) {
                        acc += scores.get(sBase + p) * valueCache.get(p * kvDim + kvOffset + d);
                    }
                    out.set(qBase + d, acc / sum);
                }
            }
        }
    }

    /** The last chunk token's vector into {@code x} (for the classifier). */
    public static void last(FloatArray xs, IntArray chunk, FloatArray x, int dim) {
        int base = (chunk.get(0) - 1) * dim;
        for (@Parallel int i = 0; i < dim; i++) {
            x.set(i, xs.get(base + i));
        }
    }
}
