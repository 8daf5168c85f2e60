package io.squall.model.llama;

import io.squall.model.tensor.Lanes;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** The element-wise parts of the forward pass, vectorized with the Vector API (scalar tails). */
final class Elementwise {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private Elementwise() {}

    /** out[o..o+n) = x[xo..xo+n) / rms(x) * weight; out may alias x. */
    static void rmsNorm(float[] out, int o, float[] x, int xo, float[] weight, int n, float eps) {
        float ss = sumOfSquares(x, xo, n);
        float scale = (float) (1.0 / Math.sqrt(ss / n + eps));
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector.fromArray(S, x, xo + i)
                    .mul(scale)
                    .mul(FloatVector.fromArray(S, weight, i))
                    .intoArray(out, o + i);
        }
        for (; i < n; i++) {
            out[o + i] = x[xo + i] * scale * weight[i];
        }
    }

    private static float sumOfSquares(float[] x, int xo, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            acc = v.fma(v, acc);
        }
        float ss = Lanes.sum(acc);
        for (; i < n; i++) {
            ss += x[xo + i] * x[xo + i];
        }
        return ss;
    }

    /** x[xo..xo+n) += y[yo..yo+n). */
    static void add(float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector.fromArray(S, x, xo + i)
                    .add(FloatVector.fromArray(S, y, yo + i))
                    .intoArray(x, xo + i);
        }
        for (; i < n; i++) {
            x[xo + i] += y[yo + i];
        }
    }

    /** SwiGLU: gate[o..o+n) = silu(gate) * up. */
    static void swiglu(float[] gate, float[] up, int o, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector g = FloatVector.fromArray(S, gate, o + i);
            FloatVector silu = g.div(Lanes.exp(g.neg()).add(1f)); // Lanes.exp: the same bits interpreted or compiled
            silu.mul(FloatVector.fromArray(S, up, o + i)).intoArray(gate, o + i);
        }
        for (; i < n; i++) {
            float g = gate[o + i];
            gate[o + i] = g / (1f + Lanes.exp(-g)) * up[o + i];
        }
    }
}
