package io.squall.model.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * An activation vector quantized to 8 bits in blocks of 32, as llama.cpp quantizes x to Q8 before its integer
 * dot products: x[i] ~ scale[i / 32] * q[i] with q in [-127, 127] and scale = max|x| / 127 over the block.
 * The integer kernels ({@link IntegerDots}) multiply weight quants with q in 16-bit lanes and apply both scales
 * once per block. q is kept widened to shorts so those kernels read it without converting.
 *
 * <p>Per element the quantization error is at most scale / 2, so a dot product with weights w moves by at most
 * sum over blocks of scale_b / 2 * sum |w_i| (the bound the tests check). A block holding Inf or NaN gets a NaN
 * scale, so a non-finite input still gives a non-finite result. Reused between calls: no allocation once sized.
 */
final class QuantizedVector {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final VectorSpecies<Short> S = ShortVector.SPECIES_128;
    private static final float ROUNDING = 0x1.8p23f;
    private static final int ROUNDING_BITS = Float.floatToRawIntBits(ROUNDING);

    short[] q = new short[0];
    /**
     * q in pairs, one int per elements (2k, 2k+1): q[2k+1] + q[2k] * 2^16 (mod 2^32). Times a weight int holding
     * two non-negative 16-bit quants w0 + w1 * 2^16, bits 16-31 of the product are w0 q[2k] + w1 q[2k+1] plus a
     * carry from w0 q[2k+1]: one 32-bit multiply does two products and their sum (see IntegerDots).
     */
    int[] pairs = new int[0];
    /** Per block of 32: the scale. */
    float[] scale = new float[0];
    /** Per block of 32: scale * sum of its q (for the weights' offsets and mins, applied per block). */
    float[] blockSum = new float[0];
    /** Per block of 32: the sum of its q, exact (0 for a non-finite block). */
    int[] qSum = new int[0];
    /**
     * For the repacked Q4_0 and Q4_K kernels ({@link InterleavedQ4_0#dot16}, {@link InterleavedQ4_K#dot16}), per
     * block of 32 16 ints, from {@link #prepareNibbles}. The kernels read a row's 4 quant bytes of a unit p (0..3) of
     * a block as one 32-bit number of 8 nibbles n_0..n_7 and multiply U_k = that >>> 4k (k = 0..3, 32-bit shifts,
     * no masking) by int 16 b + 4 p + k, c_k in its low half and c_(k+4) in its high half, in 16-bit lanes. With
     * c_0 = q[e_0] and c_j = q[e_j] - 16 q[e_(j-1)], e_j the element of nibble j, the sum telescopes: the two
     * halves' products of the four U_k add up to sum_j n_j q[e_j] (mod 2^16), each half alone being meaningless
     * (the low half of U_k holds nibbles of the high one). Q4_0's nibble j is element 4p + j / 2 (+ 16 when j is
     * odd, as its bytes hold them); the Q4_K copy's is 8p + j.
     */
    int[] nibbleCoefficients = new int[0];

    /** What {@link #nibbleCoefficients} hold: null (stale), or the type whose nibble order they follow. */
    private GGMLType nibbleOrder;

    /** Per 8 elements, for Q6_K ({@link #prepareQ6_K}): -(32 times the sum of their q) << 16. */
    private int[] q6_KOffsets = new int[0];

    /** Quantizes x[offset..offset+n), n a multiple of 32. */
    void quantize(float[] x, int offset, int n) {
        int blocks = n / 32;
        if (q.length < n) {
            q = new short[n];
            pairs = new int[n / 2];
            scale = new float[blocks];
            blockSum = new float[blocks];
            qSum = new int[blocks];
        }
        nibbleOrder = null;
        for (int b = 0; b < blocks; b++) {
            int from = offset + 32 * b;
            FloatVector m = FloatVector.fromArray(F, x, from)
                    .abs()
                    .max(FloatVector.fromArray(F, x, from + 8).abs())
                    .max(FloatVector.fromArray(F, x, from + 16)
                            .abs()
                            .max(FloatVector.fromArray(F, x, from + 24).abs()));
            float amax = m.reduceLanes(VectorOperators.MAX); // MAX is Math.max: NaN stays NaN
            if (!Float.isFinite(amax)) {
                java.util.Arrays.fill(q, 32 * b, 32 * b + 32, (short) 0);
                java.util.Arrays.fill(pairs, 16 * b, 16 * b + 16, 0);
                scale[b] = blockSum[b] = Float.NaN;
                qSum[b] = 0;
                continue;
            }
            float d = amax / 127;
            float inverse = amax == 0 ? 0 : 127 / amax;
            int sum = 0;
            for (int i = 0; i < 32; i += 8) {
                // round to nearest even: adding 1.5 * 2^23 leaves the rounded integer in the low mantissa bits
                IntVector v = FloatVector.fromArray(F, x, from + i)
                        .mul(inverse)
                        .add(ROUNDING)
                        .reinterpretAsInts()
                        .sub(ROUNDING_BITS);
                ShortVector shorts = (ShortVector) v.convertShape(VectorOperators.I2S, S, 0);
                shorts.intoArray(q, 32 * b + i);
                IntVector p = shorts.reinterpretAsInts(); // low half q[2k], high half q[2k+1]
                p.lanewise(VectorOperators.ASHR, 16)
                        .add(p.lanewise(VectorOperators.LSHL, 16))
                        .intoArray(pairs, (32 * b + i) / 2);
                sum += v.reduceLanes(VectorOperators.ADD);
            }
            scale[b] = d;
            blockSum[b] = d * sum;
            qSum[b] = sum;
        }
    }

