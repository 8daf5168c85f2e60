package io.squall.bench.ptx;

import io.squall.api.GridScheduler;
import io.squall.api.TaskGraph;
import io.squall.api.TornadoExecutionPlan;
import io.squall.api.WorkerGrid1D;
import io.squall.api.WorkerGrid2D;
import io.squall.api.enums.DataTransferMode;
import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FloatArray;
import io.squall.backend.ComputeDevice;
import io.squall.backend.ptx.PtxDevice;
import io.squall.backend.ptx.driver.CudaDevice;
import io.squall.bench.runtime.Workloads;
import io.squall.device.Devices;

import java.util.Arrays;
import java.util.Random;

/**
 * PTX backend benchmark on a CUDA GPU: the kernel suite's matmul (tiled and loop-parallel, 1024x1024 F32), a Q8_0
 * matrix-vector product (2048 x 8192) as achieved bandwidth against the device's peak, and the per-execution
 * launch overhead of a 16-task graph with and without CUDA graph replay ({@code squall.cudaGraphs}).
 * Usage: {@code java -cp ... io.squall.bench.ptx.PtxBenchmark [ptx:N]}.
 */
public final class PtxBenchmark {
    private static final int RUNS = 20;

    private PtxBenchmark() {}

    public static void main(String[] args) throws Exception {
        String id = args.length > 0 ? args[0] : "ptx:0";
        if (id.startsWith("ptx") && Devices.backend("ptx").devices().isEmpty()) {
            System.err.println("no PTX device: " + Devices.backend("ptx").unavailableReason());
            System.exit(1);
        }
        ComputeDevice device = Devices.get(id, "the command line");
        double peakGBs = Double.NaN;
        if (device instanceof PtxDevice ptx) {
            CudaDevice cuda = ptx.cudaDevice();
            peakGBs = 2.0 * cuda.memoryClockKHz() * 1e3 * (cuda.memoryBusWidthBits() / 8.0) / 1e9;
            System.out.printf(
                    "device %s: %s, %s, %d SMs, %.0f GB/s peak memory bandwidth (%d MHz x %d bit, DDR)%n",
                    id,
                    cuda.name(),
                    cuda.smArch(),
                    cuda.multiprocessors(),
                    peakGBs,
                    cuda.memoryClockKHz() / 1000,
                    cuda.memoryBusWidthBits());
        } else {
            System.out.println("device " + device
                    + " (not a PTX device: figures for comparison only; graph replay does not apply)");
        }
        matmul(id);
        q8Matvec(id, peakGBs);
        launchOverhead(id, device instanceof PtxDevice);
    }

    private static FloatArray random(int n, long seed) {
        Random r = new Random(seed);
        FloatArray a = new FloatArray(n);
        for (int i = 0; i < n; i++) {
            a.set(i, r.nextFloat() * 2 - 1);
        }
        return a;
    }

