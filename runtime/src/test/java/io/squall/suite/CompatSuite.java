package io.squall.suite;

import io.squall.api.common.TornadoFunctions.Task2;
import io.squall.api.common.TornadoFunctions.Task3;
import io.squall.api.common.TornadoFunctions.Task4;
import io.squall.api.common.TornadoFunctions.Task7;
import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.DoubleArray;
import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.arrays.HalfFloatArray;
import io.squall.api.types.arrays.IntArray;
import io.squall.api.types.arrays.LongArray;
import io.squall.api.types.matrix.Matrix2DFloat;
import io.squall.api.types.matrix.Matrix2DFloat4;
import io.squall.api.types.matrix.Matrix3DInt;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Suite cases for the constructs TornadoVM's programs use (see {@link CompatKernels}); references are plain Java. */
final class CompatSuite {
    private CompatSuite() {}

    static List<SuiteCase> cases() {
        List<SuiteCase> s = new ArrayList<>();
        final int n = 3000;

        s.add(new SuiteCase(
                "sumInitializedInKernel",
                (Task2<FloatArray, FloatArray>) CompatKernels::sumInitializedInKernel,
                () -> new Object[] {KernelSuite.floats(n, 61, 0, 1), new FloatArray(1)},
                null,
                a -> {
                    double sum = 0;
                    for (int i = 0; i < n; i++) {
                        sum += ((FloatArray) a[0]).get(i);
                    }
                    ((FloatArray) a[1]).set(0, (float) sum);
                },
                new int[] {1},
                1e-4));

        s.add(new SuiteCase(
                "maxInitializedInKernel",
                (Task2<FloatArray, FloatArray>) CompatKernels::maxInitializedInKernel,
                () -> {
                    FloatArray r = new FloatArray(1);
                    r.set(0, 100f); // what the host held before: the kernel's result.set(0, 5) replaces it, as in Java
                    return new Object[] {KernelSuite.floats(n, 62, 0, 1), r};
                },
                null,
                a -> ((FloatArray) a[1]).set(0, 5.0f),
                new int[] {1},
                0));

        s.add(new SuiteCase(
                "sumAndMaxInt",
                (Task3<IntArray, IntArray, IntArray>) CompatKernels::sumAndMaxInt,
                () -> {
                    IntArray max = new IntArray(1);
                    max.set(0, Integer.MIN_VALUE);
                    return new Object[] {KernelSuite.ints(n, 63, 1000), new IntArray(1), max};
                },
                null,
                a -> {
                    IntArray in = (IntArray) a[0];
                    int sum = 0, max = Integer.MIN_VALUE;
                    for (int i = 0; i < n; i++) {
                        sum += in.get(i);
                        max = Math.max(max, in.get(i));
                    }
                    ((IntArray) a[1]).set(0, sum);
                    ((IntArray) a[2]).set(0, max);
                },
                new int[] {1, 2},
                0));

        final int m = 257;
        s.add(new SuiteCase(
                "derivedMath",
                (Task7<FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray>)
                        CompatKernels::derivedMath,
                () -> new Object[] {
                    KernelSuite.floats(m, 64, -1, 1),
                    new FloatArray(m),
                    new FloatArray(m),
                    new FloatArray(m),
                    new FloatArray(m),
                    new FloatArray(m),
                    new FloatArray(m)
                },
                null,
                a -> {
                    FloatArray x = (FloatArray) a[0];
                    for (int i = 0; i < m; i++) {
                        double v = x.get(i);
                        ((FloatArray) a[1]).set(i, (float) Math.asin(v));
                        ((FloatArray) a[2]).set(i, (float) Math.acos(v));
                        ((FloatArray) a[3]).set(i, (float) (v * Math.PI));
                        double w = (float) (v * 7.5f);
                        ((FloatArray) a[4]).set(i, (float) (w - Math.floor(w)));
                        ((FloatArray) a[5]).set(i, (float) Math.sin(v * Math.PI));
                        double u = (float) (v * 3f);
                        ((FloatArray) a[6]).set(i, (float) Math.log(u + Math.sqrt(u * u + 1)));
                    }
                },
                new int[] {1, 2, 3, 4, 5, 6},
                1e-5));

        s.add(new SuiteCase(
                "integerOverloads",
                (Task4<IntArray, IntArray, IntArray, LongArray>) CompatKernels::integerOverloads,
                () -> {
                    IntArray in = KernelSuite.ints(m, 65, 512);
                    for (int i = 0; i < m; i++) {
                        in.set(i, in.get(i) - 256);
                    }
                    in.set(0, -128);
                    in.set(1, 3);
                    return new Object[] {in, new IntArray(m), new IntArray(m), new LongArray(m)};
                },
                null,
                a -> {
                    IntArray in = (IntArray) a[0];
                    for (int i = 0; i < m; i++) {
                        int v = in.get(i);
                        byte b = (byte) v;
                        ((IntArray) a[1]).set(i, b == Byte.MIN_VALUE ? b : (byte) (b < 0 ? -b : b));
                        short sh = (short) v;
                        ((IntArray) a[2]).set(i, sh < -3 ? sh : -3);
                        long l = 16_777_217L * v;
                        ((LongArray) a[3]).set(i, l < -50_000_000L ? -50_000_000L : l > 50_000_001L ? 50_000_001L : l);
                    }
                },
                new int[] {1, 2, 3},
                0));

        s.add(new SuiteCase(
                "halfFromBits",
                (Task2<IntArray, FloatArray>) CompatKernels::halfFromBits,
                () -> {
                    IntArray bits =
                            IntArray.fromElements(0x3C00, 0xC000, 0x7BFF, 0x0001, 0x0000, 0x8000, 0x3555, 0x7C00);
                    return new Object[] {bits, new FloatArray(bits.getSize())};
                },
                null,
                a -> {
                    float[] expected = {
                        1.0f, -2.0f, 65504.0f, 5.9604645e-8f, 0.0f, -0.0f, 0.33325195f, Float.POSITIVE_INFINITY
                    };
                    for (int i = 0; i < expected.length; i++) {
                        ((FloatArray) a[1]).set(i, expected[i]);
                    }
                },
                new int[] {1},
                0));
        final int w = 300;
        s.add(new SuiteCase(
                "privateArrays",
                (Task3<FloatArray, FloatArray, IntArray>) CompatKernels::privateArrays,
                () -> new Object[] {KernelSuite.floats(w + 16, 66, 0, 1), new FloatArray(w), new IntArray(w)},
                null,
                a -> {
                    FloatArray in = (FloatArray) a[0];
                    for (int i = 0; i < w; i++) {
                        float sum = 0;
                        int[] histogram = new int[4];
                        for (int k = 0; k < 16; k++) {
                            sum += (k % 2 == 0 ? in.get(i + k) : 0f) * (k + 1);
                            histogram[(int) (in.get(i + k) * 4) & 3]++;
                        }
                        ((FloatArray) a[1]).set(i, sum);
                        ((IntArray) a[2]).set(i, histogram[0] * 1000 + histogram[3]);
                    }
                },
                new int[] {1, 2},
                1e-5));
        s.add(new SuiteCase(
                "halfAndByteLocalArrays",
                (Task4<io.squall.api.KernelContext, HalfFloatArray, HalfFloatArray, ByteArray>)
                        CompatKernels::halfAndByteLocalArrays,
                () -> {
                    HalfFloatArray in = new HalfFloatArray(256);
                    for (int i = 0; i < 256; i++) {
                        in.set(i, new io.squall.api.types.HalfFloat(i * 0.25f - 20f));
                    }
                    return new Object[] {
                        new io.squall.api.KernelContext(), in, new HalfFloatArray(256), new ByteArray(256)
                    };
                },
                KernelSuite.grid1(256, 64),
                a -> {
                    HalfFloatArray in = (HalfFloatArray) a[1], out = (HalfFloatArray) a[2];
                    for (int i = 0; i < 256; i++) {
                        int mirror = (i / 64) * 64 + 63 - i % 64;
                        out.set(
                                i,
                                new io.squall.api.types.HalfFloat(in.get(mirror).getFloat32() + 1.0f));
                        ((ByteArray) a[3]).set(i, (byte) ((63 - i % 64) * 3 - 100));
                    }
                },
                new int[] {2, 3},
                0));
        s.add(new SuiteCase(
                "steppedLoop",
                (Task2<FloatArray, FloatArray>) CompatKernels::steppedLoop,
                () -> new Object[] {KernelSuite.floats(1001, 67, -1, 1), new FloatArray(1001)},
                null,
                a -> {
                    for (int i = 1; i < 1001; i += 3) {
                        ((FloatArray) a[1]).set(i, ((FloatArray) a[0]).get(i) * 2f + 1f);
                    }
                },
                new int[] {1},
                0));
        s.add(new SuiteCase(
                "swizzledTiles",
                (io.squall.api.common.TornadoFunctions.Task5<
                                io.squall.api.KernelContext, HalfFloatArray, HalfFloatArray, ByteArray, ByteArray>)
                        CompatKernels::swizzledTiles,
                () -> {
                    HalfFloatArray in = new HalfFloatArray(512);
                    ByteArray bytes = new ByteArray(512);
                    for (int i = 0; i < 512; i++) {
                        in.set(i, new io.squall.api.types.HalfFloat(i * 0.5f));
                        bytes.set(i, (byte) (i * 7));
                    }
                    return new Object[] {
                        new io.squall.api.KernelContext(), in, new HalfFloatArray(512), bytes, new ByteArray(512)
                    };
                },
                KernelSuite.grid1(512, 256),
                a -> {
                    for (int i = 0; i < 512; i++) {
                        int group = i / 256, l = i % 256, row = l / 16, col = l % 16;
                        int partner = group * 256 + col * 16 + row; // the transpose, whatever the swizzle
                        ((HalfFloatArray) a[2]).set(i, new io.squall.api.types.HalfFloat(partner * 0.5f));
                        ((ByteArray) a[4]).set(i, (byte) (partner * 7));
                    }
                },
                new int[] {2, 4},
                0));
        s.add(new SuiteCase(
                "sumThroughHelper",
                (Task3<DoubleArray, DoubleArray, DoubleArray>) CompatKernels::sumThroughHelper,
                () -> {
                    DoubleArray in = new DoubleArray(2000);
                    for (int i = 0; i < 2000; i++) {
                        in.set(i, (i % 13) * 0.25 - 1);
                    }
                    DoubleArray unused = new DoubleArray(1);
                    unused.set(0, 42.0);
                    return new Object[] {in, new DoubleArray(1), unused};
                },
                null,
                a -> {
                    double sum = 0;
                    for (int i = 0; i < 2000; i++) {
                        sum += (i % 13) * 0.25 - 1;
                    }
                    ((DoubleArray) a[1]).set(0, sum);
                },
                new int[] {1, 2},
                1e-9));
        final int rows = 37, cols = 19, depth = 5;
        s.add(new SuiteCase(
                "matrix2D",
                (Task2<Matrix2DFloat, Matrix2DFloat>) CompatKernels::matrix2D,
                () -> new Object[] {
                    new Matrix2DFloat(rows, cols, KernelSuite.floats(rows * cols, 66, -1, 1)),
                    new Matrix2DFloat(rows, cols)
                },
                null,
                a -> { // over the row-major storage, without the matrix classes
                    FloatArray x = ((Matrix2DFloat) a[0]).getStorage();
                    FloatArray y = ((Matrix2DFloat) a[1]).getStorage();
                    for (int i = 0; i < rows; i++) {
                        for (int j = 0; j < cols; j++) {
                            y.set(i * cols + j, x.get(i * cols + j) * 2 + j);
                        }
                    }
                },
                new int[] {1},
                0));

        s.add(new SuiteCase(
                "matrix3D",
                (Task2<Matrix3DInt, Matrix3DInt>) CompatKernels::matrix3D,
                () -> new Object[] {
                    new Matrix3DInt(rows, cols, depth, KernelSuite.ints(rows * cols * depth, 67, 1000)),
                    new Matrix3DInt(rows, cols, depth)
                },
                null,
                a -> {
                    IntArray c = ((Matrix3DInt) a[0]).getStorage();
                    IntArray d = ((Matrix3DInt) a[1]).getStorage();
                    for (int i = 0; i < rows; i++) {
                        for (int j = 0; j < cols; j++) {
                            for (int k = 0; k < depth; k++) {
                                int at = (i * cols + j) * depth + k;
                                d.set(at, c.get(at) - i * k);
                            }
                        }
                    }
                },
                new int[] {1},
                0));

        s.add(new SuiteCase(
                "float4Values",
                (Task3<Matrix2DFloat4, Matrix2DFloat4, FloatArray>) CompatKernels::float4Values,
                () -> new Object[] {
                    new Matrix2DFloat4(rows, cols, KernelSuite.floats(rows * cols * 4, 68, -1, 1)),
                    new Matrix2DFloat4(rows, cols),
                    new FloatArray(rows * cols)
                },
                null,
                a -> {
                    FloatArray x = ((Matrix2DFloat4) a[0]).getStorage();
                    FloatArray y = ((Matrix2DFloat4) a[1]).getStorage();
                    FloatArray dots = (FloatArray) a[2];
                    for (int e = 0; e < rows * cols; e++) {
                        float[] add = {1f, 2f, 3f, e % cols};
                        float dot = 0;
                        for (int l = 0; l < 4; l++) {
                            float v = x.get(e * 4 + l);
                            float out = v * 2f + add[l];
                            y.set(e * 4 + l, out);
                            dot += v * out;
                        }
                        dots.set(e, dot + y.get(e * 4 + 3));
                    }
                },
                new int[] {1, 2},
                1e-5));

        s.add(new SuiteCase(
                "atomicCounters",
                (Task4<IntArray, IntArray, AtomicInteger, AtomicInteger>) CompatKernels::atomicCounters,
                () -> new Object[] {
                    KernelSuite.ints(n, 69, 100), new IntArray(n), new AtomicInteger(-7), new AtomicInteger(0)
                },
                null,
                a -> {
                    int sum = -7;
                    for (int i = 0; i < n; i++) {
                        sum += ((IntArray) a[0]).get(i);
                        ((IntArray) a[1]).set(i, 1);
                    }
                    ((AtomicInteger) a[2]).set(sum);
                    ((AtomicInteger) a[3]).set(n);
                },
                new int[] {1, 2, 3},
                0));

        s.add(new SuiteCase(
                "returnInParallel",
                (Task2<FloatArray, FloatArray>) CompatKernels::returnInParallel,
                () -> new Object[] {lastAbove(KernelSuite.floats(n, 70, -1, 1)), new FloatArray(n)},
                null,
                a -> {
                    for (int i = 0; i < n; i++) {
                        float v = ((FloatArray) a[0]).get(i);
                        ((FloatArray) a[1]).set(i, v > 1.5f ? 0 : v * 2);
                    }
                },
                new int[] {1},
                0));

        s.add(new SuiteCase(
                "breakInParallel",
                (Task2<FloatArray, FloatArray>) CompatKernels::breakInParallel,
                () -> new Object[] {lastAbove(KernelSuite.floats(n, 71, 0, 1)), new FloatArray(n)},
                null,
                a -> {
                    for (int i = 0; i < n; i++) {
                        ((FloatArray) a[1]).set(i, ((FloatArray) a[0]).get(i) > 1.5f ? -1 : 12);
                    }
                },
                new int[] {1},
                0));

        s.add(new SuiteCase(
                "returnInParallelStrided",
                (Task2<FloatArray, FloatArray>) CompatKernels::returnInParallel,
                () -> new Object[] {lastAbove(KernelSuite.floats(n, 70, -1, 1)), new FloatArray(n)},
                KernelSuite.grid1(64, 32),
                a -> {
                    for (int i = 0; i < n; i++) {
                        float v = ((FloatArray) a[0]).get(i);
                        ((FloatArray) a[1]).set(i, v > 1.5f ? 0 : v * 2);
                    }
                },
                new int[] {1},
                0));

        s.add(new SuiteCase(
                "breakInParallelStrided",
                (Task2<FloatArray, FloatArray>) CompatKernels::breakInParallel,
                () -> new Object[] {lastAbove(KernelSuite.floats(n, 71, 0, 1)), new FloatArray(n)},
                KernelSuite.grid1(64, 32),
                a -> {
                    for (int i = 0; i < n; i++) {
                        ((FloatArray) a[1]).set(i, ((FloatArray) a[0]).get(i) > 1.5f ? -1 : 12);
                    }
                },
                new int[] {1},
                0));

        s.add(new SuiteCase(
                "contextAtomicsInLoop",
                (Task3<io.squall.api.KernelContext, IntArray, IntArray>) CompatKernels::contextAtomicsInLoop,
                () -> new Object[] {new io.squall.api.KernelContext(), KernelSuite.ints(n, 72, 1000), new IntArray(16)},
                null,
                a -> {
                    for (int i = 0; i < n; i++) {
                        IntArray h = (IntArray) a[2];
                        int bin = ((IntArray) a[1]).get(i) & 15;
                        h.set(bin, h.get(bin) + 1);
                    }
                },
                new int[] {2},
                0));

        final int k = 700;
        s.add(new SuiteCase(
                "products",
                (Task4<FloatArray, IntArray, FloatArray, IntArray>) CompatKernels::products,
                () -> {
                    IntArray ints = KernelSuite.ints(k, 73, 5);
                    for (int i = 0; i < k; i++) {
                        ints.set(i, ints.get(i) * 2 + 1); // odd: the wrapped product never becomes 0
                    }
                    return new Object[] {
                        KernelSuite.floats(k, 74, 0.95f, 1.05f), ints, new FloatArray(1), new IntArray(1)
                    };
                },
                null,
                a -> {
                    double p = 1;
                    int q = 1;
                    for (int i = 0; i < k; i++) {
                        p *= ((FloatArray) a[0]).get(i);
                        q *= ((IntArray) a[1]).get(i);
                    }
                    ((FloatArray) a[2]).set(0, (float) p);
                    ((IntArray) a[3]).set(0, q);
                },
                new int[] {2, 3},
                1e-4));

        s.add(new SuiteCase(
                "longProduct",
                (Task2<LongArray, LongArray>) CompatKernels::longProduct,
                () -> {
                    LongArray in = new LongArray(k);
                    IntArray r = KernelSuite.ints(k, 75, 1000);
                    for (int i = 0; i < k; i++) {
                        in.set(i, r.get(i) * 2L + 1);
                    }
                    LongArray product = new LongArray(1);
                    product.set(0, 3);
                    return new Object[] {in, product};
                },
                null,
                a -> {
                    long p = 3;
                    for (int i = 0; i < k; i++) {
                        p *= ((LongArray) a[0]).get(i);
                    }
                    ((LongArray) a[1]).set(0, p);
                },
                new int[] {1},
                0));

        s.add(new SuiteCase(
                "readOnlyReduce",
                (Task2<DoubleArray, DoubleArray>) CompatKernels::readOnlyReduce,
                () -> {
                    DoubleArray result = new DoubleArray(1);
                    result.set(0, 3.25);
                    return new Object[] {new DoubleArray(n), result};
                },
                null,
                a -> {
                    for (int i = 0; i < n; i++) {
                        ((DoubleArray) a[0]).set(i, 3.25 + i);
                    }
                },
                new int[] {0, 1},
                0));

        s.add(new SuiteCase(
                "arraysChosenByPath",
                (Task4<IntArray, FloatArray, FloatArray, FloatArray>) CompatKernels::arraysChosenByPath,
                () -> new Object[] {
                    KernelSuite.ints(m, 76, 1000),
                    KernelSuite.floats(m, 77, 0, 1),
                    KernelSuite.floats(m, 78, 5, 6),
                    new FloatArray(m)
                },
                null,
                a -> {
                    for (int i = 0; i < m; i++) {
                        int v = ((IntArray) a[0]).get(i);
                        int chosen = v % 3 == 0 ? (i & 7) * (i & 7) : 2;
                        float source = ((FloatArray) a[v % 2 == 0 ? 1 : 2]).get(i);
                        ((FloatArray) a[3]).set(i, chosen + source);
                    }
                },
                new int[] {3},
                0));

        final int periods = 7;
        s.add(new SuiteCase(
                "instanceMethod",
                (Task3<CompatKernels.Weighting, FloatArray, FloatArray>) CompatKernels.Weighting::apply,
                () -> new Object[] {
                    new CompatKernels.Weighting(KernelSuite.floats(periods, 79, -1, 1), (short) 3, periods, 0.5f),
                    KernelSuite.floats(m, 80, -1, 1),
                    new FloatArray(m)
                },
                null,
                a -> {
                    FloatArray weights = KernelSuite.floats(periods, 79, -1, 1);
                    for (int i = 0; i < m; i++) {
                        ((FloatArray) a[2]).set(i, ((FloatArray) a[1]).get(i) * (weights.get(i % periods) * 3) + 0.5f);
                    }
                },
                new int[] {2},
                0));

        s.add(new SuiteCase(
                "instanceReduction",
                (Task3<CompatKernels.Weighting, FloatArray, FloatArray>) CompatKernels.Weighting::weightedSum,
                () -> new Object[] {
                    new CompatKernels.Weighting(KernelSuite.floats(periods, 81, 0, 1), (short) 1, periods, 0f),
                    KernelSuite.floats(n, 82, 0, 1),
                    new FloatArray(1)
                },
                null,
                a -> {
                    FloatArray weights = KernelSuite.floats(periods, 81, 0, 1);
                    double sum = 0;
                    for (int i = 0; i < n; i++) {
                        sum += ((FloatArray) a[1]).get(i) * weights.get(i % periods);
                    }
                    ((FloatArray) a[2]).set(0, (float) sum);
                },
                new int[] {2},
                1e-4));

        s.add(new SuiteCase(
                "countersInKernel",
                (Task3<IntArray, IntArray, IntArray>) CompatKernels::countersInKernel,
                () -> new Object[] {new IntArray(n), new IntArray(n), new IntArray(1)},
                null,
                a -> {
                    ((IntArray) a[1]).init(1);
                    ((IntArray) a[2]).set(0, 1);
                },
                new int[] {1, 2},
                0));

        s.add(new SuiteCase(
                "counterSum",
                (Task3<IntArray, Integer, IntArray>) CompatKernels::counterSum,
                () -> new Object[] {KernelSuite.ints(m, 83, 1000), -7, new IntArray(1)},
                null,
                a -> {
                    int sum = -14;
                    for (int i = 0; i < m; i++) {
                        sum += ((IntArray) a[0]).get(i);
                    }
                    ((IntArray) a[2]).set(0, sum);
                },
                new int[] {2},
                0));

        s.add(new SuiteCase(
                "indexAfterLoop",
                (Task2<IntArray, IntArray>) CompatKernels::indexAfterLoop,
                () -> {
                    IntArray in = KernelSuite.ints(1024, 84, 1000);
                    in.set(0, 1024 / 4 - 1);
                    return new Object[] {in, new IntArray(1024)};
                },
                null,
                a -> {
                    IntArray in = (IntArray) a[0], out = (IntArray) a[1];
                    int bound = 1024 / 4 - 1;
                    for (int i = 0; i < bound; i++) {
                        out.set(i, in.get(4 * i + 1) * 2);
                    }
                    out.set(bound, in.get(bound) + 1000);
                },
                new int[] {1},
                0));

        return s;
    }

    /** Values below 1.5 but the last, 2: what makes returnInParallel/breakInParallel leave their last iteration. */
    private static FloatArray lastAbove(FloatArray values) {
        values.set(values.getSize() - 1, 2f);
        return values;
    }
}
