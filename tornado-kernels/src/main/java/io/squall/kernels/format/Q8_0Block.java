package io.squall.kernels.format;

import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FloatArray;

/** Q8_0 block (34 bytes / 32 elements): f16 d, int8 q[32]; x = d * q. */
public final class Q8_0Block {
    public static final int ELEMENTS = 32;
    public static final int BYTES = 2 + 32;

    private Q8_0Block() {
    }

    public static float element(ByteArray w, int e) {
        int block = e / ELEMENTS * BYTES;
        return Plain.halfAt(w, block) * w.get(block + 2 + e % ELEMENTS);
    }

    public static float dot(ByteArray w, int block, FloatArray x, int xOffset) {
        float sum = 0f;
        for (int k = 0; k < 32; k++) {
            sum += w.get(block + 2 + k) * x.get(xOffset + k);
        }
        return Plain.halfAt(w, block) * sum;
    }

    /**
     * Row {@code blocks} blocks long at byte {@code base} dotted with {@code x[xOffset ..]}: element k of every block
     * goes to lane sum k % {@link Formats#ROW_LANES}. The lanes are independent, so CPU OpenCL compilers (PoCL,
     * rusticl's llvmpipe) keep them in one 16-wide vector register: 16 contiguous quants widened, 16 contiguous floats,
     * one multiply-add. A single running sum would need reassociation to vectorize, which IEEE math forbids (measured on
     * PoCL: ~8x slower). The lanes meet once per row.
     */
    public static float rowDot(ByteArray w, int base, int blocks, FloatArray x, int xOffset) {
        float[] lanes = new float[Formats.ROW_LANES];
        for (int j = 0; j < Formats.ROW_LANES; j++) {
            lanes[j] = 0f;
        }
        for (int b = 0; b < blocks; b++) {
            int block = base + b * BYTES;
            int xs = xOffset + b * ELEMENTS;
            float d = Plain.halfAt(w, block);
            for (int j = 0; j < 16; j++) {
                lanes[j] += d * (w.get(block + 2 + j) * x.get(xs + j) + w.get(block + 18 + j) * x.get(xs + 16 + j));
            }
        }
        return Formats.laneSum(lanes);
    }

    /**
     * {@link #rowDot} of one row with four vectors at once ({@code x[x0 ..]} .. {@code x[x3 ..]}), each block's quants
     * loaded once for the four: the sums go to {@code sums[0..3]}. Same lane order as {@link #rowDot}.
     */
    public static void rowDot4(ByteArray w, int base, int blocks, FloatArray x, int x0, int x1, int x2, int x3, float[] sums) {
        float[] l0 = new float[Formats.ROW_LANES];
        float[] l1 = new float[Formats.ROW_LANES];
        float[] l2 = new float[Formats.ROW_LANES];
        float[] l3 = new float[Formats.ROW_LANES];
        for (int j = 0; j < Formats.ROW_LANES; j++) {
            l0[j] = 0f;
            l1[j] = 0f;
            l2[j] = 0f;
            l3[j] = 0f;
        }
        for (int b = 0; b < blocks; b++) {
            int block = base + b * BYTES;
            int c = b * ELEMENTS;
            float d = Plain.halfAt(w, block);
            for (int j = 0; j < 16; j++) {
                float lo = w.get(block + 2 + j);
                float hi = w.get(block + 18 + j);
                l0[j] += d * (lo * x.get(x0 + c + j) + hi * x.get(x0 + c + 16 + j));
                l1[j] += d * (lo * x.get(x1 + c + j) + hi * x.get(x1 + c + 16 + j));
                l2[j] += d * (lo * x.get(x2 + c + j) + hi * x.get(x2 + c + 16 + j));
                l3[j] += d * (lo * x.get(x3 + c + j) + hi * x.get(x3 + c + 16 + j));
            }
        }
        sums[0] = Formats.laneSum(l0);
        sums[1] = Formats.laneSum(l1);
        sums[2] = Formats.laneSum(l2);
        sums[3] = Formats.laneSum(l3);
    }
}
