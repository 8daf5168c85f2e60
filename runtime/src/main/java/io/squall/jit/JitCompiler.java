package io.squall.jit;

import io.squall.jit.frontend.KernelFrontend;
import io.squall.jit.opencl.OpenCLEmitter;
import io.squall.jit.passes.PassPipeline;
import java.lang.reflect.Method;
import java.util.List;

/**
 * Bytecode to IR to device code.
 *
 * <p>ABI of generated kernels: every array argument (off-heap array or Java primitive array) becomes a BUFFER parameter
 * (pointer to the elements) followed by a LENGTH parameter (int); each scalar argument is a SCALAR parameter (kept when
 * specialized, so binding never changes); a KernelContext argument has no parameter. A matrix or vector argument
 * (Matrix2DFloat, Float4, ...) passes its off-heap storage as BUFFER and LENGTH, then each int field (rows, columns,
 * ...) as a FIELD parameter; an AtomicInteger passes one int as BUFFER and LENGTH.
 */
public final class JitCompiler {
    private JitCompiler() {
    }

    /** Bytecode to verified SSA IR, optimized. {@code args}: one ArgSpec per Java parameter, in order. */
    public static Kernel compile(Method method, List<ArgSpec> args, CompileOptions options) {
        Kernel kernel = KernelFrontend.compile(method, args, options);
        PassPipeline.run(kernel, args, options);
        return kernel;
    }

    /** OpenCL C source with one {@code __kernel} entry point named {@code kernel.entryName()}. */
    public static String emitOpenCL(Kernel kernel, DeviceCapabilities caps) {
        return OpenCLEmitter.emit(kernel, caps);
    }

    /** clBuildProgram options: precise math by default; relaxed math only when fastMath was asked for. */
    public static String openclBuildOptions(CompileOptions options) {
        return options.fastMath() ? "-cl-fast-relaxed-math -cl-mad-enable" : "";
    }
}
