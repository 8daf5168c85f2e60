package io.squall.device.placement;

import io.squall.api.ImmutableTaskGraph;
import io.squall.api.TaskGraph;
import io.squall.api.TornadoExecutionPlan;
import io.squall.api.TornadoExecutionResult;
import io.squall.api.annotations.Parallel;
import io.squall.api.enums.DataTransferMode;
import io.squall.api.types.arrays.FloatArray;
import io.squall.backend.ComputeDevice;
import io.squall.device.SquallDevice;

/**
 * Measures a device's memory bandwidth with a copy kernel run through the runtime (so it is what kernels see):
 * bytes read plus bytes written per second of kernel time, best of a few runs.
 */
public final class BandwidthProbe {
    private static final long DEFAULT_BYTES = 128L << 20;
    private static final int RUNS = 5;

    private BandwidthProbe() {}

    public record Result(double bytesPerSecond, long bufferBytes, int runs) {}

    public static void copy(FloatArray in, FloatArray out) {
        for (@Parallel int i = 0; i < out.getSize(); i++) {
            out.set(i, in.get(i));
        }
    }

    /**
     * The copy's time: the device's kernel time when it is plausible, else the wall time around the execution. Some
     * drivers' profiling clocks are not usable: Mesa rusticl on llvmpipe reported ~1 ns for a 256 MB copy (268435456
     * GB/s). A kernel time under 1/1000 of the wall time, or none, is such a clock (a real copy of 128 MB takes far longer
     * than its launch), so the wall time is taken, which includes the launch but never overstates the bandwidth.
     */
    static long elapsedNanos(long kernelNanos, long wallNanos) {
        return kernelNanos > 0 && kernelNanos >= wallNanos / 1000 ? kernelNanos : wallNanos;
    }

    public static Result measure(ComputeDevice device) {
        long bytes = Math.min(DEFAULT_BYTES, device.properties().maxAllocation() / 2);
        bytes = Math.min(bytes, device.properties().globalMemory() / 8);
        int n = (int) Math.max(1 << 16, bytes / Float.BYTES);
        FloatArray in = new FloatArray(n);
        FloatArray out = new FloatArray(n);
        for (int i = 0; i < n; i += 1024) {
            in.set(i, i);
        }
        ImmutableTaskGraph graph = new TaskGraph("squallBandwidth")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, in)
                .task("copy", BandwidthProbe::copy, in, out)
                .transferToHost(DataTransferMode.UNDER_DEMAND, out)
                .snapshot();
        long best = Long.MAX_VALUE;
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph)) {
            plan.withDevice(SquallDevice.of(device))
                    .withProfiler(io.squall.api.enums.ProfilerMode.SILENT)
                    .execute();
            for (int r = 0; r < RUNS; r++) {
                long start = System.nanoTime();
                TornadoExecutionResult result = plan.execute();
                long wall = System.nanoTime() - start;
                best = Math.min(best, elapsedNanos(result.getProfilerResult().getDeviceKernelTime(), wall));
            }
        } catch (io.squall.api.exceptions.TornadoExecutionPlanException e) {
            throw new IllegalStateException("bandwidth probe on " + device.id() + ": " + e.getMessage(), e);
        }
        double perSecond = 2.0 * n * Float.BYTES / (best / 1e9);
        return new Result(perSecond, (long) n * Float.BYTES, RUNS);
    }
}
