package io.squall.backend.spirv;

import io.squall.backend.CodeEmitter;
import io.squall.backend.spirv.codegen.SpirvEmitter;
import io.squall.jit.CompileOptions;
import io.squall.jit.DeviceCapabilities;
import io.squall.jit.Kernel;

/**
 * {@code tornado --emit spirv}: the SPIR-V module of each task ({@code <graph>.<task>.spv}), written with no SPIR-V
 * device present. Doubles and sub-groups are allowed here; whether a device has them is checked when it builds.
 * {@code target} is not used.
 */
public final class SpirvCodeEmitter implements CodeEmitter {
    private static final DeviceCapabilities ANY_DEVICE =
            new DeviceCapabilities(true, false, true, Integer.MAX_VALUE, "OpenCL C 1.2");

    @Override
    public String name() {
        return "spirv";
    }

    @Override
    public String fileExtension() {
        return "spv";
    }

    @Override
    public byte[] emit(Kernel kernel, CompileOptions options, String target) {
        return SpirvEmitter.emit(kernel, ANY_DEVICE).bytes();
    }
}
