package io.squall.exec;

import io.squall.api.GridScheduler;
import io.squall.api.WorkerGrid;
import io.squall.api.enums.DataTransferMode;
import io.squall.api.enums.ProfilerMode;
import io.squall.api.exceptions.TornadoRuntimeException;
import io.squall.api.types.arrays.ArrayBacked;
import io.squall.backend.CodeEmitters;
import io.squall.backend.ComputeDevice;
import io.squall.backend.DeviceBuffer;
import io.squall.backend.DeviceTimings;
import io.squall.backend.LaunchRequest;
import io.squall.jit.Kernel;
import io.squall.jit.ir.Constant;
import io.squall.plan.ExecutionProfile;
import io.squall.plan.GraphSpec;
import io.squall.plan.RuntimeOptions;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the graphs of one execution plan, in order: each task on its device ({@link TaskDevices}), prepared once per
 * device and settings ({@link TaskCompiler}), launched with its {@link LaunchGeometry} after the copies its arguments
 * need ({@link Residency}); then the graph's results to the host and the profile ({@link ProfileReport}).
 * Not thread-safe on its own: {@code TornadoExecutionPlan} serializes calls.
 */
public final class PlanExecutor {
    private final List<GraphSpec> graphs;
    private final Map<String, BoundTask> tasksByName = new LinkedHashMap<>();
    private final Map<String, Integer> executions = new HashMap<>();
    private final PlanSettings settings = new PlanSettings();
    private final TaskDevices devices = new TaskDevices();
    private final TaskCompiler compiler;
    private final Residency residency = new Residency();
    private final CheckedLaunches checkedLaunches = new CheckedLaunches();
    private GridScheduler grids;
    private boolean warmedUp;
    private List<GraphSpec> selected;
    private boolean closed;

    public PlanExecutor(List<GraphSpec> graphs) {
        if (graphs.isEmpty()) {
            throw new IllegalArgumentException("an execution plan needs at least one task graph");
        }
        Set<String> names = new LinkedHashSet<>();
        for (GraphSpec g : graphs) {
            if (!names.add(g.name())) {
                throw new IllegalArgumentException("two task graphs in one plan are both named '" + g.name() + "'");
            }
            for (GraphSpec.TaskSpec t : g.tasks()) {
                BoundTask task = new BoundTask(g, t);
                tasksByName.put(task.name, task);
            }
        }
        this.graphs = List.copyOf(graphs);
        this.selected = this.graphs;
        String emit = RuntimeOptions.emit();
        this.compiler = new TaskCompiler(settings, emit == null ? null : CodeEmitters.get(emit));
    }

    // ---- settings ----

    public void device(ComputeDevice device) {
        devices.plan(device);
    }

    public void device(String graphDotTask, ComputeDevice device) {
        requireTask(graphDotTask, "withDevice");
        devices.task(graphDotTask, device);
    }

    public void gridScheduler(GridScheduler grids) {
        for (String key : grids.all().keySet()) {
            requireTask(key, "GridScheduler");
        }
        this.grids = grids;
    }

    /** Back to the launch sizes the runtime chooses (TornadoVM's withDefaultScheduler). */
    public void defaultScheduler() {
        this.grids = null;
    }

    public void profiler(ProfilerMode mode) {
        settings.profilerMode = mode;
    }

