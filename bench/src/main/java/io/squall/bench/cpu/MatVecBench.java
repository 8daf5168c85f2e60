package io.squall.bench.cpu;

import io.squall.model.tensor.GGMLType;
import io.squall.model.tensor.MemoryBandwidth;
import io.squall.model.tensor.Quantizer;
import io.squall.model.tensor.Threads;
import io.squall.model.tensor.WeightMatrix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Matrix-vector throughput of the CPU engine's fused kernels, as GB/s of weights read and as a fraction of the
 * machine's read bandwidth measured in the same run. Each case cycles through enough copies of its matrix to
 * overflow the last-level cache, as decoding a real model does. Threads: {@code -Dsquall.threads}.
 *
 * <p>With one thread every product runs on the calling thread, so its CPU time is measured too: GB/s per CPU
 * second, against the read bandwidth per CPU second of one thread streaming the same way. On a machine shared with
 * other processes these figures hold where wall-clock ones do not (a preempted thread uses no CPU time), so the
 * "per CPU s" columns are the ones to compare there.
 *
 * <pre>java --add-modules jdk.incubator.vector -Dsquall.threads=2 -cp ... io.squall.bench.cpu.MatVecBench [--seconds S] [--types Q8_0,Q4_0] [--shapes 2048x8192,8192x2048]</pre>
 */
public final class MatVecBench {
    private static long workingSetBytes = 1L << 30;

    private MatVecBench() {}

