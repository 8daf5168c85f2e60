package io.squall.exec;

import io.squall.api.WorkerGrid;
import io.squall.api.enums.TornadoDeviceType;
import io.squall.api.exceptions.TornadoRuntimeException;
import io.squall.backend.ComputeDevice;
import io.squall.jit.Kernel;

import java.util.Arrays;

/**
 * The global and local work sizes of one launch. {@code global} is null for a Java method run on the JVM, {@code local}
 * null when the driver chooses it.
 */
record LaunchGeometry(long[] global, long[] local) {
    /** Cap on the default global size per dimension; grid-stride loops cover the rest. */
    static final long MAX_DEFAULT_GLOBAL = 1L << 24;

    /**
     * The geometry of task {@code task} run as {@code kernel} on {@code device}: from its grid when the plan gave one,
     * else from the kernel's iteration space (its {@code @Parallel} loop bounds evaluated on {@code args}) or the device's
     * size; a work-group size the kernel requires rounds the global size up. For the JVM backend only KernelContext
     * tasks get one.
     *
     * @param grid the plan's grid for this task, or null
     * @param kernel the JIT's kernel, or null when the task runs as Java
     */
    static LaunchGeometry of(
            String task,
            boolean usesKernelContext,
            WorkerGrid grid,
            ComputeDevice device,
            Kernel kernel,
            Object[] args) {
        if (usesKernelContext && grid == null) {
            throw new TornadoRuntimeException("task " + task + " uses a KernelContext, so it needs a launch grid: "
                    + "withGridScheduler(new GridScheduler(\"" + task + "\", new WorkerGrid1D(n)))");
        }
        if (!device.compilesKernels() || kernel == null) {
            return usesKernelContext
                    ? new LaunchGeometry(grid.getGlobalWork(), grid.getLocalWork())
                    : new LaunchGeometry(null, null);
        }
        int[] required = kernel.requiredLocalSize();
        switch (kernel.shape()) {
            case SINGLE_THREAD -> {
                return new LaunchGeometry(new long[] {1}, null);
            }
            case KERNEL_CONTEXT -> {
                long[] global = grid.getGlobalWork();
                long[] local = grid.getLocalWork() != null ? grid.getLocalWork() : widen(required, global.length);
                if (local != null) {
                    for (int d = 0; d < global.length; d++) {
                        if (global[d] % local[d] != 0) {
                            throw new TornadoRuntimeException("task " + task + ": global work size "
                                    + Arrays.toString(global) + " is not a multiple of the work-group size "
                                    + Arrays.toString(local) + " in dimension " + d);
                        }
                    }
                }
                return new LaunchGeometry(global, local);
            }
            default -> {
                int dims = Math.max(1, kernel.dimensions());
                long[] global;
                long[] local = null;
                if (grid != null) {
                    if (grid.dimensions() != dims) {
                        throw new TornadoRuntimeException("task " + task + ": its grid has " + grid.dimensions()
                                + " dimensions, its parallel loops " + dims);
                    }
                    global = grid.getGlobalWork();
                    local = grid.getLocalWork();
                } else {
                    long[] space = kernel.iterationSpace(args);
                    global = new long[dims];
                    for (int d = 0; d < dims; d++) {
                        long n = space != null && d < space.length ? space[d] : defaultGlobal(device, d);
                        global[d] = Math.max(1, Math.min(n, MAX_DEFAULT_GLOBAL));
                    }
                }
                if (required != null) {
                    local = widen(required, dims);
                } else if (local == null && device.type() == TornadoDeviceType.CPU) {
                    local = privateMemoryCap(kernel, global);
                }
                if (local != null) {
                    for (int d = 0; d < dims; d++) {
                        global[d] = (global[d] + local[d] - 1) / local[d] * local[d];
                    }
                }
                return new LaunchGeometry(global, local);
            }
        }
    }

    /**
     * Kernels see work-item ids as Java ints (i32 in the IR), so a dimension of 2^31 or more would wrap them and index
     * arrays at negative offsets: such a launch is refused before anything runs.
     */
    void checkIdRange(String task) {
        if (global == null) {
            return;
        }
        for (int d = 0; d < global.length; d++) {
            if (global[d] > Integer.MAX_VALUE || global[d] < 0) {
                throw new TornadoRuntimeException("task " + task + ": global work size " + Arrays.toString(global)
                        + " is beyond the limit of " + Integer.MAX_VALUE + " (2^31 - 1) work-items in dimension " + d
                        + ": kernels index with Java ints; split the work over dimensions or launches");
            }
        }
    }

    /** For {@code -Dsquall.threadInfo}. */
    String describe() {
        return "global " + Arrays.toString(global) + ", local "
                + (local == null ? "chosen by the driver" : Arrays.toString(local));
    }

    /** Private array bytes all work-items of one CPU work-group may hold together (see {@link #privateMemoryCap}). */
    static final long CPU_GROUP_PRIVATE_BYTES = 256 * 1024;

    /**
     * A work-group size for a kernel with private arrays on a CPU device, or null (the driver's choice) without them.
     * PoCL runs a work-group as one loop on one thread's stack, with every work-item's private arrays side by side:
     * left to choose, it took 4096 work-items for 8192-row prompt products whose 2 KB per work-item overflowed that
     * stack (SIGSEGV in the kernel, the JVM gone). Capped so that a group's private arrays stay within
     * {@link #CPU_GROUP_PRIVATE_BYTES}; the global size is rounded up to it, as for a required size.
     */
    static long[] privateMemoryCap(Kernel kernel, long[] global) {
        long bytes = kernel.privateArrayBytes();
        if (bytes == 0) {
            return null;
        }
        long[] local = new long[global.length];
        Arrays.fill(local, 1);
        local[0] = Math.max(1, Math.min(global[0], CPU_GROUP_PRIVATE_BYTES / bytes));
        return local;
    }

    private static long defaultGlobal(ComputeDevice device, int dimension) {
        if (dimension > 0) {
            return 16;
        }
        long units = Math.max(1, device.properties().computeUnits());
        return units * Math.max(1, Math.min(256, device.properties().maxWorkGroupSize()));
    }

    private static long[] widen(int[] sizes, int dims) {
        if (sizes == null) {
            return null;
        }
        long[] out = new long[dims];
        for (int d = 0; d < dims; d++) {
            out[d] = d < sizes.length ? sizes[d] : 1;
        }
        return out;
    }
}