    public void warmUpIterations(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("warm-up iterations must not be negative: " + n);
        }
        settings.warmUpIterations = n;
        this.warmedUp = false;
    }

    public void printKernel(boolean on) {
        settings.printKernel = on;
    }

    public void threadInfo(boolean on) {
        settings.threadInfo = on;
    }

    public void fastMath(boolean on) {
        settings.fastMath = on;
    }

    public void accessGuards(boolean on) {
        settings.accessGuards = on;
    }

    public void checked(boolean on) {
        settings.checked = on;
    }

    public void specializeScalars(boolean on) {
        settings.specializeScalars = on;
    }

    /** @param text e.g. "1GB", "512MB", "64KB", "4096" (bytes; units are powers of 1024); null removes the limit */
    public void memoryLimit(String text) {
        residency.memoryLimit(text);
    }

    /** Runs only graph {@code index} on execute() (until {@link #allGraphs()}). */
    public void graph(int index) {
        if (index < 0 || index >= graphs.size()) {
            throw new IllegalArgumentException("withGraph(" + index + "): the plan has " + graphs.size() + " graphs");
        }
        selected = List.of(graphs.get(index));
    }

    public void allGraphs() {
        selected = graphs;
    }

    private void requireTask(String graphDotTask, String where) {
        if (!tasksByName.containsKey(graphDotTask)) {
            // TornadoRuntimeException, as TornadoVM throws for a grid naming no task of the plan
            throw new TornadoRuntimeException(where + ": no task '" + graphDotTask + "' in this plan; its tasks are "
                    + String.join(", ", tasksByName.keySet()));
        }
    }

    // ---- execution ----

    /** Runs the selected graphs once (after the warm-up iterations on the first call) and returns its profile. */
    public ExecutionProfile execute() {
        checkOpen();
        if (!warmedUp) {
            for (int i = 0; i < settings.warmUpIterations; i++) {
                runOnce(new ExecutionProfile());
            }
            warmedUp = true;
        }
        ExecutionProfile profile = new ExecutionProfile();
        long start = System.nanoTime();
        runOnce(profile);
        synchronized (profile) {
            profile.totalNanos = System.nanoTime() - start;
            profile.deviceMemoryBytes = usage();
        }
        ProfileReport.report(profile, settings.profilerMode);
        return profile;
    }

    /** Compiles every task for its device now (TornadoVM's withPreCompilation). */
    public void precompile() {
        precompile(selected);
    }

    /** Compiles the tasks of graph {@code index} (0-based, in constructor order) now, whatever graphs are selected. */
    public void precompile(int index) {
        if (index < 0 || index >= graphs.size()) {
            throw new IllegalArgumentException("graph " + index + ": the plan has " + graphs.size() + " graphs");
        }
        precompile(List.of(graphs.get(index)));
    }

    /**
     * Prepares the tasks side by side (the JIT of one while the driver builds another: on PoCL the driver's build and
     * Squall's JIT take similar times). Each task is prepared by one thread; the kernel cache serializes what it must.
     */
    private void precompile(List<GraphSpec> which) {
        checkOpen();
        ExecutionProfile profile = new ExecutionProfile();
        List<BoundTask> tasks = new ArrayList<>();
        for (GraphSpec g : which) {
            for (GraphSpec.TaskSpec t : g.tasks()) {
                tasks.add(tasksByName.get(g.name() + "." + t.id()));
            }
        }
        tasks.parallelStream().forEach(task -> compiler.prepare(task, devices.deviceFor(task.name), profile));
    }

    private void runOnce(ExecutionProfile profile) {
        for (GraphSpec g : selected) {
            runGraph(g, profile);
        }
    }

    private void runGraph(GraphSpec g, ExecutionProfile profile) {
        profile.graph(g.name());
        boolean first = executions.merge(g.name(), 1, Integer::sum) == 1;
        Set<Object> consumed = Collections.newSetFromMap(new IdentityHashMap<>());
        for (GraphSpec.Consumed c : g.consumed()) {
            residency.adoptConsumed(g, c);
            consumed.add(c.object());
        }
        for (Object o : g.allocatedOnDevice()) {
            residency.state(o).allocatedOnDevice = true;
        }
        for (GraphSpec.Transfer t : g.toDevice()) {
            if (consumed.contains(t.object())) {
                continue;
            }
            ObjectState existing = residency.find(t.object());
            if (t.mode() == DataTransferMode.EVERY_EXECUTION && existing != null) {
                existing.hostAuthoritative(); // the program may have changed it: copy it again
            }
            // FIRST_EXECUTION: a new state starts host-valid and is copied when a task first needs it, then kept.
        }
        Set<ComputeDevice> used = new LinkedHashSet<>();
        for (GraphSpec.TaskSpec t : g.tasks()) {
            BoundTask task = tasksByName.get(g.name() + "." + t.id());
            used.add(launch(task, compiler.prepare(task, devices.deviceFor(task.name), profile), profile));
        }
        for (GraphSpec.Transfer t : g.toHost()) {
            ObjectState s = residency.find(t.object());
            if (s != null
                    && (t.mode() == DataTransferMode.EVERY_EXECUTION
                            || t.mode() == DataTransferMode.FIRST_EXECUTION && first)) {
                residency.ensureOnHost(s, profile);
            }
        }
        collectTimings(used, profile);
        residency.persist(g);
    }

    /** Launches a prepared task, after copying its arguments to its device; returns the device it ran on. */
    private ComputeDevice launch(BoundTask task, PreparedTask p, ExecutionProfile profile) {
        ComputeDevice device = p.device();
        ExecutionProfile.TaskRecord tp = profile.task(task.name);
        tp.device = device.id();
        tp.fellBackToJvm = p.fellBack();
        WorkerGrid grid = grids == null ? null : grids.get(task.name);
        Object[] operands = LaunchOperands.of(task, p.kernel(), device, residency);
        LaunchGeometry geometry =
                LaunchGeometry.of(task.name, task.usesKernelContext, grid, device, p.kernel(), operands);
        geometry.checkIdRange(task.name);
        DeviceBuffer[] buffers = new DeviceBuffer[operands.length];
        List<ObjectState> arrays = new ArrayList<>();
        for (int i = 0; i < operands.length; i++) {
            if (HostData.isData(dataOf(operands[i]))) {
                ObjectState s = residency.state(dataOf(operands[i]));
                Kernel.Access access = device.compilesKernels() && p.kernel() != null
                        ? p.kernel().access(i)
                        : null;
                residency.ensureOn(
                        s, device, profile, task.name, access == Kernel.Access.READ || access == Kernel.Access.NONE);
                arrays.add(s);
                if (!device.usesHostMemory()) {
                    buffers[i] = s.copies.get(device).buffer;
                }
            }
        }
        tp.global = geometry.global();
        tp.local = geometry.local();
        if (settings.threadInfo) {
            System.out.println("squall: task " + task.name + " on " + device.id() + ": " + geometry.describe());
        }
        DeviceBuffer errors = null;
        if (device.compilesKernels() && p.kernel() != null && p.kernel().errorBuffer() != null) {
            errors = checkedLaunches.clearedBuffer(device);
        }
        if (device.compilesKernels() && p.kernel() != null) {
            writeReductionStarts(p.kernel(), device, buffers);
        }
        try {
            device.launch(new LaunchRequest(
                    task.name,
                    task.method,
                    p.kernel(),
                    p.compiled(),
                    device.compilesKernels() ? operands : task.args,
                    buffers,
                    geometry.global(),
                    geometry.local(),
                    errors));
        } catch (RuntimeException e) {
            if (device.compilesKernels() && RuntimeOptions.fallbackToJvm()) {
                return launch(task, compiler.fallBack(task, device, p.kernel(), e), profile);
            }
            if (e instanceof TornadoRuntimeException) {
                throw e;
            }
            throw new TornadoRuntimeException(
                    "task " + task.name + " failed on " + device.id() + ": " + e.getMessage() + "\n(-D"
                            + RuntimeOptions.FALLBACK + "=jvm runs such tasks on the JVM instead)",
                    e);
        }
        if (errors != null) {
            CheckedLaunches.throwIfFailed(task.name, p.kernel(), device, errors);
        }
        int arrayIndex = 0;
        for (int i = 0; i < operands.length; i++) {
            if (HostData.isData(dataOf(operands[i]))) {
                ObjectState s = arrays.get(arrayIndex++);
                Kernel.Access access = p.kernel() == null || (!device.compilesKernels() && i >= task.args.length)
                        ? Kernel.Access.READ_WRITE
                        : p.kernel().access(i);
                if (access == Kernel.Access.WRITE || access == Kernel.Access.READ_WRITE || access == null) {
                    Residency.markWritten(s, device);
                }
            }
        }
        return device;
    }

    /** What holds an argument's data: a matrix or vector type's off-heap array, else the argument itself. */
    static Object dataOf(Object arg) {
        return arg instanceof ArrayBacked backed ? backed.getStorage() : arg;
    }

    /** Writes the constant initial values of the kernel's @Reduce arguments into their element 0 (see Kernel.ReductionStart). */
    private static void writeReductionStarts(Kernel kernel, ComputeDevice device, DeviceBuffer[] buffers) {
        for (Kernel.ReductionStart start : kernel.reductionStarts()) {
            Constant c = start.value();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment value = arena.allocate(8, 8);
                // the constant's bits (float/double raw bits, integers sign-extended): its low bytes are the element
                value.set(ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN), 0, c.bits());
                device.write(buffers[start.javaArgIndex()], 0, value, c.type().bytes(), true);
            }
        }
    }

    private void collectTimings(Set<ComputeDevice> used, ExecutionProfile profile) {
        for (ComputeDevice d : used) {
            DeviceTimings t = d.finish();
            t.kernelNanosByTask().forEach((task, ns) -> profile.task(task).kernelNanos += ns);
            profile.transferTimes(t.writeNanos(), t.readNanos());
        }
        // Devices that only served copies (an object moved off them) are finished too.
        for (ComputeDevice d : residency.devicesWithCopies()) {
            if (!used.contains(d)) {
                DeviceTimings t = d.finish();
                profile.transferTimes(t.writeNanos(), t.readNanos());
            }
        }
    }

    // ---- results and memory ----

    /** Device memory held by this plan's objects. */
    public long usage() {
        return residency.usage();
    }

    /** Brings objects (or {@link io.squall.api.DataRange}s of them) to the host for an execution's result; counted in {@code profile}. */
    public void transferToHost(ExecutionProfile profile, Object... objects) {
        checkOpen();
        residency.transferToHost(profile, objects);
    }

    /** Frees the plan's device buffers (persisted ones stay while another plan holds them). Data only on a device is lost. */
    public void freeDeviceMemory() {
        residency.releaseAll();
        checkedLaunches.closeAll();
    }

    public void close() {
        if (!closed) {
            freeDeviceMemory();
            closed = true;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this execution plan was closed");
        }
    }
}
