package io.squall.suite;

import io.squall.api.KernelContext;
import io.squall.api.annotations.Parallel;
import io.squall.api.annotations.Reduce;
import io.squall.api.math.TornadoMath;
import io.squall.api.types.HalfFloat;
import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.DoubleArray;
import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.arrays.HalfFloatArray;
import io.squall.api.types.arrays.Int8Array;
import io.squall.api.types.arrays.IntArray;
import io.squall.api.types.arrays.LongArray;
import io.squall.api.types.arrays.ShortArray;

/** The suite's kernels: static methods in Squall's kernel subset. References live in {@link KernelSuite}. */
public final class Kernels {
    public static final int TILE = 8;
    static final int GROUP = 64;
    static final int BINS = 16;

    private Kernels() {}

    public static void vectorAdd(FloatArray a, FloatArray b, FloatArray c) {
        for (@Parallel int i = 0; i < c.getSize(); i++) {
            c.set(i, a.get(i) + b.get(i));
        }
    }

    public static void saxpy(float alpha, FloatArray x, FloatArray y) {
        for (@Parallel int i = 0; i < y.getSize(); i++) {
            y.set(i, alpha * x.get(i) + y.get(i));
        }
    }

    public static void matrixAdd(FloatArray a, FloatArray b, FloatArray c, int rows, int cols) {
        for (@Parallel int i = 0; i < rows; i++) {
            for (@Parallel int j = 0; j < cols; j++) {
                c.set(i * cols + j, a.get(i * cols + j) + b.get(i * cols + j));
            }
        }
    }

    public static void grid3d(IntArray out, int nx, int ny, int nz) {
        for (@Parallel int i = 0; i < nx; i++) {
            for (@Parallel int j = 0; j < ny; j++) {
                for (@Parallel int k = 0; k < nz; k++) {
                    out.set((i * ny + j) * nz + k, i * 10000 + j * 100 + k);
                }
            }
        }
    }

    public static void rowSums(FloatArray m, FloatArray out, int rows, int cols) {
        for (@Parallel int i = 0; i < rows; i++) {
            float sum = 0f;
            for (int j = 0; j < cols; j++) {
                sum += m.get(i * cols + j);
            }
            out.set(i, sum);
        }
    }

