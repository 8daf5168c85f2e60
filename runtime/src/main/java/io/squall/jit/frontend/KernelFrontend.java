package io.squall.jit.frontend;

import io.squall.jit.ArgSpec;
import io.squall.jit.CompileOptions;
import io.squall.jit.Kernel;
import java.lang.reflect.Method;
import java.util.List;

/** Bytecode of a kernel method to IR (work in progress on this branch). */
public final class KernelFrontend {
    private KernelFrontend() {
    }

    public static Kernel compile(Method method, List<ArgSpec> args, CompileOptions options) {
        throw new UnsupportedOperationException("frontend not yet committed");
    }
}
