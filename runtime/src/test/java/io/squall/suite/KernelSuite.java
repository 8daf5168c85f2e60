package io.squall.suite;

import io.squall.api.KernelContext;
import io.squall.api.WorkerGrid;
import io.squall.api.WorkerGrid1D;
import io.squall.api.WorkerGrid2D;
import io.squall.api.types.HalfFloat;
import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.DoubleArray;
import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.arrays.HalfFloatArray;
import io.squall.api.types.arrays.Int8Array;
import io.squall.api.types.arrays.IntArray;
import io.squall.api.types.arrays.LongArray;
import io.squall.api.types.arrays.ShortArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** The shared kernel suite: each case with deterministic inputs and an independent plain-Java reference. */
public final class KernelSuite {
    private KernelSuite() {}

    static FloatArray floats(int n, long seed, float lo, float hi) {
        Random r = new Random(seed);
        FloatArray a = new FloatArray(n);
        for (int i = 0; i < n; i++) {
            a.set(i, lo + (hi - lo) * r.nextFloat());
        }
        return a;
    }

    static IntArray ints(int n, long seed, int bound) {
        Random r = new Random(seed);
        IntArray a = new IntArray(n);
        for (int i = 0; i < n; i++) {
            a.set(i, r.nextInt(bound));
        }
        return a;
    }

    static WorkerGrid grid1(long global, long local) {
        WorkerGrid g = new WorkerGrid1D(global);
        g.setLocalWork(local);
        return g;
    }

    static WorkerGrid grid2(long gx, long gy, long lx, long ly) {
        WorkerGrid g = new WorkerGrid2D(gx, gy);
        g.setLocalWork(lx, ly);
        return g;
    }

