package io.squall.model.accel;

import io.squall.api.enums.DataTransferMode;
import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.arrays.IntArray;
import io.squall.kernels.MatMatRows;
import io.squall.model.tensor.GGMLType;
import io.squall.model.tensor.Quantizer;
import io.squall.model.tensor.WeightMatrix;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The batched products (weights x a batch of vectors, for prefill) against the CPU engine's WeightMatrix.matvec of each
 * vector, on every OpenCL and SPIR-V device and the JVM backend; batches that fill a tile, leave a partial one, and a single vector.
 * Tolerance as {@link KernelsTest}: 1e-5 of the row's sum of |w*x|.
 */
class MatMatTest {
    static List<Arguments> typesOnDevices() {
        List<Arguments> args = new ArrayList<>();
        for (String device : Devices.withSpirv()) {
            for (GGMLType t : KernelsTest.deviceTypes()) {
                args.add(Arguments.of(device, t));
            }
        }
        return args;
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("typesOnDevices")
    void batchedProductsMatchOneVectorAtATime(String device, GGMLType type) {
        int rows = 37;
        int cols = 512;
        Random r = new Random(31 + type.ordinal());
        MemorySegment data = Quantizer.quantize(type, KernelsTest.random(r, rows * cols));
        WeightMatrix w = WeightMatrix.of("w", type, data, rows, cols);
        // the scalar tiles and the Float16 ones (vector types on OpenCL, lanes on SPIR-V, Java objects on the JVM)
        for (boolean vectors : new boolean[] {false, true})
            for (int batch : new int[] {1, 4, 6, 11}) {
                for (int accumulate = 0; accumulate < 2; accumulate++) {
                    float[] x = KernelsTest.random(r, batch * cols);
                    float[] initial = KernelsTest.random(r, batch * rows);
                    FloatArray xa = FloatArray.fromArray(x);
                    FloatArray out = FloatArray.fromArray(initial);
                    ByteArray wa = ByteArray.view(data);
                    int b = batch;
                    int acc = accumulate;
                    KernelsTest.run(
                            device,
                            g -> {
                                g.transferToDevice(DataTransferMode.FIRST_EXECUTION, wa, xa, out);
                                g.task(
                                        "mm",
                                        vectors ? MatMatRows::matmatVectors : MatMatRows::matmat,
                                        wa,
                                        xa,
                                        out,
                                        rows,
                                        cols,
                                        b,
                                        acc,
                                        type.format().code());
                            },
                            null,
                            out);
                    float[] row = new float[cols];
                    float[] expected = new float[rows];
                    for (int j = 0; j < batch; j++) {
                        float[] xj = java.util.Arrays.copyOfRange(x, j * cols, (j + 1) * cols);
                        w.matvec(xj, expected, 0);
                        for (int i = 0; i < rows; i++) {
                            w.dequantizeRow(i, row, 0);
                            double bound = 0;
                            for (int c = 0; c < cols; c++) {
                                bound += Math.abs(row[c] * xj[c]);
                            }
                            double want = (acc != 0 ? initial[j * rows + i] : 0) + expected[i];
                            assertEquals(
                                    want,
                                    out.get(j * rows + i),
                                    KernelsTest.TOLERANCE * bound + 1e-6,
                                    type + (vectors ? " (vectors)" : "") + " batch " + batch + " vector " + j + " row "
                                            + i + " accumulate " + acc + " on " + device);
                        }
                    }
                }
            }
    }

    /**
     * matmatLive over a batch of 8 with 5 live vectors (a prompt's short last chunk): the live vectors' products are
     * matmat's over those 5 exactly (same tiles, same order), the padding vectors' outputs are left as they were.
     */
    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("typesOnDevices")
    void liveProductsLeavePaddingUntouched(String device, GGMLType type) {
        for (boolean vectors : new boolean[] {false, true}) {
            liveProductsLeavePaddingUntouched(device, type, vectors);
        }
    }

    private static void liveProductsLeavePaddingUntouched(String device, GGMLType type, boolean vectors) {
        int rows = 21;
        int cols = 256;
        int batch = 8;
        int live = 5;
        Random r = new Random(57 + type.ordinal());
        MemorySegment data = Quantizer.quantize(type, KernelsTest.random(r, rows * cols));
        ByteArray wa = ByteArray.view(data);
        float[] x = KernelsTest.random(r, batch * cols);
        float[] initial = KernelsTest.random(r, batch * rows);
        FloatArray xa = FloatArray.fromArray(x);
        FloatArray out = FloatArray.fromArray(initial);
        IntArray chunk = IntArray.fromElements(live, 0);
        KernelsTest.run(
                device,
                g -> {
                    g.transferToDevice(DataTransferMode.FIRST_EXECUTION, wa, xa, out, chunk);
                    g.task(
                            "live",
                            vectors ? MatMatRows::matmatLiveVectors : MatMatRows::matmatLive,
                            wa,
                            xa,
                            out,
                            chunk,
                            rows,
                            cols,
                            batch,
                            1,
                            type.format().code());
                },
                null,
                out);
        FloatArray reference = FloatArray.fromArray(initial);
        FloatArray liveX = FloatArray.fromArray(java.util.Arrays.copyOf(x, live * cols));
        KernelsTest.run(
                device,
                g -> {
                    g.transferToDevice(DataTransferMode.FIRST_EXECUTION, wa, liveX, reference);
                    g.task(
                            "all",
                            vectors ? MatMatRows::matmatVectors : MatMatRows::matmat,
                            wa,
                            liveX,
                            reference,
                            rows,
                            cols,
                            live,
                            1,
                            type.format().code());
                },
                null,
                reference);
        for (int i = 0; i < batch * rows; i++) {
            float want = i < live * rows ? reference.get(i) : initial[i];
            assertEquals(want, out.get(i), type + " element " + i + " (vector " + i / rows + ") on " + device);
        }
    }
}
