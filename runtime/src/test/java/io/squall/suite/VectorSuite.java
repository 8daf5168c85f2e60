package io.squall.suite;

import io.squall.api.annotations.Parallel;
import io.squall.api.common.TornadoFunctions.Task2;
import io.squall.api.common.TornadoFunctions.Task3;
import io.squall.api.common.TornadoFunctions.Task6;
import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.vectors.Float16;
import io.squall.api.types.vectors.Float4;
import io.squall.api.types.vectors.Float8;

import java.util.List;
import java.util.Random;

/**
 * Float4/8/16 vector values in kernels (vector loads, lane-wise arithmetic, fma, sums, loop-carried accumulators,
 * merges): OpenCL C vector types on OpenCL, lanes on PTX and SPIR-V, the Java classes on the JVM; each case checked
 * against plain Java written without the vector classes.
 */
public final class VectorSuite {
    private VectorSuite() {}

    /** Lane-wise operations on two Float16 loads; four results per 16 elements. */
    public static void float16Ops(FloatArray x, FloatArray y, FloatArray out) {
        for (@Parallel int i = 0; i < out.getSize() / 4; i++) {
            Float16 a = Float16.loadFromArray(x, i * 16);
            Float16 b = Float16.loadFromArray(y, i * 16);
            Float16 c = Float16.fma(a, b, Float16.broadcast(0.5f));
            Float16 d = Float16.add(Float16.mult(a, 2f), Float16.sub(c, b));
            Float16 e = Float16.div(Float16.sub(d, 1f), Float16.add(Float16.broadcast(4f), Float16.mult(b, b)));
            out.set(i * 4, Float16.sum(d));
            out.set(i * 4 + 1, Float16.dot(a, b));
            out.set(i * 4 + 2, e.get(3) + e.get(15));
            out.set(i * 4 + 3, Float16.sum(Float16.div(e, 3f)));
        }
    }

    /** Float4 and Float8 loads, a vector merged at an if (a phi) and lane reads. */
    public static void smallVectors(FloatArray x, FloatArray out) {
        for (@Parallel int i = 0; i < out.getSize() / 3; i++) {
            Float4 a = Float4.loadFromArray(x, i * 8);
            Float8 b = Float8.loadFromArray(x, i * 8);
            Float4 c = x.get(i * 8) > 0 ? Float4.add(a, a) : Float4.broadcast(1f);
            out.set(i * 3, Float4.dot(a, c));
            out.set(i * 3 + 1, Float8.sum(Float8.mult(b, 3f)));
            out.set(i * 3 + 2, b.get(7) + c.get(0));
        }
    }

    /**
     * Row dot products of quantized blocks (32 bytes and one scale per block) with x, as the Q8_0 and Q4_0 row kernels
     * form them: Float16 accumulators carried through the block loop, the quants loaded as signed bytes and as nibbles.
     */
    public static void quantRowDots(
            ByteArray quants, FloatArray scales, FloatArray x, FloatArray bytesOut, FloatArray nibblesOut, int blocks) {
        for (@Parallel int r = 0; r < bytesOut.getSize(); r++) {
            Float16 bytesAcc = Float16.broadcast(0f);
            Float16 nibblesAcc = Float16.broadcast(0f);
            for (int b = 0; b < blocks; b++) {
                int at = (r * blocks + b) * 32;
                float d = scales.get(r * blocks + b);
                Float16 x0 = Float16.loadFromArray(x, b * 32);
                Float16 x1 = Float16.loadFromArray(x, b * 32 + 16);
                Float16 q0 = Float16.loadFromBytes(quants, at);
                Float16 q1 = Float16.loadFromBytes(quants, at + 16);
                bytesAcc = Float16.fma(
                        Float16.broadcast(d), Float16.add(Float16.mult(q0, x0), Float16.mult(q1, x1)), bytesAcc);
                Float16 low = Float16.sub(Float16.loadLowNibbles(quants, at), 8f);
                Float16 high = Float16.sub(Float16.loadHighNibbles(quants, at), 8f);
                nibblesAcc = Float16.add(
                        nibblesAcc, Float16.mult(Float16.add(Float16.mult(low, x0), Float16.mult(high, x1)), d));
            }
            bytesOut.set(r, Float16.sum(bytesAcc));
            nibblesOut.set(r, Float16.sum(nibblesAcc));
        }
    }

