package io.squall.jit.compiler;

import io.squall.jit.ArgSpec;
import io.squall.jit.CompileOptions;
import io.squall.jit.Kernel;
import io.squall.jit.frontend.KernelFrontend;
import io.squall.jit.passes.PassPipeline;

import java.lang.reflect.Method;
import java.util.List;

/**
 * Bytecode to optimized IR: the frontend, then the passes. Each backend's code generator takes it from there
 * ({@code backend.opencl.codegen.OpenCLEmitter}, {@code backend.ptx.codegen.PtxEmitter}, {@code backend.spirv.codegen.SpirvEmitter}).
 *
 * <p>ABI of generated kernels: every array argument (off-heap array or Java primitive array) becomes a BUFFER parameter
 * (pointer to the elements) followed by a LENGTH parameter (int); each scalar argument is a SCALAR parameter (kept when
 * specialized, so binding never changes); a KernelContext argument has no parameter. A matrix or vector argument
 * (Matrix2DFloat, Float4, ...) passes its off-heap storage as BUFFER and LENGTH, then each int field (rows, columns,
 * ...) as a FIELD parameter; an AtomicInteger passes one int as BUFFER and LENGTH.
 */
public final class JitCompiler {
    private JitCompiler() {}

    /** Bytecode to verified SSA IR, optimized. {@code args}: one ArgSpec per Java parameter, in order. */
    public static Kernel compile(Method method, List<ArgSpec> args, CompileOptions options) {
        Kernel kernel = KernelFrontend.compile(method, args, options);
        PassPipeline.run(kernel, args, options);
        return kernel;
    }
}
