package io.squall.model.accel;

import io.squall.api.GridScheduler;
import io.squall.api.KernelContext;
import io.squall.api.TaskGraph;
import io.squall.api.TornadoExecutionPlan;
import io.squall.api.WorkerGrid1D;
import io.squall.api.enums.DataTransferMode;
import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.arrays.IntArray;
import io.squall.kernels.Attention;
import io.squall.kernels.Embedding;
import io.squall.kernels.MatVec;
import io.squall.kernels.MatVecRows;
import io.squall.kernels.RmsNorm;
import io.squall.kernels.Rope;
import io.squall.kernels.Sampling;
import io.squall.model.sampling.Sampler;
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
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Each kernel of io.squall.kernels on every OpenCL device (PoCL) and the JVM backend (the per-format products and the
 * embedding also on every SPIR-V device), against the CPU engine's
 * operation: WeightMatrix.matvec / dequantizeRow for every tensor type (both product layouts), and scalar references
 * for RMSNorm, RoPE with the cache write, split-K attention with grouped-query heads, and argmax.
 * Tolerance: 1e-5 relative to the sum of |w*x| of the row (float summation order only); embedding rows (dequantized
 * as the CPU engine does, bit for bit), argmax and copies exact.
 */
class KernelsTest {
    static final double TOLERANCE = 1e-5;

    static List<Arguments> typesOnDevices() {
        List<Arguments> args = new ArrayList<>();
        for (String device : Devices.withSpirv()) {
            for (GGMLType t : deviceTypes()) {
                args.add(Arguments.of(device, t));
            }
        }
        return args;
    }

    /** The types with a side-by-side vector-row form (Formats.hasLaneRowDot), on every device. */
    static List<Arguments> sideBySideTypesOnDevices() {
        return typesOnDevices().stream()
                .filter(a -> a.get()[1] == GGMLType.Q8_0 || a.get()[1] == GGMLType.Q4_0)
                .toList();
    }

    static List<String> devices() {
        return Devices.all();
    }

    /** Every tensor type the CPU engine decodes: the device kernels must read each of them. */
    static List<GGMLType> deviceTypes() {
        return java.util.Arrays.stream(GGMLType.values())
                .filter(WeightMatrix::supports)
                .toList();
    }

    /**
     * Runs the graph built by {@code tasks} once on {@code device} with scalar specialization, as the accelerated engine
     * does (the weight format folds to a constant), and brings {@code outputs} back.
     */
    static void run(String device, Consumer<TaskGraph> tasks, GridScheduler grids, Object... outputs) {
        run(device, true, tasks, grids, outputs);
    }

    /** As above; {@code specialize} false leaves the format a run-time argument (each kernel's switch then runs). */
    static void run(
            String device, boolean specialize, Consumer<TaskGraph> tasks, GridScheduler grids, Object... outputs) {
        TaskGraph g = new TaskGraph("t");
        tasks.accept(g);
        g.transferToHost(DataTransferMode.EVERY_EXECUTION, outputs);
        try (TornadoExecutionPlan plan =
                new TornadoExecutionPlan(g.snapshot()).withDevice(TornadoExecutionPlan.getDevice(device))) {
            if (grids != null) {
                plan.withGridScheduler(grids);
            }
            if (specialize) {
                plan.withCompilerFlags("-specialize");
            }
            plan.execute();
        } catch (io.squall.api.exceptions.TornadoExecutionPlanException e) {
            throw new AssertionError("closing the plan on " + device, e);
        }
    }

    static GridScheduler grid(String task, int global, int local) {
        WorkerGrid1D w = new WorkerGrid1D(global);
        w.setLocalWork(local);
        return new GridScheduler("t." + task, w);
    }

