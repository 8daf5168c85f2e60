package io.squall.kernels;

import io.squall.api.KernelContext;
import io.squall.api.annotations.Parallel;
import io.squall.api.math.TornadoMath;
import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.arrays.IntArray;

/**
 * Decode attention with grouped-query heads, split over the context ("flash-decoding"): {@link #partials} runs one
 * work-group per (split of {@link #CHUNK} positions, query head) and leaves the split's maximum score m, its sum of
 * exp(score - m) and its unnormalized weighted sum of values; {@link #combine} merges the splits with the online-softmax
 * rescaling exp(m_s - M). Launch partials with global = splits x heads x {@link #LANES}, local = {@link #LANES},
 * where splits = position / CHUNK + 1.
 */
public final class Attention {
    public static final int CHUNK = 256;
    public static final int LANES = 32;

    private Attention() {}

    /** Floats per (split, head) in the partials buffer: headSize values, then m and the exp-sum. */
    public static int partialStride(int headSize) {
        return headSize + 2;
    }

    public static void partials(
            KernelContext ctx,
            FloatArray q,
            FloatArray keyCache,
            FloatArray valueCache,
            IntArray state,
            FloatArray partials,
            int heads,
            int kvHeads,
            int headSize) {
        float[] scores = ctx.allocateFloatLocalArray(CHUNK);
        float[] red = ctx.allocateFloatLocalArray(LANES);
        int lid = ctx.localIdx;
        int h = ctx.groupIdx % heads;
        int split = ctx.groupIdx / heads;
        int pos = state.get(1);
        int start = split * CHUNK;
        int end = TornadoMath.min(start + CHUNK, pos + 1);
        int kvDim = kvHeads * headSize;
        int kvOffset = h / (heads / kvHeads) * headSize;
        int qOffset = h * headSize;
        float scale = 1f / TornadoMath.sqrt((float) headSize);

        float max = Float.NEGATIVE_INFINITY;
        for (int t = start + lid; t < end; t += LANES) {
            float s = 0f;
            for (int i = 0; i < headSize; i++) {
                s += q.get(qOffset + i) * keyCache.get(t * kvDim + kvOffset + i);
            }
            s = s * scale;
            scores[t - start] = s;
            max = TornadoMath.max(max, s);
        }
        red[lid] = max;
        ctx.localBarrier();
        for (int stride = LANES / 2; stride > 0; stride >>= 1) {
            if (lid < stride) {
                red[lid] = TornadoMath.max(red[lid], red[lid + stride]);
            }
            ctx.localBarrier();
        }
        float m = red[0];
        ctx.localBarrier();
        float sum = 0f;
        for (int t = start + lid; t < end; t += LANES) {
            float e = TornadoMath.exp(scores[t - start] - m);
            scores[t - start] = e;
            sum += e;
        }
        red[lid] = sum;
        ctx.localBarrier();
        for (int stride = LANES / 2; stride > 0; stride >>= 1) {
            if (lid < stride) {
                red[lid] += red[lid + stride];
            }
            ctx.localBarrier();
        }
        int out = ctx.groupIdx * (headSize + 2);
        for (int d = lid; d < headSize; d += LANES) {
            float acc = 0f;
            for (int t = start; t < end; t++) {
                acc += scores[t - start] * valueCache.get(t * kvDim + kvOffset + d);
            }
            partials.set(out + d, acc);
        }
        if (lid == 0) {
            partials.set(out + headSize, m);
            partials.set(out + headSize + 1, red[0]);
        }
    }

    public static void combine(FloatArray partials, IntArray state, FloatArray out, int heads, int headSize) {
        int splits = state.get(1) / CHUNK + 1;
        int stride = headSize + 2;
        for (@Parallel int i = 0; i < heads * headSize; i++) {
            int h = i / headSize;
            int d = i % headSize;
            float max = Float.NEGATIVE_INFINITY;
            for (int s = 0; s < splits; s++) {
                max = TornadoMath.max(max, partials.get((s * heads + h) * stride + headSize));
            }
            float num = 0f;
            float den = 0f;
            for (int s = 0; s < splits; s++) {
                int base = (s * heads + h) * stride;
                float w = TornadoMath.exp(partials.get(base + headSize) - max);
                num += w * partials.get(base + d);
                den += w * partials.get(base + headSize + 1);
            }
            out.set(i, num / den);
        }
    }
}
