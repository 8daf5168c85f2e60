package io.squall.kernels.format;

import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.vectors.Float16;

/**
 * The weight formats as the kernels see them: an int code per format, and one switch per thing a kernel asks of a
 * format. The code is a kernel's last argument; the accelerated engine compiles with scalar specialization
 * ({@code -specialize}), which turns it into a constant, so each switch folds to one case and a kernel compiled for
 * Q8_0 holds only Q8_0's code. Without specialization (the JVM backend, plain plans) the switch runs: same results.
 * <p>
 * Adding a format: a code here, a line in each switch, a class with its layout and functions (as {@link Q8_0}), and
 * its entry in {@link BlockFormat}.
 */
public final class Formats {
    public static final int F32 = 0;
    public static final int F16 = 1;
    public static final int BF16 = 2;
    public static final int Q8_0 = 3;
    public static final int Q4_0 = 4;
    public static final int Q4_K = 5;
    public static final int Q6_K = 6;
    public static final int Q4_1 = 7;
    public static final int Q5_0 = 8;
    public static final int Q5_1 = 9;
    public static final int IQ4_NL = 10;
    public static final int Q2_K = 11;
    public static final int Q3_K = 12;
    public static final int Q5_K = 13;
    public static final int IQ4_XS = 14;

    /** Independent partial sums per row in the row kernels ({@link Q8_0Block#rowDot}): one 16-float vector on CPUs. */
    public static final int ROW_LANES = 16;

    private Formats() {}

    /** The sum of the lane sums, in lane order (a fixed order: the same result on every device). */
    public static float laneSum(float[] lanes) {
        float sum = 0f;
        for (int j = 0; j < ROW_LANES; j++) {
            sum += lanes[j];
        }
        return sum;
    }

    /** Elements per block (1 for the plain formats). */
    public static int blockElements(int format) {
        switch (format) {
            case Q8_0:
                return Q8_0Block.ELEMENTS;
            case Q4_0:
                return Q4_0Block.ELEMENTS;
            case Q4_K:
                return Q4_KBlock.ELEMENTS;
            case Q6_K:
                return Q6_KBlock.ELEMENTS;
            case Q4_1:
                return Q4_1Block.ELEMENTS;
            case Q5_0:
                return Q5_0Block.ELEMENTS;
            case Q5_1:
                return Q5_1Block.ELEMENTS;
            case IQ4_NL:
                return IQ4_NLBlock.ELEMENTS;
            case Q2_K:
                return Q2_KBlock.ELEMENTS;
            case Q3_K:
                return Q3_KBlock.ELEMENTS;
            case Q5_K:
                return Q5_KBlock.ELEMENTS;
            case IQ4_XS:
                return IQ4_XSBlock.ELEMENTS;
            default:
                return 1; // the plain formats (and an unknown code, whose products are NaN below)
        }
    }

    /** Bytes per block. */
    public static int blockBytes(int format) {
        switch (format) {
            case F32:
                return Plain.F32_BYTES;
            case Q8_0:
                return Q8_0Block.BYTES;
            case Q4_0:
                return Q4_0Block.BYTES;
            case Q4_K:
                return Q4_KBlock.BYTES;
            case Q6_K:
                return Q6_KBlock.BYTES;
            case Q4_1:
                return Q4_1Block.BYTES;
            case Q5_0:
                return Q5_0Block.BYTES;
            case Q5_1:
                return Q5_1Block.BYTES;
            case IQ4_NL:
                return IQ4_NLBlock.BYTES;
            case Q2_K:
                return Q2_KBlock.BYTES;
            case Q3_K:
                return Q3_KBlock.BYTES;
            case Q5_K:
                return Q5_KBlock.BYTES;
            case IQ4_XS:
                return IQ4_XSBlock.BYTES;
            case F16, BF16:
                return Plain.HALF_BYTES;
            default:
                return 1;
        }
    }

    /** Element {@code e} of a row-major tensor (rows are whole blocks), dequantized. */
    public static float element(int format, ByteArray w, int e) {
        switch (format) {
            case F32:
                return Plain.f32(w, e);
            case F16:
                return Plain.f16(w, e);
            case BF16:
                return Plain.bf16(w, e);
            case Q8_0:
                return Q8_0Block.element(w, e);
            case Q4_0:
                return Q4_0Block.element(w, e);
            case Q4_K:
                return Q4_KBlock.element(w, e);
            case Q6_K:
                return Q6_KBlock.element(w, e);
            case Q4_1:
                return Q4_1Block.element(w, e);
            case Q5_0:
                return Q5_0Block.element(w, e);
            case Q5_1:
                return Q5_1Block.element(w, e);
            case IQ4_NL:
                return IQ4_NLBlock.element(w, e);
            case Q2_K:
                return Q2_KBlock.element(w, e);
            case Q3_K:
                return Q3_KBlock.element(w, e);
            case Q5_K:
                return Q5_KBlock.element(w, e);
            case IQ4_XS:
                return IQ4_XSBlock.element(w, e);
            default:
                return Float.NaN; // unknown code: loud in the output (kernels cannot throw)
        }
    }

