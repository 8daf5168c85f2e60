package io.squall.backend.opencl;

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
import io.squall.backend.opencl.codegen.OpenCLEmitter;
import io.squall.backend.opencl.driver.CLBuffer;
import io.squall.backend.opencl.driver.CLBuildException;
import io.squall.backend.opencl.driver.CLCommandQueue;
import io.squall.backend.opencl.driver.CLContext;
import io.squall.backend.opencl.driver.CLDevice;
import io.squall.backend.opencl.driver.CLEvent;
import io.squall.backend.opencl.driver.CLException;
import io.squall.backend.opencl.driver.CLKernel;
import io.squall.backend.opencl.driver.CLProgram;
import io.squall.jit.CompileOptions;
import io.squall.jit.DeviceCapabilities;
import io.squall.jit.Kernel;
import io.squall.jit.KernelParam;
import io.squall.jit.ir.ScalarType;
import io.squall.jit.ir.Type;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** One OpenCL device: one context and one in-order profiling queue, opened on first use. */
public final class OpenCLDevice implements ComputeDevice {
    private final String id;
    private final CLDevice device;
    private final DeviceProperties properties;
    private CLContext context;
    private CLCommandQueue queue;
    /** Events enqueued since the last finish(), with what they timed. */
    private final List<Pending> pending = new ArrayList<>();

    private record Pending(CLEvent event, String task, int kind) {
        static final int KERNEL = 0, WRITE = 1, READ = 2;
    }

    /** How a kernel takes a binary16 scalar: OpenCL C holds halves widened to float, SPIR-V entry points take the 16 bits. */
    public enum HalfArgument {
        AS_FLOAT,
        AS_BITS
    }

    OpenCLDevice(int index, CLDevice device) {
        this("opencl:" + index, device, device.ilVersion());
    }

    /**
     * A device with its own context and queue on {@code device}, named {@code id} in errors and properties; for backends
     * that reuse this machinery with kernels of their own ({@link #wrapProgram}).
     */
    public OpenCLDevice(String id, CLDevice device, String ilVersion) {
        this.id = id;
        this.device = device;
        this.properties = new DeviceProperties(
                id,
                device.name(),
                device.vendor(),
                device.platform().name(),
                device.version(),
                device.driverVersion(),
                switch (device.type()) {
                    case CPU -> TornadoDeviceType.CPU;
                    case GPU -> TornadoDeviceType.GPU;
                    case ACCELERATOR -> TornadoDeviceType.ACCELERATOR;
                    default -> TornadoDeviceType.CUSTOM;
                },
                device.globalMemSize(),
                device.localMemSize(),
                device.maxMemAllocSize(),
                device.maxComputeUnits(),
                device.maxWorkGroupSize(),
                device.maxWorkItemSizes(),
                device.maxClockMhz(),
                device.extensions(),
                device.openclCVersion(),
                ilVersion);
    }

    /** The driver's device, for code that needs OpenCL specifics (binaries, SPIR-V). */
    public CLDevice clDevice() {
        return device;
    }

    /** This device's context, opened on first use. */
    public synchronized CLContext context() {
        open();
        return context;
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
        Set<String> ext = device.extensions();
        boolean subGroups = ext.contains("cl_khr_subgroups") || ext.contains("cl_intel_subgroups");
        return new DeviceCapabilities(
                device.hasFp64(),
                device.hasFp16(),
                subGroups,
                (int) Math.min(Integer.MAX_VALUE, device.maxWorkGroupSize()),
                device.openclCVersion());
    }

    private void open() {
        if (context == null) {
            context = CLContext.create(device);
            queue = context.createQueue(true);
        }
    }

    @Override
    public synchronized DeviceBuffer allocate(long bytes) {
        open();
        if (bytes > properties.maxAllocation()) {
            throw new TornadoOutOfMemoryException("cannot allocate " + bytes + " bytes on " + id + " ("
                    + properties.name() + "): its largest allocation is " + properties.maxAllocation() + " bytes");
        }
        try {
            return new Buffer(context.allocate(Math.max(MIN_ALLOCATION, bytes)), bytes);
        } catch (CLException e) {
            throw new TornadoOutOfMemoryException(
                    "cannot allocate " + bytes + " bytes on " + id + " (" + properties.name() + "): " + e.getMessage());
        }
    }

