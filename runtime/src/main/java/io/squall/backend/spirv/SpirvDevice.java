package io.squall.backend.spirv;

import io.squall.api.exceptions.TornadoRuntimeException;
import io.squall.backend.CompiledTask;
import io.squall.backend.ComputeDevice;
import io.squall.backend.DeviceBuffer;
import io.squall.backend.DeviceProperties;
import io.squall.backend.DeviceTimings;
import io.squall.backend.LaunchRequest;
import io.squall.backend.opencl.OpenCLDevice;
import io.squall.backend.opencl.codegen.OpenCLEmitter;
import io.squall.backend.opencl.driver.CLBuildException;
import io.squall.backend.opencl.driver.CLContext;
import io.squall.backend.opencl.driver.CLDevice;
import io.squall.backend.opencl.driver.CLException;
import io.squall.backend.opencl.driver.CLProgram;
import io.squall.backend.spirv.codegen.SpirTranslator;
import io.squall.backend.spirv.codegen.SpirvBinary;
import io.squall.backend.spirv.codegen.SpirvEmitter;
import io.squall.backend.spirv.codegen.SpirvTools;
import io.squall.jit.CompileOptions;
import io.squall.jit.DeviceCapabilities;
import io.squall.jit.Kernel;

import java.lang.foreign.MemorySegment;

/**
 * An OpenCL device driven with SPIR-V kernels. Buffers, transfers, launches and timings are those of an
 * {@link OpenCLDevice} of its own (own context and queue, named {@code spirv:N}); kernels are the SPIR-V backend's,
 * loaded per the device's {@link SpirvRoute}.
 */
public final class SpirvDevice implements ComputeDevice {
    private final SpirvRoute route;
    private final OpenCLDevice opencl;

    SpirvDevice(int index, CLDevice device, SpirvRoute route) {
        this.route = route;
        String il = route == SpirvRoute.IL ? device.ilVersion() : "SPIR-V 1.0 via llvm-spirv to SPIR 1.2";
        this.opencl = new OpenCLDevice("spirv:" + index, device, il);
    }

    public CLDevice clDevice() {
        return opencl.clDevice();
    }

    public SpirvRoute route() {
        return route;
    }

    @Override
    public String id() {
        return opencl.id();
    }

    @Override
    public DeviceProperties properties() {
        return opencl.properties();
    }

    @Override
    public boolean usesHostMemory() {
        return false;
    }

    /** As on {@code opencl:N}, but sub-groups only through the Khronos extension (SPIR-V has no Intel sub-group ops here). */
    @Override
    public DeviceCapabilities capabilities() {
        CLDevice device = opencl.clDevice();
        boolean subGroups = device.extensions().contains("cl_khr_subgroups");
        return new DeviceCapabilities(
                device.hasFp64(),
                device.hasFp16(),
                subGroups,
                (int) Math.min(Integer.MAX_VALUE, device.maxWorkGroupSize()),
                device.openclCVersion());
    }

    @Override
    public DeviceBuffer allocate(long bytes) {
        return opencl.allocate(bytes);
    }

    @Override
    public DeviceBuffer wrapReadOnlyHost(MemorySegment host) {
        return opencl.wrapReadOnlyHost(host);
    }

    @Override
    public void write(DeviceBuffer dst, long dstOffset, MemorySegment src, long bytes, boolean blocking) {
        opencl.write(dst, dstOffset, src, bytes, blocking);
    }

    @Override
    public void read(DeviceBuffer src, long srcOffset, MemorySegment dst, long bytes) {
        opencl.read(src, srcOffset, dst, bytes);
    }

    @Override
    public CompiledTask build(Kernel kernel, CompileOptions options) {
        CLContext context = opencl.context();
        SpirvBinary module = SpirvEmitter.emit(kernel, capabilities());
        String buildOptions = OpenCLEmitter.buildOptions(options);
        CLProgram program;
        try {
            program = switch (route) {
                case IL -> context.buildIL(module.bytes(), buildOptions);
                case SPIR ->
                    context.buildBinary(
                            SpirTranslator.toSpirBitcode(module),
                            (SpirTranslator.BUILD_OPTIONS + " " + buildOptions).trim());
                case NONE -> throw new IllegalStateException(id() + " takes no SPIR-V");
            };
        } catch (CLBuildException e) {
            throw new TornadoRuntimeException(
                    "SPIR-V build of kernel " + kernel.entryName() + " (" + kernel.javaName() + ") failed on " + this
                            + ":\n" + e.buildLog(),
                    e);
        } catch (CLException | IllegalStateException e) {
            throw new TornadoRuntimeException(
                    "SPIR-V build of kernel " + kernel.entryName() + " (" + kernel.javaName() + ") failed on " + this
                            + ": " + e.getMessage(),
                    e);
        }
        // The disassembly is made only when the code is printed; scalars go in as the entry point declares them (halves
        // as bits).
        return opencl.wrapProgram(
                program, kernel.entryName(), () -> SpirvTools.disassemble(module), OpenCLDevice.HalfArgument.AS_BITS);
    }

    @Override
    public void launch(LaunchRequest request) {
        opencl.launch(request);
    }

    @Override
    public DeviceTimings finish() {
        return opencl.finish();
    }

    @Override
    public void close() {
        opencl.close();
    }

    @Override
    public String toString() {
        return id() + " (" + properties().name() + ", " + route + ")";
    }
}