    static List<SuiteCase> cases() {
        final int groups = 40;
        final int rows = 24;
        final int blocks = 6;
        return List.of(
                new SuiteCase(
                        "float16Ops",
                        (Task3<FloatArray, FloatArray, FloatArray>) VectorSuite::float16Ops,
                        () -> new Object[] {
                            KernelSuite.floats(groups * 16, 91, -2, 2),
                            KernelSuite.floats(groups * 16, 92, -2, 2),
                            new FloatArray(groups * 4)
                        },
                        null,
                        a -> {
                            FloatArray x = (FloatArray) a[0], y = (FloatArray) a[1], out = (FloatArray) a[2];
                            for (int i = 0; i < groups; i++) {
                                double sumD = 0, dot = 0, sumE = 0;
                                float[] e = new float[16];
                                for (int k = 0; k < 16; k++) {
                                    float xa = x.get(i * 16 + k), yb = y.get(i * 16 + k);
                                    float c = Math.fma(xa, yb, 0.5f);
                                    float d = xa * 2f + (c - yb);
                                    e[k] = (d - 1f) / (4f + yb * yb);
                                    sumD += d;
                                    dot += (double) xa * yb;
                                    sumE += e[k] / 3f;
                                }
                                out.set(i * 4, (float) sumD);
                                out.set(i * 4 + 1, (float) dot);
                                out.set(i * 4 + 2, e[3] + e[15]);
                                out.set(i * 4 + 3, (float) sumE);
                            }
                        },
                        new int[] {2},
                        1e-4),
                new SuiteCase(
                        "smallVectors",
                        (Task2<FloatArray, FloatArray>) VectorSuite::smallVectors,
                        () -> new Object[] {KernelSuite.floats(groups * 8, 93, -2, 2), new FloatArray(groups * 3)},
                        null,
                        a -> {
                            FloatArray x = (FloatArray) a[0], out = (FloatArray) a[1];
                            for (int i = 0; i < groups; i++) {
                                boolean positive = x.get(i * 8) > 0;
                                double dot = 0, sum = 0;
                                for (int k = 0; k < 4; k++) {
                                    float v = x.get(i * 8 + k);
                                    dot += (double) v * (positive ? v + v : 1f);
                                }
                                for (int k = 0; k < 8; k++) {
                                    sum += x.get(i * 8 + k) * 3f;
                                }
                                float lane0 = positive ? x.get(i * 8) * 2 : 1f;
                                out.set(i * 3, (float) dot);
                                out.set(i * 3 + 1, (float) sum);
                                out.set(i * 3 + 2, x.get(i * 8 + 7) + lane0);
                            }
                        },
                        new int[] {1},
                        1e-5),
                new SuiteCase(
                        "quantRowDots",
                        (Task6<ByteArray, FloatArray, FloatArray, FloatArray, FloatArray, Integer>)
                                VectorSuite::quantRowDots,
                        () -> {
                            Random random = new Random(94);
                            ByteArray quants = new ByteArray(rows * blocks * 32);
                            for (int i = 0; i < quants.getSize(); i++) {
                                quants.set(i, (byte) random.nextInt(256));
                            }
                            return new Object[] {
                                quants,
                                KernelSuite.floats(rows * blocks, 95, 0.001f, 0.05f),
                                KernelSuite.floats(blocks * 32, 96, -1, 1),
                                new FloatArray(rows),
                                new FloatArray(rows),
                                blocks
                            };
                        },
                        null,
                        a -> {
                            ByteArray q = (ByteArray) a[0];
                            FloatArray scales = (FloatArray) a[1], x = (FloatArray) a[2];
                            FloatArray bytesOut = (FloatArray) a[3], nibblesOut = (FloatArray) a[4];
                            for (int r = 0; r < rows; r++) {
                                double bytes = 0, nibbles = 0;
                                for (int b = 0; b < blocks; b++) {
                                    double d = scales.get(r * blocks + b);
                                    for (int k = 0; k < 32; k++) {
                                        byte quant = q.get((r * blocks + b) * 32 + k);
                                        bytes += d * quant * x.get(b * 32 + k);
                                    }
                                    for (int k = 0; k < 16; k++) {
                                        int packed = Byte.toUnsignedInt(q.get((r * blocks + b) * 32 + k));
                                        nibbles += d * ((packed & 15) - 8) * x.get(b * 32 + k);
                                        nibbles += d * ((packed >>> 4) - 8) * x.get(b * 32 + 16 + k);
                                    }
                                }
                                bytesOut.set(r, (float) bytes);
                                nibblesOut.set(r, (float) nibbles);
                            }
                        },
                        new int[] {3, 4},
                        1e-4));
    }
}