    /**
     * Computes {@link #nibbleCoefficients} in the nibble order of {@code type} (Q4_0 or Q4_K) for the last
     * {@link #quantize} (n elements): on the calling thread, before the workers read them.
     */
    void prepareNibbles(GGMLType type, int n) {
        if (nibbleOrder == type) {
            return;
        }
        if (type != GGMLType.Q4_0 && type != GGMLType.Q4_K) {
            throw new IllegalArgumentException("no nibble order for " + type);
        }
        if (nibbleCoefficients.length < n / 2) {
            nibbleCoefficients = new int[q.length / 2];
        }
        short[] q = this.q;
        int[] c = nibbleCoefficients;
        for (int b = 0; b < n / 32; b++) {
            for (int p = 0; p < 4; p++) {
                int o = 16 * b + 4 * p;
                if (type == GGMLType.Q4_0) {
                    int e = 32 * b + 4 * p; // nibbles: e, e + 16, e + 1, e + 17, ...
                    unit(c, o, q[e], q[e + 16], q[e + 1], q[e + 17], q[e + 2], q[e + 18], q[e + 3], q[e + 19]);
                } else {
                    int e = 32 * b + 8 * p;
                    unit(c, o, q[e], q[e + 1], q[e + 2], q[e + 3], q[e + 4], q[e + 5], q[e + 6], q[e + 7]);
                }
            }
        }
        nibbleOrder = type;
    }

    /**
     * For the repacked Q6_K kernel ({@link InterleavedQ6_K#dot16}): {@link #nibbleCoefficients} holds, per 4 elements
     * (a row's 32-bit lane of 4 bytes q_0..q_3 there) two ints, (c_0, c_2) and (c_1, c_3) in their (low, high)
     * halves, with c_0 = q[e] and c_t = q[e + t] - 256 q[e + t - 1]: the kernel multiplies the lane L by the first and
     * L >>> 8 by the second in 16-bit lanes, and both halves of both products add up to sum_t q_t q[e + t] mod 2^16.
     * Also {@link #q6_KOffsets}. On the calling thread, before the workers read them.
     */
    void prepareQ6_K(int n) {
        if (nibbleOrder == GGMLType.Q6_K) {
            return;
        }
        if (nibbleCoefficients.length < n / 2) {
            nibbleCoefficients = new int[q.length / 2];
        }
        if (q6_KOffsets.length < n / 8) {
            q6_KOffsets = new int[q.length / 8];
        }
        short[] q = this.q;
        int[] c = nibbleCoefficients;
        for (int e = 0; e < n; e += 4) {
            int c0 = q[e];
            int c1 = q[e + 1] - 256 * q[e];
            int c2 = q[e + 2] - 256 * q[e + 1];
            int c3 = q[e + 3] - 256 * q[e + 2];
            c[e / 2] = (c0 & 0xFFFF) | c2 << 16;
            c[e / 2 + 1] = (c1 & 0xFFFF) | c3 << 16;
        }
        for (int e = 0; e < n; e += 8) {
            int sum = 0;
            for (int i = e; i < e + 8; i++) {
                sum += q[i];
            }
            q6_KOffsets[e / 8] = -32 * sum << 16;
        }
        nibbleOrder = GGMLType.Q6_K;
    }

    /** {@link #prepareQ6_K}'s offsets; throws unless it ran since the last {@link #quantize}. */
    int[] q6_KOffsets() {
        nibbleCoefficients(GGMLType.Q6_K);
        return q6_KOffsets;
    }

    /** One unit's four ints (see {@link #nibbleCoefficients}) for the q of its nibbles 0..7. */
    private static void unit(int[] c, int o, int q0, int q1, int q2, int q3, int q4, int q5, int q6, int q7) {
        c[o] = (q0 & 0xFFFF) | (q4 - 16 * q3) << 16;
        c[o + 1] = ((q1 - 16 * q0) & 0xFFFF) | (q5 - 16 * q4) << 16;
        c[o + 2] = ((q2 - 16 * q1) & 0xFFFF) | (q6 - 16 * q5) << 16;
        c[o + 3] = ((q3 - 16 * q2) & 0xFFFF) | (q7 - 16 * q6) << 16;
    }

    /** Throws unless {@link #prepareNibbles} ran for {@code type} since the last {@link #quantize}. */
    int[] nibbleCoefficients(GGMLType type) {
        if (nibbleOrder != type) {
            throw new IllegalStateException("x's " + type + " coefficients were not prepared after its quantization");
        }
        return nibbleCoefficients;
    }
}
