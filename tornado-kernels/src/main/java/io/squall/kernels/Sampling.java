package io.squall.kernels;

import io.squall.api.KernelContext;
import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.arrays.IntArray;

/**
 * On-device token choice, so a greedy step copies one int instead of the logits row. One work-group of
 * {@link #GROUP}: each work-item scans a strided slice, then a local-memory tree keeps the larger value (ties: the
 * lower index, as a sequential scan would). Launch: global = local = {@link #GROUP}.
 */
public final class Sampling {
    public static final int GROUP = 256;

    private Sampling() {}

    public static void argmax(KernelContext ctx, FloatArray logits, IntArray result, int n) {
        float[] best = ctx.allocateFloatLocalArray(GROUP);
        int[] index = ctx.allocateIntLocalArray(GROUP);
        int lid = ctx.localIdx;
        float bv = Float.NEGATIVE_INFINITY;
        int bi = n;
        for (int i = lid; i < n; i += GROUP) {
            float v = logits.get(i);
            if (v > bv || bi == n && v == bv) {
                bv = v;
                bi = i;
            }
        }
        best[lid] = bv;
        index[lid] = bi;
        ctx.localBarrier();
        for (int stride = GROUP / 2; stride > 0; stride >>= 1) {
            if (lid < stride) {
                float ov = best[lid + stride];
                int oi = index[lid + stride];
                if (ov > best[lid] || ov == best[lid] && oi < index[lid]) {
                    best[lid] = ov;
                    index[lid] = oi;
                }
            }
            ctx.localBarrier();
        }
        if (lid == 0) {
            result.set(0, index[0]);
        }
    }

    /**
     * {@link #topK} with k read on the device from {@code request[0]} (clamped to 0..{@code capacity}, the length of
     * {@code ids} and {@code values}), so one graph serves greedy steps (k = 0: no pass) and top-k sampling steps.
     */
    public static void topKRequested(
            KernelContext ctx,
            FloatArray logits,
            IntArray ids,
            FloatArray values,
            IntArray request,
            int n,
            int capacity) {
        topK(ctx, logits, ids, values, n, Math.max(0, Math.min(request.get(0), capacity)));
    }

    /**
     * The {@code k} largest logits, largest first (ties: lower index first), into {@code ids} and {@code values}: k
     * passes, each the argmax over the entries that order after the previous pick, so a sampler restricted to the top k
     * (top-k, then top-p/min-p within it) needs k ids and values instead of the whole row. NaN entries are never picked;
     * when fewer than k entries are comparable the remaining ids are -1.
     */
    public static void topK(KernelContext ctx, FloatArray logits, IntArray ids, FloatArray values, int n, int k) {
        float[] best = ctx.allocateFloatLocalArray(GROUP);
        int[] index = ctx.allocateIntLocalArray(GROUP);
        int lid = ctx.localIdx;
        float previous = Float.POSITIVE_INFINITY;
        int previousIndex = -1;
        for (int j = 0; j < k; j++) {
            float bv = Float.NEGATIVE_INFINITY;
            int bi = n;
            for (int i = lid; i < n; i += GROUP) {
                float v = logits.get(i);
                boolean after = v < previous || v == previous && i > previousIndex;
                if (after && (v > bv || bi == n && v == bv)) {
                    bv = v;
                    bi = i;
                }
            }
            best[lid] = bv;
            index[lid] = bi;
            ctx.localBarrier();
            for (int stride = GROUP / 2; stride > 0; stride >>= 1) {
                if (lid < stride) {
                    float ov = best[lid + stride];
                    int oi = index[lid + stride];
                    if (ov > best[lid] || ov == best[lid] && oi < index[lid]) {
                        best[lid] = ov;
                        index[lid] = oi;
                    }
                }
                ctx.localBarrier();
            }
            previous = best[0];
            previousIndex = index[0];
            if (lid == 0) {
                ids.set(j, previousIndex < n ? previousIndex : -1);
                values.set(j, previous);
            }
            ctx.localBarrier();
        }
    }
}
