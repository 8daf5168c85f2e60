package io.squall.exec;

import io.squall.api.DataRange;
import io.squall.api.GridScheduler;
import io.squall.api.KernelContext;
import io.squall.api.TornadoProfilerResult;
import io.squall.api.WorkerGrid;
import io.squall.api.enums.DataTransferMode;
import io.squall.api.enums.ProfilerMode;
import io.squall.api.enums.TornadoDeviceType;
import io.squall.api.exceptions.TornadoMemoryException;
import io.squall.api.exceptions.TornadoRuntimeException;
import io.squall.api.types.arrays.TornadoNativeArray;
import io.squall.device.Devices;
import io.squall.exec.device.CompiledTask;
import io.squall.exec.device.ComputeDevice;
import io.squall.exec.device.DeviceBuffer;
import io.squall.exec.device.DeviceTimings;
import io.squall.exec.device.LaunchRequest;
import io.squall.exec.emit.CodeEmitter;
import io.squall.exec.emit.CodeEmitters;
import io.squall.jit.ArgSpec;
import io.squall.jit.frontend.KernelFrontend;
import io.squall.jit.CheckSite;
import io.squall.jit.CompileOptions;
import io.squall.jit.Kernel;
import io.squall.jit.KernelCompilationException;
import io.squall.jit.ResolvedTask;
import io.squall.jit.TaskResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the graphs of one execution plan: resolves each task's device, compiles through the {@link KernelCache},
 * keeps one buffer per object and device (allocated once, reused), tracks where each object's current contents
 * are ({@link ObjectState}) and copies only what the transfer modes and that tracking require.
 * Not thread-safe on its own: {@code TornadoExecutionPlan} serializes calls.
 */
public final class PlanExecutor {
    /** Cap on the default global size per dimension; grid-stride loops cover the rest. */
    private static final long MAX_DEFAULT_GLOBAL = 1L << 24;
    private static final Set<String> EMITTED = Collections.synchronizedSet(new LinkedHashSet<>());

    private final List<GraphSpec> graphs;
    private final Map<String, TaskRt> tasksByName = new LinkedHashMap<>();
    private final Map<Object, ObjectState> states = new IdentityHashMap<>();
    private final Map<String, Integer> executions = new HashMap<>();

    private ComputeDevice planDevice;
    private final Map<String, ComputeDevice> taskDevices = new HashMap<>();
    private GridScheduler grids;
    private ProfilerMode profilerMode;
    private int warmUpIterations;
    private boolean warmedUp;
    private boolean printKernel = RuntimeOptions.printKernel();
    private boolean threadInfo = RuntimeOptions.threadInfo();
    private boolean fastMath = RuntimeOptions.fastMath();
    private boolean specializeScalars;
    private boolean checked = RuntimeOptions.checked();
    private boolean accessGuards = true;   // CPU devices guard every access unless the plan vouches for its kernels
    /** Per device, the error buffer of checked kernels (CheckSite.ERROR_WORDS ints). */
    private final Map<ComputeDevice, DeviceBuffer> errorBuffers = new IdentityHashMap<>();
    private long memoryLimit = -1;
    private String memoryLimitText;
    private List<GraphSpec> selected;
    private final CodeEmitter emitter;
    private boolean closed;

    /** A task with its method and arguments resolved, and what it was prepared as on each device. */
    private static final class TaskRt {
        final GraphSpec graph;
        final String name;
        final Method method;
        final Object[] args;
        final boolean usesKernelContext;
        final Map<String, Prepared> prepared = new HashMap<>();