    /** The dot product of the block at byte {@code block} with {@code x[xOffset ..]} (its scales applied). */
    public static float blockDot(int format, ByteArray w, int block, FloatArray x, int xOffset) {
        switch (format) {
            case F32:
                return Plain.f32At(w, block) * x.get(xOffset);
            case F16:
                return Plain.halfAt(w, block) * x.get(xOffset);
            case BF16:
                return Plain.bf16At(w, block) * x.get(xOffset);
            case Q8_0:
                return Q8_0Block.dot(w, block, x, xOffset);
            case Q4_0:
                return Q4_0Block.dot(w, block, x, xOffset);
            case Q4_K:
                return Q4_KBlock.dot(w, block, x, xOffset);
            case Q6_K:
                return Q6_KBlock.dot(w, block, x, xOffset);
            case Q4_1:
                return Q4_1Block.dot(w, block, x, xOffset);
            case Q5_0:
                return Q5_0Block.dot(w, block, x, xOffset);
            case Q5_1:
                return Q5_1Block.dot(w, block, x, xOffset);
            case IQ4_NL:
                return IQ4_NLBlock.dot(w, block, x, xOffset);
            case Q2_K:
                return Q2_KBlock.dot(w, block, x, xOffset);
            case Q3_K:
                return Q3_KBlock.dot(w, block, x, xOffset);
            case Q5_K:
                return Q5_KBlock.dot(w, block, x, xOffset);
            case IQ4_XS:
                return IQ4_XSBlock.dot(w, block, x, xOffset);
            default:
                return Float.NaN;
        }
    }

    /** The weights of a Q8_0 or Q4_0 block ({@link #hasLaneRowDot}) as 32 floats into {@code out[outOffset ..]}. */
    public static void dequantizeBlock(int format, ByteArray w, int block, float[] out, int outOffset) {
        if (format == Q8_0) {
            Q8_0Block.dequantize(w, block, out, outOffset);
        } else {
            Q4_0Block.dequantize(w, block, out, outOffset);
        }
    }

    /** Whether {@link #rowDot} uses the format's lane-sum row product ({@link Q8_0Block#rowDot}). */
    public static boolean hasLaneRowDot(int format) {
        return format == Q8_0 || format == Q4_0;
    }

    /**
     * The dot product of row {@code row} of a rows x cols matrix with {@code x[xOffset .. xOffset+cols)}: block by
     * block, each block's inner loop over contiguous bytes and floats (what CPU OpenCL compilers vectorize).
     */
    public static float rowDot(int format, ByteArray w, int row, int cols, FloatArray x, int xOffset) {
        int elements = blockElements(format);
        int bytes = blockBytes(format);
        int blocks = cols / elements;
        int base = row * blocks * bytes;
        switch (format) {
            case Q8_0:
                return Q8_0Block.rowDot(w, base, blocks, x, xOffset);
            case Q4_0:
                return Q4_0Block.rowDot(w, base, blocks, x, xOffset);
            default:
                break;
        }
        float sum = 0f;
        for (int b = 0; b < blocks; b++) {
            sum += blockDot(format, w, base + b * bytes, x, xOffset + b * elements);
        }
        return sum;
    }

    /**
     * {@code q[0..15] * xa + q[16..31] * xb} for the quants of the Q8_0 or Q4_0 block at byte {@code block} (Q4_0's
     * less 8), without the block's scale ({@link #blockScale}): the Float16 lanes of a vector row product.
     */
    public static Float16 quantProducts(int format, ByteArray w, int block, Float16 xa, Float16 xb) {
        Float16 low = format == Q8_0
                ? Float16.loadFromBytes(w, block + 2)
                : Float16.sub(Float16.loadLowNibbles(w, block + 2), 8f);
        Float16 high = format == Q8_0
                ? Float16.loadFromBytes(w, block + 18)
                : Float16.sub(Float16.loadHighNibbles(w, block + 2), 8f);
        return Float16.add(Float16.mult(low, xa), Float16.mult(high, xb));
    }

    /** The f16 scale d at the start of a Q8_0 or Q4_0 block (one 2-byte load: their blocks are 2-aligned). */
    public static float blockScale(ByteArray w, int block) {
        return Float.float16ToFloat(w.getShort(block));
    }

    /** Weights {@code 16 * half ..} of a Q8_0 or Q4_0 block as a Float16 ({@link Q8_0Block#halfVector}). */
    public static Float16 halfVector(int format, ByteArray w, int block, int half) {
        return format == Q8_0 ? Q8_0Block.halfVector(w, block, half) : Q4_0Block.halfVector(w, block, half);
    }

    /**
     * {@link #rowDot} with OpenCL C vector types where a format has a vector form (Q8_0, Q4_0: {@link
     * Q8_0Block#rowDotVectors}); the other formats as {@link #rowDot}.
     */
    public static float rowDotVectors(int format, ByteArray w, int row, int cols, FloatArray x, int xOffset) {
        int blocks = cols / blockElements(format);
        int base = row * blocks * blockBytes(format);
        switch (format) {
            case Q8_0:
                return Q8_0Block.rowDotVectors(w, base, blocks, x, xOffset);
            case Q4_0:
                return Q4_0Block.rowDotVectors(w, base, blocks, x, xOffset);
            default:
                return rowDot(format, w, row, cols, x, xOffset);
        }
    }
}