    public static void classify(FloatArray in, IntArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            float x = in.get(i);
            int c;
            if (x < -1f) {
                c = -2;
            } else if (x <= 0f) {
                c = x == 0f ? 0 : -1;
            } else {
                c = x > 1f ? 2 : 1;
            }
            out.set(i, Float.isNaN(x) ? 99 : c);
        }
    }

    /** First column above the threshold per row (break), skipping negative columns (continue); -1 if none. */
    public static void firstAbove(FloatArray data, IntArray result, int rows, int cols, float threshold) {
        for (@Parallel int r = 0; r < rows; r++) {
            int found = -1;
            for (int c = 0; c < cols; c++) {
                float v = data.get(r * cols + c);
                if (v < 0f) {
                    continue;
                }
                if (v > threshold) {
                    found = c;
                    break;
                }
            }
            result.set(r, found);
        }
    }

    public static void matmulNaive(FloatArray a, FloatArray b, FloatArray c, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            for (@Parallel int j = 0; j < n; j++) {
                float sum = 0f;
                for (int k = 0; k < n; k++) {
                    sum += a.get(i * n + k) * b.get(k * n + j);
                }
                c.set(i * n + j, sum);
            }
        }
    }

    /** Tiled matrix multiply with local memory; n is a multiple of TILE, the grid is n x n with TILE x TILE groups. */
    public static void matmulTiled(KernelContext ctx, FloatArray a, FloatArray b, FloatArray c, int n) {
        float[] ta = ctx.allocateFloatLocalArray(TILE * TILE);
        float[] tb = ctx.allocateFloatLocalArray(TILE * TILE);
        int col = ctx.globalIdx;
        int row = ctx.globalIdy;
        int lx = ctx.localIdx;
        int ly = ctx.localIdy;
        float sum = 0f;
        for (int t = 0; t < n / TILE; t++) {
            ta[ly * TILE + lx] = a.get(row * n + t * TILE + lx);
            tb[ly * TILE + lx] = b.get((t * TILE + ly) * n + col);
            ctx.localBarrier();
            for (int k = 0; k < TILE; k++) {
                sum += ta[ly * TILE + k] * tb[k * TILE + lx];
            }
            ctx.localBarrier();
        }
        c.set(row * n + col, sum);
    }

    public static void reduceSumFloat(FloatArray in, @Reduce FloatArray result) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            result.set(0, result.get(0) + in.get(i));
        }
    }

    public static void reduceMaxFloat(FloatArray in, @Reduce FloatArray result) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            result.set(0, Math.max(result.get(0), in.get(i)));
        }
    }

    public static void reduceMinFloat(FloatArray in, @Reduce FloatArray result) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            result.set(0, TornadoMath.min(result.get(0), in.get(i)));
        }
    }

    public static void reduceSumInt(IntArray in, @Reduce IntArray result) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            result.set(0, result.get(0) + in.get(i));
        }
    }

    public static void reduceMaxInt(int[] in, @Reduce int[] result) {
        for (@Parallel int i = 0; i < in.length; i++) {
            result[0] = Math.max(result[0], in[i]);
        }
    }

    /** Per-group partial sums with local memory and barriers; group size GROUP. */
    public static void groupSums(KernelContext ctx, FloatArray in, FloatArray partials) {
        float[] scratch = ctx.allocateFloatLocalArray(GROUP);
        int gid = ctx.globalIdx;
        int lid = ctx.localIdx;
        scratch[lid] = gid < in.getSize() ? in.get(gid) : 0f;
        ctx.localBarrier();
        for (int stride = ctx.localGroupSizeX / 2; stride > 0; stride >>= 1) {
            if (lid < stride) {
                scratch[lid] += scratch[lid + stride];
            }
            ctx.localBarrier();
        }
        if (lid == 0) {
            partials.set(ctx.groupIdx, scratch[0]);
        }
    }

    public static void halfScale(HalfFloatArray in, HalfFloatArray out, float scale) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            HalfFloat h = in.get(i);
            HalfFloat scaled = new HalfFloat(h.getFloat32() * scale);
            out.set(i, HalfFloat.add(scaled, new HalfFloat(0.5f)));
        }
    }

    public static void halfToFloat(HalfFloatArray in, FloatArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            out.set(i, in.getFloat(i) * 2f);
        }
    }

    /** Q8_0-like matrix-vector product: int8 quants with one half-float scale per block of 32. */
    public static void q8Dot(
            Int8Array quants, HalfFloatArray scales, FloatArray x, FloatArray out, int rows, int cols) {
        for (@Parallel int r = 0; r < rows; r++) {
            float sum = 0f;
            for (int blk = 0; blk < cols / 32; blk++) {
                float scale = scales.getFloat(r * (cols / 32) + blk);
                int base = r * cols + blk * 32;
                float part = 0f;
                for (int k = 0; k < 32; k++) {
                    part += quants.get(base + k) * x.get(blk * 32 + k);
                }
                sum += scale * part;
            }
            out.set(r, sum);
        }
    }

    public static void histogram(KernelContext ctx, IntArray data, IntArray bins) {
        int i = ctx.globalIdx;
        if (i < data.getSize()) {
            int bin = data.get(i) & (BINS - 1);
            ctx.atomicAdd(bins, bin, 1);
        }
    }

    public static void atomicFloatSum(KernelContext ctx, FloatArray data, FloatArray sum) {
        int i = ctx.globalIdx;
        if (i < data.getSize()) {
            ctx.atomicAdd(sum, 0, data.get(i));
        }
    }

    /** Histogram in local memory (local atomics), merged into the global one by each group. */
    public static void localHistogram(KernelContext ctx, IntArray data, IntArray bins) {
        int[] local = ctx.allocateIntLocalArray(BINS);
        int lid = ctx.localIdx;
        if (lid < BINS) {
            local[lid] = 0;
        }
        ctx.localBarrier();
        int i = ctx.globalIdx;
        if (i < data.getSize()) {
            ctx.atomicAdd(local, data.get(i) % BINS, 1);
        }
        ctx.localBarrier();
        if (lid < BINS) {
            ctx.atomicAdd(bins, lid, local[lid]);
        }
    }

    public static void mathFunctions(FloatArray in, FloatArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            float x = in.get(i);
            float r = TornadoMath.exp(x * 0.1f)
                    + TornadoMath.log(x + 2f)
                    + TornadoMath.sqrt(x + 1.5f)
                    + TornadoMath.pow(x + 1.5f, 1.5f)
                    + TornadoMath.sin(x)
                    + TornadoMath.cos(x)
                    + TornadoMath.tanh(x)
                    + TornadoMath.rsqrt(x + 2f)
                    + TornadoMath.fma(x, 0.5f, 1f)
                    + TornadoMath.abs(x)
                    + TornadoMath.floor(x)
                    + TornadoMath.ceil(x)
                    + TornadoMath.atan2(x, 2f)
                    + TornadoMath.clamp(x, -0.5f, 0.5f)
                    + TornadoMath.tan(x * 0.5f)
                    + TornadoMath.atan(x)
                    + TornadoMath.log2(x + 3f)
                    + TornadoMath.signum(x)
                    + TornadoMath.max(x, 0.25f);
            out.set(i, r);
        }
    }

    public static void javaMathDouble(DoubleArray in, DoubleArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            double x = in.get(i);
            out.set(i, Math.exp(x * 0.25) + Math.sqrt(Math.abs(x)) + Math.max(x, 0.5) + Math.signum(x) + Math.PI);
        }
    }

    static float square(float x) {
        return x * x;
    }

    static float cube(float x) {
        return square(x) * x;
    }

    static float gelu(float x) {
        float inner = 0.7978846f * (x + 0.044715f * cube(x));
        return 0.5f * x * (1f + TornadoMath.tanh(inner));
    }

    public static void geluKernel(FloatArray in, FloatArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            out.set(i, gelu(in.get(i)));
        }
    }

    public static void longDouble(LongArray a, DoubleArray d, LongArray outL, DoubleArray outD) {
        for (@Parallel int i = 0; i < a.getSize(); i++) {
            long v = a.get(i);
            long h = v * 0x9E3779B97F4A7C15L;
            h ^= h >>> 29;
            h += (v << 7) - (v >> 3);
            outL.set(i, h / 3 + h % 7);
            double x = d.get(i);
            outD.set(i, x * x / 3.0 - (double) v + x % 1.5);
        }
    }

    public static void conversions(FloatArray f, IntArray out, LongArray outL) {
        for (@Parallel int i = 0; i < f.getSize(); i++) {
            float x = f.get(i);
            int asInt = (int) x;
            byte asByte = (byte) asInt;
            char asChar = (char) asInt;
            short asShort = (short) (asInt * 1000);
            long asLong = (long) (x * 1e10f);
            double asDouble = x;
            out.set(i * 4, asInt);
            out.set(i * 4 + 1, asByte + asChar);
            out.set(i * 4 + 2, asShort);
            out.set(i * 4 + 3, Float.floatToRawIntBits(x) ^ (int) (float) asDouble);
            outL.set(i, asLong + (long) asInt);
        }
    }

    public static void primitiveArrays(float[] x, int[] idx, float[] out) {
        for (@Parallel int i = 0; i < out.length; i++) {
            out[i] = x[idx[i]] * 2f + idx.length;
        }
    }

    /** Q4_0-like unpacking: two 4-bit values per byte, offset by 8, times a scale per block of 32. */
    public static void q4Unpack(ByteArray packed, FloatArray scales, FloatArray out) {
        for (@Parallel int b = 0; b < scales.getSize(); b++) {
            float s = scales.get(b);
            for (int k = 0; k < 16; k++) {
                int v = packed.get(b * 16 + k) & 0xFF;
                out.set(b * 32 + k, ((v & 0x0F) - 8) * s);
                out.set(b * 32 + k + 16, ((v >>> 4) - 8) * s);
            }
        }
    }

    /** Single-thread multi-pass softmax (max, exp-sum, normalize). */
    public static void softmax(FloatArray x, FloatArray out) {
        float max = x.get(0);
        for (int i = 1; i < x.getSize(); i++) {
            max = Math.max(max, x.get(i));
        }
        float sum = 0f;
        for (int i = 0; i < x.getSize(); i++) {
            float e = TornadoMath.exp(x.get(i) - max);
            out.set(i, e);
            sum += e;
        }
        for (int i = 0; i < x.getSize(); i++) {
            out.set(i, out.get(i) / sum);
        }
    }

    /** Polynomial of a given degree with a stride: the scalars are what specialization folds. */
    public static void polynomial(FloatArray in, FloatArray out, int degree, int stride) {
        for (@Parallel int i = 0; i < out.getSize(); i++) {
            float x = in.get(i * stride);
            float acc = 0f;
            for (int d = degree; d >= 0; d--) {
                acc = acc * x + (d + 1);
            }
            out.set(i, acc);
        }
    }

    public static void switchKernel(IntArray in, IntArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            int v;
            switch (in.get(i) % 5) {
                case 0 -> v = 10;
                case 1 -> v = 20;
                case 3 -> v = in.get(i) * 2;
                default -> v = -1;
            }
            out.set(i, v);
        }
    }

    public static void shortBytes(ShortArray s, Int8Array b, IntArray out) {
        for (@Parallel int i = 0; i < s.getSize(); i++) {
            out.set(i, s.get(i) * 3 + b.get(i) - (s.get(i) >>> 4) + ((b.get(i) & 0xFF) >> 1));
        }
    }

    /** A HalfFloat carried through a loop (an f16 phi), rounded to half precision at every step as on the JVM. */
    public static void halfAccumulate(HalfFloatArray in, HalfFloatArray out, int rows, int cols) {
        for (@Parallel int r = 0; r < rows; r++) {
            HalfFloat acc = new HalfFloat(0f);
            for (int c = 0; c < cols; c++) {
                acc = HalfFloat.add(acc, in.get(r * cols + c));
            }
            out.set(r, acc);
        }
    }

    public static void reduceSumDouble(DoubleArray in, @Reduce DoubleArray result) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            result.set(0, result.get(0) + in.get(i));
        }
    }

    public static void reduceMaxLong(LongArray in, @Reduce LongArray result) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            result.set(0, Math.max(result.get(0), in.get(i)));
        }
    }

    /** Float comparisons whose NaN behaviour differs between fcmpl and fcmpg. */
    public static void nanCompare(FloatArray x, FloatArray y, IntArray out) {
        for (@Parallel int i = 0; i < x.getSize(); i++) {
            float a = x.get(i);
            float b = y.get(i);
            int bits = 0;
            if (a < b) {
                bits |= 1;
            }
            if (a <= b) {
                bits |= 2;
            }
            if (a > b) {
                bits |= 4;
            }
            if (a >= b) {
                bits |= 8;
            }
            if (a == b) {
                bits |= 16;
            }
            if (a != b) {
                bits |= 32;
            }
            if (!(a < b)) {
                bits |= 64;
            }
            bits |= (a > b ? 1 : 0) << 7;
            double da = a;
            if (da < (double) b) {
                bits |= 256;
            }
            out.set(i, bits);
        }
    }

    /** Sum of the positive elements: the @Reduce update sits under a condition (accumulator phis at merges). */
    public static void reducePositive(FloatArray in, @Reduce FloatArray result) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            float v = in.get(i);
            if (v > 0f) {
                result.set(0, result.get(0) + v);
            }
        }
    }

    static int indexOf(IntArray a, int from, int to, int value) {
        for (int i = from; i < to; i++) {
            if (a.get(i) == value) {
                return i - from; // early return from inside a loop of an inlined helper
            }
        }
        return -1;
    }

    static int globalIndex(KernelContext ctx) {
        return ctx.globalIdx;
    }

    /** Helpers receiving arrays and the KernelContext, with several returns. */
    public static void helperWithArrays(KernelContext ctx, IntArray rows, IntArray out, int cols, int value) {
        int r = globalIndex(ctx);
        if (r < out.getSize()) {
            out.set(r, indexOf(rows, r * cols, r * cols + cols, value));
        }
    }

    /** `continue` in the @Parallel loop itself goes to the grid-stride step. */
    public static void skipOdd(IntArray in, IntArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            if ((in.get(i) & 1) != 0) {
                continue;
            }
            out.set(i, in.get(i) * 3);
        }
    }

    /** Float.floatToFloat16 / float16ToFloat: rounding, overflow to infinity, subnormals. */
    public static void halfBits(FloatArray in, IntArray bits, FloatArray back) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            short h = Float.floatToFloat16(in.get(i));
            bits.set(i, h & 0xFFFF);
            back.set(i, Float.float16ToFloat(h));
        }
    }

    /** Float atomics on local memory (compare-and-swap loop), one partial sum per group. */
    public static void localFloatAtomic(KernelContext ctx, FloatArray in, FloatArray partials) {
        float[] sum = ctx.allocateFloatLocalArray(1);
        if (ctx.localIdx == 0) {
            sum[0] = 0f;
        }
        ctx.localBarrier();
        ctx.atomicAdd(sum, 0, in.get(ctx.globalIdx));
        ctx.localBarrier();
        if (ctx.localIdx == 0) {
            partials.set(ctx.groupIdx, sum[0]);
        }
    }

    /** Wide little-endian reads: item i reads the short at byte 2i, the int at byte 4i and the long at byte 8i. */
    public static void wideLoads(ByteArray bytes, IntArray shorts, IntArray ints, LongArray longs) {
        for (@Parallel int i = 0; i < longs.getSize(); i++) {
            shorts.set(i, bytes.getShort(2 * i));
            ints.set(i, bytes.getInt(4 * i));
            longs.set(i, bytes.getLong(8 * i));
        }
    }

    /**
     * Each work-group's sum of {@code in}, twice: sub-group reductions and sub-group butterflies (shuffle-xor), each
     * sub-group's lane 0 adding its total atomically. Whatever the sub-group size, the group totals are the same.
     */
    public static void subGroupSums(KernelContext ctx, IntArray in, IntArray reduced, IntArray butterfly) {
        int v = in.get(ctx.globalIdx);
        int total = ctx.subGroupReduceAdd(v);
        int b = v;
        for (int mask = ctx.getSubGroupSize() / 2; mask > 0; mask >>= 1) {
            b += ctx.subGroupShuffleXor(b, mask);
        }
        if (ctx.getSubGroupLocalId() == 0) {
            ctx.atomicAdd(reduced, ctx.groupIdx, total);
            ctx.atomicAdd(butterfly, ctx.groupIdx, b);
        }
    }
}