        TaskRt(GraphSpec graph, GraphSpec.TaskSpec spec) {
            this.graph = graph;
            this.name = graph.name() + "." + spec.id();
            ResolvedTask resolved;
            try {
                resolved = TaskResolver.resolve(spec.function());
            } catch (RuntimeException e) {
                throw new TornadoRuntimeException("task " + name + ": " + e.getMessage(), e);
            }
            this.method = resolved.method();
            Object[] captured = resolved.capturedArgs() == null ? new Object[0] : resolved.capturedArgs();
            Object[] all = Arrays.copyOf(captured, captured.length + spec.args().length);
            System.arraycopy(spec.args(), 0, all, captured.length, spec.args().length);
            this.args = all;
            Class<?>[] types = method.getParameterTypes();
            String javaName = method.getDeclaringClass().getSimpleName() + "." + method.getName();
            if (types.length != args.length) {
                throw new TornadoRuntimeException("task " + name + ": " + javaName + " takes " + types.length + " arguments, task(...) gave "
                        + args.length);
            }
            boolean kc = false;
            for (int i = 0; i < types.length; i++) {
                Class<?> want = types[i].isPrimitive() ? box(types[i]) : types[i];
                if (!want.isInstance(args[i])) {
                    throw new TornadoRuntimeException("task " + name + ": argument " + i + " of " + javaName + " is a "
                            + types[i].getTypeName() + ", task(...) gave a " + args[i].getClass().getTypeName());
                }
                if (args[i] instanceof boolean[]) {
                    throw new TornadoRuntimeException("task " + name + ": argument " + i + " of " + javaName
                            + " is a boolean[]; kernels take byte[] or ByteArray instead");
                }
                kc |= args[i] instanceof KernelContext;
            }
            // a kernel with @Parallel loops that takes a KernelContext only for its atomics runs as a loop kernel
            this.usesKernelContext = kc && !KernelFrontend.hasParallelLoops(method);
        }
    }

    private static Class<?> box(Class<?> primitive) {
        return java.lang.invoke.MethodType.methodType(primitive).wrap().returnType();
    }

