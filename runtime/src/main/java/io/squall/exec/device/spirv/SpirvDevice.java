package io.squall.exec.device.spirv;

import io.squall.api.enums.TornadoDeviceType;
import io.squall.api.exceptions.TornadoMemoryException;
import io.squall.api.exceptions.TornadoRuntimeException;
import io.squall.api.types.HalfFloat;
import io.squall.api.types.arrays.TornadoNativeArray;
import io.squall.device.DeviceProperties;
import io.squall.driver.opencl.CLBuffer;
import io.squall.driver.opencl.CLBuildException;
import io.squall.driver.opencl.CLCommandQueue;
import io.squall.driver.opencl.CLContext;
import io.squall.driver.opencl.CLDevice;
import io.squall.driver.opencl.CLEvent;
import io.squall.driver.opencl.CLException;
import io.squall.driver.opencl.CLKernel;
import io.squall.driver.opencl.CLProgram;
import io.squall.exec.device.CompiledTask;
import io.squall.exec.device.ComputeDevice;
import io.squall.exec.device.DeviceBuffer;
import io.squall.exec.device.DeviceTimings;
import io.squall.exec.device.LaunchRequest;
import io.squall.jit.CompileOptions;
import io.squall.jit.DeviceCapabilities;
import io.squall.jit.JitCompiler;
import io.squall.jit.Kernel;
import io.squall.jit.KernelParam;
import io.squall.jit.ir.ScalarType;
import io.squall.jit.spirv.SpirTranslator;
import io.squall.jit.spirv.SpirvBinary;
import io.squall.jit.spirv.SpirvEmitter;
import io.squall.jit.spirv.SpirvTools;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An OpenCL device driven with SPIR-V kernels: one context and one in-order profiling queue of its own, opened on
 * first use. Buffers, transfers and launches work as on {@code opencl:N}; kernels are the SPIR-V backend's, loaded
 * per the device's {@link SpirvRoute}.
 */
public final class SpirvDevice implements ComputeDevice {
    private final String id;
    private final CLDevice device;
    private final SpirvRoute route;
    private final DeviceProperties properties;
    private CLContext context;
    private CLCommandQueue queue;
    private final List<Pending> pending = new ArrayList<>();

    /** An event enqueued since the last finish(): a kernel of {@code task}, or a transfer (task null). */
    private record Pending(CLEvent event, String task, boolean read) {
    }

    SpirvDevice(int index, CLDevice device, SpirvRoute route) {
        this.id = "spirv:" + index;
        this.device = device;
        this.route = route;
        String il = route == SpirvRoute.IL ? device.ilVersion() : "SPIR-V 1.0 via llvm-spirv to SPIR 1.2";
        this.properties = new DeviceProperties(id, device.name(), device.vendor(), device.platform().name(), device.version(),
                device.driverVersion(), switch (device.type()) {
                    case CPU -> TornadoDeviceType.CPU;
                    case GPU -> TornadoDeviceType.GPU;
                    case ACCELERATOR -> TornadoDeviceType.ACCELERATOR;
                    default -> TornadoDeviceType.CUSTOM;
                }, device.globalMemSize(), device.localMemSize(), device.maxMemAllocSize(), device.maxComputeUnits(),
                device.maxWorkGroupSize(), device.maxWorkItemSizes(), device.maxClockMhz(), device.extensions(),
                device.openclCVersion(), il);
    }

    public CLDevice clDevice() {
        return device;
    }

