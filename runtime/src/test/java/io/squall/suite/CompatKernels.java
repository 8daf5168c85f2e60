package io.squall.suite;

import io.squall.api.annotations.Parallel;
import io.squall.api.annotations.Reduce;
import io.squall.api.math.TornadoMath;
import io.squall.api.types.HalfFloat;
import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.DoubleArray;
import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.arrays.HalfFloatArray;
import io.squall.api.types.arrays.IntArray;
import io.squall.api.types.arrays.LongArray;
import io.squall.api.types.matrix.Matrix2DFloat;
import io.squall.api.types.matrix.Matrix2DFloat4;
import io.squall.api.types.matrix.Matrix3DInt;
import io.squall.api.types.vectors.Float4;

import java.util.concurrent.atomic.AtomicInteger;

/** Kernels written the way TornadoVM's programs write them (constructs Squall accepts for compatibility). */
public final class CompatKernels {
    private CompatKernels() {}

    /** TornadoVM's reduction shape: the result initialized inside the kernel, before the @Parallel loop. */
    public static void sumInitializedInKernel(FloatArray in, @Reduce FloatArray result) {
        result.set(0, 0.0f);
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            result.set(0, result.get(0) + in.get(i));
        }
    }

    /** The kernel's initial value takes part in the reduction: max(5, inputs in [0, 1)) is 5. */
    public static void maxInitializedInKernel(FloatArray in, @Reduce FloatArray result) {
        result.set(0, 5.0f);
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            result.set(0, TornadoMath.max(result.get(0), in.get(i)));
        }
    }

    /** Two reduced variables in one kernel, each initialized in the kernel. */
    public static void sumAndMaxInt(IntArray in, @Reduce IntArray sum, @Reduce IntArray max) {
        sum.set(0, 0);
        max.set(0, Integer.MIN_VALUE);
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            sum.set(0, sum.get(0) + in.get(i));
            max.set(0, Math.max(max.get(0), in.get(i)));
        }
    }

    /** The Math/TornadoMath functions TornadoVM maps that Squall derives from others or inlines. */
    public static void derivedMath(
            FloatArray x,
            FloatArray asin,
            FloatArray acos,
            FloatArray radians,
            FloatArray fract,
            FloatArray sinpi,
            FloatArray asinh) {
        for (@Parallel int i = 0; i < x.getSize(); i++) {
            float v = x.get(i);
            asin.set(i, TornadoMath.asin(v));
            acos.set(i, (float) Math.acos(v));
            radians.set(i, TornadoMath.toRadians(v * 180f));
            fract.set(i, TornadoMath.fract(v * 7.5f));
            sinpi.set(i, TornadoMath.sinpi(v));
            asinh.set(i, TornadoMath.asinh(v * 3f));
        }
    }

    /** Narrow and wide integer overloads keep Java's result types: abs((byte) -128) is -128, clamp on longs is exact. */
    public static void integerOverloads(IntArray in, IntArray byteAbs, IntArray shortMin, LongArray longClamp) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            int v = in.get(i);
            byteAbs.set(i, TornadoMath.abs((byte) v));
            shortMin.set(i, TornadoMath.min((short) v, (short) -3));
            longClamp.set(i, TornadoMath.clamp(16_777_217L * v, -50_000_000L, 50_000_001L));
        }
    }

    /** new HalfFloat(short) takes the raw binary16 bits, as in TornadoVM (0x3C00 is 1.0). */
    public static void halfFromBits(IntArray bits, FloatArray out) {
        for (@Parallel int i = 0; i < bits.getSize(); i++) {
            out.set(i, new HalfFloat((short) bits.get(i)).getFloat32());
        }
    }

    /** A private array per work-item (Java zero-fills it; the kernel relies on that for the elements it skips). */
    public static void privateArrays(FloatArray in, FloatArray out, IntArray counts) {
        for (@Parallel int i = 0; i < out.getSize(); i++) {
            float[] window = new float[16];
            int[] histogram = new int[4];
            for (int k = 0; k < 16; k += 2) {
                window[k] = in.get(i + k);
            }
            float sum = 0;
            for (int k = 0; k < 16; k++) {
                sum += window[k] * (k + 1);
                histogram[(int) (in.get(i + k) * 4) & 3]++;
            }
            out.set(i, sum);
            counts.set(i, histogram[0] * 1000 + histogram[3]);
        }
    }

    /** KernelContext local arrays of HalfFloat and byte (TornadoVM's signatures): each group reverses its slice. */
    public static void halfAndByteLocalArrays(
            io.squall.api.KernelContext ctx, HalfFloatArray in, HalfFloatArray out, ByteArray bytesOut) {
        HalfFloat[] tile = ctx.allocateHalfFloatLocalArray(64);
        byte[] marks = ctx.allocateByteLocalArray(64);
        int l = ctx.localIdx;
        tile[l] = in.get(ctx.globalIdx);
        marks[l] = (byte) (l * 3 - 100);
        ctx.localBarrier();
        out.set(ctx.globalIdx, HalfFloat.add(tile[63 - l], new HalfFloat(1.0f)));
        bytesOut.set(ctx.globalIdx, marks[63 - l]);
    }

    /** A @Parallel loop with a step other than 1 (TornadoVM's stepped loops): every third element from 1. */
    public static void steppedLoop(FloatArray in, FloatArray out) {
        for (@Parallel int i = 1; i < in.getSize(); i += 3) {
            out.set(i, in.get(i) * 2f + 1f);
        }
    }

    /** Swizzled local tiles: each work-item stores its element at a swizzled position, then reads its transpose partner. */
    public static void swizzledTiles(
            io.squall.api.KernelContext ctx,
            HalfFloatArray in,
            HalfFloatArray out,
            ByteArray bytesIn,
            ByteArray bytesOut) {
        HalfFloat[] tile = ctx.allocateHalfFloatLocalArray(256);
        byte[] bytes = ctx.allocateByteLocalArray(256);
        int row = ctx.localIdx / 16, col = ctx.localIdx % 16;
        ctx.swizzleStoreFp16Stride32(tile, row, col, 16, in.get(ctx.globalIdx));
        ctx.swizzleStoreInt8(bytes, row, col, 16, bytesIn.get(ctx.globalIdx));
        ctx.localBarrier();
        int base = ctx.groupIdx * 256;
        out.set(ctx.globalIdx, ctx.swizzleLoadFp16Stride32(tile, col, row, 16));
        bytesOut.set(ctx.globalIdx, ctx.swizzleLoadInt8(bytes, col, row, 16));
    }

    /** A reduction through a helper method, beside a @Reduce argument the loop never uses (left as it is). */
    public static void sumThroughHelper(DoubleArray in, @Reduce DoubleArray sum, @Reduce DoubleArray unused) {
        sum.set(0, 0.0);
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            sum.set(0, plus(in.get(i), sum.get(0)));
        }
    }

    private static double plus(double a, double b) {
        return a + b;
    }

    /** TornadoVM's matrix types as parameters: their get/set and shape accessors are inlined over the storage buffer. */
    public static void matrix2D(Matrix2DFloat a, Matrix2DFloat b) {
        for (@Parallel int i = 0; i < a.getNumRows(); i++) {
            for (@Parallel int j = 0; j < a.getNumColumns(); j++) {
                b.set(i, j, a.get(i, j) * 2 + j);
            }
        }
    }

    public static void matrix3D(Matrix3DInt c, Matrix3DInt d) {
        for (@Parallel int i = 0; i < c.getNumRows(); i++) {
            for (int j = 0; j < c.getNumColumns(); j++) {
                for (int k = 0; k < c.getDepth(); k++) {
                    d.set(i, j, k, c.get(i, j, k) - i * k);
                }
            }
        }
    }

    /** Float4 values built, combined and reduced in a kernel (private arrays), read from and written to Matrix2DFloat4. */
    public static void float4Values(Matrix2DFloat4 a, Matrix2DFloat4 b, FloatArray dots) {
        for (@Parallel int i = 0; i < a.getNumRows(); i++) {
            for (@Parallel int j = 0; j < a.getNumColumns(); j++) {
                Float4 v = a.get(i, j);
                Float4 w = Float4.add(Float4.mult(v, 2f), new Float4(1f, 2f, 3f, (float) j));
                b.set(i, j, w);
                dots.set(i * a.getNumColumns() + j, Float4.dot(v, w) + w.getW());
            }
        }
    }

    /** AtomicInteger arguments: a sum and a ticket counter whose tickets must cover 0..n-1 exactly once. */
    public static void atomicCounters(IntArray in, IntArray marks, AtomicInteger sum, AtomicInteger ticket) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            sum.addAndGet(in.get(i));
            int t = ticket.getAndIncrement();
            marks.set(t, marks.get(t) + 1);
        }
    }

    /**
     * `return` and `break` inside @Parallel loops end that iteration (in TornadoVM each iteration is a thread); the JVM
     * backend runs such a loop sequentially with Java's meaning, so the inputs trigger them in the last iteration only,
     * where both meanings agree (as TornadoVM's own tests arrange).
     */
    public static void returnInParallel(FloatArray in, FloatArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            if (in.get(i) > 1.5f) {
                return;
            }
            out.set(i, in.get(i) * 2);
        }
    }

    public static void breakInParallel(FloatArray in, FloatArray marks) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            for (int k = 0; k < 4; k++) { // a break out of a sequential loop stays what it is
                if (k == 2) {
                    break;
                }
                marks.set(i, marks.get(i) + 1);
            }
            if (in.get(i) > 1.5f) {
                marks.set(i, -1);
                break;
            }
            marks.set(i, marks.get(i) + 10);
        }
    }

    /** A @Parallel kernel that takes a KernelContext for its atomics only (TornadoVM runs it as a loop kernel, no grid). */
    public static void contextAtomicsInLoop(io.squall.api.KernelContext ctx, IntArray in, IntArray histogram) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            ctx.atomicAdd(histogram, in.get(i) & 15, 1);
        }
    }

    /** Product reductions, TornadoVM's shape (initialized before the loop); ints wrap as in Java, which keeps them exact. */
    public static void products(FloatArray in, IntArray ints, @Reduce FloatArray product, @Reduce IntArray intProduct) {
        product.set(0, 1f);
        intProduct.set(0, 1);
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            product.set(0, product.get(0) * in.get(i));
            intProduct.set(0, intProduct.get(0) * ints.get(i));
        }
    }

    public static void longProduct(LongArray in, @Reduce LongArray product) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            product.set(0, in.get(i) * product.get(0));
        }
    }

    /** A @Reduce argument only read in the loop (a previous task's result, in TornadoVM's tests): plain reads of result[0]. */
    public static void readOnlyReduce(DoubleArray values, @Reduce DoubleArray result) {
        for (@Parallel int i = 0; i < values.getSize(); i++) {
            values.set(i, result.get(0) + i);
        }
    }

    /**
     * Arrays chosen by path (TornadoVM's TestArrayCopies): a private array and an argument array picked by a condition
     * that differs between work-items.
     */
    public static void arraysChosenByPath(IntArray in, FloatArray low, FloatArray high, FloatArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            int[] squares = new int[8];
            int[] twos = new int[8];
            for (int j = 0; j < 8; j++) {
                squares[j] = j * j;
                twos[j] = 2;
            }
            int[] chosen = twos;
            if (in.get(i) % 3 == 0) {
                chosen = squares;
            }
            FloatArray source = in.get(i) % 2 == 0 ? low : high;
            out.set(i, chosen[i & 7] + source.get(i));
        }
    }

    /** Instance-method kernels: the receiver's fields they read become operands bound at each launch. */
    public static class Scaling {
        protected final float bias;

        Scaling(float bias) {
            this.bias = bias;
        }

        /** Inherited by Weighting: a virtual call on `this` resolves from the receiver's class. */
        protected float shift(float v) {
            return v + bias;
        }
    }

    public static final class Weighting extends Scaling {
        private final FloatArray weights;
        private final short scale;
        private final int period;

        public Weighting(FloatArray weights, short scale, int period, float bias) {
            super(bias);
            this.weights = weights;
            this.scale = scale;
            this.period = period;
        }

        public void apply(FloatArray in, FloatArray out) {
            for (@Parallel int i = 0; i < in.getSize(); i++) {
                out.set(i, shift(in.get(i) * weight(i)));
            }
        }

        private float weight(int i) {
            return weights.get(i % period) * scale;
        }

        /** TornadoVM's InstanceReduction shape, on an instance. */
        public void weightedSum(FloatArray in, @Reduce FloatArray result) {
            result.set(0, 0f);
            for (@Parallel int i = 0; i < in.getSize(); i++) {
                result.set(0, result.get(0) + in.get(i) * weights.get(i % period));
            }
        }
    }

    /**
     * AtomicIntegers made in the kernel (TornadoVM's semantics): each is one counter shared by all work-items, set to its
     * initial value (here a constant and an array's size) before every launch. Tickets from 100 must be unique; exactly
     * one work-item sees the countdown reach 0.
     */
    public static void countersInKernel(IntArray in, IntArray marks, IntArray zeros) {
        AtomicInteger next = new AtomicInteger(100);
        AtomicInteger left = new AtomicInteger(in.getSize());
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            int t = next.getAndIncrement() - 100;
            marks.set(t, marks.get(t) + 1);
            if (left.decrementAndGet() == 0) {
                zeros.set(0, zeros.get(0) + 1);
            }
        }
    }

    /** A counter in a single-thread kernel, read back with get(): its initial value comes from a scalar argument. */
    public static void counterSum(IntArray in, int start, IntArray out) {
        AtomicInteger sum = new AtomicInteger(start * 2);
        for (int i = 0; i < in.getSize(); i++) {
            sum.addAndGet(in.get(i));
        }
        out.set(0, sum.get());
    }

    /**
     * The @Parallel index read after its loop (TornadoVM's TestLoops.testMultipleThreadLoopCond): each work-item leaves the
     * loop with the first index past the bound in its own sequence, so only one sees i == bound, as the Java loop ends.
     */
    public static void indexAfterLoop(IntArray in, IntArray out) {
        int target = in.get(0);
        @Parallel int i = 0;
        for (; i < in.getSize() / 4 - 1; i++) {
            out.set(i, in.get(4 * i + 1) * 2);
        }
        if (i == target) {
            out.set(i, in.get(i) + 1000);
        }
    }
}
