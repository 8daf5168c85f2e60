package io.squall.model.llama;

import io.squall.model.tensor.Lanes;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Causal attention of up to {@link #ROWS} query rows that share one key/value head (heads of a GQA group, or tokens
 * of one head), blocked so that every key and value read from the cache serves all the rows: scores = q.k / sqrt(hs)
 * for positions 0..length-1 of each row, the softmax of each row (its maximum subtracted, normalized by the exact
 * sum: no running rescale), then the scores times the values.
 *
 * <p>The key cache is kept transposed in blocks of {@link #BLOCK} positions (one vector): per key/value head, per
 * block, per dimension d, the BLOCK keys' d-th elements ({@link #keyIndex}). A vector load then holds one dimension
 * of BLOCK positions, and scores come out a vector of positions at a time with one FMA per row, no horizontal sum
 * (the row-by-row form took a 64-wide dot and a reduction per position: 14% of a 512-token prompt). Values stay
 * [position][kvDim]: each position's value vectors are loaded once for all rows, the rows' probabilities broadcast.
 *
 * <p>Each row's result depends on its own q, length and the cache only, not on which rows share the call: a prompt
 * and token-by-token decoding give the same numbers.
 */
final class Attention {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Positions per block of the transposed key cache: one vector's lanes (a power of two). */
    static final int BLOCK = F.length();
    /** Query rows per call: their 4 x 2 score accumulators and 4 x 4 value accumulators stay in registers. */
    static final int ROWS = 4;

    private Attention() {}

    /** The query rows of one call (offsets into q and out, causal lengths) and the scores buffer. Reused per worker. */
    static final class Rows {
        final int[] q = new int[ROWS];
        final int[] out = new int[ROWS];
        final int[] length = new int[ROWS];
        int count;
        /** ROWS x the key stride floats. */
        float[] scores = new float[0];

        void clear() {
            count = 0;
        }

        /** A row: q at {@code qOffset}, its result at {@code outOffset}, attending over positions [0, length). */
        void add(int qOffset, int outOffset, int length) {
            q[count] = qOffset;
            out[count] = outOffset;
            this.length[count] = length;
            count++;
        }
    }

    /** Positions a key cache of {@code positions} holds per key/value head: rounded up to whole blocks. */
    static int keyStride(int positions) {
        return (positions + BLOCK - 1) / BLOCK * BLOCK;
    }

    /** Index of element d of the key at {@code pos} of head {@code kvHead} in a transposed key cache. */
    static int keyIndex(int kvHead, int pos, int d, int stride, int headSize) {
        return (kvHead * stride + (pos & -BLOCK)) * headSize + d * BLOCK + (pos & (BLOCK - 1));
    }

    /** Writes the kvHeads x headSize keys of one position ({@code k} from {@code ko}) into the transposed cache. */
    static void storeKey(float[] keys, int stride, int kvHeads, int headSize, int pos, float[] k, int ko) {
        for (int h = 0; h < kvHeads; h++) {
            int base = keyIndex(h, pos, 0, stride, headSize);
            for (int d = 0; d < headSize; d++) {
                keys[base + d * BLOCK] = k[ko + h * headSize + d];
            }
        }
    }

    /** Element d of the key at {@code pos} of head {@code kvHead} (tests). */
    static float key(float[] keys, int stride, int headSize, int kvHead, int pos, int d) {
        return keys[keyIndex(kvHead, pos, d, stride, headSize)];
    }

    /**
     * The transposed key cache of {@code kvHeads} heads with room for {@code newStride} positions, holding the
     * {@code oldStride} positions of {@code old} (null: empty). Each head's blocks move as one piece.
     */
    static float[] growKeys(float[] old, int oldStride, int newStride, int kvHeads, int headSize) {
        float[] keys = new float[Math.multiplyExact(Math.multiplyExact(kvHeads, newStride), headSize)];
        if (old != null) {
            for (int h = 0; h < kvHeads; h++) {
                System.arraycopy(old, h * oldStride * headSize, keys, h * newStride * headSize, oldStride * headSize);
            }
        }
        return keys;
    }

    /**
     * The rows of {@code rows} (1..ROWS) against key/value head {@code kvHead}: out[rows.out[r] + d] for d in
     * [0, headSize) = sum over p < rows.length[r] of softmax_p(q_r . k_p * scale) v_p[d]. Keys from the transposed
     * cache {@code keys} (stride {@code stride}), values from {@code values} ([position][kvDim]).
     */
    static void attend(
            float[] q,
            float[] keys,
            int stride,
            float[] values,
            int kvDim,
            int kvHead,
            int headSize,
            float scale,
            Rows rows,
            float[] out) {
        int n = rows.count;
        // missing rows repeat row 0: computed alongside (the kernels take four), never written
        int q0 = rows.q[0];
        int q1 = n > 1 ? rows.q[1] : q0;
        int q2 = n > 2 ? rows.q[2] : q0;
        int q3 = n > 3 ? rows.q[3] : q0;
        int length = 0;
        for (int r = 0; r < n; r++) {
            length = Math.max(length, rows.length[r]);
        }
        float[] s = rows.scores;
        if (n == 1) { // one head per key/value head (decoding without GQA): no rows computed for nothing
            scoresOneRow(q, q0, keys, kvHead * stride * headSize, headSize, scale, length, s);
            float inverse = 1f / softmaxUnnormalized(s, 0, length, length);
            valuesOneRow(s, values, kvDim, kvHead * headSize, headSize, length, inverse, out, rows.out[0]);
            return;
        }
        scores(q, q0, q1, q2, q3, keys, kvHead * stride * headSize, headSize, scale, length, s, stride);
        float i0 = 0, i1 = 0, i2 = 0, i3 = 0;
        for (int r = 0; r < n; r++) {
            float sum = softmaxUnnormalized(s, r * stride, rows.length[r], length);
            switch (r) {
                case 0 -> i0 = 1f / sum;
                case 1 -> i1 = 1f / sum;
                case 2 -> i2 = 1f / sum;
                default -> i3 = 1f / sum;
            }
        }
        int s0 = 0;
        int s1 = n > 1 ? stride : 0;
        int s2 = n > 2 ? 2 * stride : 0;
        int s3 = n > 3 ? 3 * stride : 0;
        weightedValues(
                s, s0, s1, s2, s3, values, kvDim, kvHead * headSize, headSize, length, rows, i0, i1, i2, i3, out);
    }

    /** s[r * stride + p] = q_r . k_p * scale for the positions of the blocks covering [0, length). */
    private static void scores(
            float[] q,
            int q0,
            int q1,
            int q2,
            int q3,
            float[] keys,
            int base,
            int headSize,
            float scale,
            int length,
            float[] s,
            int stride) {
        int blocks = (length + BLOCK - 1) / BLOCK;
        int blockFloats = BLOCK * headSize;
        int b = 0;
        for (; b + 2 <= blocks; b += 2) { // two blocks: 8 accumulators hide the FMA latency
            int k0 = base + b * blockFloats;
            int k1 = k0 + blockFloats;
            FloatVector a00 = FloatVector.zero(F);
            FloatVector a01 = FloatVector.zero(F);
            FloatVector a10 = FloatVector.zero(F);
            FloatVector a11 = FloatVector.zero(F);
            FloatVector a20 = FloatVector.zero(F);
            FloatVector a21 = FloatVector.zero(F);
            FloatVector a30 = FloatVector.zero(F);
            FloatVector a31 = FloatVector.zero(F);
            for (int d = 0; d < headSize; d++) {
                FloatVector x0 = FloatVector.fromArray(F, keys, k0 + d * BLOCK);
                FloatVector x1 = FloatVector.fromArray(F, keys, k1 + d * BLOCK);
                FloatVector y0 = FloatVector.broadcast(F, q[q0 + d]);
                FloatVector y1 = FloatVector.broadcast(F, q[q1 + d]);
                FloatVector y2 = FloatVector.broadcast(F, q[q2 + d]);
                FloatVector y3 = FloatVector.broadcast(F, q[q3 + d]);
                a00 = x0.fma(y0, a00);
                a01 = x1.fma(y0, a01);
                a10 = x0.fma(y1, a10);
                a11 = x1.fma(y1, a11);
                a20 = x0.fma(y2, a20);
                a21 = x1.fma(y2, a21);
                a30 = x0.fma(y3, a30);
                a31 = x1.fma(y3, a31);
            }
            int p = b * BLOCK;
            a00.mul(scale).intoArray(s, p);
            a01.mul(scale).intoArray(s, p + BLOCK);
            a10.mul(scale).intoArray(s, stride + p);
            a11.mul(scale).intoArray(s, stride + p + BLOCK);
            a20.mul(scale).intoArray(s, 2 * stride + p);
            a21.mul(scale).intoArray(s, 2 * stride + p + BLOCK);
            a30.mul(scale).intoArray(s, 3 * stride + p);
            a31.mul(scale).intoArray(s, 3 * stride + p + BLOCK);
        }
        if (b < blocks) {
            int k0 = base + b * blockFloats;
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            for (int d = 0; d < headSize; d++) {
                FloatVector x = FloatVector.fromArray(F, keys, k0 + d * BLOCK);
                a0 = x.fma(FloatVector.broadcast(F, q[q0 + d]), a0);
                a1 = x.fma(FloatVector.broadcast(F, q[q1 + d]), a1);
                a2 = x.fma(FloatVector.broadcast(F, q[q2 + d]), a2);
                a3 = x.fma(FloatVector.broadcast(F, q[q3 + d]), a3);
            }
            int p = b * BLOCK;
            a0.mul(scale).intoArray(s, p);
            a1.mul(scale).intoArray(s, stride + p);
            a2.mul(scale).intoArray(s, 2 * stride + p);
            a3.mul(scale).intoArray(s, 3 * stride + p);
        }
    }

    /**
     * s[o..o+length) = exp(s - max), returning their sum; s[o+length..o+span) = 0, so that rows of different lengths
     * take the values of [0, span) together.
     */
    private static float softmaxUnnormalized(float[] s, int o, int length, int span) {
        int bound = F.loopBound(length);
        FloatVector m = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i < bound; i += BLOCK) {
            m = m.max(FloatVector.fromArray(F, s, o + i));
        }
        float max = m.reduceLanes(VectorOperators.MAX);
        for (; i < length; i++) {
            max = Math.max(max, s[o + i]);
        }
        FloatVector sums = FloatVector.zero(F);
        for (i = 0; i < bound; i += BLOCK) {
            FloatVector e = Lanes.exp(FloatVector.fromArray(F, s, o + i).sub(max));
            e.intoArray(s, o + i);
            sums = sums.add(e);
        }
        float sum = Lanes.sum(sums);
        for (; i < length; i++) {
            float e = Lanes.exp(s[o + i] - max); // as the vector lanes: the same bits interpreted or compiled
            s[o + i] = e;
            sum += e;
        }
        java.util.Arrays.fill(s, o + length, o + span, 0f);
        return sum;
    }

    /** Four vectors of a head's values per pass where 32 vector registers hold their 16 accumulators (AVX-512). */
    private static final boolean FOUR_VECTORS = BLOCK >= 16;

    /**
     * out[rows.out[r] + d] = inverse_r * sum over p < length of s[s_r + p] * values[p * kvDim + valueBase + d] for
     * the rows present (s_r: row r's scores; a missing row reads row 0's).
     */
    private static void weightedValues(
            float[] s,
            int s0,
            int s1,
            int s2,
            int s3,
            float[] values,
            int kvDim,
            int valueBase,
            int headSize,
            int length,
            Rows rows,
            float i0,
            float i1,
            float i2,
            float i3,
            float[] out) {
        int n = rows.count;
        int o0 = rows.out[0];
        int o1 = rows.out[1];
        int o2 = rows.out[2];
        int o3 = rows.out[3];
        int d = 0;
        for (; FOUR_VECTORS && d + 4 * BLOCK <= headSize; d += 4 * BLOCK) {
            FloatVector a00 = FloatVector.zero(F);
            FloatVector a01 = FloatVector.zero(F);
            FloatVector a02 = FloatVector.zero(F);
            FloatVector a03 = FloatVector.zero(F);
            FloatVector a10 = FloatVector.zero(F);
            FloatVector a11 = FloatVector.zero(F);
            FloatVector a12 = FloatVector.zero(F);
            FloatVector a13 = FloatVector.zero(F);
            FloatVector a20 = FloatVector.zero(F);
            FloatVector a21 = FloatVector.zero(F);
            FloatVector a22 = FloatVector.zero(F);
            FloatVector a23 = FloatVector.zero(F);
            FloatVector a30 = FloatVector.zero(F);
            FloatVector a31 = FloatVector.zero(F);
            FloatVector a32 = FloatVector.zero(F);
            FloatVector a33 = FloatVector.zero(F);
            for (int p = 0; p < length; p++) {
                int vo = p * kvDim + valueBase + d;
                FloatVector v0 = FloatVector.fromArray(F, values, vo);
                FloatVector v1 = FloatVector.fromArray(F, values, vo + BLOCK);
                FloatVector v2 = FloatVector.fromArray(F, values, vo + 2 * BLOCK);
                FloatVector v3 = FloatVector.fromArray(F, values, vo + 3 * BLOCK);
                FloatVector w = FloatVector.broadcast(F, s[s0 + p]);
                a00 = v0.fma(w, a00);
                a01 = v1.fma(w, a01);
                a02 = v2.fma(w, a02);
                a03 = v3.fma(w, a03);
                w = FloatVector.broadcast(F, s[s1 + p]);
                a10 = v0.fma(w, a10);
                a11 = v1.fma(w, a11);
                a12 = v2.fma(w, a12);
                a13 = v3.fma(w, a13);
                w = FloatVector.broadcast(F, s[s2 + p]);
                a20 = v0.fma(w, a20);
                a21 = v1.fma(w, a21);
                a22 = v2.fma(w, a22);
                a23 = v3.fma(w, a23);
                w = FloatVector.broadcast(F, s[s3 + p]);
                a30 = v0.fma(w, a30);
                a31 = v1.fma(w, a31);
                a32 = v2.fma(w, a32);
                a33 = v3.fma(w, a33);
            }
            a00.mul(i0).intoArray(out, o0 + d);
            a01.mul(i0).intoArray(out, o0 + d + BLOCK);
            a02.mul(i0).intoArray(out, o0 + d + 2 * BLOCK);
            a03.mul(i0).intoArray(out, o0 + d + 3 * BLOCK);
            if (n > 1) {
                a10.mul(i1).intoArray(out, o1 + d);
                a11.mul(i1).intoArray(out, o1 + d + BLOCK);
                a12.mul(i1).intoArray(out, o1 + d + 2 * BLOCK);
                a13.mul(i1).intoArray(out, o1 + d + 3 * BLOCK);
            }
            if (n > 2) {
                a20.mul(i2).intoArray(out, o2 + d);
                a21.mul(i2).intoArray(out, o2 + d + BLOCK);
                a22.mul(i2).intoArray(out, o2 + d + 2 * BLOCK);
                a23.mul(i2).intoArray(out, o2 + d + 3 * BLOCK);
            }
            if (n > 3) {
                a30.mul(i3).intoArray(out, o3 + d);
                a31.mul(i3).intoArray(out, o3 + d + BLOCK);
                a32.mul(i3).intoArray(out, o3 + d + 2 * BLOCK);
                a33.mul(i3).intoArray(out, o3 + d + 3 * BLOCK);
            }
        }
        for (; d + BLOCK <= headSize; d += BLOCK) {
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            for (int p = 0; p < length; p++) {
                FloatVector v = FloatVector.fromArray(F, values, p * kvDim + valueBase + d);
                a0 = v.fma(FloatVector.broadcast(F, s[s0 + p]), a0);
                a1 = v.fma(FloatVector.broadcast(F, s[s1 + p]), a1);
                a2 = v.fma(FloatVector.broadcast(F, s[s2 + p]), a2);
                a3 = v.fma(FloatVector.broadcast(F, s[s3 + p]), a3);
            }
            a0.mul(i0).intoArray(out, o0 + d);
            if (n > 1) {
                a1.mul(i1).intoArray(out, o1 + d);
            }
            if (n > 2) {
                a2.mul(i2).intoArray(out, o2 + d);
            }
            if (n > 3) {
                a3.mul(i3).intoArray(out, o3 + d);
            }
        }
        for (; d < headSize; d++) { // a head size that is not a whole number of vectors
            float a0 = 0, a1 = 0, a2 = 0, a3 = 0;
            for (int p = 0; p < length; p++) {
                float v = values[p * kvDim + valueBase + d];
                a0 += s[s0 + p] * v;
                a1 += s[s1 + p] * v;
                a2 += s[s2 + p] * v;
                a3 += s[s3 + p] * v;
            }
            out[o0 + d] = a0 * i0;
            if (n > 1) {
                out[o1 + d] = a1 * i1;
            }
            if (n > 2) {
                out[o2 + d] = a2 * i2;
            }
            if (n > 3) {
                out[o3 + d] = a3 * i3;
            }
        }
    }

    /** {@link #scores} of one row: the same sums in the same order, four blocks at a time. */
    private static void scoresOneRow(
            float[] q, int q0, float[] keys, int base, int headSize, float scale, int length, float[] s) {
        int blocks = (length + BLOCK - 1) / BLOCK;
        int blockFloats = BLOCK * headSize;
        int b = 0;
        for (; b + 4 <= blocks; b += 4) {
            int k0 = base + b * blockFloats;
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            for (int d = 0; d < headSize; d++) {
                FloatVector y = FloatVector.broadcast(F, q[q0 + d]);
                a0 = FloatVector.fromArray(F, keys, k0 + d * BLOCK).fma(y, a0);
                a1 = FloatVector.fromArray(F, keys, k0 + blockFloats + d * BLOCK)
                        .fma(y, a1);
                a2 = FloatVector.fromArray(F, keys, k0 + 2 * blockFloats + d * BLOCK)
                        .fma(y, a2);
                a3 = FloatVector.fromArray(F, keys, k0 + 3 * blockFloats + d * BLOCK)
                        .fma(y, a3);
            }
            int p = b * BLOCK;
            a0.mul(scale).intoArray(s, p);
            a1.mul(scale).intoArray(s, p + BLOCK);
            a2.mul(scale).intoArray(s, p + 2 * BLOCK);
            a3.mul(scale).intoArray(s, p + 3 * BLOCK);
        }
        for (; b < blocks; b++) {
            int k0 = base + b * blockFloats;
            FloatVector a = FloatVector.zero(F);
            for (int d = 0; d < headSize; d++) {
                a = FloatVector.fromArray(F, keys, k0 + d * BLOCK).fma(FloatVector.broadcast(F, q[q0 + d]), a);
            }
            a.mul(scale).intoArray(s, b * BLOCK);
        }
    }

    /** {@link #weightedValues} of one row (scores from s[0]): the same sums in the same order. */
    private static void valuesOneRow(
            float[] s,
            float[] values,
            int kvDim,
            int valueBase,
            int headSize,
            int length,
            float inverse,
            float[] out,
            int o) {
        int d = 0;
        for (; FOUR_VECTORS && d + 4 * BLOCK <= headSize; d += 4 * BLOCK) {
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            for (int p = 0; p < length; p++) {
                int vo = p * kvDim + valueBase + d;
                FloatVector w = FloatVector.broadcast(F, s[p]);
                a0 = FloatVector.fromArray(F, values, vo).fma(w, a0);
                a1 = FloatVector.fromArray(F, values, vo + BLOCK).fma(w, a1);
                a2 = FloatVector.fromArray(F, values, vo + 2 * BLOCK).fma(w, a2);
                a3 = FloatVector.fromArray(F, values, vo + 3 * BLOCK).fma(w, a3);
            }
            a0.mul(inverse).intoArray(out, o + d);
            a1.mul(inverse).intoArray(out, o + d + BLOCK);
            a2.mul(inverse).intoArray(out, o + d + 2 * BLOCK);
            a3.mul(inverse).intoArray(out, o + d + 3 * BLOCK);
        }
        for (; d + BLOCK <= headSize; d += BLOCK) {
            FloatVector a = FloatVector.zero(F);
            for (int p = 0; p < length; p++) {
                a = FloatVector.fromArray(F, values, p * kvDim + valueBase + d).fma(FloatVector.broadcast(F, s[p]), a);
            }
            a.mul(inverse).intoArray(out, o + d);
        }
        for (; d < headSize; d++) {
            float a = 0;
            for (int p = 0; p < length; p++) {
                a += s[p] * values[p * kvDim + valueBase + d];
            }
            out[o + d] = a * inverse;
        }
    }
}
