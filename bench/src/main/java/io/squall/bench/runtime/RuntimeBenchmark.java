package io.squall.bench.runtime;

import io.squall.api.ImmutableTaskGraph;
import io.squall.api.TaskGraph;
import io.squall.api.TornadoExecutionPlan;
import io.squall.api.TornadoExecutionResult;
import io.squall.api.TornadoProfilerResult;
import io.squall.api.common.TornadoDevice;
import io.squall.api.enums.DataTransferMode;
import io.squall.api.types.arrays.FloatArray;
import io.squall.backend.ComputeDevice;
import io.squall.backend.jvm.driver.JvmKernelRunner;
import io.squall.device.Devices;
import io.squall.plan.RuntimeOptions;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Runtime benchmark: saxpy and an F32 matrix multiplication on every device (opencl:*, ..., jvm) side by side, plus
 * plain single-threaded Java. Per device: the JIT time (bytecode to kernel), the driver build time, the first run,
 * and the median over the timed runs of the kernel time and of the end-to-end time of {@code plan.execute()}
 * (kernel plus transfers). Run it with {@code scripts/bench-runtime}; {@code --help} lists the options.
 */
public final class RuntimeBenchmark {
    private record Options(
            int saxpyN, int matmulN, int saxpyRuns, int matmulRuns, List<String> devices, boolean verify) {}

    /** One table row. Times in nanoseconds; -1 when not applicable. */
    private record Row(
            String workload,
            String device,
            String deviceName,
            long jitNs,
            long buildNs,
            long firstNs,
            long kernelNs,
            long endToEndNs,
            String throughput,
            String check) {}

    private RuntimeBenchmark() {}

