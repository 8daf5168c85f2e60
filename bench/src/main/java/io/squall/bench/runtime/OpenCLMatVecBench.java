package io.squall.bench.runtime;

import io.squall.api.TaskGraph;
import io.squall.api.TornadoExecutionPlan;
import io.squall.api.enums.DataTransferMode;
import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FloatArray;
import io.squall.backend.opencl.codegen.OpenCLEmitter;
import io.squall.backend.opencl.driver.CLBuffer;
import io.squall.backend.opencl.driver.CLCommandQueue;
import io.squall.backend.opencl.driver.CLContext;
import io.squall.backend.opencl.driver.CLDevice;
import io.squall.backend.opencl.driver.CLKernel;
import io.squall.backend.opencl.driver.CLProgram;
import io.squall.backend.opencl.driver.OpenCL;
import io.squall.jit.ArgSpec;
import io.squall.jit.CompileOptions;
import io.squall.jit.DeviceCapabilities;
import io.squall.jit.Kernel;
import io.squall.jit.compiler.JitCompiler;
import io.squall.kernels.MatMatRows;
import io.squall.kernels.MatVecRows;
import io.squall.kernels.format.Formats;
import io.squall.model.tensor.GGMLType;
import io.squall.model.tensor.Quantizer;
import io.squall.model.tensor.WeightMatrix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Dev harness for the OpenCL C emitter: times the Q8_0 row product {@link MatVecRows#matvec} for Q8_0 on an OpenCL device as the
 * JIT emits it (and its vector-typed form {@link MatVecRows#matvecVectors}) (launched through the driver, and through a TaskGraph), optionally hand-written OpenCL C variants of the
 * same kernel (same ABI), the JIT's kernel with guarded accesses (what plans run on CPU devices; {@code --rounds N}
 * repeats the driver launches interleaved, to compare the two), and the CPU engine's {@link WeightMatrix#matvec} on the same data; every result is checked
 * against the CPU engine's.
 *
 * <pre>
 * java ... io.squall.bench.runtime.OpenCLMatVecBench [--rows 8192] [--cols 2048] [--iterations 20] [--device 0]
 *          [--dump emitted.cl] [--fast-math] [--rounds N] [--type q8_0|q4_0] [variant.cl ...]
 * </pre>
 * A variant file holds one kernel named {@code q8_0} (or {@code q4_0} with {@code --type q4_0}) with the JIT's ABI:
 * {@code (w, w_length, x, x_length, out, out_length, rows, cols, outOffset, accumulate, format)}, one work-item per row.
 */
public final class OpenCLMatVecBench {
    private OpenCLMatVecBench() {}

    public static void main(String[] args) throws Exception {
        int rows = 8192;
        int cols = 2048;
        int iterations = 20;
        int deviceIndex = 0;
        boolean fastMath = false;
        int roundCount = 1;
        int batch = 0;
        long local = 0;
        GGMLType type = GGMLType.Q8_0;
        Path dump = null;
        List<Path> variants = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows" -> rows = Integer.parseInt(args[++i]);
                case "--cols" -> cols = Integer.parseInt(args[++i]);
                case "--iterations" -> iterations = Integer.parseInt(args[++i]);
                case "--device" -> deviceIndex = Integer.parseInt(args[++i]);
                case "--dump" -> dump = Path.of(args[++i]);
                case "--fast-math" -> fastMath = true;
                case "--rounds" -> roundCount = Integer.parseInt(args[++i]);
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--local" -> local = Long.parseLong(args[++i]);
                case "--type" -> type = GGMLType.valueOf(args[++i].toUpperCase(java.util.Locale.ROOT));
                case "--help", "-h" -> {
                    System.out.println(
                            "usage: OpenCLMatVecBench [--rows N] [--cols N] [--iterations N] [--device I] [--dump FILE.cl] [--fast-math] [--rounds N] [--local N] [variant.cl ...]");
                    return;
                }
                default -> {
                    if (args[i].startsWith("-")) {
                        throw new IllegalArgumentException("unknown option " + args[i] + " (try --help)");
                    }
                    variants.add(Path.of(args[i]));
                }
            }
        }
        if (batch > 0) {
            matmat(rows, cols, batch, iterations, deviceIndex, fastMath);
            return;
        }
        if (cols % 32 != 0) {
            throw new IllegalArgumentException("--cols " + cols + ": Q8_0 and Q4_0 need a multiple of 32");
        }
        if (type != GGMLType.Q8_0 && type != GGMLType.Q4_0) {
            throw new IllegalArgumentException("--type " + type + ": expected q8_0 or q4_0");
        }
        int format = type == GGMLType.Q8_0 ? Formats.Q8_0 : Formats.Q4_0;
        String variantName = type == GGMLType.Q8_0 ? "q8_0" : "q4_0";
        if (!OpenCL.isAvailable()) {
            throw new IllegalStateException("no OpenCL: " + OpenCL.unavailableReason());
        }
        Random random = new Random(42);
        float[] values = new float[rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        float[] x = new float[cols];
        for (int i = 0; i < cols; i++) {
            x[i] = (float) random.nextGaussian();
        }
        MemorySegment weights = Quantizer.quantize(type, values);
        WeightMatrix matrix = WeightMatrix.of("w", type, weights, rows, cols);
        float[] expected = new float[rows];
        System.out.printf(
                "%s %dx%d (%.1f MB), %d iterations, median%n", type, rows, cols, weights.byteSize() / 1e6, iterations);

        double cpu = median(iterations, () -> matrix.matvec(x, expected, 0));
        System.out.printf("%-34s %8.3f ms%n", "CPU engine WeightMatrix.matvec", cpu);

        Method method = MatVecRows.class.getMethod(
                "matvec",
                ByteArray.class,
                FloatArray.class,
                FloatArray.class,
                int.class,
                int.class,
                int.class,
                int.class,
                int.class);
        // The format specialized, as the accelerated engine compiles it; the other scalars stay arguments.
        List<ArgSpec> specs = List.of(
                ArgSpec.of(ByteArray.class),
                ArgSpec.of(FloatArray.class),
                ArgSpec.of(FloatArray.class),
                ArgSpec.of(Integer.class),
                ArgSpec.of(Integer.class),
                ArgSpec.of(Integer.class),
                ArgSpec.of(Integer.class),
                new ArgSpec(Integer.class, format));
        CompileOptions options = new CompileOptions(fastMath, true);
        Kernel kernel = JitCompiler.compile(method, specs, options);
        String emitted = OpenCLEmitter.emit(kernel, DeviceCapabilities.generic());
        if (dump != null) {
            Files.writeString(dump, emitted);
            System.out.println("emitted OpenCL C written to " + dump);
        }

        CLDevice device = OpenCL.devices().get(deviceIndex);
        System.out.println("device: " + device.name());
        try (CLContext context = CLContext.create(device);
                CLCommandQueue queue = context.createQueue(false);
                Arena arena = Arena.ofConfined()) {
            CLBuffer w = context.allocate(weights.byteSize());
            CLBuffer xb = context.allocate(4L * cols);
            CLBuffer out = context.allocate(4L * rows);
            MemorySegment xs = arena.allocateFrom(ValueLayout.JAVA_FLOAT, x);
            MemorySegment result = arena.allocate(4L * rows);
            queue.write(w, 0, weights, weights.byteSize(), true);
            queue.write(xb, 0, xs, xs.byteSize(), true);
            String buildOptions = OpenCLEmitter.buildOptions(options);
            List<String[]> sources = new ArrayList<>();
            sources.add(new String[] {"JIT " + kernel.entryName() + " (unguarded)", emitted, kernel.entryName()});
            // What plans run on CPU devices: every access guarded (same ABI).
            Kernel guarded =
                    JitCompiler.compile(method, specs, options.withAccessChecks(CompileOptions.AccessChecks.GUARD));
            sources.add(new String[] {
                "JIT " + kernel.entryName() + " (guarded)",
                OpenCLEmitter.emit(guarded, DeviceCapabilities.generic()),
                guarded.entryName()
            });
            // The row product with Float16 vector values (OpenCL C float16/vload16), as CPU OpenCL devices run it.
            Method vectors = MatVecRows.class.getMethod("matvecVectors", method.getParameterTypes());
            Kernel vectorKernel = JitCompiler.compile(vectors, specs, options);
            sources.add(new String[] {
                "JIT " + vectorKernel.entryName() + " (unguarded)",
                OpenCLEmitter.emit(vectorKernel, DeviceCapabilities.generic()),
                vectorKernel.entryName()
            });
            for (Path p : variants) {
                sources.add(new String[] {p.getFileName().toString(), Files.readString(p), variantName});
            }
            List<String[]> rounds = new ArrayList<>();
            for (int r = 0; r < roundCount; r++) { // interleaved, so a busy machine slows every variant alike
                rounds.addAll(sources);
            }
            for (String[] s : rounds) {
                long t0 = System.nanoTime();
                try (CLProgram program = context.buildSource(s[1], buildOptions);
                        CLKernel k = program.kernel(s[2])) {
                    long build = System.nanoTime() - t0;
                    k.setArg(0, w);
                    k.setArg(1, (int) weights.byteSize());
                    k.setArg(2, xb);
                    k.setArg(3, cols);
                    k.setArg(4, out);
                    k.setArg(5, rows);
                    k.setArg(6, rows);
                    k.setArg(7, cols);
                    k.setArg(8, 0);
                    k.setArg(9, 0);
                    k.setArg(10, format);
                    // --local: the work-group size of the driver launches (rows rounded up to a multiple; the kernels
                    // check r < rows); default: the device's choice, as plans launch parallel loops
                    long[] localSize = local > 0 ? new long[] {local} : null;
                    long n = local > 0 ? (rows + local - 1) / local * local : rows;
                    double ms = median(iterations, () -> {
                        queue.launch(k, new long[] {n}, localSize);
                        queue.finish();
                    });
                    queue.read(out, 0, result, result.byteSize(), true);
                    System.out.printf(
                            "%-34s %8.3f ms  (build %.0f ms, %.2fx CPU, %s)%n",
                            s[0],
                            ms,
                            build / 1e6,
                            cpu / ms,
                            check(result.toArray(ValueLayout.JAVA_FLOAT), expected, matrix, x));
                }
            }
        }

        // The same kernel as the accelerated engine runs it: a TaskGraph with the weights resident on the device.
        FloatArray xa = FloatArray.fromArray(x);
        FloatArray oa = new FloatArray(rows);
        ByteArray wa = ByteArray.view(weights);
        TaskGraph g = new TaskGraph("bench");
        g.transferToDevice(DataTransferMode.FIRST_EXECUTION, wa, xa);
        g.task(variantName, MatVecRows::matvec, wa, xa, oa, rows, cols, 0, 0, format);
        g.transferToHost(DataTransferMode.EVERY_EXECUTION, oa);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot())
                .withDevice(TornadoExecutionPlan.getDevice("opencl:" + deviceIndex))) {
            plan.withCompilerFlags("-specialize").withoutAccessGuards(); // as the accelerated engine runs it
            if (fastMath) {
                plan.withCompilerFlags("-cl-fast-relaxed-math");
            }
            plan.execute();
            double ms = median(iterations, plan::execute);
            System.out.printf(
                    "%-34s %8.3f ms  (%.2fx CPU, %s)%n",
                    "TaskGraph execute (JIT, unguarded)", ms, cpu / ms, check(oa.toHeapArray(), expected, matrix, x));
        }
    }

    /**
     * {@code --batch N}: the prefill product {@link MatMatRows#matmat} (N vectors, Q8_0 and Q4_0) through an unguarded
     * TaskGraph, as the engine runs it, against the CPU engine's {@link WeightMatrix#matmul}; outputs compared.
     */
    private static void matmat(int rows, int cols, int batch, int iterations, int deviceIndex, boolean fastMath)
            throws Exception {
        Random random = new Random(42);
        float[] values = new float[rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        float[] x = new float[batch * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        for (GGMLType type : List.of(GGMLType.Q8_0, GGMLType.Q4_0)) {
            MemorySegment weights = Quantizer.quantize(type, values);
            WeightMatrix matrix = WeightMatrix.of("w", type, weights, rows, cols);
            float[] expected = new float[batch * rows];
            System.out.printf("%s %dx%d x %d vectors, %d iterations, median%n", type, rows, cols, batch, iterations);
            double cpu = median(iterations, () -> matrix.matmul(x, batch, expected));
            System.out.printf("%-34s %8.3f ms%n", "CPU engine WeightMatrix.matmul", cpu);
            FloatArray xa = FloatArray.fromArray(x);
            FloatArray oa = new FloatArray(batch * rows);
            ByteArray wa = ByteArray.view(weights);
            for (boolean vectors : new boolean[] {true, false}) { // the Float16 tiles, then the scalar ones
                TaskGraph g = new TaskGraph("bench");
                g.transferToDevice(DataTransferMode.FIRST_EXECUTION, wa, xa);
                g.task(
                        "matmat",
                        vectors ? MatMatRows::matmatVectors : MatMatRows::matmat,
                        wa,
                        xa,
                        oa,
                        rows,
                        cols,
                        batch,
                        0,
                        type == GGMLType.Q8_0 ? Formats.Q8_0 : Formats.Q4_0);
                g.transferToHost(DataTransferMode.EVERY_EXECUTION, oa);
                try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot())
                        .withDevice(TornadoExecutionPlan.getDevice("opencl:" + deviceIndex))) {
                    plan.withCompilerFlags("-specialize").withoutAccessGuards();
                    if (fastMath) {
                        plan.withCompilerFlags("-fast-math"); // as the accelerated engine compiles for CPU devices
                    }
                    plan.execute();
                    double ms = median(iterations, plan::execute);
                    float[] got = oa.toHeapArray();
                    double worst = 0;
                    for (int i = 0; i < got.length; i++) {
                        worst = Math.max(worst, Math.abs(got[i] - expected[i]) / (1e-3 + Math.abs(expected[i])));
                    }
                    System.out.printf(
                            "%-34s %8.3f ms  (%.2fx CPU, max rel.err %.1e)%n",
                            "TaskGraph MatMatRows.matmat" + (vectors ? "Vectors" : ""), ms, cpu / ms, worst);
                }
            }
        }
    }

    /** Median time in ms of {@code iterations} runs after one warm-up; also prints the fastest (the machine may be shared). */
    private static double median(int iterations, Runnable r) {
        r.run();
        double[] t = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long t0 = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(t);
        System.out.printf("  [min %.3f ms] ", t[0]);
        return t[iterations / 2];
    }

    /** Worst error relative to the row's sum of |w*x| (summation order only may differ). */
    private static String check(float[] got, float[] expected, WeightMatrix m, float[] x) {
        float[] row = new float[m.cols()];
        double worst = 0;
        for (int r = 0; r < m.rows(); r++) {
            m.dequantizeRow(r, row, 0);
            double bound = 0;
            for (int c = 0; c < row.length; c++) {
                bound += Math.abs(row[c] * x[c]);
            }
            worst = Math.max(worst, Math.abs(got[r] - expected[r]) / (bound + 1e-30));
        }
        return (worst <= 1e-5 ? "ok" : "WRONG") + String.format(" rel.err %.1e", worst);
    }
}