    public static void main(String[] args) {
        double seconds = 3;
        int batch = 16;
        List<GGMLType> types = List.of(
                GGMLType.Q8_0,
                GGMLType.Q4_0,
                GGMLType.Q4_1,
                GGMLType.Q5_0,
                GGMLType.Q5_1,
                GGMLType.IQ4_NL,
                GGMLType.Q2_K,
                GGMLType.Q3_K,
                GGMLType.Q4_K,
                GGMLType.Q5_K,
                GGMLType.Q6_K,
                GGMLType.IQ4_XS,
                GGMLType.F16);
        List<int[]> shapes = List.of(new int[] {2048, 8192}, new int[] {8192, 2048});
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Double.parseDouble(value(args, ++i));
                case "--working-set-mb" -> workingSetBytes = Long.parseLong(value(args, ++i)) << 20;
                case "--batch" -> batch = Integer.parseInt(value(args, ++i));
                case "--vector-bits" -> System.setProperty("squall.vectorBits", value(args, ++i));
                case "--types" -> {
                    List<GGMLType> t = new ArrayList<>();
                    for (String s : value(args, ++i).split(",")) {
                        t.add(GGMLType.valueOf(s.trim().toUpperCase(Locale.ROOT)));
                    }
                    types = t;
                }
                case "--shapes" -> {
                    List<int[]> s = new ArrayList<>();
                    for (String shape : value(args, ++i).split(",")) {
                        String[] rc = shape.trim().split("x");
                        s.add(new int[] {Integer.parseInt(rc[0]), Integer.parseInt(rc[1])});
                    }
                    shapes = s;
                }
                case "--help", "-h" -> {
                    System.out.println(
                            "usage: MatVecBench [--seconds S (per case, default 2)] [--types Q8_0,Q4_0,...,IQ4_XS,F16,BF16,F32 (default: every quantized type and F16)]"
                                    + " [--shapes ROWSxCOLS,...] [--batch B (matmul batch, 0 = none; default 16)] [--working-set-mb M (default 1024; above the L3)]  (threads: -Dsquall.threads=N)");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (try --help)");
            }
        }
        System.out.printf(
                Locale.ROOT,
                "threads %d, vector %s%n",
                Threads.count(),
                jdk.incubator.vector.FloatVector.SPECIES_PREFERRED);
        // the kernels first, the bandwidth probes after them: a probe run first left C2 compiling the repacked Q4_0
        // kernel in a slow form (see MemoryBandwidth)
        java.util.List<Row> rows = new java.util.ArrayList<>();
        for (GGMLType type : types) {
            for (int[] shape : shapes) {
                rows.add(run(type, shape[0], shape[1], seconds, batch));
            }
        }
        System.out.print("measuring read bandwidth... ");
        System.out.flush();
        double bandwidth = MemoryBandwidth.measureReadGBps();
        System.out.printf(Locale.ROOT, "%.1f GB/s%n", bandwidth);
        double cpuBandwidth = Double.NaN;
        if (Threads.count() == 1) {
            cpuBandwidth = MemoryBandwidth.measureReadGBpsPerCpuSecond(5);
            System.out.printf(Locale.ROOT, "read bandwidth per CPU second (one thread): %.1f GB/s%n", cpuBandwidth);
        }
        System.out.printf(
                Locale.ROOT,
                "%-6s %-11s %9s %9s %8s %10s %s%s%n",
                "type",
                "shape",
                "MB",
                "us/matvec",
                "GB/s",
                "of bandw.",
                Threads.count() == 1 ? "  GB/s per CPU s, of read per CPU s" : "",
                batch > 1 ? "  matmul batch " + batch + ": us/vector, x faster than matvec" : "");
        for (Row r : rows) {
            String perCpu = Double.isNaN(r.cpuGbps())
                    ? ""
                    : String.format(Locale.ROOT, "  %14.2f %18.0f%%", r.cpuGbps(), 100 * r.cpuGbps() / cpuBandwidth);
            System.out.printf(
                    Locale.ROOT,
                    "%-6s %-11s %9.1f %9.1f %8.2f %9.0f%% %s%s%s%s%n",
                    r.type(),
                    r.shape(),
                    r.megabytes(),
                    r.microseconds(),
                    r.gbps(),
                    100 * r.gbps() / bandwidth,
                    perCpu,
                    r.matmul(),
                    r.floatX(),
                    r.repacked());
        }
    }

    /** One case's figures; the bandwidth fractions are taken when it is printed, after the probe. */
    private record Row(
            GGMLType type,
            String shape,
            double megabytes,
            double microseconds,
            double gbps,
            double cpuGbps,
            String matmul,
            String floatX,
            String repacked) {}

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static final java.lang.management.ThreadMXBean CPU =
            java.lang.management.ManagementFactory.getThreadMXBean();

    /** CPU seconds of this thread per matvec over the last {@link #secondsPerMatvec} measurement. */
    private static double cpuSecondsPerMatvec;

    /**
     * Warm-up lets C2 compile the kernel (2 s, and 1 s of this thread's CPU time: on a busy machine 2 s of wall clock
     * may leave it interpreted); then the best of several windows, for at least {@code seconds} and half of that in
     * CPU time, since other processes share the cores.
     */
    private static double secondsPerMatvec(WeightMatrix[] matrices, float[] x, float[] out, double seconds) {
        int copies = matrices.length;
        long cpu0 = CPU.getCurrentThreadCpuTime();
        long warmupEnd = System.nanoTime() + 2_000_000_000L;
        int c = 0;
        while (System.nanoTime() < warmupEnd || CPU.getCurrentThreadCpuTime() - cpu0 < 1_000_000_000L) {
            matrices[c++ % copies].matvec(x, out, 0);
        }
        double secondsPerCall = Double.MAX_VALUE;
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long cpuStart = CPU.getCurrentThreadCpuTime();
        long calls = 0;
        do {
            long start = System.nanoTime();
            for (int k = 0; k < copies; k++) {
                matrices[k].matvec(x, out, 0);
            }
            calls += copies;
            secondsPerCall = Math.min(secondsPerCall, (System.nanoTime() - start) / 1e9 / copies);
        } while (System.nanoTime() < deadline || CPU.getCurrentThreadCpuTime() - cpuStart < seconds * 0.5e9);
        cpuSecondsPerMatvec = (CPU.getCurrentThreadCpuTime() - cpuStart) / 1e9 / calls;
        return secondsPerCall;
    }

    private static Row run(GGMLType type, int rows, int cols, double seconds, int batch) {
        float[] values = new float[rows * cols];
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextDouble(-1, 1);
        }
        MemorySegment one = Quantizer.quantize(type, values);
        int copies = (int) Math.max(2, workingSetBytes / one.byteSize());
        try (Arena arena = Arena.ofShared()) {
            WeightMatrix[] matrices = new WeightMatrix[copies];
            for (int c = 0; c < copies; c++) {
                MemorySegment copy = arena.allocate(one.byteSize(), 64);
                copy.copyFrom(one);
                // the integer path where a type has one; its float path is measured below in the same run
                matrices[c] =
                        WeightMatrix.of("bench." + c, type, copy, rows, cols).withQuantizedActivations();
            }
            float[] x = new float[cols];
            for (int i = 0; i < cols; i++) {
                x[i] = (float) random.nextDouble(-1, 1);
            }
            float[] out = new float[rows];
            double secondsPerCall = secondsPerMatvec(matrices, x, out, seconds);
            double gbps = one.byteSize() / secondsPerCall / 1e9;
            double cpuSeconds = cpuSecondsPerMatvec;
            double cpuGbps = Threads.count() == 1 ? one.byteSize() / cpuSeconds / 1e9 : Double.NaN;
            String floatX = "";
            if (matrices[0].quantizesActivations()) {
                // the same kernels' float-x path, measured in the same run (what int8 activations gain)
                WeightMatrix[] exact = new WeightMatrix[copies];
                for (int k = 0; k < copies; k++) {
                    exact[k] = matrices[k].withFloatActivations();
                }
                double exactSeconds = secondsPerMatvec(exact, x, new float[rows], seconds);
                floatX = String.format(
                        Locale.ROOT,
                        "  float x: %7.1f us, int8 x %4.2fx faster",
                        exactSeconds * 1e6,
                        exactSeconds / secondsPerCall);
                if (Threads.count() == 1) {
                    floatX += String.format(Locale.ROOT, " (%4.2fx in CPU time)", cpuSecondsPerMatvec / cpuSeconds);
                }
            }
            String repacked = "";
            WeightMatrix[] copiesRepacked = null;
            if (matrices[0].repacked(arena) != matrices[0]) {
                // Q4_0 repacked into 16-row interleaved groups (as the CPU engine does at load), same run
                copiesRepacked = new WeightMatrix[copies];
                for (int k = 0; k < copies; k++) {
                    copiesRepacked[k] = matrices[k].repacked(arena);
                }
                double repackedSeconds = secondsPerMatvec(copiesRepacked, x, new float[rows], seconds);
                repacked = String.format(
                        Locale.ROOT,
                        "  repacked: %7.1f us, %4.2fx faster",
                        repackedSeconds * 1e6,
                        secondsPerCall / repackedSeconds);
                if (Threads.count() == 1) {
                    repacked += String.format(Locale.ROOT, " (%4.2fx in CPU time)", cpuSeconds / cpuSecondsPerMatvec);
                }
            }
            String matmul = "";
            if (batch > 1) {
                float[] xs = new float[batch * cols];
                for (int i = 0; i < xs.length; i++) {
                    xs[i] = (float) random.nextDouble(-1, 1);
                }
                float[] outs = new float[batch * rows];
                int k = 0;
                long warm = System.nanoTime() + 2_000_000_000L;
                for (int rep = 0; rep < 3 || System.nanoTime() < warm; rep++) {
                    matrices[k++ % copies].matmul(xs, batch, outs);
                }
                double best = Double.MAX_VALUE;
                long end = System.nanoTime() + (long) (seconds * 1e9);
                do {
                    long t0 = System.nanoTime();
                    matrices[k++ % copies].matmul(xs, batch, outs);
                    best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                } while (System.nanoTime() < end);
                matmul = String.format(
                        Locale.ROOT, "  %9.1f %6.2fx", best / batch * 1e6, secondsPerCall / (best / batch));
                if (copiesRepacked != null) {
                    double bestRepacked = Double.MAX_VALUE;
                    long endRepacked = System.nanoTime() + (long) (seconds * 1e9);
                    long warmRepacked = System.nanoTime() + 1_000_000_000L;
                    do {
                        long t0 = System.nanoTime();
                        copiesRepacked[k++ % copies].matmul(xs, batch, outs);
                        if (System.nanoTime() > warmRepacked) {
                            bestRepacked = Math.min(bestRepacked, (System.nanoTime() - t0) / 1e9);
                        }
                    } while (System.nanoTime() < endRepacked || bestRepacked == Double.MAX_VALUE);
                    repacked += String.format(
                            Locale.ROOT,
                            ", matmul %.1f us/vector (%4.2fx)",
                            bestRepacked / batch * 1e6,
                            best / bestRepacked);
                }
            }
            if (!Float.isFinite(out[rows / 2])) {
                throw new IllegalStateException("non-finite result");
            }
            return new Row(
                    type,
                    rows + "x" + cols,
                    one.byteSize() / 1e6,
                    secondsPerCall * 1e6,
                    gbps,
                    cpuGbps,
                    matmul,
                    floatX,
                    repacked);
        }
    }
}