    public static void main(String[] args) {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench-runtime: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
            return;
        }
        if (options == null) {
            System.out.println(usage());
            return;
        }
        List<Row> rows = new ArrayList<>();
        rows.add(saxpyJava(options));
        for (String device : options.devices()) {
            rows.add(saxpy(options, device));
        }
        rows.add(matmulJava(options));
        for (String device : options.devices()) {
            rows.add(matmul(options, device));
        }
        print(options, rows);
    }

    private static String usage() {
        return """
                usage: bench-runtime [--devices ID,ID,...] [--saxpy N] [--matmul N] [--runs N] [--matmul-runs N] [--no-verify]
                  --devices      devices to compare (default: every device found, e.g. opencl:0,jvm)
                  --saxpy        saxpy length (default 16777216)
                  --matmul       matrix size n for n x n F32 (default 1024)
                  --runs         timed saxpy runs after one warm-up (default 10)
                  --matmul-runs  timed matmul runs after one warm-up (default 3)
                  --no-verify    skip checking each device's result against plain Java""";
    }

    private static Options parse(String[] args) {
        int saxpyN = 1 << 24;
        int matmulN = 1024;
        int runs = 10;
        int matmulRuns = 3;
        boolean verify = true;
        List<String> devices = Devices.all().stream().map(ComputeDevice::id).toList();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--help", "-h" -> {
                    return null;
                }
                case "--no-verify" -> verify = false;
                case "--devices", "--saxpy", "--matmul", "--runs", "--matmul-runs" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(a + " needs a value");
                    }
                    String v = args[++i];
                    switch (a) {
                        case "--devices" ->
                            devices = Arrays.stream(v.split(","))
                                    .map(String::trim)
                                    .filter(s -> !s.isEmpty())
                                    .toList();
                        case "--saxpy" -> saxpyN = positive(a, v);
                        case "--matmul" -> matmulN = positive(a, v);
                        case "--runs" -> runs = positive(a, v);
                        default -> matmulRuns = positive(a, v);
                    }
                }
                default -> throw new IllegalArgumentException("unknown argument " + a);
            }
        }
        for (String d : devices) {
            Devices.get(d, "--devices"); // a clear error for an unknown id before any work
        }
        return new Options(saxpyN, matmulN, runs, matmulRuns, devices, verify);
    }

    private static int positive(String option, String value) {
        try {
            int n = Integer.parseInt(value.replace("_", ""));
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " " + value + ": expected a positive integer");
    }

    // ---- saxpy ----

    private static Row saxpyJava(Options o) {
        progress("saxpy n=" + o.saxpyN() + " on plain Java (1 thread)");
        float[] x = new float[o.saxpyN()];
        float[] y = new float[o.saxpyN()];
        initSaxpy(x, y);
        long first = time(() -> Workloads.saxpyJava(2f, x, y));
        long[] times = new long[o.saxpyRuns()];
        for (int r = 0; r < times.length; r++) {
            times[r] = time(() -> Workloads.saxpyJava(2f, x, y));
        }
        long median = median(times);
        return new Row(
                "saxpy",
                "java",
                "plain Java loop, 1 thread",
                -1,
                -1,
                first,
                median,
                median,
                gbPerSecond(12L * o.saxpyN(), median),
                "reference");
    }

    private static void initSaxpy(float[] x, float[] y) {
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 1000) * 0.001f;
            y[i] = 1f;
        }
    }

    private static Row saxpy(Options o, String deviceId) {
        TornadoDevice device = TornadoExecutionPlan.getDevice(deviceId);
        progress("saxpy n=" + o.saxpyN() + " on " + deviceId + " (" + device.getDeviceName() + ")");
        int n = o.saxpyN();
        float[] hx = new float[n];
        float[] hy = new float[n];
        initSaxpy(hx, hy);
        FloatArray x = FloatArray.fromArray(hx);
        FloatArray y = FloatArray.fromArray(hy);
        ImmutableTaskGraph graph = new TaskGraph("saxpy")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, x)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, y)
                .task("t0", Workloads::saxpy, 2f, x, y)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, y)
                .snapshot();
        Row row = measure("saxpy", deviceId, device, graph, method("saxpy"), o.saxpyRuns(), 12L * n, false);
        String check = "";
        if (o.verify()) {
            // y went through 1 + 1 + runs executions; apply the same number of saxpy steps in plain Java.
            for (int r = 0; r < o.saxpyRuns() + 2; r++) {
                Workloads.saxpyJava(2f, hx, hy);
            }
            int bad = 0;
            for (int i = 0; i < n; i++) {
                if (Math.abs(y.get(i) - hy[i]) > 1e-5f * Math.max(1f, Math.abs(hy[i]))) {
                    bad++;
                }
            }
            check = bad == 0 ? "ok" : bad + " WRONG";
        }
        return withCheck(row, check);
    }

    // ---- matmul ----

    private static void initMatrix(float[] m, int seed) {
        for (int i = 0; i < m.length; i++) {
            m[i] = (((i * 31 + seed * 17) % 9) - 4) * 0.25f;
        }
    }

    private static Row matmulJava(Options o) {
        int n = o.matmulN();
        progress("matmul " + n + "x" + n + " on plain Java (1 thread)");
        float[] a = new float[n * n], b = new float[n * n], c = new float[n * n];
        initMatrix(a, 1);
        initMatrix(b, 2);
        long first = time(() -> Workloads.matmulJava(a, b, c, n));
        long[] times = new long[o.matmulRuns()];
        for (int r = 0; r < times.length; r++) {
            times[r] = time(() -> Workloads.matmulJava(a, b, c, n));
        }
        long median = median(times);
        return new Row(
                "matmul",
                "java",
                "plain Java i-k-j loop, 1 thread",
                -1,
                -1,
                first,
                median,
                median,
                gflops(2.0 * n * n * n, median),
                "reference");
    }

    private static Row matmul(Options o, String deviceId) {
        TornadoDevice device = TornadoExecutionPlan.getDevice(deviceId);
        int n = o.matmulN();
        progress("matmul " + n + "x" + n + " on " + deviceId + " (" + device.getDeviceName() + ")");
        float[] ha = new float[n * n], hb = new float[n * n];
        initMatrix(ha, 1);
        initMatrix(hb, 2);
        FloatArray a = FloatArray.fromArray(ha);
        FloatArray b = FloatArray.fromArray(hb);
        FloatArray c = new FloatArray(n * n);
        ImmutableTaskGraph graph = new TaskGraph("matmul")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, a, b)
                .task("t0", Workloads::matmul, a, b, c, n)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, c)
                .snapshot();
        Row row = measure("matmul", deviceId, device, graph, method("matmul"), o.matmulRuns(), 0, true);
        String check = "";
        if (o.verify()) {
            float[] expected = new float[n * n];
            Workloads.matmulJava(ha, hb, expected, n);
            int bad = 0;
            for (int i = 0; i < n * n; i++) {
                if (Math.abs(c.get(i) - expected[i]) > 1e-3f * Math.max(1f, Math.abs(expected[i]))) {
                    bad++;
                }
            }
            check = bad == 0 ? "ok" : bad + " WRONG";
        }
        double flops = 2.0 * n * n * n;
        return new Row(
                row.workload(),
                row.device(),
                row.deviceName(),
                row.jitNs(),
                row.buildNs(),
                row.firstNs(),
                row.kernelNs(),
                row.endToEndNs(),
                gflops(flops, row.kernelNs()),
                check);
    }

    // ---- measurement ----

    /**
     * First execution (JIT + build + run), one warm-up, then {@code runs} timed executions. On the JVM the "JIT" is the
     * backend's own preparation (bytecode analysis and the parallel copy of the method), timed before the first run.
     */
    private static Row measure(
            String workload,
            String deviceId,
            TornadoDevice device,
            ImmutableTaskGraph graph,
            Method kernel,
            int runs,
            long bytesMoved,
            boolean flopsLater) {
        long jvmPrepareNs = -1;
        if (deviceId.equals("jvm")) {
            long start = System.nanoTime();
            String strategy = JvmKernelRunner.strategy(kernel);
            jvmPrepareNs = System.nanoTime() - start;
            progress("  jvm backend: " + strategy);
        }
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph)) {
            plan.withDevice(device);
            long start = System.nanoTime();
            TornadoExecutionResult first = plan.execute();
            long firstNs = System.nanoTime() - start;
            TornadoProfilerResult p = first.getProfilerResult();
            long jit = jvmPrepareNs >= 0 ? jvmPrepareNs : p.getTornadoCompilerTime();
            long build = jvmPrepareNs >= 0 ? -1 : p.getDriverInstallTime();
            plan.execute(); // warm-up
            long[] kernelNs = new long[runs];
            long[] endToEnd = new long[runs];
            for (int r = 0; r < runs; r++) {
                start = System.nanoTime();
                TornadoExecutionResult result = plan.execute();
                endToEnd[r] = System.nanoTime() - start;
                kernelNs[r] = result.getProfilerResult().getDeviceKernelTime();
            }
            long k = median(kernelNs);
            String throughput = flopsLater ? "" : gbPerSecond(bytesMoved, k);
            return new Row(
                    workload,
                    deviceId,
                    device.getDeviceName(),
                    jit,
                    build,
                    firstNs,
                    k,
                    median(endToEnd),
                    throughput,
                    "");
        } catch (io.squall.api.exceptions.TornadoExecutionPlanException e) {
            throw new IllegalStateException(workload + " on " + deviceId + ": closing the plan failed", e);
        }
    }

    private static Row withCheck(Row r, String check) {
        return new Row(
                r.workload(),
                r.device(),
                r.deviceName(),
                r.jitNs(),
                r.buildNs(),
                r.firstNs(),
                r.kernelNs(),
                r.endToEndNs(),
                r.throughput(),
                check);
    }

    private static Method method(String name) {
        for (Method m : Workloads.class.getDeclaredMethods()) {
            if (m.getName().equals(name)) {
                return m;
            }
        }
        throw new IllegalStateException("no kernel " + name);
    }

    private static long time(Runnable r) {
        long start = System.nanoTime();
        r.run();
        return System.nanoTime() - start;
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String gbPerSecond(long bytes, long ns) {
        return ns <= 0 ? "" : String.format(Locale.ROOT, "%.1f GB/s", bytes / (double) ns);
    }

    private static String gflops(double flops, long ns) {
        return ns <= 0 ? "" : String.format(Locale.ROOT, "%.2f GFLOP/s", flops / ns);
    }

    private static void progress(String what) {
        System.err.println("bench-runtime: " + what + " ...");
    }

    private static String ms(long ns) {
        return ns < 0 ? "-" : String.format(Locale.ROOT, "%.2f", ns / 1e6);
    }

    private static void print(Options o, List<Row> rows) {
        System.out.printf(
                Locale.ROOT,
                "Squall runtime benchmark: saxpy n=%d (%d runs), matmul %dx%d F32 (%d runs); JVM backend %d thread(s), "
                        + "%d processors, Java %s%n",
                o.saxpyN(),
                o.saxpyRuns(),
                o.matmulN(),
                o.matmulN(),
                o.matmulRuns(),
                RuntimeOptions.jvmThreads(),
                Runtime.getRuntime().availableProcessors(),
                Runtime.version());
        System.out.println(
                "Times in ms; kernel and end-to-end (plan.execute(): transfers + kernel) are medians of the timed runs;"
                        + " JIT = bytecode to kernel (on jvm: the backend's preparation), build = driver compile.");
        String[] header = {
            "workload", "device", "name", "JIT", "build", "first run", "kernel", "end-to-end", "kernel rate", "check"
        };
        List<String[]> cells = new ArrayList<>();
        cells.add(header);
        for (Row r : rows) {
            cells.add(new String[] {
                r.workload(),
                r.device(),
                shorten(r.deviceName(), 34),
                ms(r.jitNs()),
                ms(r.buildNs()),
                ms(r.firstNs()),
                ms(r.kernelNs()),
                ms(r.endToEndNs()),
                r.throughput(),
                r.check()
            });
        }
        int[] width = new int[header.length];
        for (String[] row : cells) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (int line = 0; line < cells.size(); line++) {
            String[] row = cells.get(line);
            StringBuilder sb = new StringBuilder("| ");
            for (int i = 0; i < row.length; i++) {
                boolean number = i >= 3 && i <= 7;
                String cell = number
                        ? " ".repeat(width[i] - row[i].length()) + row[i]
                        : row[i] + " ".repeat(width[i] - row[i].length());
                sb.append(cell).append(" | ");
            }
            System.out.println(sb.toString().stripTrailing());
            if (line == 0) {
                StringBuilder rule = new StringBuilder("|");
                for (int w : width) {
                    rule.append("-".repeat(w + 2)).append('|');
                }
                System.out.println(rule);
            }
        }
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}
