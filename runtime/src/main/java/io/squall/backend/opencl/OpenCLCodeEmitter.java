package io.squall.backend.opencl;

import io.squall.backend.CodeEmitter;
import io.squall.backend.opencl.codegen.OpenCLEmitter;
import io.squall.jit.CompileOptions;
import io.squall.jit.DeviceCapabilities;
import io.squall.jit.Kernel;

import java.nio.charset.StandardCharsets;

/** OpenCL C for a generic OpenCL 1.2 device; {@code target} is ignored. */
public final class OpenCLCodeEmitter implements CodeEmitter {
    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public String fileExtension() {
        return "cl";
    }

    @Override
    public byte[] emit(Kernel kernel, CompileOptions options, String target) {
        return OpenCLEmitter.emit(kernel, DeviceCapabilities.generic()).getBytes(StandardCharsets.UTF_8);
    }
}
