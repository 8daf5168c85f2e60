package io.squall.api;

import io.squall.api.common.TornadoDevice;
import io.squall.api.enums.ProfilerMode;
import io.squall.api.enums.TornadoVMBackendType;
import io.squall.api.exceptions.TornadoExecutionPlanException;
import io.squall.plan.ExecutionProfile;
import io.squall.plan.GraphSpec;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Runs one or more task graphs, as in TornadoVM:
 * <pre>{@code
 * try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot())) {
 *     plan.withDevice(TornadoExecutionPlan.getDevice(0, 0)).withProfiler(ProfilerMode.SILENT);
 *     TornadoExecutionResult r = plan.execute();
 * }
 * }</pre>
 * {@code execute()} runs every graph in order (or the one chosen with {@link #withGraph}). Device buffers live
 * until {@link #freeDeviceMemory()} or {@link #close()}. Devices: {@code withDevice("graph.task", d)} beats
 * {@code -D<graph>.<task>.device}, which beats {@code withDevice(d)}, which beats {@code -Dsquall.device} and the
 * default device (first OpenCL GPU, else first OpenCL device, else the JVM); see {@link io.squall.plan.RuntimeOptions}.
 */
public class TornadoExecutionPlan implements AutoCloseable {
    private final PlanExecution executor;
    private final List<ImmutableTaskGraph> graphs;

    public TornadoExecutionPlan(ImmutableTaskGraph... graphs) {
        if (graphs == null || graphs.length == 0) {
            throw new IllegalArgumentException("an execution plan needs at least one ImmutableTaskGraph");
        }
        this.graphs = List.of(graphs);
        List<GraphSpec> specs =
                Arrays.stream(graphs).map(ImmutableTaskGraph::graph).toList();
        this.executor = RuntimeService.get().newExecution(specs);
    }

    /** Device {@code deviceIndex} of backend {@code backendIndex} (backend order: OpenCL first, the JVM last). */
    public static TornadoDevice getDevice(int backendIndex, int deviceIndex) {
        return RuntimeService.get().backend(backendIndex).getDevice(deviceIndex);
    }

    /** The device with Squall id {@code opencl:N}, {@code jvm}, ... */
    public static TornadoDevice getDevice(String id) {
        return RuntimeService.get().device(id);
    }

    public synchronized TornadoExecutionResult execute() {
        ExecutionProfile profile = executor.execute();
        return new TornadoExecutionResult(this, profile);
    }

    synchronized void transferToHost(ExecutionProfile profile, Object... objects) {
        executor.transferToHost(profile, objects);
    }

    /** Runs every task on {@code device}. */
    public synchronized TornadoExecutionPlan withDevice(TornadoDevice device) {
        executor.device(device);
        return this;
    }

    /** Runs task {@code "graph.task"} on {@code device}. */
    public synchronized TornadoExecutionPlan withDevice(String graphDotTask, TornadoDevice device) {
        executor.device(graphDotTask, device);
        return this;
    }

    public synchronized TornadoExecutionPlan withGridScheduler(GridScheduler grids) {
        executor.gridScheduler(grids);
        return this;
    }

    public synchronized TornadoExecutionPlan withProfiler(ProfilerMode mode) {
        executor.profiler(mode);
        return this;
    }

    public synchronized TornadoExecutionPlan withoutProfiler() {
        executor.profiler(null);
        return this;
    }

    /** On the first execute(), runs the graphs {@code n} extra times first (compiling and copying), then the measured run. */
    public synchronized TornadoExecutionPlan withWarmUpIterations(int n) {
        executor.warmUpIterations(n);
        return this;
    }

    /** Compiles every task for its device now instead of at the first execute(). */
    public synchronized TornadoExecutionPlan withPreCompilation() {
        executor.precompile();
        return this;
    }

    /**
     * Compiles the tasks of graph {@code index} (0-based, in constructor order) now, leaving the graph selection as it
     * is. A Squall addition: an application may call it from a background thread while it prepares other things (an
     * execute() from another thread waits for it, as every method of a plan is synchronized).
     */
    public synchronized TornadoExecutionPlan withPreCompilation(int index) {
        executor.precompile(index);
        return this;
    }

    /** Prints each task's generated code when it is compiled. */
    public synchronized TornadoExecutionPlan withPrintKernel() {
        executor.printKernel(true);
        return this;
    }

    public synchronized TornadoExecutionPlan withoutPrintKernel() {
        executor.printKernel(false);
        return this;
    }

    /** Prints each launch's device and work sizes. */
    public synchronized TornadoExecutionPlan withThreadInfo() {
        executor.threadInfo(true);
        return this;
    }

    public synchronized TornadoExecutionPlan withoutThreadInfo() {
        executor.threadInfo(false);
        return this;
    }

    /**
     * Checked mode: every array access of every task is bounds-checked and every integer division checked for a zero
     * divisor, on every backend; the first failure of a launch is a TornadoRuntimeException naming the task, kernel,
     * source line and index (on the JVM the kernel's own Java exception, which names them too). Slower; for finding bugs.
     * Also on for all plans with {@code -Dsquall.checked=true}.
     */
    public synchronized TornadoExecutionPlan withBoundsChecks() {
        executor.checked(true);
        return this;
    }

    /**
     * Vouches that this plan's kernels access their arrays in bounds (for kernels tested in checked mode, such as the
     * Llama engine's): CPU devices then run them without the guards that otherwise keep a stray access inside its
     * buffer (a guarded load costs up to ~2x on a memory-bound kernel). A kernel that does access out of bounds can then
     * corrupt or crash the process, as on a GPU. Checked mode still checks.
     */
    public synchronized TornadoExecutionPlan withoutAccessGuards() {
        executor.accessGuards(false);
        return this;
    }

    public synchronized TornadoExecutionPlan withoutBoundsChecks() {
        executor.checked(false);
        return this;
    }

    /** Fails an allocation that would take the plan's device memory beyond {@code limit} ("1GB", "512MB", "64KB", bytes). */
    public synchronized TornadoExecutionPlan withMemoryLimit(String limit) {
        executor.memoryLimit(limit);
        return this;
    }

    public synchronized TornadoExecutionPlan withoutMemoryLimit() {
        executor.memoryLimit(null);
        return this;
    }

    /**
     * Compiler flags: {@code -fast-math} (also accepted: {@code -cl-fast-relaxed-math}, {@code fastMath}) opts into
     * relaxed floating point; {@code -precise} returns to the default; {@code -specialize} folds scalar arguments
     * into the kernel (a plan's scalars are fixed, so it is safe; each new value compiles a new kernel).
     */
    public synchronized TornadoExecutionPlan withCompilerFlags(String... flags) {
        for (String f : flags) {
            for (String flag : f.trim().split("\\s+")) {
                switch (flag.toLowerCase(Locale.ROOT)) {
                    case "" -> {}
                    case "-fast-math", "-cl-fast-relaxed-math", "fastmath", "-fastmath" -> executor.fastMath(true);
                    case "-precise" -> executor.fastMath(false);
                    case "-specialize" -> executor.specializeScalars(true);
                    default ->
                        throw new IllegalArgumentException("unknown compiler flag '" + flag
                                + "': known flags are -fast-math, -cl-fast-relaxed-math, -precise, -specialize");
                }
            }
        }
        return this;
    }

    /**
     * TornadoVM's per-backend flags: Squall's flags above apply to the whole plan whatever {@code backend} says; the driver optimisation levels TornadoVM's programs pass ({@code -cl-opt-disable}, {@code -O0} to
     * {@code -O3}) are accepted and do not change results, so Squall leaves the driver at its default.
     */
    public synchronized TornadoExecutionPlan withCompilerFlags(TornadoVMBackendType backend, String compilerFlags) {
        StringBuilder squallFlags = new StringBuilder();
        for (String flag : compilerFlags.trim().split("\\s+")) {
            if (!flag.matches("-cl-opt-disable|-O[0-3]")) {
                squallFlags.append(flag).append(' ');
            }
        }
        return withCompilerFlags(squallFlags.toString());
    }

    /** Forgets the plan's GridScheduler: launches go back to the sizes the runtime chooses. */
    public synchronized TornadoExecutionPlan withDefaultScheduler() {
        executor.defaultScheduler();
        return this;
    }

    /** Accepted for TornadoVM programs: on PTX devices Squall already replays re-executed plans as CUDA graphs. */
    public synchronized TornadoExecutionPlan withCUDAGraph() {
        return this;
    }

    /** Runs only graph {@code index} (0-based, in constructor order) on execute(). */
    public synchronized TornadoExecutionPlan withGraph(int index) {
        executor.graph(index);
        return this;
    }

    public synchronized TornadoExecutionPlan withAllGraphs() {
        executor.allGraphs();
        return this;
    }

    /** Device memory the plan holds now, in bytes. */
    public synchronized long getCurrentDeviceMemoryUsage() {
        return executor.usage();
    }

    /** Frees the plan's device buffers; data held only on a device is lost (bring it to the host first). */
    public synchronized void freeDeviceMemory() {
        executor.freeDeviceMemory();
    }

    public List<ImmutableTaskGraph> getGraphs() {
        return graphs;
    }

    /** Frees the plan's device memory. Declares TornadoVM's checked exception so ported code's handlers compile. */
    @Override
    public synchronized void close() throws TornadoExecutionPlanException {
        executor.close();
    }
}
