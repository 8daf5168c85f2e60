package io.squall.model.llama;

import io.squall.model.tensor.Lanes;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
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
            FloatVector silu = g.div(g.neg().lanewise(VectorOperators.EXP).add(1f));
            silu.mul(FloatVector.fromArray(S, up, o + i)).intoArray(gate, o + i);
        }
        for (; i < n; i++) {
            float g = gate[o + i];
            gate[o + i] = g / (1f + (float) Math.exp(-g)) * up[o + i];
        }
    }

    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        int i = 0;
        float sum;
        if (n >= S.length()) {
            FloatVector acc = FloatVector.zero(S);
            for (int bound = S.loopBound(n); i < bound; i += S.length()) {
                acc = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc);
            }
            sum = Lanes.sum(acc);
        } else {
            sum = 0f;
        }
        for (; i < n; i++) {
            sum += a[ao + i] * b[bo + i];
        }
        return sum;
    }

    /** y[yo..yo+n) += a * x[xo..xo+n). */
    static void axpy(float a, float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector.fromArray(S, x, xo + i)
                    .fma(FloatVector.broadcast(S, a), FloatVector.fromArray(S, y, yo + i))
                    .intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] += a * x[xo + i];
        }
    }

    /** In-place softmax of x[o..o+n), subtracting the maximum for stability. */
    static void softmax(float[] x, int o, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[o + i]);
        }
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(x[o + i] - max);
            x[o + i] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int i = 0; i < n; i++) {
            x[o + i] *= inv;
        }
    }
}