    /**
     * On CPU-type devices ({@code CL_MEM_USE_HOST_PTR}; PoCL reads the host memory in place), unless
     * {@code -Dsquall.opencl.hostBuffers=false}; null elsewhere (a GPU would copy it over the bus at each use) or when the
     * driver refuses it (the executor then allocates and copies as usual).
     */
    @Override
    public synchronized DeviceBuffer wrapReadOnlyHost(MemorySegment host) {
        if (properties.type() != TornadoDeviceType.CPU
                || !host.isNative()
                || host.byteSize() < MIN_ALLOCATION
                || !Boolean.parseBoolean(System.getProperty(HOST_BUFFERS, "true"))) {
            return null;
        }
        open();
        try {
            return new Buffer(context.wrapReadOnly(host), host.byteSize());
        } catch (CLException | IllegalArgumentException e) {
            return null;
        }
    }

    /** {@code squall.opencl.hostBuffers}: whether CPU devices read read-only host arrays in place (default true). */
    public static final String HOST_BUFFERS = "squall.opencl.hostBuffers";

    /** Bytes allocated at least: one element of the widest type, which a guarded load of an empty array reads (index 0). */
    static final long MIN_ALLOCATION = 8;

    private record Buffer(CLBuffer cl, long size) implements DeviceBuffer {
        @Override
        public void close() {
            cl.close();
        }
    }

    @Override
    public synchronized void write(DeviceBuffer dst, long dstOffset, MemorySegment src, long bytes, boolean blocking) {
        if (bytes == 0) {
            return;
        }
        pending.add(
                new Pending(queue.write(((Buffer) dst).cl(), dstOffset, src, bytes, blocking), null, Pending.WRITE));
    }

    @Override
    public synchronized void read(DeviceBuffer src, long srcOffset, MemorySegment dst, long bytes) {
        if (bytes == 0) {
            return;
        }
        pending.add(new Pending(queue.read(((Buffer) src).cl(), srcOffset, dst, bytes, true), null, Pending.READ));
    }

    @Override
    public synchronized CompiledTask build(Kernel kernel, CompileOptions options) {
        return buildSource(
                kernel.entryName(),
                kernel.javaName(),
                OpenCLEmitter.emit(kernel, capabilities()),
                OpenCLEmitter.buildOptions(options));
    }

    /** Builds OpenCL C source with entry point {@code entryName}; a build failure names the kernel and carries the build log. */
    public synchronized CompiledTask buildSource(
            String entryName, String javaName, String source, String buildOptions) {
        open();
        CLProgram program;
        try {
            program = context.buildSource(source, buildOptions);
        } catch (CLBuildException e) {
            throw new TornadoRuntimeException(
                    "OpenCL build of kernel " + entryName + " (" + javaName + ") failed on " + id + " ("
                            + properties.name() + "):\n" + e.buildLog(),
                    e);
        }
        return new Program(program, program.kernel(entryName), () -> source, entryName, HalfArgument.AS_FLOAT);
    }

    @Override
    public CompiledTask loadBinary(Kernel kernel, byte[] binary, String origin, CompileOptions options) {
        return loadBinary(kernel.entryName(), binary, origin, OpenCLEmitter.buildOptions(options));
    }

    /**
     * Loads a device binary (clCreateProgramWithBinary) and, when {@code entryName} is not null, checks it has that kernel.
     * Errors name the binary's origin and this device.
     */
    public synchronized CompiledTask loadBinary(String entryName, byte[] binary, String origin, String buildOptions) {
        open();
        CLProgram program;
        try {
            program = context.buildBinary(binary, buildOptions);
        } catch (CLBuildException e) {
            throw new TornadoRuntimeException(
                    "kernel binary " + origin + " does not build on " + id + " (" + properties.name() + "):\n"
                            + e.buildLog(),
                    e);
        } catch (CLException | IllegalArgumentException e) {
            throw new TornadoRuntimeException(
                    "kernel binary " + origin + " does not match " + id + " (" + properties.name() + "): "
                            + e.getMessage(),
                    e);
        }
        if (entryName == null) {
            return new Program(program, null, () -> "// precompiled binary " + origin, null, HalfArgument.AS_FLOAT);
        }
        CLKernel kernel;
        try {
            kernel = program.kernel(entryName);
        } catch (CLException e) {
            program.close();
            throw new TornadoRuntimeException(
                    "kernel binary " + origin + " has no kernel " + entryName + " for " + id + " (" + properties.name()
                            + "): it was built from another task's code",
                    e);
        }
        return new Program(
                program,
                kernel,
                () -> "// precompiled binary " + origin + " (kernel " + entryName + ")",
                entryName,
                HalfArgument.AS_FLOAT);
    }