    /** A task ready to launch on {@code device} (the JVM when it fell back). */
    private record Prepared(ComputeDevice device, Kernel kernel, CompiledTask compiled, boolean fellBack) {
    }

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
                TaskRt rt = new TaskRt(g, t);
                tasksByName.put(rt.name, rt);
            }
        }
        this.graphs = List.copyOf(graphs);
        this.selected = this.graphs;
        String emit = RuntimeOptions.emit();
        this.emitter = emit == null ? null : CodeEmitters.get(emit);
        String prof = RuntimeOptions.profiler();
        if (prof != null) {
            parseProfilerProperty(prof);
        }
    }

    // ---- settings ----

    public void device(ComputeDevice device) {
        this.planDevice = device;
    }

    public void device(String graphDotTask, ComputeDevice device) {
        requireTask(graphDotTask, "withDevice");
        taskDevices.put(graphDotTask, device);
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
        this.profilerMode = mode;
    }

    public void warmUpIterations(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("warm-up iterations must not be negative: " + n);
        }
        this.warmUpIterations = n;
        this.warmedUp = false;
    }

    public void printKernel(boolean on) {
        this.printKernel = on;
    }

    public void threadInfo(boolean on) {
        this.threadInfo = on;
    }

    public void fastMath(boolean on) {
        this.fastMath = on;
    }

    public void accessGuards(boolean on) {
        accessGuards = on;
    }

    public void checked(boolean on) {
        checked = on;
    }

    public void specializeScalars(boolean on) {
        this.specializeScalars = on;
    }

    /** @param text e.g. "1GB", "512MB", "64KB", "4096" (bytes; units are powers of 1024); null removes the limit */
    public void memoryLimit(String text) {
        if (text == null) {
            memoryLimit = -1;
            memoryLimitText = null;
            return;
        }
        memoryLimit = parseBytes(text);
        memoryLimitText = text;
        if (usage() > memoryLimit) {
            throw new TornadoMemoryException("withMemoryLimit(\"" + text + "\"): the plan already holds " + usage() + " bytes of device memory");
        }
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

    private static final java.util.regex.Pattern SIZE = java.util.regex.Pattern.compile("(\\d+)\\s*(?:([KMGT])I?)?B?");

    static long parseBytes(String text) {
        java.util.regex.Matcher m = SIZE.matcher(text.trim().toUpperCase(Locale.ROOT));
        try {
            if (m.matches()) {
                int shift = m.group(2) == null ? 0 : 10 * (1 + "KMGT".indexOf(m.group(2)));
                return Math.multiplyExact(Long.parseLong(m.group(1)), 1L << shift);
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // falls through to the error below
        }
        throw new IllegalArgumentException("memory limit '" + text + "': expected a size such as 1GB, 512MB, 64KB or a number of bytes");
    }

    private void requireTask(String graphDotTask, String where) {
        if (!tasksByName.containsKey(graphDotTask)) {
            // TornadoRuntimeException, as TornadoVM throws for a grid naming no task of the plan
            throw new TornadoRuntimeException(where + ": no task '" + graphDotTask + "' in this plan; its tasks are "
                    + String.join(", ", tasksByName.keySet()));
        }
    }

    private void parseProfilerProperty(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        if (v.equals("console")) {
            profilerMode = ProfilerMode.CONSOLE;
        } else if (v.equals("silent")) {
            profilerMode = ProfilerMode.SILENT;
        } else if (!v.startsWith("json:") || value.length() <= 5) {
            throw new IllegalArgumentException("-D" + RuntimeOptions.PROFILER + "=" + value + ": expected console, silent or json:<file>");
        }
    }

    // ---- execution ----

    /** Runs the selected graphs once (after the warm-up iterations on the first call) and returns its profile. */
    public ExecutionProfile execute() {
        checkOpen();
        if (!warmedUp) {
            for (int i = 0; i < warmUpIterations; i++) {
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
        report(profile);
        return profile;
    }

    /** Compiles every task for its device now (TornadoVM's withPreCompilation). */
    public void precompile() {
        checkOpen();
        ExecutionProfile profile = new ExecutionProfile();
        for (GraphSpec g : selected) {
            for (GraphSpec.TaskSpec t : g.tasks()) {
                TaskRt task = tasksByName.get(g.name() + "." + t.id());
                prepare(task, deviceFor(task), profile);
            }
        }
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
            adoptConsumed(g, c);
            consumed.add(c.object());
        }
        for (GraphSpec.Transfer t : g.toDevice()) {
            if (consumed.contains(t.object())) {
                continue;
            }
            ObjectState existing = states.get(t.object());
            if (t.mode() == DataTransferMode.EVERY_EXECUTION && existing != null) {
                existing.hostAuthoritative();   // the program may have changed it: copy it again
            }
            // FIRST_EXECUTION: a new state starts host-valid and is copied when a task first needs it, then kept.
        }
        Set<ComputeDevice> used = new LinkedHashSet<>();
        for (GraphSpec.TaskSpec t : g.tasks()) {
            used.add(runTask(tasksByName.get(g.name() + "." + t.id()), profile));
        }
        for (GraphSpec.Transfer t : g.toHost()) {
            ObjectState s = states.get(t.object());
            if (s != null && (t.mode() == DataTransferMode.EVERY_EXECUTION || t.mode() == DataTransferMode.FIRST_EXECUTION && first)) {
                ensureOnHost(s, profile);
            }
        }
        collectTimings(used, profile);
        for (Object o : g.persisted()) {
            ObjectState s = states.get(o);
            if (s != null) {
                s.persistedBy = g.name();
                PersistedObjects.put(g.name(), s);
            }
        }
    }

    private void adoptConsumed(GraphSpec g, GraphSpec.Consumed c) {
        ObjectState own = states.get(c.object());
        if (own != null && own.validOnSomeDevice()) {
            return;
        }
        ObjectState shared = PersistedObjects.find(c.graph(), c.object());
        if (shared != null && shared != own) {
            if (own != null) {
                release(own);
            }
            synchronized (shared) {
                shared.holders++;
            }
            states.put(c.object(), shared);
            return;
        }
        if (own == null) {
            String from = c.graph() == null ? "an earlier graph" : "graph " + c.graph();
            throw new TornadoRuntimeException("task graph " + g.name() + " consumes a " + new ObjectState(c.object()).describe() + " from " + from
                    + ", but it is not on a device: run that graph first, list the object in its persistOnDevice(...), and keep its plan open");
        }
        // Known here and current on the host (e.g. after freeDeviceMemory): it is copied in when needed.
    }

    /** Drops this plan's hold on a state, freeing its device copies when no plan holds it any more. */
    private static void release(ObjectState s) {
        synchronized (s) {
            if (--s.holders <= 0) {
                s.freeDeviceCopies();
                if (s.persistedBy != null) {
                    PersistedObjects.remove(s);
                }
            }
        }
    }

    private ComputeDevice deviceFor(TaskRt task) {
        ComputeDevice d = taskDevices.get(task.name);
        if (d != null) {
            return d;
        }
        String prop = RuntimeOptions.taskDevice(task.name);
        if (prop != null) {
            return Devices.get(prop, "-D" + task.name + RuntimeOptions.TASK_DEVICE_SUFFIX);
        }
        return planDevice != null ? planDevice : Devices.defaultDevice();
    }

    /**
     * Checked mode reports bad accesses everywhere; otherwise CPU devices guard them, since a kernel's stray write there
     * lands in the JVM's own memory; GPUs run accesses as written.
     */
    private CompileOptions compileOptions(ComputeDevice device) {
        CompileOptions.AccessChecks checks = checked ? CompileOptions.AccessChecks.REPORT
                : device.type() == TornadoDeviceType.CPU && accessGuards ? CompileOptions.AccessChecks.GUARD : CompileOptions.AccessChecks.NONE;
        return new CompileOptions(fastMath, specializeScalars, checks);
    }

    private List<ArgSpec> argSpecs(TaskRt task, boolean specializeScalars) {
        Class<?>[] types = task.method.getParameterTypes();
        List<ArgSpec> specs = new ArrayList<>(types.length);
        for (int i = 0; i < types.length; i++) {
            boolean scalar = types[i].isPrimitive();
            // The runtime class, as the JIT expects (boxed for scalars).
            specs.add(new ArgSpec(task.args[i].getClass(), scalar && specializeScalars ? task.args[i] : null));
        }
        return specs;
    }

    private Prepared prepare(TaskRt task, ComputeDevice device, ExecutionProfile profile) {
        String key = preparedKey(device);
        Prepared p = task.prepared.get(key);
        if (p != null) {
            return p;
        }
        ExecutionProfile.TaskRecord tp = profile.task(task.name);
        CompileOptions options = compileOptions(device);
        List<ArgSpec> specs = argSpecs(task, specializeScalars);
        Kernel kernel = null;
        boolean needKernel = device.compilesKernels() || emitter != null;
        try {
            if (needKernel) {
                KernelCache.Jit jit;
                try {
                    jit = KernelCache.kernel(task.method, specs, options);
                } catch (KernelCompilationException e) {
                    if (specializeScalars || !e.construct().contains("constant")) {
                        throw e;
                    }
                    // e.g. a local array sized by a scalar argument (TornadoVM folds those): compile this task with its
                    // scalars as constants; a new value compiles a new kernel
                    specs = argSpecs(task, true);
                    jit = KernelCache.kernel(task.method, specs, options);
                }
                kernel = jit.kernel();
                tp.jitNanos += jit.nanos();
                tp.compiled |= jit.nanos() > 0;
                emit(task, kernel, options);
            }
            CompiledTask compiled = null;
            if (device.compilesKernels()) {
                KernelCache.Build build = KernelCache.build(task.name, task.method, specs, options, kernel, device);
                compiled = build.task();
                tp.buildNanos += build.nanos();
                tp.compiled |= build.nanos() > 0;
            }
            p = new Prepared(device, kernel, compiled, false);
            if (printKernel) {
                System.out.println("// squall: task " + task.name + " on " + device.id() + "\n"
                        + (compiled != null ? compiled.printableCode() : "// runs as Java bytecode on " + device.id()));
            }
        } catch (RuntimeException e) {
            if (!device.compilesKernels()) {
                throw new TornadoRuntimeException("task " + task.name + ": generating " + emitter.name() + " code for "
                        + RuntimeOptions.EMIT + " failed: " + e.getMessage(), e);
            }
            if (!RuntimeOptions.fallbackToJvm()) {
                throw new TornadoRuntimeException("task " + task.name + " cannot be compiled for " + device.id() + " ("
                        + device.properties().name() + "): " + e.getMessage()
                        + "\n(-D" + RuntimeOptions.FALLBACK + "=jvm runs such tasks on the JVM instead)", e);
            }
            reportFallback(task, device, e);
            p = new Prepared(Devices.jvm(), kernel, null, true);
        }
        task.prepared.put(key, p);
        return p;
    }

    private void reportFallback(TaskRt task, ComputeDevice device, Throwable e) {
        String reason = String.valueOf(e.getMessage());
        int nl = reason.indexOf('\n');
        System.err.println("squall: task " + task.name + " cannot run on " + device.id() + " (" + (nl < 0 ? reason : reason.substring(0, nl))
                + "); running it on the JVM (-D" + RuntimeOptions.FALLBACK + "=jvm)");
    }

    private void emit(TaskRt task, Kernel kernel, CompileOptions options) {
        if (emitter == null || !EMITTED.add(emitter.name() + ":" + task.name)) {
            return;
        }
        Path dir = RuntimeOptions.emitDir();
        Path file = dir.resolve(task.name + "." + emitter.fileExtension());
        try {
            Files.createDirectories(dir);
            Files.write(file, emitter.emit(kernel, options, RuntimeOptions.emitTarget()));
        } catch (IOException e) {
            EMITTED.remove(emitter.name() + ":" + task.name);
            throw new UncheckedIOException("cannot write the " + emitter.name() + " code of task " + task.name + " to " + file, e);
        } catch (RuntimeException e) {
            EMITTED.remove(emitter.name() + ":" + task.name);
            throw e;
        }
    }

    /** Runs one task; returns the device it ran on. */
    private ComputeDevice runTask(TaskRt task, ExecutionProfile profile) {
        return launch(task, prepare(task, deviceFor(task), profile), profile);
    }

    private String preparedKey(ComputeDevice device) {
        return device.id() + (fastMath ? "+fast" : "") + (specializeScalars ? "+spec" : "") + (checked ? "+checked" : "") + (accessGuards ? "" : "+unguarded");
    }

    private ComputeDevice launch(TaskRt task, Prepared p, ExecutionProfile profile) {
        ComputeDevice device = p.device();
        ExecutionProfile.TaskRecord tp = profile.task(task.name);
        tp.device = device.id();
        tp.fellBackToJvm = p.fellBack();
        long[][] geometry = geometry(task, p);
        checkIdRange(task, geometry[0]);
        DeviceBuffer[] buffers = new DeviceBuffer[task.args.length];
        List<ObjectState> arrays = new ArrayList<>();
        for (int i = 0; i < task.args.length; i++) {
            if (isArray(dataOf(task.args[i]))) {
                ObjectState s = state(dataOf(task.args[i]));
                ensureOn(s, device, profile, task.name);
                arrays.add(s);
                if (!device.usesHostMemory()) {
                    buffers[i] = s.copies.get(device).buffer;
                }
            }
        }
        tp.global = geometry[0];
        tp.local = geometry[1];
        if (threadInfo) {
            System.out.println("squall: task " + task.name + " on " + device.id() + ": global " + Arrays.toString(geometry[0])
                    + ", local " + (geometry[1] == null ? "chosen by the driver" : Arrays.toString(geometry[1])));
        }
        DeviceBuffer errors = null;
        if (device.compilesKernels() && p.kernel() != null && p.kernel().errorBuffer() != null) {
            errors = errorBuffer(device);
            try (Arena arena = Arena.ofConfined()) {
                device.write(errors, 0, arena.allocate(CheckSite.ERROR_WORDS * 4L, 8), CheckSite.ERROR_WORDS * 4L, true);
            }
        }
        if (device.compilesKernels() && p.kernel() != null) {
            writeReductionStarts(p.kernel(), device, buffers);
        }
        try {
            device.launch(new LaunchRequest(task.name, task.method, p.kernel(), p.compiled(), task.args, buffers, geometry[0], geometry[1],
                    errors));
        } catch (RuntimeException e) {
            if (device.compilesKernels() && RuntimeOptions.fallbackToJvm()) {
                reportFallback(task, device, e);
                Prepared onJvm = new Prepared(Devices.jvm(), p.kernel(), null, true);
                task.prepared.put(preparedKey(device), onJvm);
                return launch(task, onJvm, profile);
            }
            if (e instanceof TornadoRuntimeException) {
                throw e;
            }
            throw new TornadoRuntimeException("task " + task.name + " failed on " + device.id() + ": " + e.getMessage()
                    + "\n(-D" + RuntimeOptions.FALLBACK + "=jvm runs such tasks on the JVM instead)", e);
        }
        if (errors != null) {
            reportCheckFailure(task, p.kernel(), device, errors);
        }
        int arrayIndex = 0;
        for (int i = 0; i < task.args.length; i++) {
            if (isArray(dataOf(task.args[i]))) {
                ObjectState s = arrays.get(arrayIndex++);
                Kernel.Access access = p.kernel() == null ? Kernel.Access.READ_WRITE : p.kernel().access(i);
                if (access == Kernel.Access.WRITE || access == Kernel.Access.READ_WRITE || access == null) {
                    markWritten(s, device);
                }
            }
        }
        return device;
    }

    /** Writes the constant initial values of the kernel's @Reduce arguments into their element 0 (see Kernel.ReductionStart). */
    private static void writeReductionStarts(Kernel kernel, ComputeDevice device, DeviceBuffer[] buffers) {
        for (Kernel.ReductionStart start : kernel.reductionStarts()) {
            io.squall.jit.ir.Constant c = start.value();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment value = arena.allocate(8, 8);
                // the constant's bits (float/double raw bits, integers sign-extended): its low bytes are the element
                value.set(java.lang.foreign.ValueLayout.JAVA_LONG.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 0, c.bits());
                device.write(buffers[start.javaArgIndex()], 0, value, c.type().bytes(), true);
            }
        }
    }

    private DeviceBuffer errorBuffer(ComputeDevice device) {
        return errorBuffers.computeIfAbsent(device, d -> d.allocate(CheckSite.ERROR_WORDS * 4L));
    }

    /** Reads a checked kernel's error buffer (after the launch: the read waits for it) and throws on a recorded failure. */
    private static void reportCheckFailure(TaskRt task, Kernel kernel, ComputeDevice device, DeviceBuffer errors) {
        int[] words = new int[CheckSite.ERROR_WORDS];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(words.length * 4L, 8);
            device.read(errors, 0, host, words.length * 4L);
            MemorySegment.copy(host, java.lang.foreign.ValueLayout.JAVA_INT, 0, words, 0, words.length);
        }
        int failures = words[0];
        if (failures == 0) {
            return;
        }
        int site = words[1];
        String what = site >= 0 && site < kernel.checkSites().size()
                ? kernel.checkSites().get(site).describe(words[2], words[3])
                : "check " + site + " (not a site of this kernel: the error buffer is corrupt)";
        throw new TornadoRuntimeException("task " + task.name + " (kernel " + kernel.javaName() + ") on " + device.id() + ": " + what
                + (failures > 1 ? " (and " + (failures == Integer.MIN_VALUE ? "2^31" : Integer.toUnsignedString(failures - 1))
                + " more failed checks in this launch)" : "") + "; failed accesses were skipped (loads gave 0) and divisions by zero gave 0");
    }

    /**
     * Kernels see work-item ids as Java ints (i32 in the IR), so a dimension of 2^31 or more would wrap them and index
     * arrays at negative offsets: such a launch is refused before anything runs.
     */
    static void checkIdRange(TaskRt task, long[] global) {
        if (global == null) {
            return;
        }
        for (int d = 0; d < global.length; d++) {
            if (global[d] > Integer.MAX_VALUE || global[d] < 0) {
                throw new TornadoRuntimeException("task " + task.name + ": global work size " + Arrays.toString(global)
                        + " is beyond the limit of " + Integer.MAX_VALUE + " (2^31 - 1) work-items in dimension " + d
                        + ": kernels index with Java ints; split the work over dimensions or launches");
            }
        }
    }

    /** {global, local} for the launch; for the JVM backend only KernelContext tasks get one. */
    private long[][] geometry(TaskRt task, Prepared p) {
        WorkerGrid grid = grids == null ? null : grids.get(task.name);
        if (task.usesKernelContext && grid == null) {
            throw new TornadoRuntimeException("task " + task.name + " uses a KernelContext, so it needs a launch grid: "
                    + "withGridScheduler(new GridScheduler(\"" + task.name + "\", new WorkerGrid1D(n)))");
        }
        Kernel k = p.kernel();
        if (!p.device().compilesKernels() || k == null) {
            return task.usesKernelContext ? new long[][]{grid.getGlobalWork(), grid.getLocalWork()} : new long[][]{null, null};
        }
        int[] required = k.requiredLocalSize();
        switch (k.shape()) {
            case SINGLE_THREAD -> {
                return new long[][]{{1}, null};
            }
            case KERNEL_CONTEXT -> {
                long[] global = grid.getGlobalWork();
                long[] local = grid.getLocalWork() != null ? grid.getLocalWork() : widen(required, global.length);
                if (local != null) {
                    for (int d = 0; d < global.length; d++) {
                        if (global[d] % local[d] != 0) {
                            throw new TornadoRuntimeException("task " + task.name + ": global work size " + Arrays.toString(global)
                                    + " is not a multiple of the work-group size " + Arrays.toString(local) + " in dimension " + d);
                        }
                    }
                }
                return new long[][]{global, local};
            }
            default -> {
                int dims = Math.max(1, k.dimensions());
                long[] global;
                long[] local = null;
                if (grid != null) {
                    if (grid.dimensions() != dims) {
                        throw new TornadoRuntimeException("task " + task.name + ": its grid has " + grid.dimensions()
                                + " dimensions, its parallel loops " + dims);
                    }
                    global = grid.getGlobalWork();
                    local = grid.getLocalWork();
                } else {
                    long[] space = k.iterationSpace(task.args);
                    global = new long[dims];
                    for (int d = 0; d < dims; d++) {
                        long n = space != null && d < space.length ? space[d] : defaultGlobal(p.device(), d);
                        global[d] = Math.max(1, Math.min(n, MAX_DEFAULT_GLOBAL));
                    }
                }
                if (required != null) {
                    local = widen(required, dims);
                }
                if (local != null) {
                    for (int d = 0; d < dims; d++) {
                        global[d] = (global[d] + local[d] - 1) / local[d] * local[d];
                    }
                }
                return new long[][]{global, local};
            }
        }
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

    private void collectTimings(Set<ComputeDevice> devices, ExecutionProfile profile) {
        for (ComputeDevice d : devices) {
            DeviceTimings t = d.finish();
            t.kernelNanosByTask().forEach((task, ns) -> profile.task(task).kernelNanos += ns);
            profile.transferTimes(t.writeNanos(), t.readNanos());
        }
        // Devices that only served copies (an object moved off them) are finished too.
        for (ObjectState s : states.values()) {
            for (ComputeDevice d : s.copies.keySet()) {
                if (!devices.contains(d)) {
                    DeviceTimings t = d.finish();
                    profile.transferTimes(t.writeNanos(), t.readNanos());
                }
            }
        }
    }

    // ---- memory and validity ----

    /** What holds an argument's data: a matrix or vector type's off-heap array, else the argument itself. */
    private static Object dataOf(Object arg) {
        return arg instanceof io.squall.api.types.ArrayBacked backed ? backed.getStorage() : arg;
    }

    private static boolean isArray(Object o) {
        return o instanceof TornadoNativeArray || o.getClass().isArray() || o instanceof AtomicInteger;
    }

    private ObjectState state(Object o) {
        return states.computeIfAbsent(o, obj -> {
            ObjectState s = new ObjectState(obj);
            s.holders = 1;
            return s;
        });
    }

    /** Device memory held by this plan's objects. */
    public long usage() {
        long sum = 0;
        for (ObjectState s : states.values()) {
            sum += s.deviceBytes();
        }
        return sum;
    }

    private void ensureOn(ObjectState s, ComputeDevice device, ExecutionProfile profile, String task) {
        if (device.usesHostMemory()) {
            ensureOnHost(s, profile);
            return;
        }
        synchronized (s) {
            ObjectState.Copy copy = s.copies.get(device);
            if (copy == null) {
                if (memoryLimit >= 0 && usage() + s.bytes > memoryLimit) {
                    throw new TornadoMemoryException("task " + task + " needs " + s.bytes + " more bytes on " + device.id() + " for a "
                            + s.describe() + ", beyond the plan's memory limit withMemoryLimit(\"" + memoryLimitText + "\") = "
                            + memoryLimit + " bytes (" + usage() + " in use)");
                }
                copy = new ObjectState.Copy(device.allocate(s.bytes));
                s.copies.put(device, copy);
            }
            if (copy.valid) {
                return;
            }
            if (!s.hostValid) {
                ensureOnHost(s, profile);
            }
            write(s, device, copy.buffer);
            profile.copyIn(s.bytes);
            copy.valid = true;
        }
    }

    private void ensureOnHost(ObjectState s, ExecutionProfile profile) {
        synchronized (s) {
            if (s.hostValid) {
                return;
            }
            ComputeDevice from = s.validDevice();
            if (from != null) {
                read(s, from, s.copies.get(from).buffer, 0, s.bytes);
                profile.copyOut(s.bytes);
            }
            s.hostValid = true;
        }
    }

    private static void markWritten(ObjectState s, ComputeDevice device) {
        synchronized (s) {
            if (device.usesHostMemory()) {
                s.hostAuthoritative();
                return;
            }
            s.copies.forEach((d, c) -> c.valid = d == device);
            s.hostValid = false;
        }
    }

    private static void write(ObjectState s, ComputeDevice device, DeviceBuffer buffer) {
        if (s.object instanceof TornadoNativeArray a) {
            device.write(buffer, 0, a.getSegment(), s.bytes, false);
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment tmp = arena.allocate(Math.max(1, s.bytes), 8);
            // an AtomicInteger argument is one int on the device (its value now)
            Object data = s.object instanceof AtomicInteger ai ? new int[] {ai.get()} : s.object;
            MemorySegment.copy(heapSegment(data), 0, tmp, 0, s.bytes);
            device.write(buffer, 0, tmp, s.bytes, true);
        }
    }

    private static void read(ObjectState s, ComputeDevice device, DeviceBuffer buffer, long offset, long bytes) {
        if (s.object instanceof TornadoNativeArray a) {
            device.read(buffer, offset, a.getSegment().asSlice(offset, bytes), bytes);
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment tmp = arena.allocate(Math.max(1, bytes), 8);
            device.read(buffer, offset, tmp, bytes);
            if (s.object instanceof AtomicInteger ai) {
                ai.set(tmp.get(java.lang.foreign.ValueLayout.JAVA_INT, 0));
                return;
            }
            MemorySegment.copy(tmp, 0, heapSegment(s.object), offset, bytes);
        }
    }

    private static MemorySegment heapSegment(Object array) {
        return switch (array) {
            case float[] a -> MemorySegment.ofArray(a);
            case int[] a -> MemorySegment.ofArray(a);
            case double[] a -> MemorySegment.ofArray(a);
            case long[] a -> MemorySegment.ofArray(a);
            case short[] a -> MemorySegment.ofArray(a);
            case byte[] a -> MemorySegment.ofArray(a);
            case char[] a -> MemorySegment.ofArray(a);
            default -> throw new IllegalArgumentException("unsupported array type " + array.getClass().getTypeName());
        };
    }

    // ---- results ----

    /** Brings objects (or {@link DataRange}s of them) to the host for an execution's result; counted in {@code profile}. */
    public void transferToHost(ExecutionProfile profile, Object... objects) {
        checkOpen();
        Set<ComputeDevice> touched = new LinkedHashSet<>();
        for (Object o : objects) {
            Object target = o instanceof DataRange r ? r.getArray() : o;
            ObjectState s = states.get(target);
            if (s == null) {
                throw new IllegalArgumentException("transferToHost: the " + new ObjectState(target).describe()
                        + " is not used by any task of this plan");
            }
            synchronized (s) {
                ComputeDevice from = s.validDevice();
                if (from != null) {
                    touched.add(from);
                }
                if (o instanceof DataRange r) {
                    long elements = s.bytes / s.elementBytes;
                    long size = r.getSize() < 0 ? elements - r.getOffset() : r.getSize();
                    if (r.getOffset() + size > elements || size < 0) {
                        throw new IllegalArgumentException("transferToHost(" + r + "): the array has " + elements + " elements");
                    }
                    if (!s.hostValid && from != null) {
                        long bytes = size * s.elementBytes;
                        read(s, from, s.copies.get(from).buffer, r.getOffset() * s.elementBytes, bytes);
                        profile.copyOut(bytes);
                    }
                } else {
                    ensureOnHost(s, profile);
                }
            }
        }
        for (ComputeDevice d : touched) {
            DeviceTimings t = d.finish();
            profile.transferTimes(t.writeNanos(), t.readNanos());
        }
    }

    private void report(ExecutionProfile profile) {
        String prop = RuntimeOptions.profiler();
        TornadoProfilerResult result = new TornadoProfilerResult(profile);
        if (prop != null && prop.toLowerCase(Locale.ROOT).startsWith("json:")) {
            Path file = Path.of(prop.substring(5));
            synchronized (PlanExecutor.class) {
                try {
                    Files.writeString(file, result.toJson() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write the profile to " + file + " (-D" + RuntimeOptions.PROFILER + ")", e);
                }
            }
        }
        if (profilerMode == ProfilerMode.CONSOLE) {
            System.out.println(result);
        }
    }

    /** Frees the plan's device buffers (persisted ones stay while another plan holds them). Data only on a device is lost. */
    public void freeDeviceMemory() {
        states.values().forEach(PlanExecutor::release);
        states.clear();
        errorBuffers.values().forEach(DeviceBuffer::close);
        errorBuffers.clear();
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