    static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("typesOnDevices")
    void matvecAndSwigluMatchWeightMatrix(String device, GGMLType type) {
        int rows = 37; // not a multiple of the rows per work-group
        int cols = 512;
        Random r = new Random(type.ordinal());
        float[] values = random(r, rows * cols);
        MemorySegment gate = Quantizer.quantize(type, values);
        MemorySegment up = Quantizer.quantize(type, random(r, rows * cols));
        WeightMatrix wg = WeightMatrix.of("gate", type, gate, rows, cols);
        WeightMatrix wu = WeightMatrix.of("up", type, up, rows, cols);
        float[] x = random(r, cols);
        float[] expected = new float[rows];
        float[] expectedUp = new float[rows];
        wg.matvec(x, expected, 0);
        wu.matvec(x, expectedUp, 0);
        float[] bound = rowBounds(wg, x);
        // the layouts with the format folded (the engine's kernels), and the rows layouts with the format's switch left
        // in (vector rows: Float16 values, OpenCL C vector types on OpenCL, lanes on SPIR-V, Java objects on the JVM)
        for (String variant :
                new String[] {"lanes", "rows", "rows unspecialized", "vector rows", "vector rows unspecialized"}) {
            boolean lanes = variant.equals("lanes");
            FloatArray xa = FloatArray.fromArray(x);
            FloatArray out = FloatArray.fromArray(random(new Random(5), rows + 3)); // offset 3; accumulate onto these
            float[] before = out.toHeapArray();
            FloatArray swiglu = new FloatArray(rows);
            ByteArray wa = ByteArray.view(gate);
            ByteArray ua = ByteArray.view(up);
            int format = type.format().code();
            run(
                    device,
                    !variant.endsWith("unspecialized"),
                    g -> {
                        g.transferToDevice(DataTransferMode.FIRST_EXECUTION, wa, ua, xa, out);
                        if (lanes) {
                            KernelContext ctx = new KernelContext();
                            g.task("mv", MatVec::matvec, ctx, wa, xa, out, rows, cols, 3, 1, format);
                            g.task("swiglu", MatVec::swiglu, ctx, wa, ua, xa, swiglu, rows, cols, format);
                        } else if (variant.startsWith("vector")) {
                            g.task("mv", MatVecRows::matvecVectors, wa, xa, out, rows, cols, 3, 1, format);
                            g.task("swiglu", MatVecRows::swigluVectors, wa, ua, xa, swiglu, rows, cols, format);
                        } else {
                            g.task("mv", MatVecRows::matvec, wa, xa, out, rows, cols, 3, 1, format);
                            g.task("swiglu", MatVecRows::swiglu, wa, ua, xa, swiglu, rows, cols, format);
                        }
                    },
                    lanes ? lanesGrids(rows) : null,
                    out,
                    swiglu);
            for (int i = 0; i < rows; i++) {
                String where = type + " " + variant + " row " + i + " on " + device;
                assertEquals(before[3 + i] + expected[i], out.get(3 + i), TOLERANCE * bound[i] + 1e-6, where);
                float g = expected[i];
                double want = g / (1 + Math.exp(-g)) * expectedUp[i];
                assertEquals(want, swiglu.get(i), 1e-4 * (Math.abs(want) + bound[i]), "swiglu " + where);
            }
            for (int i = 0; i < 3; i++) {
                assertEquals(before[i], out.get(i), "untouched before the offset, " + device);
            }
        }
    }

    /**
     * The vector-row product's long-row form ({@link MatVecRows#SIDE_BY_SIDE_COLUMNS} columns and more: eight rows side by
     * side per work-item, the last work-item's missing rows reading the last row and writing nothing), for the formats
     * that have it, with 13 rows (one full group of eight and a partial one) accumulated at an offset.
     */
    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("sideBySideTypesOnDevices")
    void vectorRowsSideBySideMatchWeightMatrix(String device, GGMLType type) {
        int rows = 13;
        int cols = MatVecRows.SIDE_BY_SIDE_COLUMNS;
        Random r = new Random(11 + type.ordinal());
        MemorySegment weights = Quantizer.quantize(type, random(r, rows * cols));
        WeightMatrix w = WeightMatrix.of("down", type, weights, rows, cols);
        float[] x = random(r, cols);
        float[] expected = new float[rows];
        w.matvec(x, expected, 0);
        float[] bound = rowBounds(w, x);
        FloatArray xa = FloatArray.fromArray(x);
        FloatArray out = FloatArray.fromArray(random(new Random(5), rows + 5)); // offset 3, 2 past the end
        float[] before = out.toHeapArray();
        ByteArray wa = ByteArray.view(weights);
        int format = type.format().code();
        run(
                device,
                g -> {
                    g.transferToDevice(DataTransferMode.FIRST_EXECUTION, wa, xa, out);
                    g.task("mv", MatVecRows::matvecVectors, wa, xa, out, rows, cols, 3, 1, format);
                },
                null,
                out);
        for (int i = 0; i < rows; i++) {
            assertEquals(
                    before[3 + i] + expected[i],
                    out.get(3 + i),
                    TOLERANCE * bound[i] + 1e-6,
                    type + " row " + i + " on " + device);
        }
        for (int i : new int[] {0, 1, 2, rows + 3, rows + 4}) {
            assertEquals(before[i], out.get(i), "untouched outside the rows, index " + i + " on " + device);
        }
    }

    private static float[] rowBounds(WeightMatrix w, float[] x) {
        float[] row = new float[w.cols()];
        float[] bound = new float[w.rows()];
        for (int r = 0; r < w.rows(); r++) {
            w.dequantizeRow(r, row, 0);
            for (int c = 0; c < row.length; c++) {
                bound[r] += Math.abs(row[c] * x[c]);
            }
        }
        return bound;
    }