    public static List<SuiteCase> all() {
        List<SuiteCase> s = new ArrayList<>();
        final int n = 1000;

        s.add(new SuiteCase(
                "vectorAdd",
                (io.squall.api.common.TornadoFunctions.Task3<FloatArray, FloatArray, FloatArray>) Kernels::vectorAdd,
                () -> new Object[] {floats(n, 1, -1, 1), floats(n, 2, -1, 1), new FloatArray(n)},
                null,
                a -> {
                    FloatArray x = (FloatArray) a[0], y = (FloatArray) a[1], c = (FloatArray) a[2];
                    for (int i = 0; i < n; i++) {
                        c.set(i, x.get(i) + y.get(i));
                    }
                },
                new int[] {2},
                1e-6));

        s.add(new SuiteCase(
                "saxpy",
                (io.squall.api.common.TornadoFunctions.Task3<Float, FloatArray, FloatArray>) Kernels::saxpy,
                () -> new Object[] {2.5f, floats(n, 3, -1, 1), floats(n, 4, -1, 1)},
                null,
                a -> {
                    float alpha = (Float) a[0];
                    FloatArray x = (FloatArray) a[1], y = (FloatArray) a[2];
                    for (int i = 0; i < n; i++) {
                        y.set(i, alpha * x.get(i) + y.get(i));
                    }
                },
                new int[] {2},
                1e-6));

        s.add(new SuiteCase(
                "matrixAdd",
                (io.squall.api.common.TornadoFunctions.Task5<FloatArray, FloatArray, FloatArray, Integer, Integer>)
                        Kernels::matrixAdd,
                () -> new Object[] {
                    floats(37 * 29, 5, -1, 1), floats(37 * 29, 6, -1, 1), new FloatArray(37 * 29), 37, 29
                },
                null,
                a -> {
                    FloatArray x = (FloatArray) a[0], y = (FloatArray) a[1], c = (FloatArray) a[2];
                    for (int i = 0; i < 37 * 29; i++) {
                        c.set(i, x.get(i) + y.get(i));
                    }
                },
                new int[] {2},
                1e-6));

        s.add(new SuiteCase(
                "grid3d",
                (io.squall.api.common.TornadoFunctions.Task4<IntArray, Integer, Integer, Integer>) Kernels::grid3d,
                () -> new Object[] {new IntArray(5 * 6 * 7), 5, 6, 7},
                null,
                a -> {
                    IntArray out = (IntArray) a[0];
                    for (int i = 0; i < 5; i++) {
                        for (int j = 0; j < 6; j++) {
                            for (int k = 0; k < 7; k++) {
                                out.set((i * 6 + j) * 7 + k, i * 10000 + j * 100 + k);
                            }
                        }
                    }
                },
                new int[] {0},
                0));

        s.add(new SuiteCase(
                "rowSums",
                (io.squall.api.common.TornadoFunctions.Task4<FloatArray, FloatArray, Integer, Integer>)
                        Kernels::rowSums,
                () -> new Object[] {floats(50 * 40, 7, 0, 1), new FloatArray(50), 50, 40},
                null,
                a -> {
                    FloatArray m = (FloatArray) a[0], out = (FloatArray) a[1];
                    for (int i = 0; i < 50; i++) {
                        double sum = 0;
                        for (int j = 0; j < 40; j++) {
                            sum += m.get(i * 40 + j);
                        }
                        out.set(i, (float) sum);
                    }
                },
                new int[] {1},
                1e-5));

        s.add(new SuiteCase(
                "classify",
                (io.squall.api.common.TornadoFunctions.Task2<FloatArray, IntArray>) Kernels::classify,
                () -> {
                    FloatArray in = floats(n, 8, -3, 3);
                    in.set(0, 0f);
                    in.set(1, Float.NaN);
                    in.set(2, -1f);
                    in.set(3, 1f);
                    return new Object[] {in, new IntArray(n)};
                },
                null,
                a -> {
                    FloatArray in = (FloatArray) a[0];
                    IntArray out = (IntArray) a[1];
                    for (int i = 0; i < n; i++) {
                        float x = in.get(i);
                        int c = Float.isNaN(x) ? 99 : x < -1 ? -2 : x < 0 ? -1 : x == 0 ? 0 : x <= 1 ? 1 : 2;
                        out.set(i, c);
                    }
                },
                new int[] {1},
                0));

        s.add(new SuiteCase(
                "firstAbove",
                (io.squall.api.common.TornadoFunctions.Task5<FloatArray, IntArray, Integer, Integer, Float>)
                        Kernels::firstAbove,
                () -> new Object[] {floats(64 * 30, 9, -1, 1), new IntArray(64), 64, 30, 0.9f},
                null,
                a -> {
                    FloatArray d = (FloatArray) a[0];
                    IntArray out = (IntArray) a[1];
                    for (int r = 0; r < 64; r++) {
                        int found = -1;
                        for (int c = 0; c < 30 && found < 0; c++) {
                            float v = d.get(r * 30 + c);
                            if (v >= 0 && v > 0.9f) {
                                found = c;
                            }
                        }
                        out.set(r, found);
                    }
                },
                new int[] {1},
                0));

        final int mn = 32;
        s.add(new SuiteCase(
                "matmulNaive",
                (io.squall.api.common.TornadoFunctions.Task4<FloatArray, FloatArray, FloatArray, Integer>)
                        Kernels::matmulNaive,
                () -> new Object[] {floats(mn * mn, 10, -1, 1), floats(mn * mn, 11, -1, 1), new FloatArray(mn * mn), mn
                },
                null,
                a -> matmulReference((FloatArray) a[0], (FloatArray) a[1], (FloatArray) a[2], mn),
                new int[] {2},
                1e-4));

        s.add(new SuiteCase(
                "matmulTiled",
                (io.squall.api.common.TornadoFunctions.Task5<
                                KernelContext, FloatArray, FloatArray, FloatArray, Integer>)
                        Kernels::matmulTiled,
                () -> new Object[] {
                    new KernelContext(),
                    floats(mn * mn, 12, -1, 1),
                    floats(mn * mn, 13, -1, 1),
                    new FloatArray(mn * mn),
                    mn
                },
                grid2(mn, mn, Kernels.TILE, Kernels.TILE),
                a -> matmulReference((FloatArray) a[1], (FloatArray) a[2], (FloatArray) a[3], mn),
                new int[] {3},
                1e-4));

        final int rn = 5000;
        s.add(new SuiteCase(
                "reduceSumFloat",
                (io.squall.api.common.TornadoFunctions.Task2<FloatArray, FloatArray>) Kernels::reduceSumFloat,
                () -> new Object[] {floats(rn, 14, 0, 1), new FloatArray(1)},
                null,
                a -> {
                    FloatArray in = (FloatArray) a[0];
                    double sum = 0;
                    for (int i = 0; i < rn; i++) {
                        sum += in.get(i);
                    }
                    ((FloatArray) a[1]).set(0, (float) sum);
                },
                new int[] {1},
                1e-4));

        s.add(new SuiteCase(
                "reduceMaxFloat",
                (io.squall.api.common.TornadoFunctions.Task2<FloatArray, FloatArray>) Kernels::reduceMaxFloat,
                () -> {
                    FloatArray r = new FloatArray(1);
                    r.set(0, Float.NEGATIVE_INFINITY);
                    return new Object[] {floats(rn, 15, -100, 100), r};
                },
                null,
                a -> {
                    FloatArray in = (FloatArray) a[0];
                    float m = Float.NEGATIVE_INFINITY;
                    for (int i = 0; i < rn; i++) {
                        m = in.get(i) > m ? in.get(i) : m;
                    }
                    ((FloatArray) a[1]).set(0, m);
                },
                new int[] {1},
                0));

        s.add(new SuiteCase(
                "reduceMinFloat",
                (io.squall.api.common.TornadoFunctions.Task2<FloatArray, FloatArray>) Kernels::reduceMinFloat,
                () -> {
                    FloatArray r = new FloatArray(1);
                    r.set(0, Float.POSITIVE_INFINITY);
                    return new Object[] {floats(rn, 16, -100, 100), r};
                },
                null,
                a -> {
                    FloatArray in = (FloatArray) a[0];
                    float m = Float.POSITIVE_INFINITY;
                    for (int i = 0; i < rn; i++) {
                        m = in.get(i) < m ? in.get(i) : m;
                    }
                    ((FloatArray) a[1]).set(0, m);
                },
                new int[] {1},
                0));

        s.add(new SuiteCase(
                "reduceSumInt",
                (io.squall.api.common.TornadoFunctions.Task2<IntArray, IntArray>) Kernels::reduceSumInt,
                () -> {
                    IntArray r = new IntArray(1);
                    r.set(0, 7);
                    return new Object[] {ints(rn, 17, 1000), r};
                },
                null,
                a -> {
                    IntArray in = (IntArray) a[0];
                    int sum = 7;
                    for (int i = 0; i < rn; i++) {
                        sum += in.get(i);
                    }
                    ((IntArray) a[1]).set(0, sum);
                },
                new int[] {1},
                0));

        s.add(new SuiteCase(
                "reduceMaxInt",
                (io.squall.api.common.TornadoFunctions.Task2<int[], int[]>) Kernels::reduceMaxInt,
                () -> {
                    int[] in = new int[rn];
                    Random r = new Random(18);
                    for (int i = 0; i < rn; i++) {
                        in[i] = r.nextInt() >> 4;
                    }
                    return new Object[] {in, new int[] {Integer.MIN_VALUE}};
                },
                null,
                a -> {
                    int[] in = (int[]) a[0];
                    int m = Integer.MIN_VALUE;
                    for (int v : in) {
                        m = v > m ? v : m;
                    }
                    ((int[]) a[1])[0] = m;
                },
                new int[] {1},
                0));

        final int gn = 1024;
        s.add(new SuiteCase(
                "groupSums",
                (io.squall.api.common.TornadoFunctions.Task3<KernelContext, FloatArray, FloatArray>) Kernels::groupSums,
                () -> new Object[] {new KernelContext(), floats(1000, 19, 0, 1), new FloatArray(gn / Kernels.GROUP)},
                grid1(gn, Kernels.GROUP),
                a -> {
                    FloatArray in = (FloatArray) a[1], out = (FloatArray) a[2];
                    for (int g = 0; g < gn / Kernels.GROUP; g++) {
                        double sum = 0;
                        for (int i = g * Kernels.GROUP; i < (g + 1) * Kernels.GROUP && i < 1000; i++) {
                            sum += in.get(i);
                        }
                        out.set(g, (float) sum);
                    }
                },
                new int[] {2},
                1e-5));

        s.add(new SuiteCase(
                "halfScale",
                (io.squall.api.common.TornadoFunctions.Task3<HalfFloatArray, HalfFloatArray, Float>) Kernels::halfScale,
                () -> new Object[] {halves(n, 20), new HalfFloatArray(n), 1.75f},
                null,
                a -> {
                    HalfFloatArray in = (HalfFloatArray) a[0], out = (HalfFloatArray) a[1];
                    float scale = (Float) a[2];
                    for (int i = 0; i < n; i++) {
                        short scaled = Float.floatToFloat16(
                                Float.float16ToFloat(in.get(i).getHalfFloatValue()) * scale);
                        out.set(i, HalfFloat.fromBits(Float.floatToFloat16(Float.float16ToFloat(scaled) + 0.5f)));
                    }
                },
                new int[] {1},
                0));

        s.add(new SuiteCase(
                "halfToFloat",
                (io.squall.api.common.TornadoFunctions.Task2<HalfFloatArray, FloatArray>) Kernels::halfToFloat,
                () -> new Object[] {halves(n, 21), new FloatArray(n)},
                null,
                a -> {
                    HalfFloatArray in = (HalfFloatArray) a[0];
                    FloatArray out = (FloatArray) a[1];
                    for (int i = 0; i < n; i++) {
                        out.set(i, Float.float16ToFloat(in.get(i).getHalfFloatValue()) * 2f);
                    }
                },
                new int[] {1},
                0));

        final int qr = 16, qc = 128;
        s.add(new SuiteCase(
                "q8Dot",
                (io.squall.api.common.TornadoFunctions.Task6<
                                Int8Array, HalfFloatArray, FloatArray, FloatArray, Integer, Integer>)
                        Kernels::q8Dot,
                () -> {
                    Random r = new Random(22);
                    Int8Array q = new Int8Array(qr * qc);
                    for (int i = 0; i < qr * qc; i++) {
                        q.set(i, (byte) (r.nextInt(256) - 128));
                    }
                    return new Object[] {q, halves(qr * qc / 32, 23), floats(qc, 24, -1, 1), new FloatArray(qr), qr, qc
                    };
                },
                null,
                a -> {
                    Int8Array q = (Int8Array) a[0];
                    HalfFloatArray sc = (HalfFloatArray) a[1];
                    FloatArray x = (FloatArray) a[2], out = (FloatArray) a[3];
                    for (int r = 0; r < qr; r++) {
                        double sum = 0;
                        for (int k = 0; k < qc; k++) {
                            sum += (double) Float.float16ToFloat(
                                            sc.get(r * (qc / 32) + k / 32).getHalfFloatValue())
                                    * q.get(r * qc + k)
                                    * x.get(k);
                        }
                        out.set(r, (float) sum);
                    }
                },
                new int[] {3},
                1e-4));

        final int hn = 3000;
        s.add(new SuiteCase(
                "histogram",
                (io.squall.api.common.TornadoFunctions.Task3<KernelContext, IntArray, IntArray>) Kernels::histogram,
                () -> new Object[] {new KernelContext(), ints(hn, 25, 1 << 20), new IntArray(Kernels.BINS)},
                grid1(3072, 64),
                a -> histogramReference((IntArray) a[1], (IntArray) a[2]),
                new int[] {2},
                0));

        s.add(new SuiteCase(
                "atomicFloatSum",
                (io.squall.api.common.TornadoFunctions.Task3<KernelContext, FloatArray, FloatArray>)
                        Kernels::atomicFloatSum,
                () -> new Object[] {new KernelContext(), floats(hn, 26, 0, 1), new FloatArray(1)},
                grid1(3072, 64),
                a -> {
                    FloatArray in = (FloatArray) a[1];
                    double sum = 0;
                    for (int i = 0; i < hn; i++) {
                        sum += in.get(i);
                    }
                    ((FloatArray) a[2]).set(0, (float) sum);
                },
                new int[] {2},
                1e-4));

        s.add(new SuiteCase(
                "localHistogram",
                (io.squall.api.common.TornadoFunctions.Task3<KernelContext, IntArray, IntArray>)
                        Kernels::localHistogram,
                () -> new Object[] {new KernelContext(), ints(hn, 27, 1 << 20), new IntArray(Kernels.BINS)},
                grid1(3072, 64),
                a -> histogramReference((IntArray) a[1], (IntArray) a[2]),
                new int[] {2},
                0));

        s.add(new SuiteCase(
                "mathFunctions",
                (io.squall.api.common.TornadoFunctions.Task2<FloatArray, FloatArray>) Kernels::mathFunctions,
                () -> new Object[] {floats(n, 28, -1, 1), new FloatArray(n)},
                null,
                a -> {
                    FloatArray in = (FloatArray) a[0], out = (FloatArray) a[1];
                    for (int i = 0; i < n; i++) {
                        double x = in.get(i);
                        double r = Math.exp(x * 0.1)
                                + Math.log(x + 2)
                                + Math.sqrt(x + 1.5)
                                + Math.pow(x + 1.5, 1.5)
                                + Math.sin(x)
                                + Math.cos(x)
                                + Math.tanh(x)
                                + 1 / Math.sqrt(x + 2)
                                + (x * 0.5 + 1)
                                + Math.abs(x)
                                + Math.floor(x)
                                + Math.ceil(x)
                                + Math.atan2(x, 2)
                                + Math.min(Math.max(x, -0.5), 0.5)
                                + Math.tan(x * 0.5)
                                + Math.atan(x)
                                + Math.log(x + 3) / Math.log(2)
                                + Math.signum(x)
                                + Math.max(x, 0.25);
                        out.set(i, (float) r);
                    }
                },
                new int[] {1},
                1e-5));

        s.add(new SuiteCase(
                "javaMathDouble",
                (io.squall.api.common.TornadoFunctions.Task2<DoubleArray, DoubleArray>) Kernels::javaMathDouble,
                () -> {
                    DoubleArray d = new DoubleArray(n);
                    Random r = new Random(29);
                    for (int i = 0; i < n; i++) {
                        d.set(i, r.nextDouble() * 4 - 2);
                    }
                    d.set(0, 0.0);
                    return new Object[] {d, new DoubleArray(n)};
                },
                null,
                a -> {
                    DoubleArray in = (DoubleArray) a[0], out = (DoubleArray) a[1];
                    for (int i = 0; i < n; i++) {
                        double x = in.get(i);
                        out.set(
                                i,
                                StrictMath.exp(x * 0.25)
                                        + StrictMath.sqrt(x < 0 ? -x : x)
                                        + (x > 0.5 ? x : 0.5)
                                        + (x > 0 ? 1 : x < 0 ? -1 : 0)
                                        + 3.141592653589793);
                    }
                },
                new int[] {1},
                1e-12));

        s.add(new SuiteCase(
                "geluInlined",
                (io.squall.api.common.TornadoFunctions.Task2<FloatArray, FloatArray>) Kernels::geluKernel,
                () -> new Object[] {floats(n, 30, -3, 3), new FloatArray(n)},
                null,
                a -> {
                    FloatArray in = (FloatArray) a[0], out = (FloatArray) a[1];
                    for (int i = 0; i < n; i++) {
                        double x = in.get(i);
                        out.set(i, (float) (0.5 * x * (1 + Math.tanh(0.7978846 * (x + 0.044715 * x * x * x)))));
                    }
                },
                new int[] {1},
                1e-5));

        s.add(new SuiteCase(
                "longDouble",
                (io.squall.api.common.TornadoFunctions.Task4<LongArray, DoubleArray, LongArray, DoubleArray>)
                        Kernels::longDouble,
                () -> {
                    Random r = new Random(31);
                    LongArray l = new LongArray(n);
                    DoubleArray d = new DoubleArray(n);
                    for (int i = 0; i < n; i++) {
                        l.set(i, r.nextLong());
                        d.set(i, r.nextDouble() * 100 - 50);
                    }
                    return new Object[] {l, d, new LongArray(n), new DoubleArray(n)};
                },
                null,
                a -> {
                    LongArray l = (LongArray) a[0], outL = (LongArray) a[2];
                    DoubleArray d = (DoubleArray) a[1], outD = (DoubleArray) a[3];
                    for (int i = 0; i < n; i++) {
                        long v = l.get(i);
                        long h = v * -7046029254386353131L;
                        h = h ^ (h >>> 29);
                        h = h + ((v << 7) - (v >> 3));
                        outL.set(i, h / 3 + h % 7);
                        double x = d.get(i);
                        outD.set(i, x * x / 3.0 - (double) v + x % 1.5);
                    }
                },
                new int[] {2, 3},
                0));

        s.add(new SuiteCase(
                "conversions",
                (io.squall.api.common.TornadoFunctions.Task3<FloatArray, IntArray, LongArray>) Kernels::conversions,
                () -> {
                    FloatArray f = floats(64, 32, -70000, 70000);
                    f.set(0, Float.NaN);
                    f.set(1, 3e9f);
                    f.set(2, -3e9f);
                    f.set(3, Float.POSITIVE_INFINITY);
                    f.set(4, -0.75f);
                    f.set(5, 2.9f);
                    return new Object[] {f, new IntArray(64 * 4), new LongArray(64)};
                },
                null,
                a -> {
                    FloatArray f = (FloatArray) a[0];
                    IntArray out = (IntArray) a[1];
                    LongArray outL = (LongArray) a[2];
                    for (int i = 0; i < 64; i++) {
                        float x = f.get(i);
                        int asInt = Float.isNaN(x)
                                ? 0
                                : x >= 2147483647f
                                        ? Integer.MAX_VALUE
                                        : x <= -2147483648f ? Integer.MIN_VALUE : (int) x;
                        out.set(i * 4, asInt);
                        out.set(i * 4 + 1, (byte) asInt + (asInt & 0xFFFF));
                        out.set(i * 4 + 2, (short) (asInt * 1000));
                        out.set(i * 4 + 3, Float.floatToRawIntBits(x) ^ (int) x);
                        outL.set(i, (long) (x * 1e10f) + asInt);
                    }
                },
                new int[] {1, 2},
                0));

        s.add(new SuiteCase(
                "primitiveArrays",
                (io.squall.api.common.TornadoFunctions.Task3<float[], int[], float[]>) Kernels::primitiveArrays,
                () -> {
                    Random r = new Random(33);
                    float[] x = new float[100];
                    int[] idx = new int[300];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = r.nextFloat();
                    }
                    for (int i = 0; i < idx.length; i++) {
                        idx[i] = r.nextInt(100);
                    }
                    return new Object[] {x, idx, new float[300]};
                },
                null,
                a -> {
                    float[] x = (float[]) a[0], out = (float[]) a[2];
                    int[] idx = (int[]) a[1];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = x[idx[i]] * 2f + idx.length;
                    }
                },
                new int[] {2},
                0));

        final int blocks = 20;
        s.add(new SuiteCase(
                "q4Unpack",
                (io.squall.api.common.TornadoFunctions.Task3<ByteArray, FloatArray, FloatArray>) Kernels::q4Unpack,
                () -> {
                    Random r = new Random(34);
                    ByteArray p = new ByteArray(blocks * 16);
                    for (int i = 0; i < blocks * 16; i++) {
                        p.set(i, (byte) r.nextInt(256));
                    }
                    return new Object[] {p, floats(blocks, 35, 0.01f, 0.1f), new FloatArray(blocks * 32)};
                },
                null,
                a -> {
                    ByteArray p = (ByteArray) a[0];
                    FloatArray sc = (FloatArray) a[1], out = (FloatArray) a[2];
                    for (int b = 0; b < blocks; b++) {
                        for (int k = 0; k < 32; k++) {
                            int byteVal = Byte.toUnsignedInt(p.get(b * 16 + k % 16));
                            int nibble = k < 16 ? byteVal % 16 : byteVal / 16;
                            out.set(b * 32 + k, (nibble - 8) * sc.get(b));
                        }
                    }
                },
                new int[] {2},
                0));

        s.add(new SuiteCase(
                "softmax",
                (io.squall.api.common.TornadoFunctions.Task2<FloatArray, FloatArray>) Kernels::softmax,
                () -> new Object[] {floats(300, 36, -5, 5), new FloatArray(300)},
                null,
                a -> {
                    FloatArray x = (FloatArray) a[0], out = (FloatArray) a[1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int i = 0; i < 300; i++) {
                        max = Math.max(max, x.get(i));
                    }
                    double sum = 0;
                    for (int i = 0; i < 300; i++) {
                        sum += Math.exp(x.get(i) - max);
                    }
                    for (int i = 0; i < 300; i++) {
                        out.set(i, (float) (Math.exp(x.get(i) - max) / sum));
                    }
                },
                new int[] {1},
                1e-5));

        s.add(new SuiteCase(
                "polynomial",
                (io.squall.api.common.TornadoFunctions.Task4<FloatArray, FloatArray, Integer, Integer>)
                        Kernels::polynomial,
                () -> new Object[] {floats(600, 37, -1, 1), new FloatArray(200), 5, 3},
                null,
                a -> {
                    FloatArray in = (FloatArray) a[0], out = (FloatArray) a[1];
                    for (int i = 0; i < 200; i++) {
                        double x = in.get(i * 3);
                        double acc = 0;
                        for (int d = 5; d >= 0; d--) {
                            acc = acc * x + d + 1;
                        }
                        out.set(i, (float) acc);
                    }
                },
                new int[] {1},
                1e-5));

        s.add(new SuiteCase(
                "switch",
                (io.squall.api.common.TornadoFunctions.Task2<IntArray, IntArray>) Kernels::switchKernel,
                () -> new Object[] {ints(n, 38, 100000), new IntArray(n)},
                null,
                a -> {
                    IntArray in = (IntArray) a[0], out = (IntArray) a[1];
                    for (int i = 0; i < n; i++) {
                        int m = in.get(i) % 5;
                        out.set(i, m == 0 ? 10 : m == 1 ? 20 : m == 3 ? in.get(i) * 2 : -1);
                    }
                },
                new int[] {1},
                0));

        s.add(new SuiteCase(
                "shortBytes",
                (io.squall.api.common.TornadoFunctions.Task3<ShortArray, Int8Array, IntArray>) Kernels::shortBytes,
                () -> {
                    Random r = new Random(39);
                    ShortArray sh = new ShortArray(n);
                    Int8Array by = new Int8Array(n);
                    for (int i = 0; i < n; i++) {
                        sh.set(i, (short) r.nextInt());
                        by.set(i, (byte) r.nextInt());
                    }
                    return new Object[] {sh, by, new IntArray(n)};
                },
                null,
                a -> {
                    ShortArray sh = (ShortArray) a[0];
                    Int8Array by = (Int8Array) a[1];
                    IntArray out = (IntArray) a[2];
                    for (int i = 0; i < n; i++) {
                        int sv = sh.get(i);
                        int bv = by.get(i);
                        out.set(i, sv * 3 + bv - (sv >>> 4) + (Byte.toUnsignedInt((byte) bv) / 2));
                    }
                },
                new int[] {2},
                0));
        s.add(new SuiteCase(
                "halfAccumulate",
                (io.squall.api.common.TornadoFunctions.Task4<HalfFloatArray, HalfFloatArray, Integer, Integer>)
                        Kernels::halfAccumulate,
                () -> new Object[] {halves(20 * 50, 40), new HalfFloatArray(20), 20, 50},
                null,
                a -> {
                    HalfFloatArray in = (HalfFloatArray) a[0], out = (HalfFloatArray) a[1];
                    for (int r = 0; r < 20; r++) {
                        short acc = Float.floatToFloat16(0f);
                        for (int c = 0; c < 50; c++) {
                            acc = Float.floatToFloat16(Float.float16ToFloat(acc)
                                    + Float.float16ToFloat(in.get(r * 50 + c).getHalfFloatValue()));
                        }
                        out.set(r, HalfFloat.fromBits(acc));
                    }
                },
                new int[] {1},
                0));

        s.add(new SuiteCase(
                "reduceSumDouble",
                (io.squall.api.common.TornadoFunctions.Task2<DoubleArray, DoubleArray>) Kernels::reduceSumDouble,
                () -> {
                    DoubleArray d = new DoubleArray(rn);
                    Random r = new Random(41);
                    for (int i = 0; i < rn; i++) {
                        d.set(i, r.nextDouble());
                    }
                    return new Object[] {d, new DoubleArray(1)};
                },
                null,
                a -> {
                    DoubleArray in = (DoubleArray) a[0];
                    double sum = 0;
                    for (int i = 0; i < rn; i++) {
                        sum += in.get(i);
                    }
                    ((DoubleArray) a[1]).set(0, sum);
                },
                new int[] {1},
                1e-12));

        s.add(new SuiteCase(
                "reduceMaxLong",
                (io.squall.api.common.TornadoFunctions.Task2<LongArray, LongArray>) Kernels::reduceMaxLong,
                () -> {
                    LongArray l = new LongArray(rn);
                    Random r = new Random(42);
                    for (int i = 0; i < rn; i++) {
                        l.set(i, r.nextLong());
                    }
                    LongArray res = new LongArray(1);
                    res.set(0, Long.MIN_VALUE);
                    return new Object[] {l, res};
                },
                null,
                a -> {
                    LongArray in = (LongArray) a[0];
                    long m = Long.MIN_VALUE;
                    for (int i = 0; i < rn; i++) {
                        m = in.get(i) > m ? in.get(i) : m;
                    }
                    ((LongArray) a[1]).set(0, m);
                },
                new int[] {1},
                0));

        s.add(new SuiteCase(
                "nanCompare",
                (io.squall.api.common.TornadoFunctions.Task3<FloatArray, FloatArray, IntArray>) Kernels::nanCompare,
                () -> {
                    float[] special = {Float.NaN, 0f, -0f, 1f, -1f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
                    int m = special.length * special.length;
                    FloatArray x = new FloatArray(m), y = new FloatArray(m);
                    for (int i = 0; i < m; i++) {
                        x.set(i, special[i / special.length]);
                        y.set(i, special[i % special.length]);
                    }
                    return new Object[] {x, y, new IntArray(m)};
                },
                null,
                a -> {
                    FloatArray x = (FloatArray) a[0], y = (FloatArray) a[1];
                    IntArray out = (IntArray) a[2];
                    for (int i = 0; i < x.getSize(); i++) {
                        float p = x.get(i), q = y.get(i);
                        boolean unordered = Float.isNaN(p) || Float.isNaN(q);
                        int cmp = unordered ? 0 : Double.compare(p == 0 ? 0.0 : p, q == 0 ? 0.0 : q);
                        int bits = 0;
                        bits |= !unordered && cmp < 0 ? 1 : 0;
                        bits |= !unordered && cmp <= 0 ? 2 : 0;
                        bits |= !unordered && cmp > 0 ? 4 : 0;
                        bits |= !unordered && cmp >= 0 ? 8 : 0;
                        bits |= !unordered && cmp == 0 ? 16 : 0;
                        bits |= unordered || cmp != 0 ? 32 : 0;
                        bits |= unordered || cmp >= 0 ? 64 : 0;
                        bits |= !unordered && cmp > 0 ? 128 : 0;
                        bits |= !unordered && cmp < 0 ? 256 : 0;
                        out.set(i, bits);
                    }
                },
                new int[] {2},
                0));
        s.add(new SuiteCase(
                "reducePositive",
                (io.squall.api.common.TornadoFunctions.Task2<FloatArray, FloatArray>) Kernels::reducePositive,
                () -> new Object[] {floats(rn, 43, -1, 1), new FloatArray(1)},
                null,
                a -> {
                    FloatArray in = (FloatArray) a[0];
                    double sum = 0;
                    for (int i = 0; i < rn; i++) {
                        sum += Math.max(0, in.get(i));
                    }
                    ((FloatArray) a[1]).set(0, (float) sum);
                },
                new int[] {1},
                1e-4));

        s.add(new SuiteCase(
                "helperWithArrays",
                (io.squall.api.common.TornadoFunctions.Task5<KernelContext, IntArray, IntArray, Integer, Integer>)
                        Kernels::helperWithArrays,
                () -> new Object[] {new KernelContext(), ints(100 * 12, 44, 10), new IntArray(100), 12, 7},
                grid1(128, 32),
                a -> {
                    IntArray rows = (IntArray) a[1], out = (IntArray) a[2];
                    for (int r = 0; r < 100; r++) {
                        int found = -1;
                        for (int c = 11; c >= 0; c--) {
                            if (rows.get(r * 12 + c) == 7) {
                                found = c;
                            }
                        }
                        out.set(r, found);
                    }
                },
                new int[] {2},
                0));
        s.add(new SuiteCase(
                "skipOdd",
                (io.squall.api.common.TornadoFunctions.Task2<IntArray, IntArray>) Kernels::skipOdd,
                () -> new Object[] {ints(n, 45, 1000), new IntArray(n)},
                null,
                a -> {
                    IntArray in = (IntArray) a[0], out = (IntArray) a[1];
                    for (int i = 0; i < n; i++) {
                        out.set(i, in.get(i) % 2 == 0 ? in.get(i) * 3 : 0);
                    }
                },
                new int[] {1},
                0));
        s.add(new SuiteCase(
                "halfBits",
                (io.squall.api.common.TornadoFunctions.Task3<FloatArray, IntArray, FloatArray>) Kernels::halfBits,
                () -> {
                    FloatArray f = floats(200, 46, -70000, 70000);
                    float[] special = {
                        0f,
                        -0f,
                        1f,
                        65504f,
                        65520f,
                        70000f,
                        -1e9f,
                        6e-8f,
                        3e-8f,
                        1e-5f,
                        Float.POSITIVE_INFINITY,
                        1.0009765625f,
                        1.00048828125f,
                        1.00146484375f,
                        2049f,
                        2051f,
                        0.1f
                    };
                    for (int i = 0; i < special.length; i++) {
                        f.set(i, special[i]);
                    }
                    return new Object[] {f, new IntArray(200), new FloatArray(200)};
                },
                null,
                a -> {
                    FloatArray in = (FloatArray) a[0], back = (FloatArray) a[2];
                    IntArray bits = (IntArray) a[1];
                    for (int i = 0; i < 200; i++) {
                        short h = Float.floatToFloat16(in.get(i));
                        bits.set(i, Short.toUnsignedInt(h));
                        back.set(i, Float.float16ToFloat(h));
                    }
                },
                new int[] {1, 2},
                0));

        s.add(new SuiteCase(
                "localFloatAtomic",
                (io.squall.api.common.TornadoFunctions.Task3<KernelContext, FloatArray, FloatArray>)
                        Kernels::localFloatAtomic,
                () -> new Object[] {new KernelContext(), floats(1024, 47, 0, 1), new FloatArray(16)},
                grid1(1024, 64),
                a -> {
                    FloatArray in = (FloatArray) a[1], out = (FloatArray) a[2];
                    for (int g = 0; g < 16; g++) {
                        double sum = 0;
                        for (int i = g * 64; i < g * 64 + 64; i++) {
                            sum += in.get(i);
                        }
                        out.set(g, (float) sum);
                    }
                },
                new int[] {2},
                1e-5));
        s.addAll(CompatSuite.cases());
        s.addAll(VectorSuite.cases());
        s.add(new SuiteCase(
                "wideLoads",
                (io.squall.api.common.TornadoFunctions.Task4<ByteArray, IntArray, IntArray, LongArray>)
                        Kernels::wideLoads,
                () -> {
                    Random r = new Random(61);
                    ByteArray bytes = new ByteArray(8 * 100);
                    for (int i = 0; i < bytes.getSize(); i++) {
                        bytes.set(i, (byte) r.nextInt(256));
                    }
                    return new Object[] {bytes, new IntArray(100), new IntArray(100), new LongArray(100)};
                },
                null,
                a -> {
                    ByteArray bytes = (ByteArray) a[0];
                    IntArray shorts = (IntArray) a[1], ints = (IntArray) a[2];
                    LongArray longs = (LongArray) a[3];
                    for (int i = 0; i < 100; i++) {
                        long l = 0;
                        for (int k = 7; k >= 0; k--) { // little-endian, byte by byte
                            l = l << 8 | Byte.toUnsignedLong(bytes.get(8 * i + k));
                        }
                        longs.set(i, l);
                        ints.set(i, (int) (Byte.toUnsignedLong(bytes.get(4 * i))
                                | Byte.toUnsignedLong(bytes.get(4 * i + 1)) << 8
                                | Byte.toUnsignedLong(bytes.get(4 * i + 2)) << 16
                                | Byte.toUnsignedLong(bytes.get(4 * i + 3)) << 24));
                        shorts.set(i, (short)
                                (Byte.toUnsignedInt(bytes.get(2 * i)) | Byte.toUnsignedInt(bytes.get(2 * i + 1)) << 8));
                    }
                },
                new int[] {1, 2, 3},
                0));

        final int groups = 4;
        final int groupSize = 64;
        s.add(new SuiteCase(
                "subGroupSums",
                (io.squall.api.common.TornadoFunctions.Task4<KernelContext, IntArray, IntArray, IntArray>)
                        Kernels::subGroupSums,
                () -> new Object[] {
                    new KernelContext(), ints(groups * groupSize, 62, 1000), new IntArray(groups), new IntArray(groups)
                },
                grid1(groups * groupSize, groupSize),
                a -> {
                    IntArray in = (IntArray) a[1], reduced = (IntArray) a[2], butterfly = (IntArray) a[3];
                    for (int g = 0; g < groups; g++) {
                        int sum = 0;
                        for (int i = 0; i < groupSize; i++) {
                            sum += in.get(g * groupSize + i);
                        }
                        reduced.set(g, sum);
                        butterfly.set(g, sum);
                    }
                },
                new int[] {2, 3},
                0));

        // -Dsquall.suite.only=a,b runs just those cases (while working on them; the build runs all)
        String only = System.getProperty("squall.suite.only");
        if (only != null && !only.isBlank()) {
            List<String> names = List.of(only.split(","));
            s.removeIf(c -> !names.contains(c.name()));
        }
        return s;
    }

    static HalfFloatArray halves(int n, long seed) {
        Random r = new Random(seed);
        HalfFloatArray h = new HalfFloatArray(n);
        for (int i = 0; i < n; i++) {
            h.set(i, new HalfFloat(r.nextFloat() * 4 - 2));
        }
        return h;
    }

    static void matmulReference(FloatArray a, FloatArray b, FloatArray c, int n) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int k = 0; k < n; k++) {
                    sum += (double) a.get(i * n + k) * b.get(k * n + j);
                }
                c.set(i * n + j, (float) sum);
            }
        }
    }

    static void histogramReference(IntArray data, IntArray bins) {
        for (int i = 0; i < data.getSize(); i++) {
            int bin = data.get(i) % Kernels.BINS;
            bins.set(bin, bins.get(bin) + 1);
        }
    }
}
