package io.squall.backend.spirv.codegen;

import io.squall.jit.ArgSpec;
import io.squall.jit.CompileOptions;
import io.squall.jit.DeviceCapabilities;
import io.squall.jit.Kernel;
import io.squall.jit.ResolvedTask;
import io.squall.jit.TaskResolver;
import io.squall.jit.compiler.JitCompiler;
import io.squall.suite.SuiteCase;

import java.util.ArrayList;
import java.util.List;

/** Compiles suite cases as a launcher would (one ArgSpec per argument, from the case's inputs). */
final class SuiteKernels {
    private SuiteKernels() {}

    /** A device with everything the suite may use (doubles, sub-groups). */
    static final DeviceCapabilities FULL = new DeviceCapabilities(true, false, true, 1024, "OpenCL C 3.0");

    static Kernel compile(SuiteCase c, boolean specialize) {
        return compile(c, specialize, CompileOptions.AccessChecks.NONE);
    }

    static Kernel compile(SuiteCase c, boolean specialize, CompileOptions.AccessChecks checks) {
        Object[] args = c.inputs().get();
        List<ArgSpec> specs = new ArrayList<>();
        for (Object a : args) {
            boolean scalar = a instanceof Number || a instanceof Boolean || a instanceof Character;
            specs.add(new ArgSpec(a.getClass(), specialize && scalar ? a : null));
        }
        ResolvedTask t = TaskResolver.resolve(c.task());
        return JitCompiler.compile(t.method(), specs, new CompileOptions(false, specialize, checks));
    }
}