    public SpirvRoute route() {
        return route;
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
        boolean subGroups = ext.contains("cl_khr_subgroups");
        return new DeviceCapabilities(device.hasFp64(), device.hasFp16(), subGroups,
                (int) Math.min(Integer.MAX_VALUE, device.maxWorkGroupSize()), device.openclCVersion());
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
            throw new TornadoMemoryException("cannot allocate " + bytes + " bytes on " + id + " (" + properties.name()
                    + "): its largest allocation is " + properties.maxAllocation() + " bytes");
        }
        try {
            return new Buffer(context.allocate(Math.max(1, bytes)), bytes);
        } catch (CLException e) {
            throw new TornadoMemoryException("cannot allocate " + bytes + " bytes on " + id + " (" + properties.name() + "): " + e.getMessage());
        }
    }

    private record Buffer(CLBuffer cl, long size) implements DeviceBuffer {
        @Override
        public void close() {
            cl.close();
        }
    }

    @Override
    public synchronized void write(DeviceBuffer dst, long dstOffset, MemorySegment src, long bytes, boolean blocking) {
        if (bytes > 0) {
            pending.add(new Pending(queue.write(((Buffer) dst).cl(), dstOffset, src, bytes, blocking), null, false));
        }
    }

    @Override
    public synchronized void read(DeviceBuffer src, long srcOffset, MemorySegment dst, long bytes) {
        if (bytes > 0) {
            pending.add(new Pending(queue.read(((Buffer) src).cl(), srcOffset, dst, bytes, true), null, true));
        }
    }

    @Override
    public synchronized CompiledTask build(Kernel kernel, CompileOptions options) {
        open();
        SpirvBinary module = SpirvEmitter.emit(kernel, capabilities());
        String buildOptions = JitCompiler.openclBuildOptions(options);
        CLProgram program;
        try {
            program = switch (route) {
                case IL -> context.buildIL(module.bytes(), buildOptions);
                case SPIR -> context.buildBinary(SpirTranslator.toSpirBitcode(module), (SpirTranslator.BUILD_OPTIONS + " " + buildOptions).trim());
                case NONE -> throw new IllegalStateException(id + " takes no SPIR-V");
            };
        } catch (CLBuildException e) {
            throw new TornadoRuntimeException("SPIR-V build of kernel " + kernel.entryName() + " (" + kernel.javaName() + ") failed on "
                    + id + " (" + properties.name() + ", " + route + "):\n" + e.buildLog(), e);
        } catch (CLException | IllegalStateException e) {
            throw new TornadoRuntimeException("SPIR-V build of kernel " + kernel.entryName() + " (" + kernel.javaName() + ") failed on "
                    + id + " (" + properties.name() + ", " + route + "): " + e.getMessage(), e);
        }
        return new Program(program, program.kernel(kernel.entryName()), module);
    }

    /** A built program; its printable form is the disassembly, made only when asked for. */
    private record Program(CLProgram program, CLKernel kernel, SpirvBinary module) implements CompiledTask {
        @Override
        public String printableCode() {
            return SpirvTools.disassemble(module);
        }

        @Override
        public String entryName() {
            return module.entryName();
        }
    }

    @Override
    public synchronized void launch(LaunchRequest r) {
        CLKernel k = ((Program) r.compiled()).kernel();
        List<KernelParam> params = r.kernel().params();
        for (int i = 0; i < params.size(); i++) {
            KernelParam param = params.get(i);
            Object arg = r.args()[param.javaArgIndex()];
            switch (param.kind()) {
                case BUFFER -> k.setArg(i, ((Buffer) r.buffers()[param.javaArgIndex()]).cl());
                case LENGTH -> k.setArg(i, arg instanceof TornadoNativeArray a ? a.getSize() : java.lang.reflect.Array.getLength(arg));
                case SCALAR -> setScalar(k, i, param, arg, r.taskName());
            }
        }
        pending.add(new Pending(queue.launch(k, r.global(), r.local()), r.taskName(), false));
    }

    /** Scalars as the SPIR-V entry point declares them: booleans as a char, halves as their binary16 bits. */
    private static void setScalar(CLKernel k, int index, KernelParam param, Object arg, String task) {
        if (!(param.type() instanceof ScalarType st)) {
            throw new TornadoRuntimeException("task " + task + ": kernel parameter " + index + " is a scalar of type " + param.type());
        }
        switch (st) {
            case I1, I8 -> k.setArg(index, (byte) asLong(arg));
            case I16 -> k.setArg(index, (short) asLong(arg));
            case I32 -> k.setArg(index, (int) asLong(arg));
            case I64 -> k.setArg(index, asLong(arg));
            case F16 -> k.setArg(index, arg instanceof HalfFloat h ? h.getHalfFloatValue() : HalfFloat.toHalf(((Number) arg).floatValue()));
            case F32 -> k.setArg(index, ((Number) arg).floatValue());
            case F64 -> k.setArg(index, ((Number) arg).doubleValue());
        }
    }

    private static long asLong(Object v) {
        return switch (v) {
            case Boolean b -> b ? 1 : 0;
            case Character c -> c;
            case Number n -> n.longValue();
            default -> throw new IllegalArgumentException("not a scalar: " + v);
        };
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
            if (p.task() != null) {
                kernels.merge(p.task(), ns, Long::sum);
            } else if (p.read()) {
                read += ns;
            } else {
                write += ns;
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
        return id + " (" + properties.name() + ", " + route + ")";
    }
}