    /**
     * Wraps a program built in {@link #context()} (e.g. from SPIR-V) as a task this device launches; {@code printableCode}
     * is called only when the code is printed.
     */
    public CompiledTask wrapProgram(
            CLProgram program, String entryName, Supplier<String> printableCode, HalfArgument halves) {
        return new Program(program, program.kernel(entryName), printableCode, entryName, halves);
    }

    private record Program(
            CLProgram program, CLKernel kernel, Supplier<String> code, String entryName, HalfArgument halves)
            implements CompiledTask {
        @Override
        public String printableCode() {
            return code.get();
        }
    }

    @Override
    public synchronized void launch(LaunchRequest r) {
        Program p = (Program) r.compiled();
        CLKernel k = p.kernel();
        List<KernelParam> params = r.kernel().params();
        for (int i = 0; i < params.size(); i++) {
            KernelParam param = params.get(i);
            switch (param.kind()) {
                case BUFFER -> k.setArg(i, ((Buffer) r.buffers()[param.javaArgIndex()]).cl());
                case LENGTH -> k.setArg(i, KernelArguments.elementCount(r.args()[param.javaArgIndex()]));
                case SCALAR -> setScalar(k, i, param.type(), r.args()[param.javaArgIndex()], p.halves(), r.taskName());
                case FIELD -> k.setArg(i, KernelArguments.intField(r.args()[param.javaArgIndex()], param.field()));
                case ERROR_BUFFER -> k.setArg(i, ((Buffer) r.errors()).cl());
            }
        }
        pending.add(new Pending(queue.launch(k, r.global(), r.local()), r.taskName(), Pending.KERNEL));
    }

    private static void setScalar(CLKernel k, int index, Type type, Object arg, HalfArgument halves, String task) {
        ScalarType st = type instanceof ScalarType s ? s : null;
        if (st == null) {
            throw new TornadoRuntimeException(
                    "task " + task + ": kernel parameter " + index + " is a scalar of type " + type);
        }
        switch (st) {
            case I1, I8 -> k.setArg(index, (byte) KernelArguments.asLong(arg));
            case I16 -> k.setArg(index, (short) KernelArguments.asLong(arg));
            case I32 -> k.setArg(index, (int) KernelArguments.asLong(arg));
            case I64 -> k.setArg(index, KernelArguments.asLong(arg));
            case F16 -> {
                short bits = arg instanceof HalfFloat h
                        ? h.getHalfFloatValue()
                        : HalfFloat.toHalf(((Number) arg).floatValue());
                // The OpenCL C emitter holds halves widened to float (see OpenCLTypes): the value goes in as a float
                // rounded to binary16.
                switch (halves) {
                    case AS_FLOAT -> k.setArg(index, HalfFloat.toFloat(bits));
                    case AS_BITS -> k.setArg(index, bits);
                }
            }
            case F32 -> k.setArg(index, ((Number) arg).floatValue());
            case F64 -> k.setArg(index, ((Number) arg).doubleValue());
        }
    }

    @Override
    public synchronized DeviceTimings finish() {
        if (queue == null) {
            return DeviceTimings.NONE;
        }
        queue.finish();
        Map<String, Long> kernels = new LinkedHashMap<>();
        long write = 0, read = 0;
        for (Pending p : pending) {
            long ns = p.event().durationNs();
            switch (p.kind()) {
                case Pending.KERNEL -> kernels.merge(p.task(), ns, Long::sum);
                case Pending.WRITE -> write += ns;
                default -> read += ns;
            }
            p.event().close();
        }
        pending.clear();
        return new DeviceTimings(kernels, write, read);
    }

    @Override
    public synchronized void close() {
        if (queue != null) {
            finish();
            queue.close();
            context.close();
            queue = null;
            context = null;
        }
    }

    @Override
    public String toString() {
        return id + " (" + properties.name() + ")";
    }
}