    private static double median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static void matmul(String id) throws Exception {
        int n = 1024;
        FloatArray a = random(n * n, 1), b = random(n * n, 2), c1 = new FloatArray(n * n), c2 = new FloatArray(n * n);
        TaskGraph g = new TaskGraph("mm")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, a, b)
                .task("tiled", io.squall.examples.TiledMatMul::matmul, new io.squall.api.KernelContext(), a, b, c1, n)
                .task("loops", Workloads::matmul, a, b, c2, n)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, c1, c2);
        WorkerGrid2D grid = new WorkerGrid2D(n, n);
        grid.setLocalWork(io.squall.examples.TiledMatMul.TILE, io.squall.examples.TiledMatMul.TILE);
        long[] tiled = new long[RUNS], loops = new long[RUNS];
        long compile;
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot())
                .withDevice(TornadoExecutionPlan.getDevice(id))
                .withGridScheduler(new GridScheduler("mm.tiled", grid))) {
            compile = plan.execute().getProfilerResult().getCompileTime();
            for (int r = 0; r < RUNS; r++) {
                var p = plan.execute().getProfilerResult();
                tiled[r] = p.getTaskKernelTime("mm.tiled");
                loops[r] = p.getTaskKernelTime("mm.loops");
            }
        }
        double maxErr = 0;
        Random pick = new Random(3);
        for (int s = 0; s < 64; s++) {
            int i = pick.nextInt(n), j = pick.nextInt(n);
            double ref = 0;
            for (int k = 0; k < n; k++) {
                ref += (double) a.get(i * n + k) * b.get(k * n + j);
            }
            maxErr = Math.max(maxErr, Math.max(Math.abs(c1.get(i * n + j) - ref), Math.abs(c2.get(i * n + j) - ref)));
        }
        double flops = 2.0 * n * n * n;
        System.out.printf(
                "matmul %dx%d F32, suite's tiled kernel (%dx%d tiles): median %.3f ms, %.0f GFLOP/s%n",
                n,
                n,
                io.squall.examples.TiledMatMul.TILE,
                io.squall.examples.TiledMatMul.TILE,
                median(tiled) / 1e6,
                flops / median(tiled));
        System.out.printf(
                "matmul %dx%d F32, loop-parallel kernel:              median %.3f ms, %.0f GFLOP/s%n",
                n, n, median(loops) / 1e6, flops / median(loops));
        System.out.printf(
                "  (first execution incl. JIT + PTX load: compile %.1f ms; max |error| vs double reference over 64 samples: %.2e)%n",
                compile / 1e6, maxErr);
    }

    private static void q8Matvec(String id, double peakGBs) throws Exception {
        int rows = 2048, cols = 8192, blocks = cols / PtxBenchKernels.Q8_BLOCK;
        Random r = new Random(7);
        ByteArray w = new ByteArray(rows * blocks * PtxBenchKernels.Q8_BLOCK_BYTES);
        float[] wf = new float[PtxBenchKernels.Q8_BLOCK];
        double[] rowDot = new double[rows];
        FloatArray x = random(cols, 8), out = new FloatArray(rows);
        for (int row = 0; row < rows; row++) {
            for (int blk = 0; blk < blocks; blk++) {
                float amax = 0;
                for (int j = 0; j < wf.length; j++) {
                    wf[j] = (float) r.nextGaussian();
                    amax = Math.max(amax, Math.abs(wf[j]));
                }
                short scaleBits = Float.floatToFloat16(amax / 127f);
                float scale = Float.float16ToFloat(scaleBits);
                int base = (row * blocks + blk) * PtxBenchKernels.Q8_BLOCK_BYTES;
                w.set(base, (byte) scaleBits);
                w.set(base + 1, (byte) (scaleBits >> 8));
                double dot = 0;
                for (int j = 0; j < wf.length; j++) {
                    byte q = (byte) Math.round(wf[j] / scale);
                    w.set(base + 2 + j, q);
                    dot += q * (double) x.get(blk * PtxBenchKernels.Q8_BLOCK + j);
                }
                rowDot[row] += scale * dot;
            }
        }
        TaskGraph g = new TaskGraph("q8")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, w)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, x)
                .task("matvec", PtxBenchKernels::q8Matvec, new io.squall.api.KernelContext(), w, x, out, cols)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, out);
        WorkerGrid1D grid = new WorkerGrid1D((long) rows * PtxBenchKernels.Q8_THREADS);
        grid.setLocalWork(PtxBenchKernels.Q8_THREADS);
        long[] times = new long[RUNS];
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot())
                .withDevice(TornadoExecutionPlan.getDevice(id))
                .withGridScheduler(new GridScheduler("q8.matvec", grid))) {
            plan.execute();
            for (int i = 0; i < RUNS; i++) {
                times[i] = plan.execute().getProfilerResult().getTaskKernelTime("q8.matvec");
            }
        }
        double maxRel = 0;
        for (int row = 0; row < rows; row++) {
            maxRel = Math.max(maxRel, Math.abs(out.get(row) - rowDot[row]) / Math.max(1, Math.abs(rowDot[row])));
        }
        long bytes = w.getSize() + 4L * cols + 4L * rows;
        double t = median(times);
        System.out.printf(
                "Q8_0 matvec %dx%d (%.1f MB of weights): median %.1f us, %.0f GB/s = %.0f%% of peak (max rel. error %.1e)%n",
                rows, cols, w.getSize() / 1e6, t / 1e3, bytes / t, 100 * bytes / t / peakGBs, maxRel);
    }

    private static void launchOverhead(String id, boolean graphsApply) throws Exception {
        int tasks = 16, n = 256, runs = 300;
        FloatArray a = new FloatArray(n);
        TaskGraph g = new TaskGraph("lo").transferToDevice(DataTransferMode.FIRST_EXECUTION, a);
        for (int t = 0; t < tasks; t++) {
            g.task("bump" + t, PtxBenchKernels::bump, a);
        }
        g.transferToHost(DataTransferMode.UNDER_DEMAND, a);
        double[] perExecution = new double[2];
        long executions = 0;
        try (TornadoExecutionPlan plan =
                new TornadoExecutionPlan(g.snapshot()).withDevice(TornadoExecutionPlan.getDevice(id))) {
            for (int mode = 0; mode < (graphsApply ? 2 : 1); mode++) {
                System.setProperty(PtxDevice.CUDA_GRAPHS, mode == 1 ? "true" : "false");
                for (int w = 0; w < 20; w++) {
                    plan.execute();
                    executions++;
                }
                long start = System.nanoTime();
                for (int i = 0; i < runs; i++) {
                    plan.execute();
                    executions++;
                }
                perExecution[mode] = (System.nanoTime() - start) / (double) runs;
            }
            System.clearProperty(PtxDevice.CUDA_GRAPHS);
            plan.execute().transferToHost(a);
            executions++;
        }
        boolean correct = a.get(0) == executions * tasks && a.get(n - 1) == executions * tasks;
        System.out.printf(
                "launch overhead, %d tiny kernels per execution (end-to-end execute(), host wall time):%n", tasks);
        System.out.printf(
                "  stream launches:    %.1f us per execution, %.1f us per kernel%n",
                perExecution[0] / 1e3, perExecution[0] / 1e3 / tasks);
        if (graphsApply) {
            System.out.printf(
                    "  CUDA graph replay:  %.1f us per execution, %.1f us per kernel (%.1fx)%n",
                    perExecution[1] / 1e3, perExecution[1] / 1e3 / tasks, perExecution[0] / perExecution[1]);
        }
        System.out.printf(
                "  result check (every execution ran all %d kernels): %s%n",
                tasks, correct ? "ok" : "WRONG: " + a.get(0) + " vs " + executions * tasks);
    }
}
