package io.squall.model.tensor;

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
    short[] q = new short[0];
    /** Per block of 32: the scale. */
    float[] scale = new float[0];
    /** Per block of 32: scale * sum of its q (for the weights' offsets and mins, applied per block). */
    float[] blockSum = new float[0];
    /** Per 16 elements: scale * sum of their q (Q6_K's offset is applied per 16, with that sub-block's scale). */
    float[] halfSum = new float[0];

    /** Quantizes x[offset..offset+n), n a multiple of 32. */
    void quantize(float[] x, int offset, int n) {
        int blocks = n / 32;
        if (q.length < n) {
            q = new short[n];
            scale = new float[blocks];
            blockSum = new float[blocks];
            halfSum = new float[2 * blocks];
        }
        for (int b = 0; b < blocks; b++) {
            int from = offset + 32 * b;
            float amax = 0;
            for (int i = 0; i < 32; i++) {
                amax = Math.max(amax, Math.abs(x[from + i]));   // Math.max keeps NaN
            }
            if (!Float.isFinite(amax)) {
                java.util.Arrays.fill(q, 32 * b, 32 * b + 32, (short) 0);
                scale[b] = blockSum[b] = halfSum[2 * b] = halfSum[2 * b + 1] = Float.NaN;
                continue;
            }
            float d = amax / 127;
            float inverse = amax == 0 ? 0 : 127 / amax;
            int sum0 = 0;
            int sum1 = 0;
            for (int i = 0; i < 16; i++) {
                int v = Math.round(x[from + i] * inverse);
                q[32 * b + i] = (short) v;
                sum0 += v;
            }
            for (int i = 16; i < 32; i++) {
                int v = Math.round(x[from + i] * inverse);
                q[32 * b + i] = (short) v;
                sum1 += v;
            }
            scale[b] = d;
            blockSum[b] = d * (sum0 + sum1);
            halfSum[2 * b] = d * sum0;
            halfSum[2 * b + 1] = d * sum1;
        }
    }
}
