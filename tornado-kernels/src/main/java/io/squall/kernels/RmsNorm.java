package io.squall.kernels;

import io.squall.api.KernelContext;
import io.squall.api.math.TornadoMath;
import io.squall.api.types.arrays.FloatArray;

/**
 * RMSNorm {@code out = x / sqrt(mean(x^2) + eps) * weight} in ONE work-group of {@link #GROUP} work-items: the sum of
 * squares is a local-memory tree, so no work-group reads another's partial (no cross-group race).
 * Launch: global = local = {@link #GROUP}.
 */
public final class RmsNorm {
    public static final int GROUP = 256;

    private RmsNorm() {}

    public static void normalize(KernelContext ctx, FloatArray x, FloatArray weight, FloatArray out, int n, float eps) {
        float[] partial = ctx.allocateFloatLocalArray(GROUP);
        int lid = ctx.localIdx;
        float ss = 0f;
        for (int i = lid; i < n; i += GROUP) {
            float v = x.get(i);
            ss += v * v;
        }
        partial[lid] = ss;
        ctx.localBarrier();
        for (int stride = GROUP / 2; stride > 0; stride >>= 1) {
            if (lid < stride) {
                partial[lid] += partial[lid + stride];
            }
            ctx.localBarrier();
        }
        float scale = 1f / TornadoMath.sqrt(partial[0] / n + eps);
        for (int i = lid; i < n; i += GROUP) {
            out.set(i, x.get(i) * scale * weight.get(i));
        }
    }
}
