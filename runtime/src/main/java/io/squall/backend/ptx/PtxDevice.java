package io.squall.backend.ptx;

import io.squall.api.enums.TornadoDeviceType;
import io.squall.api.exceptions.TornadoOutOfMemoryException;
import io.squall.api.exceptions.TornadoRuntimeException;
import io.squall.api.types.HalfFloat;
import io.squall.backend.CompiledTask;
import io.squall.backend.ComputeDevice;
import io.squall.backend.DeviceBuffer;
import io.squall.backend.DeviceProperties;
import io.squall.backend.DeviceTimings;
import io.squall.backend.KernelArguments;
import io.squall.backend.LaunchRequest;
import io.squall.backend.ptx.codegen.PtxEmitter;
import io.squall.backend.ptx.codegen.PtxTarget;
import io.squall.backend.ptx.driver.CudaBuffer;
import io.squall.backend.ptx.driver.CudaContext;
import io.squall.backend.ptx.driver.CudaDevice;
import io.squall.backend.ptx.driver.CudaEvent;
import io.squall.backend.ptx.driver.CudaException;
import io.squall.backend.ptx.driver.CudaFunction;
import io.squall.backend.ptx.driver.CudaGraph;
import io.squall.backend.ptx.driver.CudaHostBuffer;
import io.squall.backend.ptx.driver.CudaJitException;
import io.squall.backend.ptx.driver.CudaModule;
import io.squall.backend.ptx.driver.CudaStream;
import io.squall.jit.CompileOptions;
import io.squall.jit.DeviceCapabilities;
import io.squall.jit.Kernel;
import io.squall.jit.KernelParam;
import io.squall.jit.ir.ScalarType;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One NVIDIA GPU: its primary context and one stream. Copies go through a pinned staging buffer per device buffer
 * (buffers above {@value #STAGING_LIMIT} bytes copy straight from the host memory); kernels and copies are timed
 * with CUDA events.
 *
 * <p><b>CUDA graphs</b> ({@code -Dsquall.cudaGraphs=true}): the device then queues its work and submits it at
 * each synchronization point (a read, a blocking write, {@link #finish()}). A sequence of copies and launches seen
 * a second time with the same buffers, kernels and scalar arguments is captured into a CUDA graph, and every
 * later occurrence replays the graph with one launch (host inputs are re-staged first, so new data flows in).
 * This is what re-executing a plan with the same buffers produces; it removes the per-launch submission cost.
 * A replayed segment is timed as a whole and its time reported as the kernel time of its first task.
 */
public final class PtxDevice implements ComputeDevice {
    /** Property that turns on graph capture and replay. */
    public static final String CUDA_GRAPHS = "squall.cudaGraphs";

    static final long STAGING_LIMIT = 64L << 20;
    private static final int MAX_GRAPHS = 64;

    private final String id;
    private final CudaDevice device;
    private final DeviceProperties properties;
    private final PtxTarget target;
    /** Buffers whose staging memory a submitted copy may still be reading or writing. */
    private final Set<Buffer> stagingInFlight = new HashSet<>();

    private CudaContext context;
    /** Closes so far: the modules loaded in a context die with it (see {@link #buildGeneration()}). */
    private volatile long generation;

    private CudaStream stream;
    private final ArrayDeque<CudaEvent> freeEvents = new ArrayDeque<>();
    private final List<Timed> timed = new ArrayList<>();
    /** Work not yet submitted (graph mode only). */
    private final List<Op> queued = new ArrayList<>();

    private final Map<List<Object>, CudaGraph> graphs = new LinkedHashMap<>();
    private final Set<List<Object>> seenOnce = new HashSet<>();
    private long graphReplays;

    private record Timed(CudaEvent start, CudaEvent end, String task, int kind) {
        static final int KERNEL = 0, WRITE = 1, READ = 2;
    }

    PtxDevice(int index, CudaDevice device, int driverVersion) {
        this.id = "ptx:" + index;
        this.device = device;
        this.target = PtxTarget.of(device.computeCapabilityMajor(), device.computeCapabilityMinor());
        String driver = driverVersion / 1000 + "." + driverVersion % 1000 / 10;
        this.properties = new DeviceProperties(
                id,
                device.name(),
                "NVIDIA Corporation",
                "CUDA " + driver,
                "CUDA " + device.smArch(),
                driver,
                TornadoDeviceType.GPU,
                device.totalMem(),
                device.sharedMemPerBlock(),
                device.totalMem(),
                device.multiprocessors(),
                device.maxThreadsPerBlock(),
                new long[] {1024, 1024, 64},
                device.clockKHz() / 1000,
                Set.of(device.smArch(), "ptx-" + target.isaVersion(), "fp64", "fp16", "warp-shuffle"),
                "",
                "");
    }

    /** Read on every use, so a program (or benchmark) can switch graphs on and off between executions. */
    private static boolean useGraphs() {
        String v = System.getProperty(CUDA_GRAPHS);
        if (v == null || v.isBlank()) {
            return false;
        }
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new IllegalArgumentException("-D" + CUDA_GRAPHS + "=" + v + ": expected true or false");
        };
    }

    /** The CUDA device behind this id. */
    public CudaDevice cudaDevice() {
        return device;
    }

    /** The PTX target kernels are emitted for (the device's compute capability). */
    public PtxTarget target() {
        return target;
    }

    /** Graph replays done so far (graph mode). */
    public synchronized long graphReplays() {
        return graphReplays;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public DeviceProperties properties() {
        return properties;
    }

    @Override
    public boolean usesHostMemory() {
        return false;
    }

    @Override
    public DeviceCapabilities capabilities() {
        return new DeviceCapabilities(true, true, true, device.maxThreadsPerBlock(), "");
    }

    private void open() {
        if (context == null) {
            context = CudaContext.primary(device);
            stream = context.createStream();
        }
    }

    // ---- memory ----

    private final class Buffer implements DeviceBuffer {
        final CudaBuffer cuda;
        final long size;
        CudaHostBuffer staging;

        Buffer(CudaBuffer cuda, long size) {
            this.cuda = cuda;
            this.size = size;
        }

        boolean staged() {
            return size <= STAGING_LIMIT;
        }

        MemorySegment staging() {
            if (staging == null) {
                staging = context.allocateHost(Math.max(1, size));
            }
            return staging.segment();
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public void close() {
            synchronized (PtxDevice.this) {
                flush();
                sync();
                dropGraphsUsing(this);
                cuda.close();
                if (staging != null) {
                    staging.close();
                }
            }
        }
    }

    @Override
    public synchronized DeviceBuffer allocate(long bytes) {
        open();
        try {
            return new Buffer(
                    context.allocate(Math.max(8, bytes)), bytes); // a guarded load of an empty array reads index 0
        } catch (CudaException e) {
            throw new TornadoOutOfMemoryException(
                    "cannot allocate " + bytes + " bytes on " + id + " (" + properties.name() + "): " + e.getMessage());
        }
    }

    @Override
    public synchronized void write(DeviceBuffer dst, long dstOffset, MemorySegment src, long bytes, boolean blocking) {
        if (bytes == 0) {
            return;
        }
        Buffer b = (Buffer) dst;
        queued.add(new Write(b, dstOffset, src, bytes));
        if (!useGraphs() || blocking) {
            flush();
        }
        if (blocking) {
            sync();
        }
    }

    @Override
    public synchronized void read(DeviceBuffer src, long srcOffset, MemorySegment dst, long bytes) {
        if (bytes == 0) {
            return;
        }
        Read r = new Read((Buffer) src, srcOffset, dst, bytes);
        queued.add(r);
        flush();
        sync();
        if (r.buffer.staged()) {
            MemorySegment.copy(r.buffer.staging(), srcOffset, dst, 0, bytes);
        }
    }

    // ---- kernels ----

    private record Program(CudaModule module, CudaFunction function, String ptx, String entryName, int[] requiredBlock)
            implements CompiledTask {
        @Override
        public String printableCode() {
            return ptx;
        }
    }

    @Override
    public synchronized CompiledTask build(Kernel kernel, CompileOptions options) {
        open();
        int[] wg = kernel.requiredLocalSize();
        if (wg != null && Arrays.stream(wg).reduce(1, (x, y) -> x * y) > device.maxThreadsPerBlock()) {
            throw new TornadoRuntimeException(
                    "kernel " + kernel.entryName() + " (" + kernel.javaName() + ") needs blocks of "
                            + Arrays.toString(wg) + " threads; " + id + " allows " + device.maxThreadsPerBlock());
        }
        String ptx = PtxEmitter.emit(kernel, target);
        CudaModule module;
        try {
            module = CudaModule.loadPtx(context, ptx);
        } catch (CudaJitException e) {
            throw new TornadoRuntimeException(
                    "PTX JIT of kernel " + kernel.entryName() + " (" + kernel.javaName() + ") failed on " + id + " ("
                            + properties.name() + "): " + e.getMessage() + "\n" + e.jitLog(),
                    e);
        }
        return new Program(module, module.function(kernel.entryName()), ptx, kernel.entryName(), wg);
    }

    @Override
    public synchronized void launch(LaunchRequest r) {
        Program p = (Program) r.compiled();
        List<KernelParam> params = r.kernel().params();
        Object[] args = new Object[params.size()];
        for (int i = 0; i < params.size(); i++) {
            KernelParam param = params.get(i);
            args[i] = switch (param.kind()) {
                case BUFFER -> ((Buffer) r.buffers()[param.javaArgIndex()]).cuda;
                case LENGTH -> KernelArguments.elementCount(r.args()[param.javaArgIndex()]);
                case SCALAR -> scalar((ScalarType) param.type(), r.args()[param.javaArgIndex()]);
                case FIELD -> KernelArguments.intField(r.args()[param.javaArgIndex()], param.field());
                case ERROR_BUFFER -> ((Buffer) r.errors()).cuda;
            };
        }
        int[][] geometry = geometry(r.global(), r.local(), p.requiredBlock());
        queued.add(new Launch(p.function(), geometry[0], geometry[1], args, r.taskName()));
        if (!useGraphs()) {
            flush();
        }
    }

    /** Blocks: the given local size, the kernel's required one, or 256 threads (16x16, 8x8x4); grid = ceil(global / block). */
    static int[][] geometry(long[] global, long[] local, int[] required) {
        int dims = global.length;
        int[] block = new int[dims];
        int[] grid = new int[dims];
        for (int d = 0; d < dims; d++) {
            long l;
            if (local != null) {
                l = local[d];
            } else if (required != null) {
                l = d < required.length ? required[d] : 1;
            } else {
                long preferred = dims == 1 ? 256 : dims == 2 ? 16 : d < 2 ? 8 : 4;
                l = Math.max(1, Math.min(preferred, global[d]));
            }
            block[d] = (int) l;
            long g = (global[d] + l - 1) / l;
            if (g > Integer.MAX_VALUE) {
                throw new TornadoRuntimeException(
                        "global size " + Arrays.toString(global) + " needs more than 2^31 blocks");
            }
            grid[d] = (int) Math.max(1, g);
        }
        return new int[][] {grid, block};
    }

    private static Object scalar(ScalarType t, Object arg) {
        return switch (t) {
            case I1, I8, I16 -> (short) KernelArguments.asLong(arg);
            case I32 -> (int) KernelArguments.asLong(arg);
            case I64 -> KernelArguments.asLong(arg);
            case F16 ->
                arg instanceof HalfFloat h ? h.getHalfFloatValue() : HalfFloat.toHalf(((Number) arg).floatValue());
            case F32 -> ((Number) arg).floatValue();
            case F64 -> ((Number) arg).doubleValue();
        };
    }

    // ---- queued work, graphs ----

    private sealed interface Op permits Write, Read, Launch {
        /** Identity of the operation for graph reuse (buffers by identity, scalars by value). */
        Object key();

        boolean capturable();
    }

    private record Write(Buffer buffer, long offset, MemorySegment src, long bytes) implements Op {
        public Object key() {
            return List.of("W", buffer, offset, bytes);
        }

        public boolean capturable() {
            return buffer.staged();
        }
    }

    private record Read(Buffer buffer, long offset, MemorySegment dst, long bytes) implements Op {
        public Object key() {
            return List.of("R", buffer, offset, bytes);
        }

        public boolean capturable() {
            return buffer.staged();
        }
    }

    private record Launch(CudaFunction function, int[] grid, int[] block, Object[] args, String task) implements Op {
        public Object key() {
            List<Object> k = new ArrayList<>(List.of("L", function, Arrays.toString(grid), Arrays.toString(block)));
            k.addAll(Arrays.asList(args));
            return k;
        }

        public boolean capturable() {
            return true;
        }
    }

    /** Submits the queued work: as a graph replay when this sequence was captured, else operation by operation. */
    private void flush() {
        if (queued.isEmpty()) {
            return;
        }
        open();
        List<Op> ops = List.copyOf(queued);
        queued.clear();
        for (Op op : ops) { // host data into the pinned staging buffers (also before a replay: new inputs)
            if (op instanceof Write w && w.buffer.staged()) {
                if (stagingInFlight.contains(w.buffer)) {
                    sync();
                }
                MemorySegment.copy(w.src, 0, w.buffer.staging(), w.offset, w.bytes);
            }
        }
        for (Op op : ops) {
            switch (op) {
                case Write w -> stagingInFlight.add(w.buffer);
                case Read r -> stagingInFlight.add(r.buffer);
                case Launch l -> {}
            }
        }
        if (useGraphs() && ops.stream().allMatch(Op::capturable)) {
            List<Object> key = ops.stream().map(Op::key).toList();
            CudaGraph graph = graphs.get(key);
            if (graph == null && !seenOnce.add(key)) {
                stream.beginCapture();
                try {
                    for (Op op : ops) {
                        submit(op);
                    }
                } finally {
                    graph = stream.endCapture();
                }
                if (graphs.size() >= MAX_GRAPHS) {
                    List<Object> oldest = graphs.keySet().iterator().next();
                    graphs.remove(oldest).close();
                }
                graphs.put(key, graph);
            }
            if (graph != null) {
                String task = ops.stream()
                        .filter(o -> o instanceof Launch)
                        .map(o -> ((Launch) o).task())
                        .findFirst()
                        .orElse(null);
                CudaEvent start = event(), end = event();
                start.record(stream);
                graph.launch(stream);
                end.record(stream);
                timed.add(new Timed(
                        start,
                        end,
                        task,
                        task != null ? Timed.KERNEL : ops.getFirst() instanceof Read ? Timed.READ : Timed.WRITE));
                graphReplays++;
                return;
            }
        }
        for (Op op : ops) {
            CudaEvent start = event(), end = event();
            start.record(stream);
            submit(op);
            end.record(stream);
            timed.add(new Timed(
                    start,
                    end,
                    op instanceof Launch l ? l.task() : null,
                    op instanceof Launch ? Timed.KERNEL : op instanceof Write ? Timed.WRITE : Timed.READ));
        }
    }

    private void submit(Op op) {
        switch (op) {
            case Write w ->
                stream.copyToDevice(
                        w.buffer.cuda,
                        w.offset,
                        w.buffer.staged() ? w.buffer.staging().asSlice(w.offset, w.bytes) : w.src,
                        w.bytes);
            case Read r ->
                stream.copyToHost(
                        r.buffer.staged() ? r.buffer.staging().asSlice(r.offset, r.bytes) : r.dst,
                        r.buffer.cuda,
                        r.offset,
                        r.bytes);
            case Launch l -> stream.launch(l.function(), l.grid(), l.block(), 0, l.args());
        }
    }

    private void sync() {
        stream.synchronize();
        stagingInFlight.clear();
    }

    private CudaEvent event() {
        CudaEvent e = freeEvents.poll();
        return e != null ? e : context.createEvent();
    }

    private void dropGraphsUsing(Buffer b) {
        graphs.entrySet().removeIf(e -> {
            boolean uses =
                    e.getKey().stream().anyMatch(k -> ((List<?>) k).contains(b.cuda) || ((List<?>) k).contains(b));
            if (uses) {
                e.getValue().close();
            }
            return uses;
        });
        seenOnce.removeIf(k -> k.stream().anyMatch(o -> ((List<?>) o).contains(b.cuda) || ((List<?>) o).contains(b)));
    }

    @Override
    public synchronized DeviceTimings finish() {
        if (context == null) {
            return DeviceTimings.NONE;
        }
        flush();
        sync();
        Map<String, Long> kernels = new LinkedHashMap<>();
        long write = 0, read = 0;
        for (Timed t : timed) {
            long ns = (long) (t.start().elapsedMillis(t.end()) * 1e6);
            switch (t.kind()) {
                case Timed.KERNEL -> kernels.merge(t.task(), ns, Long::sum);
                case Timed.WRITE -> write += ns;
                default -> read += ns;
            }
            freeEvents.add(t.start());
            freeEvents.add(t.end());
        }
        timed.clear();
        return new DeviceTimings(kernels, write, read);
    }

    @Override
    public synchronized void close() {
        if (context == null) {
            return;
        }
        finish();
        graphs.values().forEach(CudaGraph::close);
        graphs.clear();
        seenOnce.clear();
        freeEvents.forEach(CudaEvent::close);
        freeEvents.clear();
        stream.close();
        context.close();
        stream = null;
        context = null;
        generation++;
    }

    @Override
    public long buildGeneration() {
        return generation;
    }

    @Override
    public String toString() {
        return id + " (" + properties.name() + ", " + device.smArch() + ")";
    }
}