    private static GridScheduler lanesGrids(int rows) {
        GridScheduler grids = new GridScheduler();
        for (String t : new String[] {"mv", "swiglu"}) {
            WorkerGrid1D w = new WorkerGrid1D(MatVec.globalSize(rows));
            w.setLocalWork(MatVec.GROUP);
            grids.addWorkerGrid("t." + t, w);
        }
        return grids;
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("typesOnDevices")
    void embeddingDequantizesOneRow(String device, GGMLType type) {
        int rows = 9;
        int dim = 512;
        MemorySegment table = Quantizer.quantize(type, random(new Random(3), rows * dim));
        WeightMatrix w = WeightMatrix.of("token_embd", type, table, rows, dim);
        float[] expected = new float[dim];
        w.dequantizeRow(7, expected, 0);
        IntArray state = IntArray.fromArray(new int[] {7, 0});
        FloatArray x = new FloatArray(dim);
        ByteArray t = ByteArray.view(table);
        run(
                device,
                g -> g.task(
                        "e", Embedding::lookup, t, state, x, dim, type.format().code()),
                null,
                x);
        for (int i = 0; i < dim; i++) {
            assertEquals(
                    expected[i], x.get(i), type + " element " + i + " on " + device); // bit for bit: no contraction
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void rmsNormMatchesScalarReference(String device) {
        int n = 700; // not a multiple of the group
        float[] x = random(new Random(1), n);
        float[] w = random(new Random(2), n);
        double ss = 0;
        for (float v : x) {
            ss += (double) v * v;
        }
        double scale = 1 / Math.sqrt(ss / n + 1e-5);
        FloatArray xa = FloatArray.fromArray(x);
        FloatArray wa = FloatArray.fromArray(w);
        FloatArray out = new FloatArray(n);
        run(
                device,
                g -> g.task("norm", RmsNorm::normalize, new KernelContext(), xa, wa, out, n, 1e-5f),
                grid("norm", RmsNorm.GROUP, RmsNorm.GROUP),
                out);
        for (int i = 0; i < n; i++) {
            double want = x[i] * scale * w[i];
            assertEquals(want, out.get(i), 1e-5 * Math.abs(want) + 1e-6, "element " + i + " on " + device);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void argmaxPicksTheFirstMaximum(String device) {
        int n = 5000;
        float[] logits = random(new Random(4), n);
        logits[1234] = 9f;
        logits[4321] = 9f; // a tie: the lower index wins, as Sampler.argmax
        logits[17] = Float.NaN;
        FloatArray la = FloatArray.fromArray(logits);
        IntArray result = new IntArray(1);
        run(
                device,
                g -> g.task("argmax", Sampling::argmax, new KernelContext(), la, result, n),
                grid("argmax", Sampling.GROUP, Sampling.GROUP),
                result);
        assertEquals(1234, result.get(0), device);
        logits[1234] = 0f;
        assertEquals(Sampler.argmax(logits), 4321);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void topKListsTheLargestInOrder(String device) {
        int n = 3000;
        int k = 40;
        float[] logits = random(new Random(8), n);
        logits[100] = 5f;
        logits[50] = 5f; // tie: 50 before 100
        logits[7] = Float.NaN;
        logits[9] = Float.NEGATIVE_INFINITY;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(
                order,
                (a, b) -> Float.isNaN(logits[a]) || Float.isNaN(logits[b])
                        ? Boolean.compare(Float.isNaN(logits[a]), Float.isNaN(logits[b]))
                        : logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : Integer.compare(a, b));
        FloatArray la = FloatArray.fromArray(logits);
        IntArray ids = new IntArray(k);
        FloatArray values = new FloatArray(k);
        run(
                device,
                g -> g.task("topk", Sampling::topK, new KernelContext(), la, ids, values, n, k),
                grid("topk", Sampling.GROUP, Sampling.GROUP),
                ids,
                values);
        assertEquals(50, ids.get(0));
        assertEquals(100, ids.get(1));
        for (int j = 0; j < k; j++) {
            assertEquals(order[j], ids.get(j), "rank " + j + " on " + device);
            assertEquals(logits[order[j]], values.get(j), "value at rank " + j);
        }
    }

    /**
     * RoPE with the cache write, then attention over 600 positions (3 splits of {@link Attention#CHUNK}), 8 query
     * heads sharing 2 key/value heads, against a double-precision reference.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void ropeCacheWriteAndSplitAttentionMatchScalarReference(String device) {
        int heads = 8, kvHeads = 2, headSize = 16, ropeDims = 12, ctx = 640, pos = 599;
        int dim = heads * headSize, kvDim = kvHeads * headSize, half = ropeDims / 2;
        Random r = new Random(9);
        float[] keys = random(r, ctx * kvDim);
        float[] values = random(r, ctx * kvDim);
        float[] q = random(r, dim);
        float[] k = random(r, kvDim);
        float[] v = random(r, kvDim);
        float[] cos = new float[ctx * half];
        float[] sin = new float[ctx * half];
        for (int p = 0; p < ctx; p++) {
            for (int i = 0; i < half; i++) {
                double theta = p * Math.pow(500000, -2.0 * i / ropeDims);
                cos[p * half + i] = (float) Math.cos(theta);
                sin[p * half + i] = (float) Math.sin(theta);
            }
        }
        // reference: rotate q and k (first ropeDims of each head), write k/v at pos, attend over 0..pos
        double[] qr = rotate(q, heads, headSize, half, cos, sin, pos);
        double[] kr = rotate(k, kvHeads, headSize, half, cos, sin, pos);
        double[] expected = new double[dim];
        for (int h = 0; h < heads; h++) {
            int kvo = h / (heads / kvHeads) * headSize;
            double[] s = new double[pos + 1];
            double max = Double.NEGATIVE_INFINITY;
            for (int t = 0; t <= pos; t++) {
                double dot = 0;
                for (int i = 0; i < headSize; i++) {
                    double key = t == pos ? kr[kvo + i] : keys[t * kvDim + kvo + i];
                    dot += qr[h * headSize + i] * key;
                }
                s[t] = dot / Math.sqrt(headSize);
                max = Math.max(max, s[t]);
            }
            double sum = 0;
            for (int t = 0; t <= pos; t++) {
                s[t] = Math.exp(s[t] - max);
                sum += s[t];
            }
            for (int i = 0; i < headSize; i++) {
                double acc = 0;
                for (int t = 0; t <= pos; t++) {
                    acc += s[t] * (t == pos ? v[kvo + i] : values[t * kvDim + kvo + i]);
                }
                expected[h * headSize + i] = acc / sum;
            }
        }
        FloatArray qa = FloatArray.fromArray(q), ka = FloatArray.fromArray(k), va = FloatArray.fromArray(v);
        FloatArray kc = FloatArray.fromArray(keys), vc = FloatArray.fromArray(values);
        FloatArray ca = FloatArray.fromArray(cos), sa = FloatArray.fromArray(sin);
        IntArray state = IntArray.fromArray(new int[] {0, pos});
        int splits = pos / Attention.CHUNK + 1;
        FloatArray partials = new FloatArray(splits * heads * Attention.partialStride(headSize));
        FloatArray out = new FloatArray(dim);
        run(
                device,
                g -> {
                    g.task(
                            "rope",
                            Rope::rotateAndCache,
                            qa,
                            ka,
                            va,
                            kc,
                            vc,
                            ca,
                            sa,
                            state,
                            dim,
                            kvDim,
                            headSize,
                            ropeDims);
                    g.task(
                            "attn",
                            Attention::partials,
                            new KernelContext(),
                            qa,
                            kc,
                            vc,
                            state,
                            partials,
                            heads,
                            kvHeads,
                            headSize);
                    g.task("combine", Attention::combine, partials, state, out, heads, headSize);
                },
                grid("attn", splits * heads * Attention.LANES, Attention.LANES),
                out,
                kc,
                vc);
        for (int i = 0; i < kvDim; i++) {
            assertEquals(kr[i], kc.get(pos * kvDim + i), 1e-5, "rotated key " + i + " in the cache, " + device);
            assertEquals(v[i], vc.get(pos * kvDim + i), "value " + i + " in the cache, " + device);
        }
        assertEquals(keys[(pos - 1) * kvDim], kc.get((pos - 1) * kvDim), "earlier cache rows untouched");
        for (int i = 0; i < dim; i++) {
            assertEquals(expected[i], out.get(i), 1e-5, "attention output " + i + " on " + device);
        }
    }

    private static double[] rotate(float[] vec, int heads, int headSize, int half, float[] cos, float[] sin, int pos) {
        double[] out = new double[vec.length];
        for (int i = 0; i < vec.length; i++) {
            out[i] = vec[i];
        }
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < half; i++) {
                int b = h * headSize + 2 * i;
                double c = cos[pos * half + i], s = sin[pos * half + i];
                out[b] = vec[b] * c - vec[b + 1] * s;
                out[b + 1] = vec[b] * s + vec[b + 1] * c;
            }
        }
        return out;
    }
}
